import { describe, expect, it } from 'vitest';
import type { BatchNorm2dAttrs } from '../../compiler/ir/attrs.ts';
import {
  add,
  batchnorm2d,
  concat,
  flatten,
  identity,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  tanh,
} from '../../runtime/reference/index.ts';
import { arange, t, values } from './helpers.ts';

const f32 = (xs: number[]) => xs.map((v) => Math.fround(v));

describe('batchnorm2d', () => {
  const attrs = (over: Partial<BatchNorm2dAttrs>): BatchNorm2dAttrs => ({
    num_features: 2,
    eps: 0,
    momentum: 0.1,
    affine: true,
    track_running_stats: true,
    ...over,
  });

  it('eval mode: (x - running_mean)/sqrt(running_var + eps) * weight + bias, per channel', () => {
    const y = batchnorm2d(t([1, 2, 1, 2], [1, 3, 5, 7]), attrs({}), {
      running_mean: t([2], [2, 6]),
      running_var: t([2], [4, 1]),
      weight: t([2], [2, 1]),
      bias: t([2], [0.5, -1]),
    });
    expect(values(y)).toEqual([-0.5, 1.5, -2, 0]);
  });

  it('eps is added to the variance', () => {
    const y = batchnorm2d(t([1, 1, 1, 1], [3]), attrs({ num_features: 1, eps: 3, affine: false }), {
      running_mean: t([1], [1]),
      running_var: t([1], [1]),
    });
    expect(values(y)).toEqual([1]);
  });

  it('track_running_stats=False uses the batch mean and biased variance, over N, H and W', () => {
    const y = batchnorm2d(
      t([2, 1, 1, 2], [1, 3, 5, 7]),
      attrs({ num_features: 1, affine: false, track_running_stats: false }),
      {},
    );
    // mean 4, variance (9 + 1 + 1 + 9)/4 = 5
    expect(values(y)).toEqual(f32([-3, -1, 1, 3].map((v) => v / Math.sqrt(5))));
  });

  it('refuses a missing running stat or a channel mismatch', () => {
    expect(() =>
      batchnorm2d(t([1, 2, 1, 1], [1, 2]), attrs({ affine: false }), { running_mean: t([2], [0, 0]) }),
    ).toThrow(/running_var/);
    expect(() =>
      batchnorm2d(t([1, 3, 1, 1], [1, 2, 3]), attrs({ affine: false, track_running_stats: false }), {}),
    ).toThrow(/num_features/);
  });
});

describe('activations', () => {
  const x = t([1, 1, 1, 4], [-2, -0.5, 0, 3]);

  it('relu', () => expect(values(relu(x))).toEqual([0, 0, 0, 3]));
  it('leaky_relu', () => expect(values(leakyRelu(x, { negative_slope: 0.1 }))).toEqual(f32([-0.2, -0.05, 0, 3])));
  it('sigmoid, saturating without NaN', () => {
    expect(values(sigmoid(t([3], [0, -1000, 1000])))).toEqual([0.5, 0, 1]);
    expect(sigmoid(t([1], [2])).data[0]).toBeCloseTo(0.8807970779778823, 6);
  });
  it('tanh', () => {
    expect(values(tanh(t([3], [0, -50, 50])))).toEqual([0, -1, 1]);
    expect(tanh(t([1], [0.5])).data[0]).toBeCloseTo(0.46211715726000974, 6);
  });
  it('NaN stays NaN', () => {
    for (const f of [relu, sigmoid, tanh, (v: typeof x) => leakyRelu(v, { negative_slope: 0.1 })]) {
      expect(Number.isNaN(f(t([1], [NaN])).data[0])).toBe(true);
    }
  });
  it('keeps the shape', () => expect(relu(arange([2, 3, 4, 5])).shape).toEqual([2, 3, 4, 5]));
});

describe('flatten and identity', () => {
  it('merges dims start..end inclusive, data unchanged', () => {
    const x = arange([2, 3, 4, 5]);
    const a = flatten(x, { start_dim: 1, end_dim: 3 });
    expect(a.shape).toEqual([2, 60]);
    expect(values(a)).toEqual(values(x));
    expect(flatten(x, { start_dim: 1, end_dim: 2 }).shape).toEqual([2, 12, 5]);
    expect(flatten(x, { start_dim: 0, end_dim: 3 }).shape).toEqual([120]);
    expect(flatten(x, { start_dim: 2, end_dim: 2 }).shape).toEqual([2, 3, 4, 5]);
  });

  it('refuses dims outside the input', () => {
    expect(() => flatten(arange([2, 3]), { start_dim: 1, end_dim: 2 })).toThrow(/do not fit/);
  });

  it('identity copies', () => {
    const x = arange([1, 2]);
    const y = identity(x);
    expect(values(y)).toEqual([0, 1]);
    expect(y.data).not.toBe(x.data);
  });
});

describe('linear', () => {
  const w = t([2, 3], [1, 0, -1, 0.5, 0.5, 0.5]);

  it('y = x W^T + b', () => {
    const y = linear(
      t([2, 3], [1, 2, 3, 4, 5, 6]),
      { in_features: 3, out_features: 2, bias: true },
      w,
      t([2], [10, 0]),
    );
    expect(y.shape).toEqual([2, 2]);
    expect(values(y)).toEqual([8, 3, 8, 7.5]);
  });

  it('applies over the last dim of a higher-rank input, without bias', () => {
    const y = linear(t([1, 2, 3], [1, 2, 3, 4, 5, 6]), { in_features: 3, out_features: 2, bias: false }, w);
    expect(y.shape).toEqual([1, 2, 2]);
    expect(values(y)).toEqual([-2, 3, -2, 7.5]);
  });

  it('refuses a mismatched last dim', () => {
    expect(() => linear(arange([2, 4]), { in_features: 3, out_features: 2, bias: false }, w)).toThrow(/in_features 3/);
  });
});

describe('softmax', () => {
  it('over the last dim', () => {
    expect(values(softmax(t([1, 2], [0, Math.log(3)]), { dim: 1 }))).toEqual([0.25, 0.75]);
  });

  it('stable for large inputs', () => {
    // exp(1000) overflows a double; the max-shifted form gives 1/(1+e) and e/(1+e)
    const y = softmax(t([1, 3], [1000, 1001, -1e30]), { dim: 1 });
    expect(values(y)).toEqual(f32([1 / (1 + Math.E), Math.E / (1 + Math.E), 0]));
  });

  it('over a middle dim', () => {
    // [2, 2, 1]: softmax over dim 1 pairs (0, ln3) and (ln3, 0)
    const y = softmax(t([2, 2, 1], [0, Math.log(3), Math.log(3), 0]), { dim: 1 });
    expect(values(y)).toEqual([0.25, 0.75, 0.75, 0.25]);
    // the same data over dim 0 pairs elements 0/2 and 1/3
    expect(values(softmax(t([2, 2, 1], [0, Math.log(3), Math.log(3), 0]), { dim: 0 }))).toEqual([
      0.25, 0.75, 0.75, 0.25,
    ]);
  });

  it('every slice sums to 1', () => {
    const y = softmax(arange([2, 3, 4]), { dim: 1 });
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < 4; i++) {
        const s = [0, 1, 2].reduce((acc, c) => acc + y.data[(n * 3 + c) * 4 + i], 0);
        expect(s).toBeCloseTo(1, 6);
      }
    }
  });
});

describe('add and concat', () => {
  it('add sums elementwise, two or more inputs', () => {
    expect(values(add([t([2], [1, 2]), t([2], [10, 20])]))).toEqual([11, 22]);
    expect(values(add([t([2], [1, 2]), t([2], [10, 20]), t([2], [100, 200])]))).toEqual([111, 222]);
  });

  it('add refuses different shapes (no broadcasting)', () => {
    expect(() => add([arange([1, 2, 1, 1]), arange([1, 1, 1, 1])])).toThrow(/shapes differ/);
  });

  it('concat along channels keeps batch items apart', () => {
    const y = concat([t([2, 1, 1, 1], [1, 2]), t([2, 2, 1, 1], [3, 4, 5, 6])], { dim: 1 });
    expect(y.shape).toEqual([2, 3, 1, 1]);
    expect(values(y)).toEqual([1, 3, 4, 2, 5, 6]);
  });

  it('concat along the last dim', () => {
    const y = concat([t([1, 1, 2, 1], [1, 2]), t([1, 1, 2, 2], [3, 4, 5, 6])], { dim: 3 });
    expect(y.shape).toEqual([1, 1, 2, 3]);
    expect(values(y)).toEqual([1, 3, 4, 2, 5, 6]);
  });

  it('concat refuses disagreeing dims', () => {
    expect(() => concat([arange([1, 1, 2, 2]), arange([1, 1, 3, 2])], { dim: 1 })).toThrow(/disagree/);
  });
});
