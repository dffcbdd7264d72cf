/**
 * Randomized linear, elementwise and batchnorm steps (fixed seeds) on their wasm kernels against the
 * reference: sizes that are not multiples of 4 or 8 (partial panels, vector tails), batches of rows
 * not multiples of the row block, every epilogue, one and two threads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/3-lower/plan.ts';
import { runOneStep, worstRatio } from './one-step.ts';

const activation = fc.constantFrom<Activation | null>(
  null,
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.3 },
  { kind: 'sigmoid' },
  { kind: 'tanh' },
  { kind: 'hardtanh', min_val: -0.5, max_val: 0.75 },
  { kind: 'hardsigmoid' },
  { kind: 'hardswish' },
  { kind: 'silu' },
  { kind: 'gelu', approximate: 'none' },
  { kind: 'elu', alpha: 0.5 },
  { kind: 'mish' },
);
const common = {
  residual: fc.boolean(),
  act: activation,
  threads: fc.constantFrom(1, 2),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
};

describe('wasm kernels on random shapes', () => {
  it('linear matches the reference', async () => {
    const arb = fc.record({
      lead: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }),
      IN: fc.integer({ min: 1, max: 40 }),
      OUT: fc.integer({ min: 1, max: 27 }),
      bias: fc.boolean(),
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const r = await runOneStep(
          {
            op: 'linear',
            attrs: { in_features: c.IN, out_features: c.OUT, bias: c.bias },
            inputShapes: [[...c.lead, c.IN]],
            outputShape: [...c.lead, c.OUT],
            paramShapes: c.bias ? { weight: [c.OUT, c.IN], bias: [c.OUT] } : { weight: [c.OUT, c.IN] },
            residual: c.residual,
            activation: c.act,
          },
          c.seed,
          { threads: c.threads, minSplitCost: 0, split: 'always' },
        );
        expect(r.describe).toMatch(/GEMM/);
        expect(worstRatio(r.got.data, r.want.data), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 11, numRuns: 80 },
    );
  }, 30_000);

  it('relu, leaky_relu, add, identity and flatten match the reference', async () => {
    const arb = fc.record({
      op: fc.constantFrom('relu', 'leaky_relu', 'add', 'identity', 'flatten'),
      shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }),
      inputs: fc.integer({ min: 2, max: 4 }),
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const k = c.op === 'add' ? c.inputs : 1;
        const attrs =
          c.op === 'leaky_relu'
            ? { negative_slope: 0.05 }
            : c.op === 'flatten'
              ? { start_dim: 1, end_dim: c.shape.length - 1 }
              : {};
        const outShape = c.op === 'flatten' ? [c.shape[0], n / c.shape[0]] : c.shape;
        const r = await runOneStep(
          {
            op: c.op as 'relu',
            attrs: attrs as never,
            inputShapes: Array.from({ length: k }, () => c.shape),
            outputShape: outShape,
            residual: c.residual,
            activation: c.act,
          },
          c.seed,
          { threads: c.threads, minSplitCost: 0, split: 'always' },
        );
        expect(r.describe).toMatch(/SIMD elementwise/);
        expect(worstRatio(r.got.data, r.want.data, 1e-6, 1e-6), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 12, numRuns: 80 },
    );
  }, 30_000);

  it('batchnorm2d (running statistics) matches the reference', async () => {
    const arb = fc.record({
      N: fc.integer({ min: 1, max: 3 }),
      C: fc.integer({ min: 1, max: 5 }),
      H: fc.integer({ min: 1, max: 7 }),
      W: fc.integer({ min: 1, max: 9 }),
      affine: fc.boolean(),
      ...common,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const shape = [c.N, c.C, c.H, c.W];
        const stats = { running_mean: [c.C], running_var: [c.C] };
        const r = await runOneStep(
          {
            op: 'batchnorm2d',
            attrs: { num_features: c.C, eps: 1e-5, momentum: 0.1, affine: c.affine, track_running_stats: true },
            inputShapes: [shape],
            outputShape: shape,
            paramShapes: c.affine ? { weight: [c.C], bias: [c.C], ...stats } : stats,
            residual: c.residual,
            activation: c.act,
          },
          // running_var must be positive: the random tensors are in [-1, 1), so shift it by 1.5 below
          c.seed,
          {
            threads: c.threads,
            minSplitCost: 0,
            split: 'always',
            adjust: (name, t) => (name === 'running_var' ? t.map((v) => v + 1.5) : t),
          },
        );
        expect(r.describe).toMatch(/scale and shift/);
        expect(worstRatio(r.got.data, r.want.data), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 13, numRuns: 60 },
    );
  }, 30_000);
});
