/**
 * One plan step on random data through the wasm executor and through the reference kernels
 * (runtime/reference: the oracle), with the step's epilogue applied to the reference result.
 */
import type { PlanStep } from '../../compiler/3-lower/plan.ts';
import type { OpName } from '../../compiler/ir/attrs.ts';
import type { StepKernel } from '../../compiler/5-codegen/wasm/kernel.ts';
import { add, runOp } from '../../runtime/reference/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { createWasmExecutor } from '../../runtime/wasm/executor.ts';
import { type OneStep, oneStepPlan, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { applyActivation } from '../reference/plan-reference.ts';

export interface WasmRunOptions {
  readonly threads?: number;
  readonly minSplitCost?: number;
  readonly split?: 'adaptive' | 'always';
  readonly relaxed?: boolean;
  /** force a kernel (otherwise the backend's own choice) */
  readonly kernel?: (step: PlanStep) => StepKernel;
  /** rewrites a random parameter (e.g. to keep a variance positive) */
  readonly adjust?: (name: string, data: Float32Array) => Float32Array;
  /** rewrites a random input (x0, x1, ...), e.g. to keep divisors away from 0 */
  readonly adjustInput?: (name: string, data: Float32Array) => Float32Array;
}

export interface StepResult {
  readonly got: Tensor;
  readonly want: Tensor;
  readonly describe: string;
}

/** Runs `s` with random inputs/params (uniform in [-1, 1), seeded) on wasm and on the reference. */
export async function runOneStep<K extends OpName>(
  s: Omit<OneStep<K>, 'params'> & { paramShapes?: Record<string, number[]> },
  seed: number,
  o: WasmRunOptions = {},
): Promise<StepResult> {
  const rnd = prng(seed);
  const inputs = s.inputShapes.map((shape, i) => {
    const t = randomTensor(shape, rnd);
    return o.adjustInput ? { shape: t.shape, data: o.adjustInput(`x${i}`, t.data) } : t;
  });
  const params = Object.fromEntries(
    Object.entries(s.paramShapes ?? {}).map(([name, shape]) => {
      const t = randomTensor(shape, rnd);
      return [name, o.adjust ? { shape: t.shape, data: o.adjust(name, t.data) } : t];
    }),
  );
  const residual = s.residual ? randomTensor(s.outputShape, rnd) : null;
  const { plan, weights } = oneStepPlan({ ...s, params });
  const feeds: Record<string, Tensor> = Object.fromEntries(inputs.map((t, i) => [`x${i}`, t]));
  if (residual) feeds.r = residual;
  const ex = await createWasmExecutor(plan, weights, {
    threads: o.threads ?? 1,
    minSplitCost: o.minSplitCost,
    split: o.split,
    relaxed: o.relaxed ?? false,
    select: o.kernel ? (step) => o.kernel!(step) : undefined,
  });
  try {
    const got = ex.run(feeds).y;
    let want = runOp(s.op, s.attrs, inputs, params);
    if (residual) want = add([want, residual]);
    want = applyActivation(want, s.activation ?? null);
    return { got, want, describe: ex.program.steps[0].describe };
  } finally {
    ex.destroy();
  }
}

/** Largest |got - want| / (atol + rtol*|want|); NaN matches NaN. */
export function worstRatio(got: Float32Array, want: Float32Array, atol = 1e-4, rtol = 1e-4): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(g) || Number.isNaN(w)) {
      if (!(Number.isNaN(g) && Number.isNaN(w))) return Infinity;
      continue;
    }
    if (g === w) continue; // equal infinities too
    const r = Math.abs(g - w) / (atol + rtol * Math.abs(w));
    if (!(r <= worst)) worst = r;
  }
  return worst;
}
