/**
 * The SIMD kernels of the new ops on random shapes (fixed seeds) against the reference, one and two
 * threads with every phase split: binary ops of equal shapes and with a plane broadcast (SE blocks,
 * both operand orders, planes not multiples of 4), scalar ops (reversed too), reshape, and hardtanh /
 * hardsigmoid / hardswish as steps, each with a residual and an in-wasm activation in the epilogue.
 * All of these are exact: add, sub, mul and div of float32 values, min/max and the reference's
 * float32 rounding of each step of hardswish/hardsigmoid give the same bits, so the tolerance is 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { BinaryOp } from '../../compiler/ir/attrs.ts';
import { planeBroadcast } from '../../compiler/5-codegen/wasm/kernels/binary.ts';
import { selectKernel } from '../../compiler/5-codegen/wasm/kernels/select.ts';
import { broadcastShape } from '../gpujs/op-cases.ts';
import { step } from '../gpujs/plan-helpers.ts';
import { runOneStep, worstRatio } from './one-step.ts';

const EXACT = [0, 0] as const;

const inWasmActivation = fc.constantFrom<Activation | null>(
  null,
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.3 },
  { kind: 'hardtanh', min_val: -0.25, max_val: 0.5 },
  { kind: 'hardsigmoid' },
  { kind: 'hardswish' },
);
const binaryOp = fc.constantFrom<BinaryOp>('add', 'sub', 'mul', 'div');
const common = {
  residual: fc.boolean(),
  act: inWasmActivation,
  threads: fc.constantFrom(1, 2),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
};
const run = { minSplitCost: 0, split: 'always' } as const;
// divisors of the random operands, which lie in [-1, 1), stay away from 0
const awayFromZero = (_: string, d: Float32Array) => d.map((v) => Math.sign(v || 1) * (0.25 + Math.abs(v)));

describe('wasm SIMD kernels of the new ops on random shapes', () => {
  it('binary of equal shapes (up to leading 1s) and with a plane broadcast, either order', async () => {
    const arb = fc.record({
      N: fc.integer({ min: 1, max: 3 }),
      C: fc.integer({ min: 1, max: 6 }),
      H: fc.integer({ min: 1, max: 7 }),
      W: fc.integer({ min: 1, max: 9 }),
      form: fc.constantFrom('same', 'se', 'channel', 'leading-ones'),
      swap: fc.boolean(),
      op: binaryOp,
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const full = [c.N, c.C, c.H, c.W];
        const other =
          c.form === 'same'
            ? full
            : c.form === 'se'
              ? [c.N, c.C, 1, 1]
              : c.form === 'channel'
                ? [c.C, 1, 1]
                : [1, ...full];
        const [a, b] = c.swap ? [other, full] : [full, other];
        const out = broadcastShape(a, b);
        const r = await runOneStep(
          {
            op: 'binary',
            attrs: { op: c.op },
            inputShapes: [a, b],
            outputShape: out,
            residual: c.residual,
            activation: c.act,
          },
          c.seed,
          { threads: c.threads, ...run, adjustInput: c.op === 'div' ? awayFromZero : undefined },
        );
        const n = out.reduce((x, y) => x * y, 1);
        const flat = a.reduce((x, y) => x * y, 1) === n && b.reduce((x, y) => x * y, 1) === n;
        // the small operand repeats over planes of H*W, or over everything when it is one value
        const simd = flat || (other.every((d) => d === 1) ? n : c.H * c.W) >= 4;
        if (flat) expect(r.describe).toMatch(/SIMD elementwise binary/);
        else if (simd) expect(r.describe).toMatch(/SIMD broadcast/);
        else expect(r.describe).toMatch(/JavaScript/);
        if (simd) expect(worstRatio(r.got.data, r.want.data, ...EXACT), JSON.stringify(c)).toBe(0);
        // the cpu kernel applies the epilogue to its double result before rounding: one float32 rounding apart
        else expect(worstRatio(r.got.data, r.want.data, 1e-7, 1e-6), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 31, numRuns: 120 },
    );
  }, 60_000);

  it('scalar ops, reversed or not, and reshape', async () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      op: binaryOp,
      reversed: fc.boolean(),
      value: fc.constantFrom(0.5, -3, 1e-3, 7.25, 0.1),
      reshape: fc.boolean(),
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const n = c.shape.reduce((x, y) => x * y, 1);
        const r = await runOneStep(
          c.reshape
            ? {
                op: 'reshape',
                attrs: { shape: [n] },
                inputShapes: [c.shape],
                outputShape: [n],
                residual: c.residual,
                activation: c.act,
              }
            : {
                op: 'scalar',
                attrs: { op: c.op, value: c.value, reversed: c.reversed },
                inputShapes: [c.shape],
                outputShape: c.shape,
                residual: c.residual,
                activation: c.act,
              },
          c.seed,
          { threads: c.threads, ...run, adjustInput: c.op === 'div' && c.reversed ? awayFromZero : undefined },
        );
        expect(r.describe).toMatch(/SIMD elementwise/);
        expect(worstRatio(r.got.data, r.want.data, ...EXACT), JSON.stringify(c)).toBe(0);
      }),
      { seed: 32, numRuns: 100 },
    );
  }, 60_000);

  it('hardtanh, hardsigmoid and hardswish as steps, on inputs across their knees', async () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      op: fc.constantFrom('hardtanh', 'relu6', 'hardsigmoid', 'hardswish'),
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const op = c.op === 'relu6' ? 'hardtanh' : c.op;
        const attrs =
          c.op === 'relu6' ? { min_val: 0, max_val: 6 } : c.op === 'hardtanh' ? { min_val: -1.5, max_val: 2.5 } : {};
        const r = await runOneStep(
          {
            op: op as 'hardtanh',
            attrs: attrs as never,
            inputShapes: [c.shape],
            outputShape: c.shape,
            residual: c.residual,
            activation: c.act,
          },
          c.seed,
          // [-1, 1) scaled to [-8, 8): both knees of relu6(x + 3) and of the clamps
          { threads: c.threads, ...run, adjustInput: (_, d) => d.map((v) => v * 8) },
        );
        expect(r.describe).toMatch(/SIMD elementwise/);
        expect(worstRatio(r.got.data, r.want.data, ...EXACT), JSON.stringify(c)).toBe(0);
      }),
      { seed: 33, numRuns: 100 },
    );
  }, 60_000);

  it('picks the plane kernel only where the small operand is one block of dims with 1s around it', () => {
    const binary = (a: number[], b: number[]) =>
      step({
        nodes: ['m'],
        op: 'binary',
        attrs: { op: 'mul' },
        inputs: ['a', 'b'],
        inputShapes: [a, b],
        output: 'm',
        outputShape: broadcastShape(a, b),
      }) as PlanStep<'binary'>;
    expect(planeBroadcast(binary([2, 3, 4, 5], [2, 3, 1, 1]))).toEqual({ full: 0, outer: 1, mid: 6, inner: 20 });
    expect(planeBroadcast(binary([3, 1, 1], [2, 3, 4, 5]))).toEqual({ full: 1, outer: 2, mid: 3, inner: 20 });
    expect(planeBroadcast(binary([2, 3, 4, 5], [1]))).toEqual({ full: 0, outer: 1, mid: 1, inner: 120 });
    expect(planeBroadcast(binary([2, 3, 4, 5], [5]))).toEqual({ full: 0, outer: 24, mid: 5, inner: 1 });
    expect(planeBroadcast(binary([2, 1, 4, 5], [2, 3, 1, 1]))).toBeNull();
    expect(planeBroadcast(binary([2, 3, 4, 5], [2, 1, 4, 1]))).toBeNull();
    // a trailing broadcast with planes of 1 is not worth SIMD: JavaScript
    expect(selectKernel(binary([2, 3, 4, 5], [5])).describe).toMatch(/JavaScript/);
    expect(selectKernel(binary([1, 8, 7, 7], [1, 8, 1, 1])).describe).toMatch(/SIMD broadcast mul: 8 planes of 49/);
  });
});
