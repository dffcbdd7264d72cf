import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaddingMode } from '../../compiler/ir/attrs.ts';
import { concat, conv2d } from '../../runtime/reference/index.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { convAttrs } from './helpers.ts';

function random(shape: number[], seed: number): Tensor {
  // small integers keep every sum exact in float32, so results can be compared with toEqual
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = ((s >>> 16) % 7) - 3;
  }
  return tensor(shape, data);
}

function sliceChannels(x: Tensor, from: number, count: number): Tensor {
  const [N, C, H, W] = x.shape;
  const out = tensor([N, count, H, W]);
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const start = (n * C + from) * plane;
    out.data.set(x.data.subarray(start, start + count * plane), n * count * plane);
  }
  return out;
}

const pad = fc.integer({ min: 0, max: 2 });

const geometry = fc.record({
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 2 }),
  d: fc.integer({ min: 1, max: 2 }),
  pads: fc.tuple(pad, pad, pad, pad),
  mode: fc.constantFrom<PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
  seed: fc.integer(),
});

describe('conv2d properties', () => {
  it('a padded conv equals an identity 1x1 conv doing the padding, then an unpadded conv', () => {
    fc.assert(
      fc.property(geometry, ({ h, w, kh, kw, s, d, pads, mode, seed }) => {
        fc.pre(h + pads[0] + pads[1] >= d * (kh - 1) + 1 && w + pads[2] + pads[3] >= d * (kw - 1) + 1);
        const x = random([2, 2, h, w], seed);
        const weight = random([3, 2, kh, kw], seed + 1);
        const window = {
          in_channels: 2,
          out_channels: 3,
          kernel_size: [kh, kw],
          stride: [s, s],
          dilation: [d, d],
        } as const;
        const direct = conv2d(x, convAttrs({ ...window, pads, padding_mode: mode }), weight);
        const eye = tensor([2, 2, 1, 1], Float32Array.from([1, 0, 0, 1]));
        const padOnly = convAttrs({ in_channels: 2, out_channels: 2, kernel_size: [1, 1], pads, padding_mode: mode });
        const twoStep = conv2d(conv2d(x, padOnly, eye), convAttrs(window), weight);
        expect(direct.shape).toEqual(twoStep.shape);
        expect(Array.from(direct.data)).toEqual(Array.from(twoStep.data));
      }),
      { numRuns: 60 },
    );
  });

  it('a grouped conv equals separate convs over each channel group, concatenated', () => {
    fc.assert(
      fc.property(geometry, fc.constantFrom(1, 2, 3), ({ h, w, kh, kw, s, seed }, groups) => {
        const [inPer, outPer] = [2, 2];
        const x = random([1, inPer * groups, h, w], seed);
        const weight = random([outPer * groups, inPer, kh, kw], seed + 1);
        const attrs = { kernel_size: [kh, kw] as const, stride: [s, s] as const, pads: [1, 1, 1, 1] as const };
        const whole = convAttrs({ ...attrs, in_channels: inPer * groups, out_channels: outPer * groups, groups });
        const grouped = conv2d(x, whole, weight);
        const perGroup = outPer * inPer * kh * kw;
        const parts = Array.from({ length: groups }, (_, g) => {
          const w = tensor([outPer, inPer, kh, kw], weight.data.slice(g * perGroup, (g + 1) * perGroup));
          const one = convAttrs({ ...attrs, in_channels: inPer, out_channels: outPer });
          return conv2d(sliceChannels(x, g * inPer, inPer), one, w);
        });
        expect(Array.from(grouped.data)).toEqual(Array.from(concat(parts, { dim: 1 }).data));
      }),
      { numRuns: 40 },
    );
  });
});
