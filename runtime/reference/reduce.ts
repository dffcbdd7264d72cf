import type { ReduceAttrs } from '../../compiler/ir/attrs.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';
import { stridesOf } from './layout.ts';

/** The shape x.sum(dims, keepdim) gives. */
export function reduceShape(shape: readonly number[], attrs: ReduceAttrs): number[] {
  const { dims, keepdim } = attrs;
  const ok =
    dims.length > 0 &&
    dims.every((d, i) => Number.isInteger(d) && d >= 0 && d < shape.length && (i === 0 || d > dims[i - 1]));
  // an empty list means "every dim" to PyTorch; the contract asks for the dims spelled out
  if (!ok) fail('reduce', `dims [${dims.join(', ')}] are not sorted unique dims of ${showShape(shape)}`);
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

/** x.mean(dims) / x.sum(dims), accumulated in float64. */
export function reduce(x: Tensor, attrs: ReduceAttrs): Tensor {
  if (attrs.op !== 'mean' && attrs.op !== 'sum') fail('reduce', `unknown op '${String(attrs.op)}'`);
  const outShape = reduceShape(x.shape, attrs);
  // output strides over the input's dims: 0 along reduced dims
  const kept = x.shape.map((d, i) => (attrs.dims.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept).map((s, i) => (attrs.dims.includes(i) ? 0 : s));
  const acc = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < x.data.length; i++) {
    let rest = i;
    let o = 0;
    for (let d = x.shape.length - 1; d >= 0; d--) {
      const k = rest % x.shape[d];
      rest = (rest - k) / x.shape[d];
      o += k * keptStrides[d];
    }
    acc[o] += x.data[i];
  }
  const count = attrs.dims.reduce((a, d) => a * x.shape[d], 1);
  const out = tensor(outShape);
  for (let o = 0; o < acc.length; o++) out.data[o] = attrs.op === 'mean' ? acc[o] / count : acc[o];
  return out;
}
