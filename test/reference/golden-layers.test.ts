import { describe, expect, it } from 'vitest';
import { runGraph } from '../../runtime/reference/index.ts';
import { expectClose, listGoldenCases, loadGoldenCase, weightsOf } from '../golden.ts';
import { goldenToGraph } from '../golden-to-ir.ts';

const ids = listGoldenCases('layer');

describe('reference kernels match PyTorch on every golden layer case', () => {
  it('finds the layer cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(39);
  });

  it.each(ids)('%s', (id) => {
    const c = loadGoldenCase(id);
    const graph = goldenToGraph(c);
    const out = runGraph(graph, c.input, weightsOf(c.params));
    const y = out[graph.outputs[0]];
    expect(y.shape).toEqual(c.outputShape);
    expectClose(y, c.output!, c.tolerance!, id);
  });
});
