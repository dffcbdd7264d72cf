import { describe, expect, it } from 'vitest';
import type { Graph } from '../../compiler/ir/graph.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { listGoldenCases, loadGoldenCase, type GoldenCase } from '../golden.ts';
import { goldenToGraph } from '../golden-to-ir.ts';

/** Zero feeds and zero weights: these cases carry no data, only shapes. */
function zeros(c: GoldenCase, graph: Graph): { feeds: Record<string, Tensor>; weights: Map<string, Tensor> } {
  const feeds = Object.fromEntries(Object.entries(c.inputShapes).map(([k, s]) => [k, tensor(s)]));
  const weights = new Map<string, Tensor>();
  // an invalid layer may imply a fractional weight shape (in/groups); floor it so the kernel sees the layer
  for (const n of graph.nodes) for (const p of n.params) weights.set(p.key, tensor(p.shape.map(Math.floor)));
  return { feeds, weights };
}

function run(c: GoldenCase) {
  const graph = goldenToGraph(c);
  const { feeds, weights } = zeros(c, graph);
  const seen: Record<string, number[]> = {};
  const result = () => runGraph(graph, feeds, weights, { tap: (id, t) => (seen[id] = [...t.shape]) });
  return { graph, seen, result };
}

describe('reference kernels compute PyTorch shapes for golden shape_ok cases', () => {
  it.each(listGoldenCases('shape_ok'))('%s', (id) => {
    const c = loadGoldenCase(id);
    const { graph, seen, result } = run(c);
    const y = result()[graph.outputs[0]];
    expect(y.shape).toEqual(c.outputShape);
    expect(seen).toEqual(c.intermediateShapes);
  });
});

// err_same_stride2 is a construction-time ValueError (padding='same' with stride 2): the attrs are
// well formed once resolved, so refusing it is the analyzer's job, not the kernels'.
const runtimeRefusals = listGoldenCases('shape_error').filter((id) => id !== 'err_same_stride2');

describe('reference kernels refuse golden shape_error networks at the offending layer', () => {
  it('covers the error cases', () => {
    expect(runtimeRefusals.length).toBeGreaterThanOrEqual(11);
  });

  it.each(runtimeRefusals)('%s', (id) => {
    const c = loadGoldenCase(id);
    const { seen, result } = run(c);
    expect(result).toThrow(new RegExp(`^node '${c.error!.layer}': reference `));
    // the layers before it ran with PyTorch's shapes
    const before = Object.fromEntries(Object.entries(c.intermediateShapes ?? {}).filter(([k]) => k !== c.error!.layer));
    expect(seen).toEqual(before);
  });
});
