import { describe, expect, it } from 'vitest';
import { conv2d, convOutSize, padSource } from '../../runtime/reference/index.ts';
import { arange, convAttrs, t, values } from './helpers.ts';

describe('conv2d, hand-computed', () => {
  it('d2l edge detector: K = [[1, -1]] marks the edges of a 6x8 image with columns 2..5 zero', () => {
    const img = Array.from({ length: 48 }, (_, i) => (i % 8 >= 2 && i % 8 <= 5 ? 0 : 1));
    const x = t([1, 1, 6, 8], img);
    const y = conv2d(x, convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [1, 2] }), t([1, 1, 1, 2], [1, -1]));
    expect(y.shape).toEqual([1, 1, 6, 7]);
    const row = [0, 1, 0, 0, 0, -1, 0];
    expect(values(y)).toEqual(Array.from({ length: 6 }, () => row).flat());
  });

  it('d2l corr2d: 3x3 arange with K = [[0,1],[2,3]] gives [[19,25],[37,43]]', () => {
    const y = conv2d(
      arange([1, 1, 3, 3]),
      convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [2, 2] }),
      t([1, 1, 2, 2], [0, 1, 2, 3]),
    );
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(values(y)).toEqual([19, 25, 37, 43]);
  });

  it('d2l multi-input channels sum over channels: [[56,72],[104,120]]', () => {
    const x = t([1, 2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const k = t([1, 2, 2, 2], [0, 1, 2, 3, 1, 2, 3, 4]);
    const y = conv2d(x, convAttrs({ in_channels: 2, out_channels: 1, kernel_size: [2, 2] }), k);
    expect(values(y)).toEqual([56, 72, 104, 120]);
  });

  it('adds the bias per output channel', () => {
    const y = conv2d(
      t([1, 1, 1, 2], [1, 2]),
      convAttrs({ in_channels: 1, out_channels: 2, kernel_size: [1, 1], bias: true }),
      t([2, 1, 1, 1], [1, -1]),
      t([2], [10, 20]),
    );
    expect(values(y)).toEqual([11, 12, 19, 18]);
  });

  // a 1x1 kernel of weight 1 reads the padded row back, so each mode's fill is visible directly
  it.each([
    ['zeros', [0, 0, 1, 2, 3, 0, 0]],
    ['reflect', [3, 2, 1, 2, 3, 2, 1]],
    ['replicate', [1, 1, 1, 2, 3, 3, 3]],
    ['circular', [2, 3, 1, 2, 3, 1, 2]],
  ] as const)('padding_mode %s fills [1, 2, 3] padded by 2 as %j', (mode, want) => {
    const attrs = convAttrs({
      in_channels: 1,
      out_channels: 1,
      kernel_size: [1, 1],
      pads: [0, 0, 2, 2],
      padding_mode: mode,
    });
    const y = conv2d(t([1, 1, 1, 3], [1, 2, 3]), attrs, t([1, 1, 1, 1], [1]));
    expect(y.shape).toEqual([1, 1, 1, 7]);
    expect(values(y)).toEqual(want);
  });

  it('pads each side separately: [top=1, bottom=0, left=0, right=2], replicate', () => {
    const attrs = convAttrs({
      in_channels: 1,
      out_channels: 1,
      kernel_size: [1, 1],
      pads: [1, 0, 0, 2],
      padding_mode: 'replicate',
    });
    const y = conv2d(t([1, 1, 2, 2], [1, 2, 3, 4]), attrs, t([1, 1, 1, 1], [1]));
    expect(y.shape).toEqual([1, 1, 3, 4]);
    expect(values(y)).toEqual([1, 2, 2, 2, 1, 2, 2, 2, 3, 4, 4, 4]);
  });

  it('dilation 2 samples every other pixel: 3x3 ones over a 5x5 arange sums rows/cols 0,2,4', () => {
    const attrs = convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [3, 3], dilation: [2, 2] });
    const y = conv2d(arange([1, 1, 5, 5]), attrs, t([1, 1, 3, 3], Array(9).fill(1)));
    expect(y.shape).toEqual([1, 1, 1, 1]);
    expect(values(y)).toEqual([108]);
  });

  it('stride 2 with zero padding 1 over a 4x4 arange', () => {
    const attrs = convAttrs({
      in_channels: 1,
      out_channels: 1,
      kernel_size: [2, 2],
      stride: [2, 2],
      pads: [1, 1, 1, 1],
    });
    // output 3x3; window (0,0) sees only x[0,0]=0 at its bottom-right, weight 4
    const y = conv2d(arange([1, 1, 4, 4]), attrs, t([1, 1, 2, 2], [1, 2, 3, 4]));
    expect(y.shape).toEqual([1, 1, 3, 3]);
    // row 0: [4*0, 3*1+4*2, 3*3]; row 1: [2*4+4*8, 1*5+2*6+3*9+4*10, 1*7+3*11]; row 2: [2*12, 1*13+2*14, 1*15]
    expect(values(y)).toEqual([0, 11, 9, 40, 84, 40, 24, 41, 15]);
  });

  it('groups: each output channel sees only its group of inputs', () => {
    const attrs = convAttrs({ in_channels: 2, out_channels: 4, kernel_size: [1, 1], groups: 2, bias: true });
    const y = conv2d(t([1, 2, 1, 1], [2, 3]), attrs, t([4, 1, 1, 1], [1, 10, 100, 1000]), t([4], [0.5, 0, 0, 0]));
    expect(values(y)).toEqual([2.5, 20, 300, 3000]);
  });

  it('keeps batch items apart', () => {
    const y = conv2d(
      t([2, 1, 1, 1], [3, 5]),
      convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [1, 1] }),
      t([1, 1, 1, 1], [2]),
    );
    expect(y.shape).toEqual([2, 1, 1, 1]);
    expect(values(y)).toEqual([6, 10]);
  });

  it('output size formula', () => {
    expect(convOutSize(9, 1, 1, 3, 2, 1)).toBe(5);
    expect(convOutSize(13, 2, 2, 3, 2, 3)).toBe(6);
    expect(convOutSize(6, 1, 2, 4, 1, 1)).toBe(6);
  });

  it('padSource maps out-of-range indices per mode', () => {
    expect([-2, -1, 3, 4].map((i) => padSource(i, 3, 'reflect'))).toEqual([2, 1, 1, 0]);
    expect([-2, -1, 3, 4].map((i) => padSource(i, 3, 'replicate'))).toEqual([0, 0, 2, 2]);
    expect([-2, -1, 3, 4].map((i) => padSource(i, 3, 'circular'))).toEqual([1, 2, 0, 1]);
    expect([-1, 3].map((i) => padSource(i, 3, 'zeros'))).toEqual([-1, -1]);
  });

  it('refuses inputs it cannot compute', () => {
    const one = t([1, 1, 1, 1], [1]);
    const x = t([1, 1, 1, 3], [1, 2, 3]);
    expect(() => conv2d(x, convAttrs({ in_channels: 2, out_channels: 1, kernel_size: [1, 1] }), one)).toThrow(
      /in_channels is 2/,
    );
    expect(() => conv2d(x, convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [1, 2] }), one)).toThrow(
      /weight has shape/,
    );
    expect(() =>
      conv2d(x, convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [2, 1] }), t([1, 1, 2, 1], [1, 1])),
    ).toThrow(/output height 0/);
    const reflect = convAttrs({
      in_channels: 1,
      out_channels: 1,
      kernel_size: [1, 1],
      pads: [0, 0, 3, 0],
      padding_mode: 'reflect',
    });
    expect(() => conv2d(x, reflect, one)).toThrow(/reflect padding/);
    expect(() =>
      conv2d(x, convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [1, 1], bias: true }), one),
    ).toThrow(/bias/);
  });
});
