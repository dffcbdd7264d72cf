/**
 * cnnc's own dropout masks (runtime/reference/train/dropout.ts): the documented rule (mulberry32(seed), one
 * draw per mask element in row-major order, kept when u >= p), the contract's mask shapes, and their
 * statistics against what PyTorch's masks promise (kept with probability 1-p, the expectation preserved;
 * the alpha dropouts keep mean 0 and variance 1 of a standard normal input).
 */
import { describe, expect, it } from 'vitest';
import type { TrainingIdentity } from '../../compiler/ir/attrs.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import {
  applyDropoutMask,
  drawDropoutMask,
  dropoutMaskShape,
  forwardTrain,
  keptScale,
} from '../../runtime/reference/train/index.ts';

const element = (p: number): TrainingIdentity => ({ kind: 'dropout', p, variant: 'element' });

/** Standard normal values (Box-Muller over mulberry32). */
function normal(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
}

describe('dropout masks', () => {
  it('follow the rule: mulberry32(seed), row-major, kept when u >= p', () => {
    for (const t of [element(0.3), { kind: 'dropout', p: 0.6, variant: 'channel' } as const]) {
      const mask = drawDropoutMask(t, [3, 4, 2, 2], 1234);
      const rnd = mulberry32(1234);
      const scale = keptScale(t);
      for (let i = 0; i < mask.data.length; i++) expect(mask.data[i]).toBe(rnd() >= t.p ? scale : 0);
    }
  });

  it('have the contract shapes and scales', () => {
    const x = [4, 3, 5, 6];
    expect(dropoutMaskShape(element(0.5), x)).toEqual(x);
    expect(dropoutMaskShape({ kind: 'dropout', p: 0.5, variant: 'alpha' }, x)).toEqual(x);
    expect(dropoutMaskShape({ kind: 'dropout', p: 0.5, variant: 'channel' }, x)).toEqual([4, 3]);
    expect(dropoutMaskShape({ kind: 'dropout', p: 0.5, variant: 'feature_alpha' }, x)).toEqual([4, 3]);
    expect(dropoutMaskShape({ kind: 'stochastic_depth', p: 0.5, mode: 'row' }, x)).toEqual([4]);
    expect(dropoutMaskShape({ kind: 'stochastic_depth', p: 0.5, mode: 'batch' }, x)).toEqual([1]);
    expect(keptScale(element(0.5))).toBe(2);
    expect(keptScale(element(0.2))).toBe(Math.fround(1 / Math.fround(0.8)));
    // a = 1/sqrt((alpha^2 p + 1)(1 - p)), alpha = SELU's scale * alpha
    expect(keptScale({ kind: 'dropout', p: 0.5, variant: 'alpha' })).toBeCloseTo(0.88640487, 6);
    expect(() => dropoutMaskShape(element(1.5), x)).toThrow(/probability 1.5 is not in \[0, 1\]/);
  });

  it('are reproducible from the seed, and differ between seeds', () => {
    const a = drawDropoutMask(element(0.5), [1000], 7);
    expect(drawDropoutMask(element(0.5), [1000], 7).data).toEqual(a.data);
    const b = drawDropoutMask(element(0.5), [1000], 8);
    let differ = 0;
    for (let i = 0; i < 1000; i++) differ += a.data[i] !== b.data[i] ? 1 : 0;
    expect(differ).toBeGreaterThan(400);
  });

  for (const p of [0.1, 0.5, 0.9]) {
    it(`keep a 1-p share of the values within 5 sigma and preserve the expectation (p = ${p})`, () => {
      const n = 200_000;
      const x = tensor([n], new Float32Array(n).fill(1));
      const r = forwardTrain('identity', { training: element(p) }, [x], {}, { seed: 99 });
      const mask = r.saved.mask;
      let kept = 0;
      let sum = 0;
      let other = 0;
      for (let i = 0; i < n; i++) {
        if (mask.data[i] !== 0 && mask.data[i] !== keptScale(element(p))) other++;
        kept += mask.data[i] !== 0 ? 1 : 0;
        sum += r.output.data[i];
      }
      expect(other, 'mask values other than 0 and 1/(1-p)').toBe(0);
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * sigma);
      // E[out] = 1: the mean of n values, each 0 or 1/(1-p)
      expect(Math.abs(sum / n - 1)).toBeLessThan((5 * sigma) / (n * (1 - p)));
    });
  }

  it('channel and feature-alpha masks drop whole (sample, channel) planes, stochastic depth whole samples', () => {
    const x = tensor([8, 6, 3, 4], normal(8 * 6 * 12, 1));
    for (const training of [
      { kind: 'dropout', p: 0.5, variant: 'channel' },
      { kind: 'dropout', p: 0.5, variant: 'feature_alpha' },
      { kind: 'stochastic_depth', p: 0.5, mode: 'row' },
    ] as const) {
      const r = forwardTrain('identity', { training }, [x], {}, { seed: 5 });
      const run = x.data.length / r.saved.mask.data.length;
      for (let i = 0; i < x.data.length; i++) {
        const m = r.saved.mask.data[Math.floor(i / run)];
        if (training.variant !== 'feature_alpha') expect(r.output.data[i]).toBeCloseTo(x.data[i] * m, 6);
        else if (m === 0) expect(r.output.data[i]).toBe(r.output.data[Math.floor(i / run) * run]);
      }
    }
  });

  for (const variant of ['alpha', 'feature_alpha'] as const) {
    it(`${variant} dropout keeps mean 0 and variance 1 of a standard normal input`, () => {
      const n = 200_000;
      const x = tensor(variant === 'alpha' ? [n] : [n, 1], normal(n, 3));
      for (const p of [0.1, 0.5]) {
        const y = forwardTrain('identity', { training: { kind: 'dropout', p, variant } }, [x], {}, { seed: 11 }).output;
        let mean = 0;
        for (const v of y.data) mean += v / n;
        let variance = 0;
        for (const v of y.data) variance += (v - mean) ** 2 / n;
        expect(Math.abs(mean)).toBeLessThan(0.02);
        expect(Math.abs(variance - 1)).toBeLessThan(0.02);
      }
    });
  }

  it('p = 0 is the identity and p = 1 gives zeros, for every kind', () => {
    const x = tensor([2, 3, 2, 2], normal(24, 2));
    const kinds: TrainingIdentity[] = [
      element(0),
      { kind: 'dropout', p: 0, variant: 'channel' },
      { kind: 'dropout', p: 0, variant: 'alpha' },
      { kind: 'dropout', p: 0, variant: 'feature_alpha' },
      { kind: 'stochastic_depth', p: 0, mode: 'row' },
      { kind: 'stochastic_depth', p: 0, mode: 'batch' },
    ];
    for (const t of kinds) {
      expect(forwardTrain('identity', { training: t }, [x], {}, { seed: 1 }).output.data).toEqual(x.data);
      const one = { ...t, p: 1 } as TrainingIdentity;
      const r = forwardTrain('identity', { training: one }, [x], {}, { seed: 1 });
      expect(Array.from(r.output.data).every((v) => v === 0)).toBe(true);
      expect(Array.from(r.saved.mask.data).every((v) => v === 0)).toBe(true);
    }
  });

  it('a mask of the wrong shape is refused', () => {
    const x = tensor([2, 3]);
    expect(() => applyDropoutMask(x, element(0.5), tensor([3, 2]))).toThrow(
      /dropout mask has shape \[3, 2\], expected \[2, 3\]/,
    );
  });
});
