/**
 * Gradients of the ops that move values without changing them (reshape, permute, slice, pad, channel
 * shuffle, concat, the n-ary add), of reduce and of softmax: each sends an output element's gradient
 * back to the input element(s) it came from.
 */
import type {
  ChannelShuffleAttrs,
  ConcatAttrs,
  PadAttrs,
  PermuteAttrs,
  ReduceAttrs,
  SliceAttrs,
  SoftmaxAttrs,
} from '../../../compiler/ir/attrs.ts';
import { sizeOf, tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { expectShape, fail } from '../checks.ts';
import { channelShuffle, permute, slice, stridesOf } from '../layout.ts';
import { concat } from '../merge.ts';
import { pad, padSources } from '../pad.ts';
import { reduce } from '../reduce.ts';
import { fromF64 } from './util.ts';

/** The gradient of a reshape (flatten, view, identity): the same values under the input's shape. */
export function reshapeGrad(inputShape: readonly number[], g: Tensor): Tensor {
  if (sizeOf(inputShape) !== g.data.length) fail('reshape', 'gradOutput does not hold the input element count');
  return tensor(inputShape, g.data.slice());
}

/** The inverse permutation applied to g. */
export function permuteGrad(x: Tensor, g: Tensor, attrs: PermuteAttrs): Tensor {
  const y = permute(x, attrs);
  expectShape(g, y.shape, 'permute', 'gradOutput');
  const inverse = new Array<number>(attrs.dims.length);
  attrs.dims.forEach((d, i) => {
    inverse[d] = i;
  });
  return permute(g, { dims: inverse });
}

/** g in the sliced range, zeros elsewhere. */
export function sliceGrad(x: Tensor, g: Tensor, attrs: SliceAttrs): Tensor {
  const y = slice(x, attrs);
  expectShape(g, y.shape, 'slice', 'gradOutput');
  const { dim, start, end } = attrs;
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  const size = x.shape[dim];
  const gx = tensor(x.shape);
  const chunk = (end - start) * inner;
  for (let o = 0; o < outer; o++) gx.data.set(g.data.subarray(o * chunk, (o + 1) * chunk), (o * size + start) * inner);
  return gx;
}

/** Every padded position's gradient added to the input element it copies (none for the fill value). */
export function padGrad(x: Tensor, g: Tensor, attrs: PadAttrs): Tensor {
  const y = pad(x, attrs);
  expectShape(g, y.shape, 'pad', 'gradOutput');
  const rank = x.shape.length;
  const H = x.shape[rank - 2];
  const W = x.shape[rank - 1];
  const [top, bottom, left, right] = attrs.pads;
  const rows = padSources(H, top, bottom, attrs.mode, 'height');
  const cols = padSources(W, left, right, attrs.mode, 'width');
  const planes = sizeOf(x.shape.slice(0, -2));
  const gx = new Float64Array(x.data.length);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (const r of rows) {
      for (const c of cols) {
        const gv = g.data[o++];
        if (r >= 0 && c >= 0) gx[(p * H + r) * W + c] += gv;
      }
    }
  }
  return fromF64(x.shape, gx);
}

/** Output channel j*g + i came from input channel i*k + j: the shuffle with groups k undoes it. */
export function channelShuffleGrad(x: Tensor, g: Tensor, attrs: ChannelShuffleAttrs): Tensor {
  const y = channelShuffle(x, attrs);
  expectShape(g, y.shape, 'channel_shuffle', 'gradOutput');
  return channelShuffle(g, { groups: x.shape[1] / attrs.groups });
}

/** Each input's slab of g along dim. */
export function concatGrad(xs: readonly Tensor[], g: Tensor, attrs: ConcatAttrs): Tensor[] {
  const y = concat(xs, attrs);
  expectShape(g, y.shape, 'concat', 'gradOutput');
  const { dim } = attrs;
  let start = 0;
  return xs.map((x) => {
    const end = start + x.shape[dim];
    const piece = slice(g, { dim, start, end });
    start = end;
    return piece;
  });
}

/** The output gradient for every element, divided by the count of reduced elements for mean. */
export function reduceGrad(x: Tensor, g: Tensor, attrs: ReduceAttrs): Tensor {
  const y = reduce(x, attrs);
  expectShape(g, y.shape, 'reduce', 'gradOutput');
  const kept = x.shape.map((d, i) => (attrs.dims.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept).map((s, i) => (attrs.dims.includes(i) ? 0 : s));
  const count = attrs.dims.reduce((a, d) => a * x.shape[d], 1);
  const gx = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    let rest = i;
    let o = 0;
    for (let d = x.shape.length - 1; d >= 0; d--) {
      const k = rest % x.shape[d];
      rest = (rest - k) / x.shape[d];
      o += k * keptStrides[d];
    }
    gx.data[i] = attrs.op === 'mean' ? g.data[o] / count : g.data[o];
  }
  return gx;
}

/** _softmax_backward_data: dx = y * (g - sum(g * y)) along dim, from the forward's output y. */
export function softmaxGrad(y: Tensor, g: Tensor, attrs: SoftmaxAttrs): Tensor {
  expectShape(g, y.shape, 'softmax', 'gradOutput');
  const { dim } = attrs;
  if (!Number.isInteger(dim) || dim < 0 || dim >= y.shape.length) fail('softmax', `dim ${dim} is out of range`);
  const size = y.shape[dim];
  const inner = sizeOf(y.shape.slice(dim + 1));
  const outer = sizeOf(y.shape.slice(0, dim));
  const gx = tensor(y.shape);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * size + k) * inner + i;
      let dot = 0;
      for (let k = 0; k < size; k++) dot += g.data[at(k)] * y.data[at(k)];
      for (let k = 0; k < size; k++) gx.data[at(k)] = y.data[at(k)] * (g.data[at(k)] - dot);
    }
  }
  return gx;
}
