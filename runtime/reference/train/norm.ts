/**
 * Gradients of LayerNorm and GroupNorm. Each normalised slice's mean and 1/std are recomputed from the
 * input in float64 (the forward saves nothing for them); with xhat = (x - mean) * rstd and dxhat = g * weight:
 * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dweight = sum g * xhat, dbias = sum g.
 */
import type { GroupNormAttrs, LayerNormAttrs } from '../../../compiler/ir/attrs.ts';
import { sizeOf, type Tensor } from '../../../compiler/ir/tensor.ts';
import { expectShape, fail } from '../checks.ts';
import { groupNorm, layerNorm, type NormParams } from '../norm.ts';
import { fromF64 } from './util.ts';

export interface NormGrads {
  input: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
}

/**
 * One slice: `count` values at at(k), its affine factor scale(k); accumulates into gx, gw, gb
 * (gw and gb indexed by param(k)).
 */
function sliceGrad(
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  at: (k: number) => number,
  count: number,
  eps: number,
  scale: (k: number) => number,
  param: (k: number) => number,
  gx: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
): void {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += x[at(k)];
  const mean = sum / count;
  let sq = 0;
  for (let k = 0; k < count; k++) sq += (x[at(k)] - mean) ** 2;
  const rstd = 1 / Math.sqrt(sq / count + eps);
  let sumD = 0;
  let sumDX = 0;
  for (let k = 0; k < count; k++) {
    const xhat = (x[at(k)] - mean) * rstd;
    const gv = g[at(k)];
    const d = gv * scale(k);
    sumD += d;
    sumDX += d * xhat;
    gw[param(k)] += gv * xhat;
    gb[param(k)] += gv;
  }
  for (let k = 0; k < count; k++) {
    const xhat = (x[at(k)] - mean) * rstd;
    gx[at(k)] = rstd * (g[at(k)] * scale(k) - sumD / count - (xhat * sumDX) / count);
  }
}

export function layerNormGrad(
  x: Tensor,
  g: Tensor,
  attrs: LayerNormAttrs,
  params: NormParams,
  need: { input: boolean; weight: boolean; bias: boolean },
): NormGrads {
  const y = layerNorm(x, attrs, params);
  expectShape(g, y.shape, 'layer_norm', 'gradOutput');
  const { begin, end } = attrs;
  const normShape = x.shape.slice(begin, end);
  const outer = sizeOf(x.shape.slice(0, begin));
  const count = sizeOf(normShape);
  const inner = sizeOf(x.shape.slice(end));
  const w = attrs.elementwise_affine ? params.weight!.data : null;
  const gx = new Float64Array(x.data.length);
  const gw = new Float64Array(count);
  const gb = new Float64Array(count);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * count + k) * inner + i;
      sliceGrad(
        x.data,
        g.data,
        at,
        count,
        attrs.eps,
        (k) => (w ? w[k] : 1),
        (k) => k,
        gx,
        gw,
        gb,
      );
    }
  }
  return grads(x, normShape, gx, gw, gb, attrs.elementwise_affine, need, 'layer_norm');
}

export function groupNormGrad(
  x: Tensor,
  g: Tensor,
  attrs: GroupNormAttrs,
  params: NormParams,
  need: { input: boolean; weight: boolean; bias: boolean },
): NormGrads {
  const y = groupNorm(x, attrs, params);
  expectShape(g, y.shape, 'group_norm', 'gradOutput');
  const { num_groups: G, num_channels: C } = attrs;
  const N = x.shape[0];
  const inner = sizeOf(x.shape.slice(2));
  const perGroup = C / G;
  const count = perGroup * inner;
  const w = attrs.affine ? params.weight!.data : null;
  const gx = new Float64Array(x.data.length);
  const gw = new Float64Array(C);
  const gb = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const base = (n * C + gi * perGroup) * inner;
      const channel = (k: number) => gi * perGroup + Math.floor(k / inner);
      const scale = (k: number) => (w ? w[channel(k)] : 1);
      sliceGrad(x.data, g.data, (k) => base + k, count, attrs.eps, scale, channel, gx, gw, gb);
    }
  }
  return grads(x, [C], gx, gw, gb, attrs.affine, need, 'group_norm');
}

function grads(
  x: Tensor,
  paramShape: readonly number[],
  gx: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
  affine: boolean,
  need: { input: boolean; weight: boolean; bias: boolean },
  op: string,
): NormGrads {
  if ((need.weight || need.bias) && !affine) fail(op, 'has no weight or bias gradient without affine');
  return {
    input: need.input ? fromF64(x.shape, gx) : null,
    weight: need.weight ? fromF64(paramShape, gw) : null,
    bias: need.bias ? fromF64(paramShape, gb) : null,
  };
}
