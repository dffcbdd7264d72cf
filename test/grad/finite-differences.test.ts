/**
 * Every op's reference gradient (runtime/reference/train gradOp) against central differences of its
 * forward, in float64, on random small shapes and attributes (fast-check, fixed seed: test/fuzz/fuzz-config.ts).
 *
 * Float64 throughout: `tensor` is mocked to allocate Float64Array, so the reference forward kernels (which
 * compute in JavaScript numbers and only round on the store) and the gradients run in double precision.
 * Three forwards round per value to float32 on purpose, as PyTorch's float32 kernels do (hardswish,
 * hardsigmoid, and `c / x` as reciprocal-then-multiply); their differences use the same formula unrounded.
 *
 * Non-differentiable points are avoided by construction: inputs stay 0.01 or more from every kink (relu's
 * and its relatives' 0, hardtanh's bounds, +-3), and max pools see distinct values 0.01 or more apart, so
 * a step of 1e-6 never crosses a kink or reorders a window. With that step the differences are accurate to
 * ~1e-9 here, so they are held to atol 1e-6, rtol 1e-5 (the PyTorch cases' tolerance).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { OpName } from '../../compiler/ir/attrs.ts';
import { type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import { type OpParams, runOp } from '../../runtime/reference/index.ts';
import { forwardTrain, gradOp } from '../../runtime/reference/train/index.ts';
import { fuzz } from '../fuzz/fuzz-config.ts';
import { ALL_OPS } from './ops.ts';
import { ACTIVATIONS, FAMILIES, mapped, type RandomCase, randomT } from './random-cases.ts';

vi.mock('../../compiler/ir/tensor.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../compiler/ir/tensor.ts')>();
  return {
    ...original,
    tensor: (shape: readonly number[], data?: Float32Array) => {
      const n = shape.reduce((a, b) => a * b, 1);
      if (data && data.length !== n) throw new Error(`tensor data has ${data.length} elements, shape needs ${n}`);
      return { shape: [...shape], data: data ?? (new Float64Array(n) as unknown as Float32Array) };
    },
  };
});

const STEP = 1e-6;
const TOL = { rtol: 1e-5, atol: 1e-6 };
/** Property runs per op family (each run checks every element of every input and parameter). */
const RUNS = 25;

function forward(c: RandomCase, inputs: Tensor[], params: OpParams) {
  if (c.forward) return { output: c.forward(inputs[0]), saved: {} };
  if (c.mode === 'eval') return { output: runOp(c.op, c.attrs, inputs, params), saved: {} };
  return forwardTrain(c.op, c.attrs, inputs, params, { seed: c.seed, numBatchesTracked: 0 });
}

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

/** The central difference of <g, f> along every element of `t` (which `loss` reads), restoring it after. */
function differences(t: Tensor, loss: () => number): number[] {
  return Array.from(t.data, (v, i) => {
    t.data[i] = v + STEP;
    const up = loss();
    t.data[i] = v - STEP;
    const down = loss();
    t.data[i] = v;
    return (up - down) / (2 * STEP);
  });
}

function expectNear(got: Tensor, want: number[], what: string): void {
  expect(got.data.length, `${what}: element count`).toBe(want.length);
  want.forEach((w, i) => {
    const diff = Math.abs(got.data[i] - w);
    if (!(diff <= TOL.atol + TOL.rtol * Math.abs(w))) {
      expect.fail(`${what}[${i}]: gradient ${got.data[i]}, central difference ${w}`);
    }
  });
}

function checkCase(c: RandomCase): void {
  const rnd = mulberry32(c.seed ^ 0x5bd1e995);
  const base = forward(c, c.inputs, c.params);
  const g = randomT(base.output.shape, rnd, -1, 1);
  const need = { inputs: c.inputs.map(() => true), params: c.trainable };
  const t = { inputs: c.inputs, output: base.output, params: c.params, saved: base.saved, gradOutput: g };
  const r = gradOp(c.op, c.attrs, t, need);
  const loss = () => dot(g, forward(c, c.inputs, c.params).output);
  c.inputs.forEach((x, i) => expectNear(r.inputs[i]!, differences(x, loss), `${c.label}: d input ${i}`));
  for (const name of c.trainable)
    expectNear(r.params[name]!, differences(c.params[name]!, loss), `${c.label}: d ${name}`);
}

describe('reference gradients against central differences (float64)', () => {
  it('runs in float64: the mocked tensor allocates Float64Array, so the kernels round nothing', () => {
    expect(tensor([2]).data).toBeInstanceOf(Float64Array);
    expect(runOp('relu', {}, [randomT([3], mulberry32(1))], {}).data).toBeInstanceOf(Float64Array);
  });

  for (const [name, arb] of FAMILIES) {
    it(name, () => {
      fuzz(arb, RUNS, checkCase);
    });
  }

  it('covers every op', () => {
    const seen = new Set<OpName>();
    for (const [, arb] of FAMILIES) for (const c of fc.sample(arb, { seed: 42, numRuns: 200 })) seen.add(c.op);
    for (const op of ALL_OPS) expect(seen.has(op), op).toBe(true);
  });

  it('the unrounded forwards used for hardswish, hardsigmoid and c / x are the reference formulas', () => {
    const x = randomT([200], mulberry32(7), -5, 5);
    for (const act of ACTIVATIONS.filter((a) => a.forward)) {
      const want = runOp(act.op, act.attrs, [x], {});
      const got = mapped(x, act.forward!);
      got.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThan(1e-6));
    }
    const rdiv = runOp('scalar', { op: 'div', value: 1.25, reversed: true }, [x], {});
    x.data.forEach((v, i) =>
      expect(Math.abs(1.25 / v - rdiv.data[i])).toBeLessThanOrEqual(1e-6 * Math.abs(rdiv.data[i])),
    );
  });
});
