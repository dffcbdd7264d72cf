/**
 * Generated conv2d kernels against the reference kernels (runtime/reference) on many shapes: every
 * code path of the generator (pointwise blocks and channel remainders, pixel tiles, direct blocks of
 * 4/2/1 output channels, fused and per-row taps, interior/border rows and columns, empty interiors,
 * groups, depthwise, stride, dilation, asymmetric pads, all padding modes) with and without epilogues.
 */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/3-lower/plan.ts';
import type { OpAttrs, PaddingMode } from '../../compiler/ir/attrs.ts';
import { convOutSize } from '../../runtime/reference/index.ts';
import { cpuAndReference, maxAbsDiff, prng, randomTensor } from './single-step.ts';

interface ConvCase {
  N: number;
  C: number;
  OC: number;
  H: number;
  W: number;
  k: [number, number];
  s: [number, number];
  d: [number, number];
  pads: [number, number, number, number];
  groups: number;
  bias: boolean;
  mode: PaddingMode;
  residual: boolean;
  act: Activation | null;
}

function runCase(cc: ConvCase, seed: number): number {
  const rnd = prng(seed);
  const attrs: OpAttrs['conv2d'] = {
    in_channels: cc.C,
    out_channels: cc.OC,
    kernel_size: cc.k,
    stride: cc.s,
    pads: cc.pads,
    dilation: cc.d,
    groups: cc.groups,
    bias: cc.bias,
    padding_mode: cc.mode,
  };
  const OH = convOutSize(cc.H, cc.pads[0], cc.pads[1], cc.k[0], cc.s[0], cc.d[0]);
  const OW = convOutSize(cc.W, cc.pads[2], cc.pads[3], cc.k[1], cc.s[1], cc.d[1]);
  const outShape = [cc.N, cc.OC, OH, OW];
  const x = randomTensor([cc.N, cc.C, cc.H, cc.W], rnd);
  const w = randomTensor([cc.OC, cc.C / cc.groups, ...cc.k], rnd);
  const b = cc.bias ? randomTensor([cc.OC], rnd) : null;
  const r = randomTensor(outShape, rnd);
  const { got, want } = cpuAndReference(
    {
      op: 'conv2d',
      attrs,
      inputShapes: [x.shape],
      outputShape: outShape,
      params: b ? { weight: w, bias: b } : { weight: w },
      residual: cc.residual,
      activation: cc.act,
    },
    cc.residual ? { x0: x, r } : { x0: x },
  );
  expect(got.shape).toEqual(outShape);
  return maxAbsDiff(got.data, want.data);
}

const base: ConvCase = {
  N: 1,
  C: 3,
  OC: 4,
  H: 7,
  W: 9,
  k: [3, 3],
  s: [1, 1],
  d: [1, 1],
  pads: [1, 1, 1, 1],
  groups: 1,
  bias: true,
  mode: 'zeros',
  residual: false,
  act: null,
};

const named: [string, Partial<ConvCase>][] = [
  [
    '1x1, 13 output channels (blocks 8+4+1), 7 input channels (4 + 3 singles)',
    { C: 7, OC: 13, k: [1, 1], pads: [0, 0, 0, 0] },
  ],
  [
    '1x1 over more pixels than one tile, residual + relu',
    { C: 5, OC: 6, H: 30, W: 37, k: [1, 1], pads: [0, 0, 0, 0], residual: true, act: { kind: 'relu' } },
  ],
  [
    '1x1 grouped, no bias, batch 2, sigmoid',
    { N: 2, C: 8, OC: 12, groups: 4, k: [1, 1], pads: [0, 0, 0, 0], bias: false, act: { kind: 'sigmoid' } },
  ],
  ['1x1 with padding goes through the direct path', { k: [1, 1], pads: [1, 0, 2, 1] }],
  ['1x1 stride 2', { k: [1, 1], s: [2, 2], pads: [0, 0, 0, 0], H: 9, W: 8 }],
  [
    '3x3, 7 output channels (blocks 4+2+1), residual + leaky_relu',
    { OC: 7, residual: true, act: { kind: 'leaky_relu', negative_slope: 0.1 } },
  ],
  ['3x3 odd width: pixel pairs plus a single remainder', { W: 10, H: 5, OC: 8 }],
  [
    '7x7 stride 2 pad 3 (per-row taps, not fused)',
    { C: 3, OC: 5, H: 19, W: 17, k: [7, 7], s: [2, 2], pads: [3, 3, 3, 3] },
  ],
  [
    '1x13 kernel: channel blocks capped by the unrolled row width',
    { OC: 9, H: 3, W: 15, k: [1, 13], pads: [0, 0, 6, 6] },
  ],
  ['5x5 pad 2 batch 2, tanh', { N: 2, C: 4, OC: 6, H: 9, W: 11, k: [5, 5], pads: [2, 2, 2, 2], act: { kind: 'tanh' } }],
  ['kernel wider than the input: no interior columns or rows', { H: 3, W: 3, k: [5, 5], pads: [2, 2, 2, 2] }],
  ['large padding: more border than interior', { H: 4, W: 5, k: [3, 3], pads: [3, 2, 4, 3], s: [2, 1] }],
  ['asymmetric "same" pads for an even kernel', { k: [4, 2], pads: [1, 2, 0, 1] }],
  ['dilation 2x3 and stride 2x1', { H: 13, W: 14, d: [2, 3], s: [2, 1], pads: [2, 1, 3, 2] }],
  ['depthwise, multiplier 1, residual', { C: 6, OC: 6, groups: 6, H: 10, W: 10, residual: true }],
  ['depthwise, multiplier 3 (blocks of 2+1 within a group)', { C: 4, OC: 12, groups: 4, bias: false }],
  ['groups 2 with 3 channels per group', { C: 6, OC: 10, groups: 2 }],
  ['reflect padding 2x1', { mode: 'reflect', pads: [2, 2, 1, 1], H: 6, W: 5 }],
  ['replicate padding, asymmetric, stride 2', { mode: 'replicate', pads: [0, 2, 1, 0], s: [2, 2] }],
  ['circular padding with dilation', { mode: 'circular', pads: [2, 2, 2, 2], d: [2, 2], H: 6, W: 6 }],
  [
    'circular padding depthwise with epilogue',
    { mode: 'circular', C: 3, OC: 3, groups: 3, residual: true, act: { kind: 'relu' } },
  ],
  ['1x1 with reflect padding (pre-padded)', { mode: 'reflect', k: [1, 1], pads: [1, 1, 1, 1] }],
];

describe('conv2d kernels against the reference kernels', () => {
  named.forEach(([name, over], i) => {
    it(name, () => {
      expect(runCase({ ...base, ...over }, 100 + i)).toBeLessThan(2e-5 * 64);
    });
  });

  it('random configurations', () => {
    const rnd = prng(7);
    const pick = (n: number) => Math.floor(rnd() * n);
    const modes: PaddingMode[] = ['zeros', 'zeros', 'reflect', 'replicate', 'circular'];
    const acts: (Activation | null)[] = [null, { kind: 'relu' }, { kind: 'tanh' }];
    let ran = 0;
    for (let t = 0; ran < 40 && t < 1000; t++) {
      const groups = [1, 1, 2, 3][pick(4)];
      const cc: ConvCase = {
        N: 1 + pick(2),
        C: groups * (1 + pick(4)),
        OC: groups * (1 + pick(6)),
        H: 1 + pick(12),
        W: 1 + pick(12),
        k: [1 + pick(5), 1 + pick(5)],
        s: [1 + pick(3), 1 + pick(3)],
        d: [1 + pick(3), 1 + pick(2)],
        pads: [pick(3), pick(3), pick(3), pick(3)],
        groups,
        bias: rnd() < 0.7,
        mode: modes[pick(5)],
        residual: rnd() < 0.3,
        act: acts[pick(3)],
      };
      const effH = cc.d[0] * (cc.k[0] - 1) + 1;
      const effW = cc.d[1] * (cc.k[1] - 1) + 1;
      if (cc.H + cc.pads[0] + cc.pads[1] < effH || cc.W + cc.pads[2] + cc.pads[3] < effW) continue;
      // PyTorch's own limits for the padding modes
      const maxPad = Math.max(...cc.pads);
      if (
        cc.mode === 'reflect' &&
        (Math.max(cc.pads[0], cc.pads[1]) >= cc.H || Math.max(cc.pads[2], cc.pads[3]) >= cc.W)
      )
        continue;
      if (
        cc.mode === 'circular' &&
        (Math.max(cc.pads[0], cc.pads[1]) > cc.H || Math.max(cc.pads[2], cc.pads[3]) > cc.W)
      )
        continue;
      if (cc.mode !== 'zeros' && maxPad === 0) cc.mode = 'zeros';
      const err = runCase(cc, 1000 + t);
      expect(err, JSON.stringify(cc)).toBeLessThan(1e-4);
      ran++;
    }
    expect(ran).toBe(40);
  });
});
