import { describe, expect, it } from 'vitest';
import type { AvgPool2dAttrs, MaxPool2dAttrs } from '../../compiler/ir/attrs.ts';
import { adaptiveAvgpool2d, adaptiveBin, avgpool2d, maxpool2d, poolOutSize } from '../../runtime/reference/index.ts';
import { arange, t, values } from './helpers.ts';

const maxAttrs = (over: Partial<MaxPool2dAttrs>): MaxPool2dAttrs => ({
  kernel_size: [2, 2],
  stride: [2, 2],
  padding: [0, 0],
  dilation: [1, 1],
  ceil_mode: false,
  ...over,
});

const avgAttrs = (over: Partial<AvgPool2dAttrs>): AvgPool2dAttrs => ({
  kernel_size: [2, 2],
  stride: [2, 2],
  padding: [0, 0],
  ceil_mode: false,
  count_include_pad: true,
  divisor_override: null,
  ...over,
});

const ones = (h: number, w: number) => t([1, 1, h, w], Array(h * w).fill(1));

describe('pool output size (PyTorch pooling_output_shape)', () => {
  it('floor and ceil', () => {
    expect(poolOutSize(5, 2, 2, 0, 1, false)).toBe(2);
    expect(poolOutSize(5, 2, 2, 0, 1, true)).toBe(3);
  });

  it('ceil mode drops a last window that would start in the right padding', () => {
    // raw ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 3 would start at 6 >= 5 + 1
    expect(poolOutSize(5, 2, 2, 1, 1, true)).toBe(3);
    expect(poolOutSize(5, 2, 2, 1, 1, false)).toBe(3);
  });

  it('dilation widens the window', () => {
    expect(poolOutSize(7, 3, 1, 1, 2, false)).toBe(5);
  });
});

describe('maxpool2d, hand-computed', () => {
  it('2x2 stride 2 over a 5x5 arange, floor and ceil', () => {
    const x = arange([1, 1, 5, 5]);
    expect(values(maxpool2d(x, maxAttrs({})))).toEqual([6, 8, 16, 18]);
    const ceil = maxpool2d(x, maxAttrs({ ceil_mode: true }));
    expect(ceil.shape).toEqual([1, 1, 3, 3]);
    expect(values(ceil)).toEqual([6, 8, 9, 16, 18, 19, 21, 23, 24]);
  });

  it('ceil mode with padding drops the overhanging window', () => {
    const y = maxpool2d(
      t([1, 1, 1, 5], [1, 2, 3, 4, 5]),
      maxAttrs({ kernel_size: [1, 2], stride: [1, 2], padding: [0, 1], ceil_mode: true }),
    );
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expect(values(y)).toEqual([1, 3, 5]);
  });

  it('padding is -inf, not zero', () => {
    const y = maxpool2d(t([1, 1, 2, 2], [-1, -2, -3, -4]), maxAttrs({ stride: [1, 1], padding: [1, 1] }));
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(values(y)).toEqual([-1, -1, -2, -1, -1, -2, -3, -3, -4]);
  });

  it('dilation 2 picks pixels 0, 2, 4', () => {
    const y = maxpool2d(
      t([1, 1, 1, 5], [9, 100, 1, 100, 2]),
      maxAttrs({ kernel_size: [1, 3], stride: [1, 1], dilation: [1, 2] }),
    );
    expect(values(y)).toEqual([9]);
  });

  it('NaN propagates', () => {
    const y = maxpool2d(t([1, 1, 2, 2], [1, NaN, 3, 4]), maxAttrs({}));
    expect(Number.isNaN(y.data[0])).toBe(true);
  });

  it('refuses padding over half the kernel', () => {
    expect(() => maxpool2d(ones(4, 4), maxAttrs({ padding: [2, 0] }))).toThrow(/half the kernel/);
  });
});

describe('avgpool2d, hand-computed on a 3x3 of ones with k3 s1 p1', () => {
  const base = { kernel_size: [3, 3], stride: [1, 1], padding: [1, 1] } as const;

  it('count_include_pad=True divides by the padded window (corner 4/9, edge 6/9)', () => {
    const y = avgpool2d(ones(3, 3), avgAttrs({ ...base }));
    const [c, e] = [4 / 9, 6 / 9];
    expect(values(y)).toEqual(Array.from(Float32Array.from([c, e, c, e, 1, e, c, e, c])));
  });

  it('count_include_pad=False divides by the real pixels only', () => {
    expect(values(avgpool2d(ones(3, 3), avgAttrs({ ...base, count_include_pad: false })))).toEqual(Array(9).fill(1));
  });

  it('divisor_override replaces both', () => {
    expect(values(avgpool2d(ones(3, 3), avgAttrs({ ...base, divisor_override: 2 })))).toEqual([
      2, 3, 2, 3, 4.5, 3, 2, 3, 2,
    ]);
  });
});

describe('avgpool2d, PyTorch CPU divisor rule in ceil mode', () => {
  it('the overhanging window counts only the right padding that lies within input + pad', () => {
    // 4x4 ones, k3 s2 p1 ceil -> 3x3; last window starts at 3: pool size 2 (rows 3..4), real rows 1
    const y = avgpool2d(
      ones(4, 4),
      avgAttrs({ kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], ceil_mode: true }),
    );
    expect(y.shape).toEqual([1, 1, 3, 3]);
    const f = (v: number) => Math.fround(v);
    expect(values(y)).toEqual([4 / 9, 6 / 9, 2 / 6, 6 / 9, 1, 3 / 6, 2 / 6, 3 / 6, 1 / 4].map(f));
  });

  it('plain 2x2 mean', () => {
    expect(values(avgpool2d(arange([1, 1, 2, 4]), avgAttrs({})))).toEqual([2.5, 4.5]);
  });
});

describe('adaptive_avgpool2d', () => {
  it('bins overlap when sizes do not divide: 5 -> 3 is [0,2) [1,4) [3,5)', () => {
    expect([0, 1, 2].map((i) => adaptiveBin(i, 5, 3))).toEqual([
      [0, 2],
      [1, 4],
      [3, 5],
    ]);
    const y = adaptiveAvgpool2d(t([1, 1, 1, 5], [1, 2, 3, 4, 5]), { output_size: [1, 3] });
    expect(values(y)).toEqual([1.5, 3, 4.5]);
  });

  it('[1, 1] is global average pooling, per channel and batch item', () => {
    const y = adaptiveAvgpool2d(arange([2, 2, 2, 2]), { output_size: [1, 1] });
    expect(y.shape).toEqual([2, 2, 1, 1]);
    expect(values(y)).toEqual([1.5, 5.5, 9.5, 13.5]);
  });

  it('output larger than input repeats pixels', () => {
    const y = adaptiveAvgpool2d(t([1, 1, 1, 2], [1, 3]), { output_size: [1, 3] });
    expect(values(y)).toEqual([1, 2, 3]);
  });
});
