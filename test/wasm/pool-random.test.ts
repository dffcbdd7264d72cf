/**
 * Randomized max pooling (fixed seed) on the wasm kernel against the reference: kernel, stride 1/2/3
 * (the shuffle and gather paths), padding, dilation, ceil mode, odd widths, batches and epilogues,
 * one and two threads. Also NaN propagation, which PyTorch's max pooling keeps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/3-lower/plan.ts';
import type { MaxPool2dAttrs } from '../../compiler/ir/attrs.ts';
import { poolOutSize } from '../../runtime/reference/index.ts';
import { oneStepPlan } from '../cpu-codegen/single-step.ts';
import { createWasmExecutor } from '../../runtime/wasm/executor.ts';
import { maxpool2d } from '../../runtime/reference/index.ts';
import { runOneStep, worstRatio } from './one-step.ts';

const poolCase = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 19 }),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    d: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 2)),
    p: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    ceil: fc.boolean(),
    act: fc.constantFrom<Activation | null>(
      null,
      { kind: 'relu' },
      { kind: 'leaky_relu', negative_slope: 0.2 },
      { kind: 'tanh' },
      { kind: 'hardtanh', min_val: -0.5, max_val: 0.75 },
      { kind: 'hardsigmoid' },
      { kind: 'hardswish' },
    ),
    residual: fc.boolean(),
    threads: fc.constantFrom(1, 2),
  })
  .map((c) => ({ ...c, p: [Math.min(c.p[0], c.k[0] >> 1), Math.min(c.p[1], c.k[1] >> 1)] as [number, number] }))
  .filter(
    (c) =>
      poolOutSize(c.H, c.k[0], c.s[0], c.p[0], c.d[0], c.ceil) >= 1 &&
      poolOutSize(c.W, c.k[1], c.s[1], c.p[1], c.d[1], c.ceil) >= 1,
  );

describe('wasm maxpool2d on random shapes', () => {
  it('matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, fc.integer({ min: 1, max: 2 ** 30 }), async (c, seed) => {
        const attrs: MaxPool2dAttrs = { kernel_size: c.k, stride: c.s, padding: c.p, dilation: c.d, ceil_mode: c.ceil };
        const OH = poolOutSize(c.H, c.k[0], c.s[0], c.p[0], c.d[0], c.ceil);
        const OW = poolOutSize(c.W, c.k[1], c.s[1], c.p[1], c.d[1], c.ceil);
        const r = await runOneStep(
          {
            op: 'maxpool2d',
            attrs,
            inputShapes: [[c.N, c.C, c.H, c.W]],
            outputShape: [c.N, c.C, OH, OW],
            residual: c.residual,
            activation: c.act,
          },
          seed,
          { threads: c.threads, minSplitCost: 0, split: 'always' },
        );
        expect(r.describe).toMatch(/max pooling/);
        expect(worstRatio(r.got.data, r.want.data, 1e-6, 1e-6), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 7, numRuns: 150 },
    );
  }, 60_000);

  it('propagates NaN from any tap, like PyTorch', async () => {
    const attrs: MaxPool2dAttrs = {
      kernel_size: [3, 3],
      stride: [2, 2],
      padding: [1, 1],
      dilation: [1, 1],
      ceil_mode: false,
    };
    const x = new Float32Array(1 * 1 * 9 * 9).map((_, i) => i);
    x[4 * 9 + 4] = NaN;
    const { plan, weights } = oneStepPlan({
      op: 'maxpool2d',
      attrs,
      inputShapes: [[1, 1, 9, 9]],
      outputShape: [1, 1, 5, 5],
    });
    const ex = await createWasmExecutor(plan, weights, { threads: 1 });
    const got = ex.run({ x0: { shape: [1, 1, 9, 9], data: x } }).y.data;
    ex.destroy();
    const want = maxpool2d({ shape: [1, 1, 9, 9], data: x }, attrs).data;
    expect(Array.from(got).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(
      Array.from(want).map((v) => (Number.isNaN(v) ? 'NaN' : v)),
    );
    expect(Number.isNaN(got[2 * 5 + 2])).toBe(true);
  });
});
