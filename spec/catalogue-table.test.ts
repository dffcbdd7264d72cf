import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS } from '../compiler/2-analyze/ops/registry.ts';
import { CATALOGUE } from '../compiler/diagnostics/catalogue.ts';
import {
  catalogueTable,
  LANGUAGE_MD,
  TABLE_END,
  TABLE_START,
  withCurrentTable,
} from '../scripts/gen-catalogue-table.ts';

const markdown = readFileSync(LANGUAGE_MD, 'utf8');

describe('spec/LANGUAGE.md', () => {
  it('has the current diagnostics table', () => {
    expect(
      markdown === withCurrentTable(markdown),
      'the diagnostics table in spec/LANGUAGE.md is out of date: run `npx tsx scripts/gen-catalogue-table.ts`',
    ).toBe(true);
  });

  it('generates one row per catalogue entry', () => {
    const rows = catalogueTable().split('\n').slice(2);
    expect(rows).toHaveLength(Object.keys(CATALOGUE).length);
    expect(rows[0]).toBe('| E0101 | error | UnexpectedCharacter | a character that cannot start any token |');
    expect(rows.find((r) => r.startsWith('| W0220 '))).toContain('| warning | UnusedLayer |');
  });

  it('replaces only what lies between the markers', () => {
    const doc = `# Title\n\n${TABLE_START}\nstale\n${TABLE_END}\n\nafter\n`;
    expect(withCurrentTable(doc)).toBe(`# Title\n\n${TABLE_START}\n${catalogueTable()}\n${TABLE_END}\n\nafter\n`);
    expect(() => withCurrentTable('# no markers')).toThrow(/markers/);
  });

  it('has a section for every op', () => {
    const headings = markdown.split('\n').filter((l) => l.startsWith('### '));
    for (const op of OPS.keys())
      expect(
        headings.some((h) => new RegExp(`\\b${op}\\b`).test(h)),
        `a ### heading naming ${op}`,
      ).toBe(true);
  });

  it('names in the op sections only codes the catalogue has', () => {
    const codes = new Set(Object.values(CATALOGUE).map((e) => e.code));
    const body = markdown.slice(0, markdown.indexOf(TABLE_START));
    const unknown = [...new Set(body.match(/\b[EW]\d{4}\b/g) ?? [])].filter((c) => !codes.has(c));
    expect(unknown).toEqual([]);
  });
});
