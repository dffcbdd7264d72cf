/** Shared by the pass tests: compile .cnn text with chosen passes, make weights, run a plan. */
import { expect } from 'vitest';
import { compile, type Plan } from '../../compiler/index.ts';
import { PASS_NAMES, type PassSelection } from '../../compiler/4-optimize/index.ts';
import { createExecutor, parseBackend } from '../../runtime/backends.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import { type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import { bindWeights, initialWeights } from '../../runtime/weights.ts';
import { compareClose, type Tolerance } from '../golden.ts';

/** The selection that runs `name` alone. */
export const only = (name: string): PassSelection => ({ disable: PASS_NAMES.filter((n) => n !== name) });

/** The plan of a .cnn source that must compile. */
export function planOf(source: string, passes: PassSelection = true): Plan {
  const c = compile(source, { file: 'test.cnn', passes });
  expect(
    c.diagnostics.filter((d) => d.severity === 'error'),
    'the test source compiles',
  ).toEqual([]);
  expect(c.ok).toBe(true);
  return c.plan!;
}

/** `op(node + node)` per step, e.g. `conv2d(conv1+bn1)[relu]`: what a test asserts about a plan's kernels. */
export function kernels(plan: Plan): string[] {
  return plan.steps.map((s) => {
    const ep = [s.epilogue.residual === null ? '' : `+${s.epilogue.residual}`, s.epilogue.activation?.kind ?? '']
      .filter(Boolean)
      .join(',');
    return `${s.op}(${s.nodes.join('+')})${ep ? `[${ep}]` : ''}`;
  });
}

/** Uniform values in [lo, hi), seeded. */
export function random(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = mulberry32(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * r();
  return t;
}

/**
 * A full state_dict for an unfused plan's model: PyTorch's default init, with every BatchNorm given
 * random statistics and affine params (the defaults, mean 0 and var 1, would make folding nearly trivial).
 */
export function stateDict(plain: Plan, seed = 1): Map<string, Tensor> {
  const w = initialWeights(plain, seed);
  let s = seed * 1000;
  for (const step of plain.steps) {
    if (step.op !== 'batchnorm2d') continue;
    for (const [name, key] of Object.entries(step.params)) {
      const t = w.get(key);
      if (t) w.set(key, random(t.shape, s++, name === 'running_var' ? 0.2 : -1, 2));
    }
  }
  return w;
}

/** Runs a plan on one backend with a state_dict (bound and derived as cnnc run does). */
export async function runPlan(
  plan: Plan,
  state: ReadonlyMap<string, Tensor>,
  feeds: Record<string, Tensor>,
  backend = 'cpu',
): Promise<Record<string, Tensor>> {
  const ex = await createExecutor(plan, bindWeights(plan, state), parseBackend(backend));
  try {
    return await ex.run(feeds);
  } finally {
    ex.destroy();
  }
}

/** Fused and unfused agree within float32 reordering noise. */
export const SAME: Tolerance = { rtol: 1e-5, atol: 1e-5 };

export function expectAllClose(got: Record<string, Tensor>, want: Record<string, Tensor>, tol: Tolerance = SAME): void {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const name of Object.keys(want)) {
    expect(got[name].shape, `${name}: shape`).toEqual(want[name].shape);
    const r = compareClose(got[name].data, want[name].data, tol);
    expect(r.ok, `${name}: ${r.bad} elements differ; worst got ${r.worstGot}, want ${r.worstWant}`).toBe(true);
  }
}

/** Compiles with `passes` and without any, runs both on the same weights and inputs, and checks they agree. */
export async function expectSameNumbers(
  source: string,
  passes: PassSelection,
  seed = 1,
  backend = 'cpu',
): Promise<{ fused: Plan; plain: Plan }> {
  const fused = planOf(source, passes);
  const plain = planOf(source, false);
  const state = stateDict(plain, seed);
  const feeds = Object.fromEntries(plain.inputs.map((v, i) => [v.name, random(v.shape, seed * 7 + i, -2, 2)]));
  expectAllClose(await runPlan(fused, state, feeds, backend), await runPlan(plain, state, feeds, backend));
  return { fused, plain };
}
