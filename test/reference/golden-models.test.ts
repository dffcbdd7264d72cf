import { describe, expect, it } from 'vitest';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { referenceOutput } from '../golden-to-ir.ts';

const ids = listGoldenCases('model');

describe('reference runGraph matches PyTorch on every golden model case', () => {
  it('finds the model cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(9);
  });

  it.each(ids)('%s', (id) => {
    const c = loadGoldenCase(id);
    const seen: Record<string, number[]> = {};
    const y = referenceOutput(c, c.params, {
      tap: (nodeId, t) => {
        seen[nodeId] = [...t.shape];
      },
    });
    // every layer ran once, in order, with PyTorch's shape
    expect(Object.keys(seen)).toEqual(c.layers.map((l) => l.name));
    expect(seen).toEqual(c.intermediateShapes);
    expectClose(y, c.output!, c.tolerance!, id);
  });
});
