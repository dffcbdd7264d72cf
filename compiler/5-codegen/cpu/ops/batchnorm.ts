/**
 * batchnorm2d in eval mode: y = (x - mean) / sqrt(var + eps) * weight + bias, folded per channel into
 * y = x * scale + shift. Without track_running_stats PyTorch normalises with the batch's own statistics
 * (mean and biased variance over N, H, W), which we compute in float64 with two passes.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, lin, num, requireParam, sizeOf } from '../emit.ts';

export function batchnormLines(step: PlanStep<'batchnorm2d'>, k: KernelNames): string[] {
  const a = step.attrs;
  const shape = step.inputShapes[0];
  if (shape.length < 2) throw new Error(`cpu codegen: batchnorm2d input must have a channel dim`);
  const N = shape[0];
  const C = shape[1];
  const inner = sizeOf(shape.slice(2));
  const X = k.inputs[0];
  const weight = a.affine ? requireParam(step, k, 'weight') : null;
  const bias = a.affine ? requireParam(step, k, 'bias') : null;
  const lines = [`const scale = new Float64Array(${int(C)}), shift = new Float64Array(${int(C)});`];
  if (a.track_running_stats) {
    const rm = requireParam(step, k, 'running_mean');
    const rv = requireParam(step, k, 'running_var');
    lines.push(`for (let c = 0; c < ${int(C)}; c++) {`, `  const mean = ${rm}[c], variance = ${rv}[c];`);
  } else {
    const count = N * inner;
    lines.push(
      `for (let c = 0; c < ${int(C)}; c++) {`,
      `  let sum = 0;`,
      `  for (let n = 0; n < ${int(N)}; n++) {`,
      `    const base = ${lin(lin('', 'n', C * inner), 'c', inner)};`,
      `    for (let i = 0; i < ${int(inner)}; i++) sum += ${X}[base + i];`,
      `  }`,
      `  const mean = sum / ${int(count)};`,
      `  let sq = 0;`,
      `  for (let n = 0; n < ${int(N)}; n++) {`,
      `    const base = ${lin(lin('', 'n', C * inner), 'c', inner)};`,
      `    for (let i = 0; i < ${int(inner)}; i++) { const d = ${X}[base + i] - mean; sq += d * d; }`,
      `  }`,
      `  const variance = sq / ${int(count)};`,
    );
  }
  lines.push(
    `  const s = ${weight === null ? '1' : `${weight}[c]`} / Math.sqrt(variance + ${num(a.eps)});`,
    `  scale[c] = s;`,
    `  shift[c] = ${bias === null ? '0' : `${bias}[c]`} - mean * s;`,
    `}`,
    `for (let n = 0; n < ${int(N)}; n++) {`,
    `  for (let c = 0; c < ${int(C)}; c++) {`,
    `    const base = ${lin(lin('', 'n', C * inner), 'c', inner)}, s = scale[c], t = shift[c];`,
    `    for (let i = base; i < ${lin('base', 1, inner)}; i++) {`,
    `      let v = ${X}[i] * s + t;`,
    ...indent(epilogueLines(step.epilogue, k, 'i'), '      '),
    `      ${k.out}[i] = v;`,
    `    }`,
    `  }`,
    `}`,
  );
  return lines;
}
