import { describe, expect, it } from 'vitest';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { referenceOutput } from '../golden-to-ir.ts';

const ids = listGoldenCases('layer');

describe('reference kernels match PyTorch on every golden layer case', () => {
  it('finds the layer cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(39);
  });

  it.each(ids)('%s', (id) => {
    const c = loadGoldenCase(id);
    const y = referenceOutput(c);
    expect(y.shape).toEqual(c.outputShape);
    expectClose(y, c.output!, c.tolerance!, id);
  });
});
