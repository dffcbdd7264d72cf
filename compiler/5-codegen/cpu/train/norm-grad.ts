/**
 * BatchNorm2d's training-mode forward and its gradient, and the gradients of LayerNorm and GroupNorm,
 * with runtime/reference/train's formulas and summation order (float64 throughout, so the two agree to
 * the float32 rounding of the result).
 */
import type { GradStep, TrainForwardStep } from '../../../3-lower/train-plan.ts';
import { indent, int, lin, num, sizeOf } from '../emit.ts';
import type { GradNames } from './args.ts';

function channels(shape: readonly number[], op: string): { N: number; C: number; inner: number } {
  if (shape.length < 2) throw new Error(`cpu codegen: ${op} input must have a channel dim`);
  return { N: shape[0], C: shape[1], inner: sizeOf(shape.slice(2)) };
}

/** `for n, for i` over channel c's values: `j` is the element index. */
function channelLoop(N: number, C: number, inner: number, body: string[]): string[] {
  return [
    `for (let n = 0; n < ${int(N)}; n++) {`,
    `  const base = ${lin(lin('', 'n', C * inner), 'c', inner)};`,
    `  for (let j = base; j < ${lin('base', 1, inner)}; j++) {`,
    ...indent(body, '    '),
    `  }`,
    `}`,
  ];
}

export interface BatchnormTrainNames {
  readonly out: string;
  readonly input: string;
  readonly mean: string;
  readonly invstd: string;
  readonly weight: string | null;
  readonly bias: string | null;
  readonly runningMean: string | null;
  readonly runningVar: string | null;
  readonly state: string | null;
}

/**
 * The training-mode forward: batch mean and biased variance per channel (two passes), saved mean and
 * invstd, the output, and with track_running_stats running = (1 - f) * running + f * stat in place (f the
 * momentum, or 1/num_batches_tracked after incrementing it; running_var takes the unbiased variance).
 */
export function batchnormTrainLines(step: TrainForwardStep<'batchnorm2d'>, k: BatchnormTrainNames): string[] {
  const a = step.attrs;
  const { N, C, inner } = channels(step.inputShapes[0], 'batchnorm2d');
  if (C !== a.num_features) throw new Error(`cpu codegen: batchnorm2d channels do not match num_features`);
  const count = N * inner;
  if (count <= 1) throw new Error(`cpu codegen: batchnorm2d training needs more than 1 value per channel`);
  const X = k.input;
  const track = a.track_running_stats;
  if (track && (k.runningMean === null || k.runningVar === null || k.state === null))
    throw new Error(`cpu codegen: batchnorm2d with track_running_stats needs its running statistics`);
  const lines = track
    ? [
        `const tracked = ${k.state}.numBatchesTracked + 1;`,
        `${k.state}.numBatchesTracked = tracked;`,
        `const f = ${a.momentum === null ? '1 / tracked' : num(a.momentum)};`,
      ]
    : [];
  lines.push(
    `for (let c = 0; c < ${int(C)}; c++) {`,
    `  let sum = 0;`,
    ...indent(channelLoop(N, C, inner, [`sum += ${X}[j];`])),
    `  const mean = sum / ${int(count)};`,
    `  let sq = 0;`,
    ...indent(channelLoop(N, C, inner, [`const d = ${X}[j] - mean;`, `sq += d * d;`])),
    `  const variance = sq / ${int(count)}, invstd = 1 / Math.sqrt(variance + ${num(a.eps)});`,
    `  ${k.mean}[c] = mean;`,
    `  ${k.invstd}[c] = invstd;`,
    `  const scale = invstd * ${k.weight === null ? '1' : `${k.weight}[c]`}, shift = ${k.bias === null ? '0' : `${k.bias}[c]`};`,
    ...indent(channelLoop(N, C, inner, [`${k.out}[j] = (${X}[j] - mean) * scale + shift;`])),
    ...(track
      ? [
          `  ${k.runningMean}[c] = f * mean + (1 - f) * ${k.runningMean}[c];`,
          `  ${k.runningVar}[c] = f * ((variance * ${int(count)}) / ${int(count - 1)}) + (1 - f) * ${k.runningVar}[c];`,
        ]
      : []),
    `}`,
  );
  return lines;
}

/**
 * The gradient: from the saved batch mean and invstd when the step has them (training mode, or
 * track_running_stats=False), else from the running statistics as constants (eval mode).
 */
export function batchnormGradLines(step: GradStep<'batchnorm2d'>, k: GradNames): string[] {
  const a = step.attrs;
  const { N, C, inner } = channels(step.inputShapes[0], 'batchnorm2d');
  const count = N * inner;
  const train = k.saved.mean !== undefined || k.saved.invstd !== undefined;
  if (train && (k.saved.mean === undefined || k.saved.invstd === undefined))
    throw new Error(`cpu codegen: batchnorm2d saves both mean and invstd`);
  if (!train && !(a.track_running_stats && k.params.running_mean && k.params.running_var))
    throw new Error(`cpu codegen: a batchnorm2d gradient needs the saved statistics or the running ones`);
  const weight = a.affine ? k.params.weight : undefined;
  if (a.affine && weight === undefined) throw new Error(`cpu codegen: batchnorm2d has no weight`);
  const X = k.inputs[0];
  const G = k.gradOutput;
  const gx = k.gradInputs[0];
  const gw = k.gradParams.weight;
  const gb = k.gradParams.bias;
  if ((gw || gb) && !a.affine) throw new Error(`cpu codegen: batchnorm2d without affine has no weight or bias`);
  const stats = train
    ? [`const mean = ${k.saved.mean}[c], invstd = ${k.saved.invstd}[c];`]
    : [`const mean = ${k.params.running_mean}[c], invstd = 1 / Math.sqrt(${k.params.running_var}[c] + ${num(a.eps)});`];
  return [
    `for (let c = 0; c < ${int(C)}; c++) {`,
    ...indent(stats),
    `  let sum = 0, dot = 0;`,
    ...indent(channelLoop(N, C, inner, [`const gv = ${G}[j];`, `sum += gv;`, `dot += (${X}[j] - mean) * gv;`])),
    ...(gw ? [`  ${gw}[c] = dot * invstd;`] : []),
    ...(gb ? [`  ${gb}[c] = sum;`] : []),
    ...(gx
      ? [
          `  const w = ${weight === undefined ? '1' : `${weight}[c]`};`,
          train
            ? `  const kk = (dot * invstd * invstd) / ${int(count)}, gm = sum / ${int(count)};`
            : `  const kk = 0, gm = 0;`,
          ...indent(channelLoop(N, C, inner, [`${gx}[j] = (${G}[j] - gm - (${X}[j] - mean) * kk) * invstd * w;`])),
        ]
      : []),
    `}`,
  ];
}

/**
 * One normalised slice's gradient, as runtime/reference/train/norm.ts: `idx` gives element j of the slice
 * and `wk`/`pk` its affine factor and param index (source text in terms of `k`).
 */
function sliceGrad(
  k: GradNames,
  loop: (body: string[]) => string[],
  count: number,
  eps: number,
  w: (pk: string) => string,
  pk: string,
  accumulate: boolean,
): string[] {
  const X = k.inputs[0];
  const G = k.gradOutput;
  const gx = k.gradInputs[0];
  return [
    `let sum = 0;`,
    ...loop([`sum += ${X}[j];`]),
    `const mean = sum / ${int(count)};`,
    `let sq = 0;`,
    ...loop([`const d = ${X}[j] - mean;`, `sq += d * d;`]),
    `const rstd = 1 / Math.sqrt(sq / ${int(count)} + ${num(eps)});`,
    `let sd = 0, sdx = 0;`,
    ...loop([
      `const xh = (${X}[j] - mean) * rstd, gv = ${G}[j], d = gv * ${w(pk)};`,
      `sd += d;`,
      `sdx += d * xh;`,
      ...(accumulate ? [`accw[${pk}] += gv * xh;`, `accb[${pk}] += gv;`] : []),
    ]),
    ...(gx === null
      ? []
      : loop([
          `const xh = (${X}[j] - mean) * rstd;`,
          `${gx}[j] = rstd * (${G}[j] * ${w(pk)} - sd / ${int(count)} - (xh * sdx) / ${int(count)});`,
        ])),
  ];
}

function affineResult(k: GradNames, size: number, affine: boolean, op: string): { pre: string[]; post: string[] } {
  const gw = k.gradParams.weight;
  const gb = k.gradParams.bias;
  if ((gw || gb) && !affine) throw new Error(`cpu codegen: ${op} without affine has no weight or bias`);
  if (!gw && !gb) return { pre: [], post: [] };
  return {
    pre: [`const accw = new Float64Array(${int(size)}), accb = new Float64Array(${int(size)});`],
    post: [...(gw ? [`${gw}.set(accw);`] : []), ...(gb ? [`${gb}.set(accb);`] : [])],
  };
}

export function layerNormGradLines(step: GradStep<'layer_norm'>, k: GradNames): string[] {
  const a = step.attrs;
  const shape = step.inputShapes[0];
  if (!(a.begin >= 0 && a.begin < a.end && a.end <= shape.length)) throw new Error(`cpu codegen: layer_norm dims`);
  const outer = sizeOf(shape.slice(0, a.begin));
  const count = sizeOf(shape.slice(a.begin, a.end));
  const inner = sizeOf(shape.slice(a.end));
  const w = a.elementwise_affine ? k.params.weight : undefined;
  if (a.elementwise_affine && w === undefined) throw new Error(`cpu codegen: layer_norm has no weight`);
  const { pre, post } = affineResult(k, count, a.elementwise_affine, 'layer_norm');
  const loop = (body: string[]) => [
    `for (let kk = 0; kk < ${int(count)}; kk++) {`,
    `  const j = ${lin('b', 'kk', inner)};`,
    ...indent(body),
    `}`,
  ];
  return [
    ...pre,
    `for (let o = 0; o < ${int(outer)}; o++) {`,
    `  for (let i = 0; i < ${int(inner)}; i++) {`,
    `    const b = ${lin(lin('', 'o', count * inner), 'i', 1)};`,
    ...indent(
      sliceGrad(k, loop, count, a.eps, (pk) => (w === undefined ? '1' : `${w}[${pk}]`), 'kk', pre.length > 0),
      '    ',
    ),
    `  }`,
    `}`,
    ...post,
  ];
}

export function groupNormGradLines(step: GradStep<'group_norm'>, k: GradNames): string[] {
  const a = step.attrs;
  const { N, C, inner } = channels(step.inputShapes[0], 'group_norm');
  const G = a.num_groups;
  if (C !== a.num_channels || C % G !== 0) throw new Error(`cpu codegen: group_norm channels and groups`);
  const per = C / G;
  const count = per * inner;
  const w = a.affine ? k.params.weight : undefined;
  if (a.affine && w === undefined) throw new Error(`cpu codegen: group_norm has no weight`);
  const { pre, post } = affineResult(k, C, a.affine, 'group_norm');
  const loop = (body: string[]) => [
    `for (let cc = 0; cc < ${int(per)}; cc++) {`,
    `  const c = ${lin('g0', 'cc', 1)}, cb = ${lin('b', 'cc', inner)};`,
    `  for (let i = 0; i < ${int(inner)}; i++) {`,
    `    const j = cb + i;`,
    ...indent(body, '    '),
    `  }`,
    `}`,
  ];
  return [
    ...pre,
    `for (let n = 0; n < ${int(N)}; n++) {`,
    `  for (let gi = 0; gi < ${int(G)}; gi++) {`,
    `    const g0 = ${lin('', 'gi', per)}, b = ${lin(lin('', 'n', C * inner), 'gi', per * inner)};`,
    ...indent(
      sliceGrad(k, loop, count, a.eps, (pk) => (w === undefined ? '1' : `${w}[${pk}]`), 'c', pre.length > 0),
      '    ',
    ),
    `  }`,
    `}`,
    ...post,
  ];
}
