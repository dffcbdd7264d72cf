import { isKnown, shapeToString } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';
import type { Plan, PlanBuffer, PlanParam, PlanStep } from './plan.ts';

/** A broken invariant between checking and planning: a compiler bug, never a user error. */
export class PlanInvariantError extends Error {}

const concrete = (id: string, shape: Graph['nodes'][number]['shape']): number[] => {
  if (!shape?.every(isKnown))
    throw new PlanInvariantError(
      `node \`${id}\` reached planning with shape ${shape ? shapeToString(shape) : 'unknown'}; bind every size first`,
    );
  return shape as number[];
};

export interface LowerOptions {
  /** node ids returned as extra outputs (named by id) after the graph's own outputs */
  readonly taps?: readonly string[];
}

/**
 * Lowers a checked graph with concrete shapes to the plan: one buffer per value, one step per node,
 * parameters by state_dict key. Optimizing passes rewrite the plan afterwards.
 */
export function lowerToPlan(graph: Graph, options: LowerOptions = {}): Plan {
  const buffers: PlanBuffer[] = [];
  const shapes = new Map<string, number[]>();
  const taps = (options.taps ?? []).filter((t, i, all) => all.indexOf(t) === i && !graph.outputs.includes(t));
  for (const t of taps)
    if (!graph.nodes.some((n) => n.id === t)) throw new PlanInvariantError(`tap \`${t}\` names no node`);
  const outputs = new Set([...graph.outputs, ...taps]);
  for (const input of graph.inputs) {
    const shape = concrete(input.name, input.shape);
    shapes.set(input.name, shape);
    buffers.push({ id: input.name, shape, role: 'input' });
  }
  const params: PlanParam[] = [];
  const steps: PlanStep[] = graph.nodes.map((node) => {
    const outputShape = concrete(node.id, node.shape);
    shapes.set(node.id, outputShape);
    buffers.push({ id: node.id, shape: outputShape, role: outputs.has(node.id) ? 'output' : 'intermediate' });
    const stepParams: Record<string, string> = {};
    for (const p of node.params) {
      stepParams[p.name] = p.key;
      params.push({ key: p.key, shape: p.shape, value: p.inline, derived: null });
    }
    return {
      nodes: [node.id],
      op: node.op,
      attrs: node.attrs,
      inputs: node.inputs,
      inputShapes: node.inputs.map((i) => {
        const s = shapes.get(i);
        if (!s) throw new PlanInvariantError(`node \`${node.id}\` reads \`${i}\`, which has no buffer`);
        return s;
      }),
      params: stepParams,
      output: node.id,
      outputShape,
      epilogue: { residual: null, activation: null },
    } as PlanStep;
  });
  return {
    model: graph.name,
    inputs: graph.inputs.map((i) => ({ name: i.name, buffer: i.name, shape: shapes.get(i.name)! })),
    outputs: [
      ...graph.outputs.map((id, k) => ({ name: graph.outputNames[k] ?? id, buffer: id, shape: shapes.get(id)! })),
      ...taps.map((id) => ({ name: tapName(id, graph), buffer: id, shape: shapes.get(id)! })),
    ],
    params,
    buffers,
    steps,
  };
}

/** A tap is named by its layer id, unless an output of the graph already has that name. */
function tapName(id: string, graph: Graph): string {
  return graph.outputNames.includes(id) ? `tap:${id}` : id;
}
