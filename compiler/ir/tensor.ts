/** A dense float32 tensor in row-major (NCHW) order. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data && data.length !== n) {
    throw new Error(`tensor data has ${data.length} elements, shape [${shape.join(', ')}] needs ${n}`);
  }
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
