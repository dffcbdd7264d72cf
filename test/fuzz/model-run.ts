/** Runs a generated model on the reference and on a backend, with seeded random weights and inputs. */
import { expect } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { check } from '../../compiler/front-end.ts';
import { evaluate, isKnown } from '../../compiler/ir/dim.ts';
import type { Graph } from '../../compiler/ir/graph.ts';
import { createExecutor, parseBackend } from '../../runtime/backends.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { bindWeights } from '../../runtime/weights.ts';
import { expectClose } from '../golden.ts';
import type { GeneratedModel } from './model-gen.ts';

/** The tolerance every backend must meet against the reference on random models. */
export const TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

function uniform(shape: readonly number[], random: () => number, lo: number, hi: number): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * random();
  return t;
}

/** Random parameters for every node of the graph (running_var positive), by state_dict key. */
export function randomWeights(graph: Graph, seed: number): Map<string, Tensor> {
  const random = mulberry32(seed);
  const out = new Map<string, Tensor>();
  for (const node of graph.nodes) {
    for (const p of node.params)
      out.set(
        p.key,
        p.name === 'running_var' ? uniform(p.shape, random, 0.5, 1.5) : uniform(p.shape, random, -0.5, 0.5),
      );
  }
  return out;
}

export function randomInput(shape: readonly number[], seed: number): Tensor {
  return uniform(shape, mulberry32(seed ^ 0x5eed), -1, 1);
}

export interface Checked {
  readonly graph: Graph;
  readonly compiled: ReturnType<typeof compile>;
  readonly weights: Map<string, Tensor>;
  readonly feeds: Record<string, Tensor>;
  readonly reference: Record<string, Tensor>;
}

/**
 * Checks what holds for every valid model: check() accepts it; the shapes it infers (symbolic batch
 * bound) and the shapes of the compiled graph equal the shapes the reference actually produces.
 */
export function checkShapesAgainstReference(m: GeneratedModel, seed: number, backend = 'cpu'): Checked {
  const checked = check(m.source);
  expect(
    checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    'check() refuses a valid model',
  ).toEqual([]);
  const compiled = compile(m.source, { inputShapes: { x: m.inputShape }, backend });
  expect(compiled.ok, `compile() refuses a valid model: ${compiled.diagnostics.map((d) => d.message).join('; ')}`).toBe(
    true,
  );
  const graph = compiled.graph!;
  const weights = randomWeights(graph, seed);
  const feeds = { x: randomInput(m.inputShape, seed) };
  const produced = new Map<string, readonly number[]>();
  const reference = runGraph(graph, feeds, weights, { tap: (id, t) => produced.set(id, t.shape) });

  const bindings = new Map([['N', m.inputShape[0]]]);
  const inferred = new Map(checked.graphs[0].nodes.map((n) => [n.id, n.shape]));
  expect(graph.nodes.map((n) => n.id)).toEqual(m.layers);
  for (const node of graph.nodes) {
    expect(node.shape, `compiled shape of \`${node.id}\``).toEqual(produced.get(node.id));
    const symbolic = inferred.get(node.id);
    expect(symbolic, `check() has no shape for \`${node.id}\``).toBeTruthy();
    const bound = symbolic!.map((d) => evaluate(d, bindings));
    expect(bound.every(isKnown), `check() shape of \`${node.id}\` has unbound symbols`).toBe(true);
    expect(bound, `check() shape of \`${node.id}\``).toEqual(produced.get(node.id));
  }
  for (const o of compiled.plan!.outputs) expect(o.shape, `plan output ${o.name}`).toEqual(reference[o.name].shape);
  return { graph, compiled, weights, feeds, reference };
}

/** Runs the compiled plan on `backend` and compares every output with the reference. */
export async function expectBackendAgrees(c: Checked, backend: string): Promise<void> {
  const plan = c.compiled.plan!;
  const executor = await createExecutor(plan, bindWeights(plan, c.weights), parseBackend(backend));
  try {
    const got = await executor.run(c.feeds);
    expect(Object.keys(got).sort()).toEqual(Object.keys(c.reference).sort());
    for (const [name, want] of Object.entries(c.reference))
      expectClose(got[name], want, TOLERANCE, `${backend} output ${name}`);
  } finally {
    executor.destroy();
  }
}
