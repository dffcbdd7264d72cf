/**
 * Golden cases (../shared/golden) as plans for the codegen suites. The plan comes from the real
 * compiler: goldenToCnn -> compile() with no optimizing passes, one step per layer. On top of that,
 * plan transformations the codegen suites need and the compiler does not produce: every name
 * replaced (hostile names), parameters moved inline, and an epilogue fusion that fuses more than the
 * compiler's passes do.
 */
import { compile } from '../compiler/index.ts';
import { activationOf } from '../compiler/4-optimize/activations.ts';
import type { PassSelection } from '../compiler/4-optimize/index.ts';
import type { Epilogue, Plan, PlanParam, PlanStep } from '../compiler/3-lower/plan.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';
import type { GoldenCase } from './golden.ts';
import { goldenToCnn } from './golden-to-cnn.ts';

export interface GoldenPlanOptions {
  /** fold add/activation layers into the producing step's epilogue where the dataflow allows (fuseEpilogues) */
  readonly fuse?: boolean;
  /** applied to the model name, every input/output name, buffer id, node id and param key prefix (renamePlan) */
  readonly rename?: (name: string) => string;
  /** which params (by key, after renaming, in plan order) become inline PlanParam values instead of weights */
  readonly inline?: (key: string) => boolean;
}

export interface GoldenPlan {
  readonly plan: Plan;
  /** the case's params by (renamed) key, less those made inline */
  readonly weights: Map<string, Tensor>;
  /** the case's inputs by (renamed) input name */
  readonly feeds: Record<string, Tensor>;
  /** the (renamed) name of the plan's one output */
  readonly outputName: string;
  /** every layer's output shape as the compiler inferred it, by the case's layer name */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
}

/** The plan the compiler makes of a layer or model case; by default with no optimizing passes. */
export function compileGolden(c: GoldenCase, passes: PassSelection = false): Plan {
  const compiled = compile(goldenToCnn(c).text, { file: `${c.id}.cnn`, passes });
  if (!compiled.ok || !compiled.plan) {
    throw new Error(`golden case ${c.id} does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return compiled.plan;
}

/** A layer or model case as a plan with its weights and feeds, transformed as `opts` asks. */
export function goldenPlan(c: GoldenCase, opts: GoldenPlanOptions = {}): GoldenPlan {
  let plan = compileGolden(c);
  if (plan.outputs.length !== 1) throw new Error(`golden case ${c.id}: expected one output`);
  const shapes = new Map(plan.steps.map((s) => [s.nodes[0], s.outputShape]));
  let weights = new Map(
    plan.params.map((p) => {
      const t = c.params[p.key];
      if (!t) throw new Error(`golden case ${c.id} has no param '${p.key}'`);
      return [p.key, t] as const;
    }),
  );
  let feeds: Record<string, Tensor> = { ...c.input };
  if (opts.rename) {
    const rn = opts.rename;
    plan = renamePlan(plan, rn);
    weights = new Map([...weights].map(([k, t]) => [renameKey(k, rn), t]));
    feeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [rn(k), t]));
  }
  if (opts.inline) ({ plan, weights } = inlineParams(plan, weights, opts.inline));
  if (opts.fuse) plan = fuseEpilogues(plan);
  return { plan, weights, feeds, outputName: plan.outputs[0].name, shapes };
}

/** `layer.weight` -> `rename(layer).weight`: a state_dict key is the layer name and the param name. */
function renameKey(key: string, rename: (name: string) => string): string {
  const dot = key.lastIndexOf('.');
  return `${rename(key.slice(0, dot))}${key.slice(dot)}`;
}

/** Every user-visible name of an unfolded plan through `rename`, which must keep distinct names distinct. */
export function renamePlan(plan: Plan, rename: (name: string) => string): Plan {
  if (plan.params.some((p) => p.derived))
    throw new Error('renamePlan: plans with derived (folded) params are not supported');
  const value = (v: Plan['inputs'][number]) => ({ ...v, name: rename(v.name), buffer: rename(v.buffer) });
  return {
    model: rename(plan.model),
    inputs: plan.inputs.map(value),
    outputs: plan.outputs.map(value),
    params: plan.params.map((p) => ({ ...p, key: renameKey(p.key, rename) })),
    buffers: plan.buffers.map((b) => ({ ...b, id: rename(b.id) })),
    steps: plan.steps.map((s) => ({
      ...s,
      nodes: s.nodes.map(rename),
      inputs: s.inputs.map(rename),
      params: Object.fromEntries(Object.entries(s.params).map(([name, key]) => [name, renameKey(key, rename)])),
      output: rename(s.output),
      epilogue: { ...s.epilogue, residual: s.epilogue.residual === null ? null : rename(s.epilogue.residual) },
    })),
  };
}

/** Moves the params `pick` chooses (asked in plan order) from the weights into PlanParam.value. */
export function inlineParams(
  plan: Plan,
  weights: ReadonlyMap<string, Tensor>,
  pick: (key: string) => boolean,
): { plan: Plan; weights: Map<string, Tensor> } {
  const left = new Map(weights);
  const params: PlanParam[] = plan.params.map((p) => {
    if (!pick(p.key)) return p;
    const t = left.get(p.key);
    if (!t) throw new Error(`inlineParams: no weight '${p.key}'`);
    left.delete(p.key);
    return { ...p, value: t.data };
  });
  return { plan: { ...plan, params }, weights: left };
}

/**
 * Folds a step's single consumer into its epilogue: a two-input add (the other input becomes the
 * residual) while it has no activation yet, then an activation. The fused step takes the consumer's
 * place in the order, where all of its inputs are already computed. Unlike the compiler's passes
 * (residuals only into conv2d, activations only into some producers) it fuses into any op, so the
 * golden cases run every kernel's epilogue code.
 */
export function fuseEpilogues(plan: Plan): Plan {
  const outputs = new Set(plan.outputs.map((v) => v.buffer));
  let steps = [...plan.steps];
  let changed = true;
  while (changed) {
    changed = false;
    const readers = new Map<string, number>();
    for (const s of steps)
      for (const b of [...s.inputs, ...(s.epilogue.residual ? [s.epilogue.residual] : [])])
        readers.set(b, (readers.get(b) ?? 0) + 1);
    for (let i = 0; i < steps.length && !changed; i++) {
      const s = steps[i];
      if (readers.get(s.output) !== 1 || outputs.has(s.output)) continue;
      const j = steps.findIndex((t) => t.inputs.includes(s.output));
      if (j < 0) continue; // read once, but as a residual
      const t = steps[j];
      const activation = activationOf(t);
      let epilogue: Epilogue | null = null;
      if (t.op === 'add' && t.inputs.length === 2 && s.epilogue.residual === null && s.epilogue.activation === null) {
        const other = t.inputs[0] === s.output ? t.inputs[1] : t.inputs[0];
        if (other !== s.output) epilogue = { residual: other, activation: null };
      } else if (activation !== null && s.epilogue.activation === null) {
        epilogue = { residual: s.epilogue.residual, activation };
      }
      if (epilogue === null) continue;
      const fused: PlanStep = {
        ...s,
        nodes: [...s.nodes, ...t.nodes],
        output: t.output,
        outputShape: t.outputShape,
        epilogue,
      };
      steps = steps.map((x, k) => (k === j ? fused : x)).filter((_, k) => k !== i);
      changed = true;
    }
  }
  const live = new Set(
    steps.flatMap((s) => [s.output, ...s.inputs, ...(s.epilogue.residual ? [s.epilogue.residual] : [])]),
  );
  return { ...plan, steps, buffers: plan.buffers.filter((b) => b.role === 'input' || live.has(b.id)) };
}
