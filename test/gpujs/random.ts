/** Seeded random tensors for the gpu.js tests beyond the golden cases. */
import type { Tensor } from '../../compiler/ir/tensor.ts';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Uniform values in [-scale, scale), seeded. */
export function randomTensor(shape: readonly number[], seed: number, scale = 1): Tensor {
  const rnd = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, () => rnd() * 2 * scale) };
}
