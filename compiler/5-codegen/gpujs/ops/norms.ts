/**
 * LayerNorm and GroupNorm: each thread recomputes the mean and (biased) variance of the elements it
 * is normalised with, in two passes as PyTorch does, then applies the affine map of its element.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, idiv, num, sizeOf, type KernelWriter } from '../kernel-writer.ts';

/** mean and variance of `count` elements x[base + k * stride], then v normalised. */
function emitNormalise(w: KernelWriter, x: string, base: string, count: number, stride: number, eps: number): void {
  const at = (k: string) => `${x}[${base} + ${stride === 1 ? k : `${k} * ${stride}`}]`;
  w.line('let total = 0;');
  w.line(`for (let k = 0; k < ${count}; k++) { total += ${at('k')}; }`);
  w.line(`const mean = total / ${count};`);
  w.line('let sq = 0;');
  w.line(`for (let k = 0; k < ${count}; k++) {`);
  w.line(`const d = ${at('k')} - mean;`, 2);
  w.line('sq += d * d;', 2);
  w.line('}');
  w.line(`let v = (${x}[i] - mean) / Math.sqrt(sq / ${count} + ${num(eps)});`);
}

/** Normalises over dims [begin, end): the input as [outer, M, inner], one statistic per (outer, inner). */
export function emitLayerNorm(w: KernelWriter, step: PlanStep<'layer_norm'>): void {
  const a = step.attrs;
  const shape = step.inputShapes[0];
  const outer = sizeOf(shape.slice(0, a.begin));
  const M = sizeOf(shape.slice(a.begin, a.end));
  const inner = sizeOf(shape.slice(a.end));
  w.comment(`dims [${a.begin}, ${a.end}), eps ${a.eps}, elementwise_affine ${a.elementwise_affine}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = a.elementwise_affine ? w.param('weight') : null;
  const bias = a.elementwise_affine && step.params.bias !== undefined ? w.param('bias') : null;
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['o', outer],
    ['m', M],
    ['s', inner],
  ]);
  emitNormalise(w, x, `o * ${M * inner} + s`, M, inner, a.eps);
  if (weight) w.line(`v = v * ${weight}[m];`);
  if (bias) w.line(`v = v + ${bias}[m];`);
}

/** GroupNorm: [N, C, *] as [N, G, C/G, inner]; a group's C/G * inner elements are contiguous. */
export function emitGroupNorm(w: KernelWriter, step: PlanStep<'group_norm'>): void {
  const a = step.attrs;
  const shape = step.inputShapes[0];
  const C = shape[1];
  const G = a.num_groups;
  const CG = C / G;
  if (!Number.isInteger(CG)) throw new Error(`group_norm: ${G} groups do not divide ${C} channels`);
  const inner = sizeOf(shape.slice(2));
  w.comment(`num_groups ${G} of ${shape[0]} x ${C} channels, eps ${a.eps}, affine ${a.affine}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = a.affine ? w.param('weight') : null;
  const bias = a.affine ? w.param('bias') : null;
  w.line('const i = this.thread.x;');
  w.line(`const ng = ${idiv('i', CG * inner)};`);
  emitNormalise(w, x, `ng * ${CG * inner}`, CG * inner, 1, a.eps);
  if (weight && bias) {
    w.line(`const nc = ${idiv('i', inner)};`);
    w.line(`const c = nc - ${idiv('nc', C)} * ${C};`);
    w.line(`v = v * ${weight}[c] + ${bias}[c];`);
  }
}
