import { describe, expect, it } from 'vitest';
import { resizeBilinear } from '../../runtime/images/index.ts';

const close = (got: Float32Array, want: number[]) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i], `at ${i}`).toBeCloseTo(w, 5));
};

describe('resizeBilinear (align_corners=False, no antialias)', () => {
  it('upsamples 2x2 to 4x4 as torch.nn.functional.interpolate does', () => {
    // F.interpolate(torch.arange(4.).view(1, 1, 2, 2), size=(4, 4), mode='bilinear', align_corners=False)
    close(
      resizeBilinear(new Float32Array([0, 1, 2, 3]), 1, 2, 2, 4, 4),
      [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3],
    );
  });

  it('maps 3 samples to 5 with the clamped source index', () => {
    // source x = 0.6 (d + 0.5) - 0.5, clamped at 0: -0.2 -> 0, 0.4, 1.0, 1.6, 2.2 -> last
    close(resizeBilinear(new Float32Array([0, 10, 20]), 1, 1, 3, 1, 5), [0, 4, 10, 16, 20]);
  });

  it('halving averages neighbouring pairs (no antialiasing beyond that)', () => {
    close(resizeBilinear(new Float32Array([0, 2, 4, 6, 8, 10, 12, 14]), 1, 1, 8, 1, 4), [1, 5, 9, 13]);
    // quartering samples between the 2nd/3rd of each four: antialias=False ignores the outer ones
    close(resizeBilinear(new Float32Array([0, 2, 4, 6, 8, 10, 12, 14]), 1, 1, 8, 1, 2), [3, 11]);
  });

  it('leaves a same-size image unchanged and treats channels independently', () => {
    const data = new Float32Array([1, 2, 3, 4, 10, 20, 30, 40]);
    expect([...resizeBilinear(data, 2, 2, 2, 2, 2)]).toEqual([...data]);
    const up = resizeBilinear(data, 2, 2, 2, 4, 4);
    close(up.subarray(16), [...resizeBilinear(data.subarray(4), 1, 2, 2, 4, 4)]);
    close(up.subarray(0, 16), [...resizeBilinear(data.subarray(0, 4), 1, 2, 2, 4, 4)]);
  });

  it('keeps a constant image constant at any size', () => {
    const out = resizeBilinear(new Float32Array(12).fill(7), 1, 3, 4, 5, 9);
    expect(out.every((v) => Math.abs(v - 7) < 1e-6)).toBe(true);
  });
});
