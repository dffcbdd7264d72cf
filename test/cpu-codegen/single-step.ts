/** Test helpers: one-step plans over random data, run on the CPU backend and on the reference kernels. */
import type { Activation, Plan, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { type Tensor, sizeOf } from '../../compiler/ir/tensor.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';

/** mulberry32: deterministic uniform floats in [0, 1). */
export { mulberry32 as prng } from '../../runtime/io/prng.ts';

export function randomTensor(shape: readonly number[], rnd: () => number): Tensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 2 - 1;
  return { shape: [...shape], data };
}

export interface OneStep<K extends OpName> {
  op: K;
  attrs: OpAttrs[K];
  inputShapes: (readonly number[])[];
  outputShape: readonly number[];
  /** param name -> tensor */
  params?: Record<string, Tensor>;
  residual?: boolean;
  activation?: Activation | null;
}

/** A plan with one step reading graph inputs `x0`, `x1`, ... (and `r` for the residual) and writing `y`. */
export function oneStepPlan<K extends OpName>(s: OneStep<K>): { plan: Plan; weights: Map<string, Tensor> } {
  const inputs = s.inputShapes.map((shape, i) => ({ name: `x${i}`, buffer: `x${i}`, shape }));
  if (s.residual) inputs.push({ name: 'r', buffer: 'r', shape: s.outputShape });
  const weights = new Map<string, Tensor>();
  const stepParams: Record<string, string> = {};
  for (const [name, t] of Object.entries(s.params ?? {})) {
    stepParams[name] = `layer.${name}`;
    weights.set(`layer.${name}`, t);
  }
  const step: PlanStep = {
    nodes: ['layer'],
    op: s.op,
    attrs: s.attrs,
    inputs: s.inputShapes.map((_, i) => `x${i}`),
    inputShapes: s.inputShapes,
    params: stepParams,
    output: 'y',
    outputShape: s.outputShape,
    epilogue: { residual: s.residual ? 'r' : null, activation: s.activation ?? null },
  };
  const plan: Plan = {
    model: 'one_step',
    inputs,
    outputs: [{ name: 'y', buffer: 'y', shape: s.outputShape }],
    params: [...weights].map(([key, t]) => ({ key, shape: t.shape, value: null })),
    buffers: [
      ...inputs.map((v) => ({ id: v.buffer, shape: v.shape, role: 'input' as const })),
      { id: 'y', shape: s.outputShape, role: 'output' },
    ],
    steps: [step],
  };
  return { plan, weights };
}

/** The step on the CPU backend (`got`) and on the reference kernels, runtime/reference (`want`). */
export function cpuAndReference<K extends OpName>(
  s: OneStep<K>,
  feeds: Record<string, Tensor>,
): { got: Tensor; want: Tensor } {
  const { plan, weights } = oneStepPlan(s);
  return { got: createCpuExecutor(plan, weights).run(feeds).y, want: runPlanOnReference(plan, weights, feeds).y };
}

/**
 * Largest |got - want|; Infinity when the lengths differ, a NaN meets a number or an infinity meets anything
 * but itself (NaN matches NaN, and equal infinities match).
 */
export function maxAbsDiff(got: Float32Array, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let d = 0;
  for (let i = 0; i < got.length; i++) {
    if ((Number.isNaN(got[i]) && Number.isNaN(want[i])) || got[i] === want[i]) continue;
    const e = Math.abs(got[i] - want[i]);
    d = Number.isNaN(e) ? Infinity : Math.max(d, e);
  }
  return d;
}
