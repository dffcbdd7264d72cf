import { describe, expect, it } from 'vitest';
import { runGraph } from '../../runtime/reference/index.ts';
import { expectClose, listGoldenCases, loadGoldenCase, weightsOf } from '../golden.ts';
import { goldenToGraph } from '../golden-to-ir.ts';

const ids = listGoldenCases('model');

describe('reference runGraph matches PyTorch on every golden model case', () => {
  it('finds the model cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(9);
  });

  it.each(ids)('%s', (id) => {
    const c = loadGoldenCase(id);
    const graph = goldenToGraph(c);
    const seen: Record<string, number[]> = {};
    const out = runGraph(graph, c.input, weightsOf(c.params), {
      tap: (nodeId, t) => {
        seen[nodeId] = [...t.shape];
      },
    });
    // every layer ran once, in order, with PyTorch's shape
    expect(Object.keys(seen)).toEqual(c.layers.map((l) => l.name));
    expect(seen).toEqual(c.intermediateShapes);
    expectClose(out[graph.outputs[0]], c.output!, c.tolerance!, id);
  });
});
