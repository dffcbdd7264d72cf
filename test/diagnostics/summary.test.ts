import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../compiler/diagnostics/render/rich.ts';
import { channelMismatch, linearInFeatures, unusedBlockBody } from './fixtures.ts';

describe('renderSummary', () => {
  it('counts errors and warnings with correct plurals', () => {
    const e = channelMismatch();
    const w = unusedBlockBody();
    expect(renderSummary([e, linearInFeatures(), w], 'lenet.cnn')).toBe(
      'error: could not compile `lenet.cnn` due to 2 errors; 1 warning emitted\n',
    );
    expect(renderSummary([e], 'lenet.cnn')).toBe('error: could not compile `lenet.cnn` due to 1 error\n');
    expect(renderSummary([e, w, w], 'lenet.cnn')).toBe(
      'error: could not compile `lenet.cnn` due to 1 error; 2 warnings emitted\n',
    );
    expect(renderSummary([w], 'lenet.cnn')).toBe('warning: `lenet.cnn` generated 1 warning\n');
    expect(renderSummary([], 'lenet.cnn')).toBe('');
  });

  it('colours the severity word only when asked', () => {
    const out = renderSummary([channelMismatch()], 'a.cnn', { color: true });
    expect(out.startsWith('\x1b[1;31merror\x1b[0m')).toBe(true);
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderSummary([channelMismatch()], 'a.cnn'));
  });
});
