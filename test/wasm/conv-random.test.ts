/**
 * Randomized conv2d shapes (fixed seed) through every wasm conv strategy against the reference:
 * stride, dilation, groups and depthwise, asymmetric pads in every padding mode, odd sizes and
 * widths that are not multiples of 4, batches, bias, residual and every activation, one and two
 * threads. Each case runs through the backend's own choice and through the GEMM kernel forced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { Conv2dAttrs, PaddingMode } from '../../compiler/ir/attrs.ts';
import { gemmConvKernel } from '../../compiler/5-codegen/wasm/kernels/conv.ts';
import { runOneStep, worstRatio } from './one-step.ts';

interface ConvCase {
  N: number;
  G: number;
  Cg: number;
  OCg: number;
  H: number;
  W: number;
  k: [number, number];
  s: [number, number];
  d: [number, number];
  pads: [number, number, number, number];
  mode: PaddingMode;
  bias: boolean;
  residual: boolean;
  act: Activation | null;
  threads: number;
}

const activation = fc.constantFrom<Activation | null>(
  null,
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.1 },
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

const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    G: fc.constantFrom(1, 1, 2, 3),
    Cg: fc.integer({ min: 1, max: 5 }),
    OCg: fc.integer({ min: 1, max: 9 }),
    H: fc.integer({ min: 1, max: 11 }),
    W: fc.integer({ min: 1, max: 13 }),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.oneof(
      fc.constant<[number, number]>([1, 1]),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    ),
    d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    pads: fc.oneof(
      fc.constant<[number, number, number, number]>([0, 0, 0, 0]),
      fc.tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
      ),
    ),
    mode: fc.constantFrom<PaddingMode>('zeros', 'zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
    residual: fc.boolean(),
    act: activation,
    threads: fc.constantFrom(1, 2),
  })
  .filter((c) => {
    const [pt, pb, pl, pr] = c.pads;
    // PyTorch's limits for reflect/circular pads
    if (c.mode === 'reflect' && (Math.max(pt, pb) >= c.H || Math.max(pl, pr) >= c.W)) return false;
    if (c.mode === 'circular' && (Math.max(pt, pb) > c.H || Math.max(pl, pr) > c.W)) return false;
    return outSize(c.H, pt, pb, c.k[0], c.s[0], c.d[0]) >= 1 && outSize(c.W, pl, pr, c.k[1], c.s[1], c.d[1]) >= 1;
  });

function outSize(n: number, a: number, b: number, k: number, s: number, d: number): number {
  return Math.floor((n + a + b - d * (k - 1) - 1) / s) + 1;
}

async function check(c: ConvCase, seed: number, forceGemm: boolean): Promise<string> {
  const C = c.G * c.Cg;
  const OC = c.G * c.OCg;
  const attrs: Conv2dAttrs = {
    in_channels: C,
    out_channels: OC,
    kernel_size: c.k,
    stride: c.s,
    pads: c.pads,
    dilation: c.d,
    groups: c.G,
    bias: c.bias,
    padding_mode: c.mode,
  };
  const OH = outSize(c.H, c.pads[0], c.pads[1], c.k[0], c.s[0], c.d[0]);
  const OW = outSize(c.W, c.pads[2], c.pads[3], c.k[1], c.s[1], c.d[1]);
  const r = await runOneStep(
    {
      op: 'conv2d',
      attrs,
      inputShapes: [[c.N, C, c.H, c.W]],
      outputShape: [c.N, OC, OH, OW],
      paramShapes: c.bias ? { weight: [OC, c.Cg, ...c.k], bias: [OC] } : { weight: [OC, c.Cg, ...c.k] },
      residual: c.residual,
      activation: c.act,
    },
    seed,
    {
      threads: c.threads,
      minSplitCost: 0,
      split: 'always',
      kernel: forceGemm
        ? (step: PlanStep) => gemmConvKernel(step as PlanStep<'conv2d'>, { MR: 4, NV: 2, KU: 1 })
        : undefined,
    },
  );
  expect(r.got.shape).toEqual(r.want.shape);
  const ratio = worstRatio(r.got.data, r.want.data);
  expect(ratio, `${JSON.stringify(c)} via ${r.describe}`).toBeLessThanOrEqual(1);
  return r.describe;
}

describe('wasm conv2d on random shapes', () => {
  it('matches the reference (backend choice and forced GEMM)', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(convCase, fc.integer({ min: 1, max: 2 ** 30 }), async (c, seed) => {
        seen.add(await check(c, seed, false));
        seen.add(await check(c, seed, true));
      }),
      { seed: 20240611, numRuns: 120 },
    );
    // every strategy was exercised
    expect([...seen].some((d) => d.startsWith('depthwise'))).toBe(true);
    expect([...seen].some((d) => d.includes('phase-split'))).toBe(true);
    expect([...seen].some((d) => d.includes('over the input planes'))).toBe(true);
  }, 60_000);
});
