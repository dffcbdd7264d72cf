/** LayerNorm and GroupNorm: normalise each slice by its own mean and biased variance, then scale and shift. */
import type { GroupNormAttrs, LayerNormAttrs } from '../../compiler/ir/attrs.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, requireParam, showShape } from './checks.ts';

export interface NormParams {
  weight?: Tensor;
  bias?: Tensor;
}

/**
 * Normalises `count` values of x at base + k*stride (k < count) into out, in float64:
 * (x - mean) / sqrt(var + eps) * scale(k) + shift(k).
 */
function normaliseSlice(
  x: Float32Array,
  out: Float32Array,
  at: (k: number) => number,
  count: number,
  eps: number,
  scale: (k: number) => number,
  shift: (k: number) => number,
): void {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += x[at(k)];
  const mean = sum / count;
  let sq = 0;
  for (let k = 0; k < count; k++) sq += (x[at(k)] - mean) ** 2;
  const rstd = 1 / Math.sqrt(sq / count + eps);
  for (let k = 0; k < count; k++) out[at(k)] = (x[at(k)] - mean) * rstd * scale(k) + shift(k);
}

function affine(op: string, on: boolean, p: NormParams, shape: readonly number[]) {
  if (!on) return { scale: () => 1, shift: () => 0 };
  const w = requireParam(p.weight, op, 'weight');
  const b = requireParam(p.bias, op, 'bias');
  expectShape(w, shape, op, 'weight');
  expectShape(b, shape, op, 'bias');
  return { scale: (k: number) => w.data[k], shift: (k: number) => b.data[k] };
}

/**
 * Normalises over dims [begin, end) for every index of the other dims: nn.LayerNorm(shape) is
 * begin = rank - len(shape), end = rank; torchvision's LayerNorm2d on NCHW is begin 1, end 2.
 */
export function layerNorm(x: Tensor, attrs: LayerNormAttrs, params: NormParams): Tensor {
  const { begin, end } = attrs;
  const rank = x.shape.length;
  if (!(Number.isInteger(begin) && Number.isInteger(end) && 0 <= begin && begin < end && end <= rank)) {
    fail('layer_norm', `dims [${begin}, ${end}) do not fit input ${showShape(x.shape)}`);
  }
  const normShape = x.shape.slice(begin, end);
  const { scale, shift } = affine('layer_norm', attrs.elementwise_affine, params, normShape);
  const outer = sizeOf(x.shape.slice(0, begin));
  const count = sizeOf(normShape);
  const inner = sizeOf(x.shape.slice(end));
  const out = tensor(x.shape);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      normaliseSlice(x.data, out.data, (k) => (o * count + k) * inner + i, count, attrs.eps, scale, shift);
    }
  }
  return out;
}

/** nn.GroupNorm: [N, C, *] with C split into num_groups groups, each normalised over its channels and *. */
export function groupNorm(x: Tensor, attrs: GroupNormAttrs, params: NormParams): Tensor {
  const { num_groups: G, num_channels: C } = attrs;
  if (x.shape.length < 2 || x.shape[1] !== C) {
    fail('group_norm', `input ${showShape(x.shape)} does not have num_channels ${C} in dim 1`);
  }
  if (!Number.isInteger(G) || G < 1 || C % G !== 0) fail('group_norm', `${C} channels do not split into ${G} groups`);
  const { scale, shift } = affine('group_norm', attrs.affine, params, [C]);
  const N = x.shape[0];
  const inner = sizeOf(x.shape.slice(2));
  const perGroup = C / G;
  const count = perGroup * inner;
  const out = tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const base = (n * C + g * perGroup) * inner;
      const channel = (k: number) => g * perGroup + Math.floor(k / inner);
      normaliseSlice(
        x.data,
        out.data,
        (k) => base + k,
        count,
        attrs.eps,
        (k) => scale(channel(k)),
        (k) => shift(channel(k)),
      );
    }
  }
  return out;
}
