import { describe, expect, it } from 'vitest';
import { CATALOGUE, codeOf, type DiagnosticKey } from '../../compiler/diagnostics/catalogue.ts';

describe('CATALOGUE', () => {
  const entries = Object.entries(CATALOGUE);

  it('gives every entry a code of the form E1234 or W1234', () => {
    for (const [key, e] of entries) expect(e.code, key).toMatch(/^[EW]\d{4}$/);
  });

  it('never gives two entries the same code', () => {
    const seen = new Map<string, string>();
    for (const [key, e] of entries) {
      expect(seen.get(e.code), `${key} reuses ${e.code}`).toBeUndefined();
      seen.set(e.code, key);
    }
    expect(seen.size).toBe(entries.length);
  });

  it('starts warning codes with W and error codes with E', () => {
    for (const [key, e] of entries) expect(e.code[0], key).toBe(e.severity === 'warning' ? 'W' : 'E');
  });

  it('maps keys to codes', () => {
    expect(codeOf('ChannelMismatch' as DiagnosticKey)).toBe('E0301');
  });
});
