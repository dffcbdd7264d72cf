import { describe, expect, it } from 'vitest';
import { type InitParam, defaultInit } from '../../runtime/io/init.ts';
import { hashSeed, mulberry32 } from '../../runtime/io/prng.ts';

const params: InitParam[] = [
  { key: 'conv1.weight', name: 'weight', shape: [16, 3, 5, 5], op: 'conv2d' }, // fan_in 75
  { key: 'conv1.bias', name: 'bias', shape: [16], op: 'conv2d' },
  { key: 'dw.weight', name: 'weight', shape: [32, 2, 3, 3], op: 'conv2d' }, // groups: in/groups = 2, fan_in 18
  { key: 'bn1.weight', name: 'weight', shape: [16], op: 'batchnorm2d' },
  { key: 'bn1.bias', name: 'bias', shape: [16], op: 'batchnorm2d' },
  { key: 'bn1.running_mean', name: 'running_mean', shape: [16], op: 'batchnorm2d' },
  { key: 'bn1.running_var', name: 'running_var', shape: [16], op: 'batchnorm2d' },
  { key: 'fc.weight', name: 'weight', shape: [64, 400], op: 'linear' }, // fan_in 400
  { key: 'fc.bias', name: 'bias', shape: [64], op: 'linear' },
];

function stats(data: Float32Array): { min: number; max: number; mean: number; variance: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { min, max, mean, variance: sq / data.length };
}

describe('defaultInit', () => {
  const init = defaultInit(params, 42);

  it('gives every parameter its shape', () => {
    for (const p of params) {
      expect(init.get(p.key)!.shape, p.key).toEqual(p.shape);
      expect(init.get(p.key)!.data.length, p.key).toBe(p.shape.reduce((a, b) => a * b, 1));
    }
  });

  it('draws conv and linear weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const cases: [string, number][] = [
      ['conv1.weight', 75],
      ['conv1.bias', 75],
      ['dw.weight', 18],
      ['fc.weight', 400],
      ['fc.bias', 400],
    ];
    for (const [key, fanIn] of cases) {
      const bound = 1 / Math.sqrt(fanIn);
      const data = init.get(key)!.data;
      const s = stats(data);
      expect(Math.max(-s.min, s.max), key).toBeLessThanOrEqual(Math.fround(bound));
      // Spread over nearly the whole interval, on both sides.
      expect(s.max, key).toBeGreaterThan(bound * (data.length >= 64 ? 0.8 : 0.5));
      expect(s.min, key).toBeLessThan(-bound * (data.length >= 64 ? 0.8 : 0.5));
      // Uniform on [-b, b]: mean 0 (std b/sqrt(3n)), variance b^2/3.
      expect(Math.abs(s.mean), key).toBeLessThan((5 * bound) / Math.sqrt(3 * data.length));
      if (data.length >= 1000) expect(s.variance / ((bound * bound) / 3), key).toBeCloseTo(1, 1);
    }
  });

  it('sets batchnorm weight 1, bias 0, running_mean 0, running_var 1', () => {
    expect([...init.get('bn1.weight')!.data]).toEqual(new Array(16).fill(1));
    expect([...init.get('bn1.bias')!.data]).toEqual(new Array(16).fill(0));
    expect([...init.get('bn1.running_mean')!.data]).toEqual(new Array(16).fill(0));
    expect([...init.get('bn1.running_var')!.data]).toEqual(new Array(16).fill(1));
  });

  it('same seed gives the same values; a different seed gives different ones', () => {
    const again = defaultInit(params, 42);
    const other = defaultInit(params, 43);
    for (const p of params) {
      expect([...again.get(p.key)!.data], p.key).toEqual([...init.get(p.key)!.data]);
    }
    for (const key of ['conv1.weight', 'conv1.bias', 'fc.weight']) {
      const a = init.get(key)!.data;
      const b = other.get(key)!.data;
      expect(a.filter((v, i) => v === b[i]).length, key).toBeLessThan(a.length / 10);
    }
    // Two tensors of one init use different streams: scaled to [-1, 1) they do not coincide.
    const u1 = [...init.get('conv1.bias')!.data].map((v) => v * Math.sqrt(75));
    const u2 = [...init.get('fc.bias')!.data].slice(0, 16).map((v) => v * Math.sqrt(400));
    expect(u1.filter((v, i) => Math.abs(v - u2[i]) < 1e-3).length).toBeLessThan(3);
  });

  it('does not depend on the order of the parameter list', () => {
    const reversed = defaultInit([...params].reverse(), 42);
    for (const p of params) expect([...reversed.get(p.key)!.data], p.key).toEqual([...init.get(p.key)!.data]);
  });

  it('pins the generator: the values for a fixed seed never change between versions', () => {
    // Guards against accidental changes to the PRNG or the derivation of per-tensor seeds.
    const r = mulberry32(1);
    // The published first outputs of mulberry32 for seed 1.
    expect([r(), r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const fc = defaultInit(
      [
        { key: 'fc.weight', name: 'weight', shape: [2, 4], op: 'linear' },
        { key: 'fc.bias', name: 'bias', shape: [2], op: 'linear' },
      ],
      42,
    );
    expect([...fc.get('fc.weight')!.data.slice(0, 3)]).toEqual([
      0.40517696738243103, 0.17069469392299652, -0.08208267390727997,
    ]);
    expect([...fc.get('fc.bias')!.data]).toEqual([0.46304333209991455, -0.3203507959842682]);
    expect(hashSeed(42, 'fc.bias')).toBe(hashSeed(42, 'fc.bias'));
    expect(hashSeed(42, 'fc.bias')).not.toBe(hashSeed(43, 'fc.bias'));
  });

  it('refuses a bias without its weight, wrong-rank weights and bad names', () => {
    expect(() => defaultInit([{ key: 'fc.bias', name: 'bias', shape: [4], op: 'linear' }], 1)).toThrow(
      /no matching weight \("fc.weight"\)/,
    );
    expect(() => defaultInit([{ key: 'c.weight', name: 'weight', shape: [4, 3], op: 'conv2d' }], 1)).toThrow(
      /conv2d weight has 4 dimensions/,
    );
    expect(() => defaultInit([{ key: 'c.running_mean', name: 'running_mean', shape: [4], op: 'linear' }], 1)).toThrow(
      /linear has no running_mean/,
    );
    expect(() => defaultInit([{ key: 'c.weight', name: 'weight', shape: [4, -1], op: 'linear' }], 1)).toThrow(
      /non-negative integers/,
    );
  });
});
