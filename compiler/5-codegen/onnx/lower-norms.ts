/**
 * BatchNorm2d, LayerNorm (over any dims [begin, end)) and GroupNorm. ONNX's own ops are used where
 * they compute the same thing (BatchNormalization with running statistics; LayerNormalization from
 * opset 17 when the normalised dims are the last ones); otherwise the normalisation is written out:
 * (x - mean) / sqrt(var + eps) with the biased variance, as PyTorch computes it.
 */
import type { PlanStep } from '../../3-lower/plan.ts';
import type { OnnxGraph } from './graph-builder.ts';
import { SINCE } from './opsets.ts';

/** (x - mean) / sqrt(var + eps) over `axes` (kept), var the biased variance. */
function normalise(g: OnnxGraph, x: string, axes: readonly number[], eps: number, out: string): string {
  const t = (base: string) => g.fresh(`${out}:${base}`);
  const mean = g.reduce('ReduceMean', x, axes, true, t('mean'));
  const centred = g.node('Sub', [x, mean], t('centred'));
  const variance = g.reduce('ReduceMean', g.node('Mul', [centred, centred], t('square')), axes, true, t('var'));
  const std = g.node('Sqrt', [g.node('Add', [variance, g.scalar(eps)], t('var_eps'))], t('std'));
  return g.node('Div', [centred, std], out);
}

/** A parameter of shape `dims` reshaped to broadcast against a tensor with `trailing` more dims after them. */
function broadcast(g: OnnxGraph, key: string, dims: readonly number[], trailing: number): string {
  if (trailing === 0) return key;
  return g.reshape(key, [...dims, ...new Array<number>(trailing).fill(1)], g.fresh(`${key}:broadcast`));
}

/** y * weight + bias (one of them at least), written `out`. */
function affine(g: OnnxGraph, y: string, weight: string | null, bias: string | null, out: string): string {
  const scaled = weight === null ? y : g.node('Mul', [y, weight], bias === null ? out : g.fresh(`${out}:scaled`));
  return bias === null ? scaled : g.node('Add', [scaled, bias], out);
}

export function emitBatchNorm(g: OnnxGraph, step: PlanStep<'batchnorm2d'>, x: string, out: string): string {
  const a = step.attrs;
  const c = a.num_features;
  const rank = step.inputShapes[0].length;
  const { weight, bias, running_mean: mean, running_var: variance } = step.params;
  if (!mean || !variance) {
    // no running statistics: PyTorch normalises with the batch's own, over every dim but the channels
    const axes = [...Array(rank).keys()].filter((d) => d !== 1);
    if (!weight && !bias) return normalise(g, x, axes, a.eps, out);
    const y = normalise(g, x, axes, a.eps, g.fresh(`${out}:normalised`));
    const w = weight ? broadcast(g, weight, [c], rank - 2) : null;
    const b = bias ? broadcast(g, bias, [c], rank - 2) : null;
    return affine(g, y, w, b, out);
  }
  const scale = weight ?? g.floats(`${out}:scale`, [c], new Float32Array(c).fill(1));
  const shift = bias ?? g.floats(`${out}:shift`, [c], new Float32Array(c));
  return g.node('BatchNormalization', [x, scale, shift, mean, variance], out, { epsilon: { float: a.eps } });
}

export function emitLayerNorm(g: OnnxGraph, step: PlanStep<'layer_norm'>, x: string, out: string): string {
  const { begin, end, eps } = step.attrs;
  const shape = step.inputShapes[0];
  const rank = shape.length;
  const dims = shape.slice(begin, end);
  const { weight, bias } = step.params;
  if (end === rank && g.opset >= SINCE.layerNorm) {
    const count = dims.reduce((p, d) => p * d, 1);
    const scale = weight ?? g.floats(`${out}:scale`, dims, new Float32Array(count).fill(1));
    return g.node('LayerNormalization', bias ? [x, scale, bias] : [x, scale], out, {
      axis: begin,
      epsilon: { float: eps },
    });
  }
  const axes = [...Array(end - begin).keys()].map((i) => begin + i);
  if (!weight && !bias) return normalise(g, x, axes, eps, out);
  const y = normalise(g, x, axes, eps, g.fresh(`${out}:normalised`));
  const w = weight ? broadcast(g, weight, dims, rank - end) : null;
  const b = bias ? broadcast(g, bias, dims, rank - end) : null;
  return affine(g, y, w, b, out);
}

export function emitGroupNorm(g: OnnxGraph, step: PlanStep<'group_norm'>, x: string, out: string): string {
  const { num_groups: groups, num_channels: c, eps } = step.attrs;
  const rank = step.inputShapes[0].length;
  // [N, C, *] as [N, G, C/G * prod(*)] (0 keeps the batch as it comes), normalised per group, then back
  const grouped = g.reshape(x, [0, groups, -1], g.fresh(`${out}:grouped`));
  const y = normalise(g, grouped, [2], eps, g.fresh(`${out}:normalised`));
  const { weight, bias } = step.params;
  const shape = g.node('Shape', [x], g.fresh(`${out}:shape`));
  const back = g.node('Reshape', [y, shape], weight || bias ? g.fresh(`${out}:ungrouped`) : out);
  if (!weight && !bias) return back;
  const w = weight ? broadcast(g, weight, [c], rank - 2) : null;
  const b = bias ? broadcast(g, bias, [c], rank - 2) : null;
  return affine(g, back, w, b, out);
}
