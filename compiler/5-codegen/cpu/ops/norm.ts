/**
 * layer_norm and group_norm: each slice's mean and biased variance in float64 (two passes, like the
 * reference), then y = (x - mean) * rstd * weight + bias.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, lin, num, requireParam, sizeOf } from '../emit.ts';

/**
 * Normalises over dims [begin, end): `outer` slices of `count` values, each `inner` apart. With inner 1
 * (LayerNorm over trailing dims) every slice is contiguous; otherwise (LayerNorm2d over the channels of NCHW)
 * the statistics of the `inner` interleaved slices are accumulated together so the input is read in order.
 */
export function layerNormLines(step: PlanStep<'layer_norm'>, k: KernelNames): string[] {
  const { begin, end, eps, elementwise_affine: affine } = step.attrs;
  const shape = step.inputShapes[0];
  if (!(begin >= 0 && begin < end && end <= shape.length)) throw new Error(`cpu codegen: layer_norm dims out of range`);
  const outer = sizeOf(shape.slice(0, begin));
  const count = sizeOf(shape.slice(begin, end));
  const inner = sizeOf(shape.slice(end));
  const X = k.inputs[0];
  const w = affine ? requireParam(step, k, 'weight') : null;
  const b = affine ? requireParam(step, k, 'bias') : null;
  const scaled = (x: string, j: string) => (w === null ? x : `${x} * ${w}[${j}] + ${b}[${j}]`);
  const store = (value: string, o: string) => [
    `let v = ${value};`,
    ...epilogueLines(step.epilogue, k, o),
    `${k.out}[${o}] = v;`,
  ];
  if (inner === 1) {
    return [
      `for (let q = 0; q < ${int(outer)}; q++) {`,
      `  const base = ${lin('', 'q', count)};`,
      `  let sum = 0;`,
      `  for (let j = 0; j < ${int(count)}; j++) sum += ${X}[base + j];`,
      `  const mean = sum / ${int(count)};`,
      `  let sq = 0;`,
      `  for (let j = 0; j < ${int(count)}; j++) { const d = ${X}[base + j] - mean; sq += d * d; }`,
      `  const rstd = 1 / Math.sqrt(sq / ${int(count)} + ${num(eps)});`,
      `  for (let j = 0; j < ${int(count)}; j++) {`,
      ...indent(store(scaled(`(${X}[base + j] - mean) * rstd`, 'j'), 'base + j'), '    '),
      `  }`,
      `}`,
    ];
  }
  return [
    `const mean = new Float64Array(${int(inner)}), rstd = new Float64Array(${int(inner)});`,
    `for (let q = 0; q < ${int(outer)}; q++) {`,
    `  const base = ${lin('', 'q', count * inner)};`,
    `  mean.fill(0);`,
    `  rstd.fill(0);`,
    `  for (let j = 0; j < ${int(count)}; j++) {`,
    `    const row = ${lin('base', 'j', inner)};`,
    `    for (let i = 0; i < ${int(inner)}; i++) mean[i] += ${X}[row + i];`,
    `  }`,
    `  for (let i = 0; i < ${int(inner)}; i++) mean[i] /= ${int(count)};`,
    `  for (let j = 0; j < ${int(count)}; j++) {`,
    `    const row = ${lin('base', 'j', inner)};`,
    `    for (let i = 0; i < ${int(inner)}; i++) { const d = ${X}[row + i] - mean[i]; rstd[i] += d * d; }`,
    `  }`,
    `  for (let i = 0; i < ${int(inner)}; i++) rstd[i] = 1 / Math.sqrt(rstd[i] / ${int(count)} + ${num(eps)});`,
    `  for (let j = 0; j < ${int(count)}; j++) {`,
    `    const row = ${lin('base', 'j', inner)};`,
    `    for (let i = 0; i < ${int(inner)}; i++) {`,
    ...indent(store(scaled(`(${X}[row + i] - mean[i]) * rstd[i]`, 'j'), 'row + i'), '      '),
    `    }`,
    `  }`,
    `}`,
  ];
}

/** [N, C, *] in num_groups contiguous groups of C/G channels; weight and bias per channel. */
export function groupNormLines(step: PlanStep<'group_norm'>, k: KernelNames): string[] {
  const { num_groups: G, num_channels: C, eps, affine } = step.attrs;
  const shape = step.inputShapes[0];
  if (shape.length < 2 || shape[1] !== C || C % G !== 0) throw new Error(`cpu codegen: group_norm shape mismatch`);
  const N = shape[0];
  const inner = sizeOf(shape.slice(2));
  const per = C / G;
  const count = per * inner;
  const X = k.inputs[0];
  const w = affine ? requireParam(step, k, 'weight') : null;
  const b = affine ? requireParam(step, k, 'bias') : null;
  return [
    `for (let q = 0; q < ${int(N * G)}; q++) {`,
    `  const base = ${lin('', 'q', count)}, c0 = ${lin('', `(q % ${int(G)})`, per)};`,
    `  let sum = 0;`,
    `  for (let j = base; j < ${lin('base', 1, count)}; j++) sum += ${X}[j];`,
    `  const mean = sum / ${int(count)};`,
    `  let sq = 0;`,
    `  for (let j = base; j < ${lin('base', 1, count)}; j++) { const d = ${X}[j] - mean; sq += d * d; }`,
    `  const rstd = 1 / Math.sqrt(sq / ${int(count)} + ${num(eps)});`,
    `  for (let c = 0; c < ${int(per)}; c++) {`,
    `    const s = ${w === null ? 'rstd' : `rstd * ${w}[c0 + c]`}, t = ${b === null ? '0' : `${b}[c0 + c]`};`,
    `    const row = ${lin('base', 'c', inner)};`,
    `    for (let i = row; i < ${lin('row', 1, inner)}; i++) {`,
    `      let v = (${X}[i] - mean) * s + t;`,
    ...indent(epilogueLines(step.epilogue, k, 'i'), '      '),
    `      ${k.out}[i] = v;`,
    `    }`,
    `  }`,
    `}`,
  ];
}
