import { describe, expect, it } from 'vitest';
import { checkOutputs } from '../../bench/check.ts';
import { FULL, QUICK, geomean, keepWarming, median, repsFor } from '../../bench/timing.ts';
import { tensor } from '../../compiler/ir/tensor.ts';

describe('timing policy', () => {
  it('gives fast engines many runs, slow ones few, and never none', () => {
    expect(repsFor(FULL, 1)).toBe(FULL.maxReps);
    expect(repsFor(FULL, 100)).toBe(15);
    expect(repsFor(FULL, 1000)).toBe(FULL.minReps);
    // 3 s a run: the 6 s cap wins over the minimum of 5
    expect(repsFor(FULL, 3000)).toBe(2);
    expect(repsFor(FULL, 60_000)).toBe(1);
    expect(repsFor(QUICK, 5000)).toBe(2);
  });

  it('warms up until the runs settle, within limits', () => {
    expect(keepWarming(FULL, [50], 50)).toBe(true);
    // JIT still kicking in: 1500 ms then 220 ms is not settled
    expect(keepWarming(FULL, [1500, 220], 1720)).toBe(true);
    expect(keepWarming(FULL, [1500, 220, 215], 1935)).toBe(false);
    // past warmupMaxMs it stops even if unsettled
    expect(keepWarming(FULL, [3000, 4000, 3000], 10_000)).toBe(false);
    expect(keepWarming(FULL, new Array(FULL.warmupMaxRuns).fill(1), 20)).toBe(false);
    expect(keepWarming(QUICK, [5], 5)).toBe(false);
  });

  it('medians and geometric means', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(geomean([2, 8])).toBeCloseTo(4, 12);
  });
});

describe('the correctness gate', () => {
  const want = { y: tensor([3], Float32Array.from([1, -1000, 0])) };
  it('passes within atol + rtol * |want| and reports the largest error', () => {
    const r = checkOutputs({ y: Float32Array.from([1.00105, -1000.9, 0.00009]) }, want);
    expect(r.ok).toBe(true);
    expect(r.maxAbsErr).toBeCloseTo(0.9, 3);
  });
  it('fails outside it, on NaN, and on a missing output', () => {
    expect(checkOutputs({ y: Float32Array.from([1.0012, -1000, 0]) }, want).problem).toMatch(/`y`\[0\]/);
    expect(checkOutputs({ y: Float32Array.from([1, NaN, 0]) }, want).ok).toBe(false);
    expect(checkOutputs({}, want).problem).toMatch(/no output `y`/);
  });
});
