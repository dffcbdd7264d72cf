/** Data movement: reshape, permute, slice, channel shuffle. Values are copied unchanged. */
import type { ChannelShuffleAttrs, PermuteAttrs, ReshapeAttrs, SliceAttrs } from '../../compiler/ir/attrs.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';

/** Row-major element strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = stride;
    stride *= shape[d];
  }
  return s;
}

/** view / reshape: the same row-major data under another shape. */
export function reshape(x: Tensor, attrs: ReshapeAttrs): Tensor {
  const { shape } = attrs;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail('reshape', `shape ${showShape(shape)} is not concrete`);
  if (sizeOf(shape) !== x.data.length) {
    fail('reshape', `shape ${showShape(shape)} does not hold the ${x.data.length} elements of ${showShape(x.shape)}`);
  }
  return tensor(shape, x.data.slice());
}

/** x.permute(dims): output dim i is input dim dims[i]. */
export function permute(x: Tensor, attrs: PermuteAttrs): Tensor {
  const { dims } = attrs;
  const rank = x.shape.length;
  const sorted = [...dims].sort((a, b) => a - b);
  if (dims.length !== rank || !sorted.every((d, i) => d === i)) {
    fail('permute', `dims [${dims.join(', ')}] are not a permutation of the ${rank} dims of ${showShape(x.shape)}`);
  }
  const inStrides = stridesOf(x.shape);
  const shape = dims.map((d) => x.shape[d]);
  const out = tensor(shape);
  for (let i = 0; i < out.data.length; i++) {
    let rest = i;
    let src = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const k = rest % shape[d];
      rest = (rest - k) / shape[d];
      src += k * inStrides[dims[d]];
    }
    out.data[i] = x.data[src];
  }
  return out;
}

/** x.narrow(dim, start, end - start): indices start..end-1 along dim. */
export function slice(x: Tensor, attrs: SliceAttrs): Tensor {
  const { dim, start, end } = attrs;
  const rank = x.shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= rank) fail('slice', `dim ${dim} is out of range for rank ${rank}`);
  const size = x.shape[dim];
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= size)) {
    fail('slice', `[${start}, ${end}) is not a range inside size ${size} of dim ${dim}`);
  }
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  const shape = [...x.shape];
  shape[dim] = end - start;
  const out = tensor(shape);
  const chunk = (end - start) * inner;
  for (let o = 0; o < outer; o++) {
    const from = (o * size + start) * inner;
    out.data.set(x.data.subarray(from, from + chunk), o * chunk);
  }
  return out;
}

/**
 * nn.ChannelShuffle(groups): [N, g*k, *] viewed as [N, g, k, *], dims 1 and 2 swapped, flattened back,
 * so output channel j*g + i is input channel i*k + j.
 */
export function channelShuffle(x: Tensor, attrs: ChannelShuffleAttrs): Tensor {
  const g = attrs.groups;
  if (x.shape.length < 3) fail('channel_shuffle', `expects at least 3 dims, got ${showShape(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(g) || g < 1 || C % g !== 0) {
    fail('channel_shuffle', `${C} channels do not split into ${g} groups`);
  }
  const k = C / g;
  const inner = sizeOf(x.shape.slice(2));
  const out = tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < g; i++) {
      for (let j = 0; j < k; j++) {
        const from = (n * C + i * k + j) * inner;
        out.data.set(x.data.subarray(from, from + inner), (n * C + j * g + i) * inner);
      }
    }
  }
  return out;
}
