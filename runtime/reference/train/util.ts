import { tensor, type Tensor } from '../../../compiler/ir/tensor.ts';

/** A tensor holding float64 accumulators (rounded to float32 once, on the store). */
export function fromF64(shape: readonly number[], acc: ArrayLike<number>): Tensor {
  const t = tensor(shape);
  t.data.set(acc);
  return t;
}
