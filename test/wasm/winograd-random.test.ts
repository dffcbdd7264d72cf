/**
 * The Winograd F(2x2,3x3) kernel forced onto random 3x3 stride-1 convs (fixed seed) against the
 * reference: odd output sizes (partial tiles at the right and bottom), widths that leave partial tile
 * groups, bands of several tile rows with a partial last band, batches, every padding mode, few and
 * many channels (output-channel remainder blocks), every epilogue, one and two threads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { Conv2dAttrs, PaddingMode } from '../../compiler/ir/attrs.ts';
import { winogradKernel } from '../../compiler/5-codegen/wasm/kernels/winograd.ts';
import { runOneStep, worstRatio } from './one-step.ts';

const arb = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 12 }),
    OC: fc.integer({ min: 1, max: 11 }),
    H: fc.integer({ min: 1, max: 15 }),
    W: fc.integer({ min: 1, max: 21 }),
    pads: fc.oneof(
      fc.constant<[number, number, number, number]>([1, 1, 1, 1]),
      fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
    ),
    mode: fc.constantFrom<PaddingMode>('zeros', 'zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
    residual: fc.boolean(),
    act: fc.constantFrom<Activation | null>(
      null,
      { kind: 'relu' },
      { kind: 'leaky_relu', negative_slope: 0.1 },
      { kind: 'tanh' },
      { kind: 'hardtanh', min_val: -0.5, max_val: 0.75 },
      { kind: 'hardsigmoid' },
      { kind: 'hardswish' },
    ),
    threads: fc.constantFrom(1, 2),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .filter((c) => {
    const [pt, pb, pl, pr] = c.pads;
    if (c.mode === 'reflect' && (Math.max(pt, pb) >= c.H || Math.max(pl, pr) >= c.W)) return false;
    if (c.mode === 'circular' && (Math.max(pt, pb) > c.H || Math.max(pl, pr) > c.W)) return false;
    return c.H + pt + pb >= 3 && c.W + pl + pr >= 3;
  });

describe('wasm Winograd F(2x2,3x3) on random shapes', () => {
  it('matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const attrs: Conv2dAttrs = {
          in_channels: c.C,
          out_channels: c.OC,
          kernel_size: [3, 3],
          stride: [1, 1],
          pads: c.pads,
          dilation: [1, 1],
          groups: 1,
          bias: c.bias,
          padding_mode: c.mode,
        };
        const OH = c.H + c.pads[0] + c.pads[1] - 2;
        const OW = c.W + c.pads[2] + c.pads[3] - 2;
        const r = await runOneStep(
          {
            op: 'conv2d',
            attrs,
            inputShapes: [[c.N, c.C, c.H, c.W]],
            outputShape: [c.N, c.OC, OH, OW],
            paramShapes: c.bias ? { weight: [c.OC, c.C, 3, 3], bias: [c.OC] } : { weight: [c.OC, c.C, 3, 3] },
            residual: c.residual,
            activation: c.act,
          },
          c.seed,
          {
            threads: c.threads,
            minSplitCost: 0,
            split: 'always',
            kernel: (step: PlanStep) => winogradKernel(step as PlanStep<'conv2d'>),
          },
        );
        expect(r.describe).toMatch(/Winograd/);
        expect(worstRatio(r.got.data, r.want.data), JSON.stringify(c)).toBeLessThanOrEqual(1);
      }),
      { seed: 99, numRuns: 100 },
    );
  }, 60_000);
});
