/**
 * Dropout and stochastic depth in training mode, as generated code: the mask drawn with cnnc's rule
 * (runtime/reference/train/dropout.ts, the oracle): mulberry32(seed) (runtime/io/prng.ts, re-emitted here
 * because compiler/ never imports runtime/), one uniform u per mask element in row-major order, kept when
 * u >= p; the mask holds 0 or the kept scale (1/(1-p), or the alpha dropouts' a).
 */
import type { TrainForwardStep } from '../../../3-lower/train-plan.ts';
import type { TrainingIdentity } from '../../../ir/attrs.ts';
import { int, num, sizeOf } from '../emit.ts';

/** SELU's scale * alpha, the constant of PyTorch's alpha_dropout. */
const ALPHA = 1.7580993408473766;

/** The mask's shape (train-plan.ts): the input's, [N, C] for channel and feature-alpha, [N] or [1] for stochastic depth. */
export function dropoutMaskShape(t: TrainingIdentity, shape: readonly number[]): number[] {
  if (!(t.p >= 0 && t.p <= 1)) throw new Error(`cpu codegen: ${t.kind} probability ${t.p} is not in [0, 1]`);
  if (t.kind === 'stochastic_depth') {
    if (t.mode === 'batch') return [1];
    if (shape.length < 1) throw new Error(`cpu codegen: stochastic depth per row needs a batch dim`);
    return [shape[0]];
  }
  if (t.variant === 'element' || t.variant === 'alpha') return [...shape];
  if (shape.length < 2) throw new Error(`cpu codegen: ${t.variant} dropout needs [N, C, ...]`);
  return [shape[0], shape[1]];
}

function isAlpha(t: TrainingIdentity): boolean {
  return t.kind === 'dropout' && (t.variant === 'alpha' || t.variant === 'feature_alpha');
}

function alphaA(p: number): number {
  return 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
}

function keptScale(t: TrainingIdentity): number {
  return isAlpha(t) ? Math.fround(alphaA(t.p)) : Math.fround(1 / Math.fround(1 - t.p));
}

/** The mulberry32 generator over `seed` as statements declaring `rnd()`. */
export function mulberry32Lines(seed: string): string[] {
  return [
    `let state = ${seed} >>> 0;`,
    `const rnd = () => {`,
    `  state = (state + 0x6d2b79f5) >>> 0;`,
    `  let t = state;`,
    `  t = Math.imul(t ^ (t >>> 15), t | 1);`,
    `  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);`,
    `  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;`,
    `};`,
  ];
}

/**
 * The training forward of an identity with a dropout or stochastic depth: draws the mask into `mask`,
 * then out = x * mask (+ the alpha dropouts' shift b = (keep - 1) * alpha * a + alpha * a * p).
 */
export function dropoutForwardLines(
  step: TrainForwardStep<'identity'>,
  names: { out: string; input: string; mask: string; seed: string },
): string[] {
  const t = step.attrs.training!;
  const shape = step.inputShapes[0];
  const n = sizeOf(shape);
  const m = sizeOf(dropoutMaskShape(t, shape));
  if (sizeOf(step.outputShape) !== n) throw new Error(`cpu codegen: dropout input and output sizes differ`);
  const { out, input, mask } = names;
  const lines = [
    ...mulberry32Lines(names.seed),
    `for (let j = 0; j < ${int(m)}; j++) ${mask}[j] = rnd() >= ${num(t.p)} ? ${num(keptScale(t))} : 0;`,
  ];
  if (t.p === 1) return [...lines, `${out}.fill(0);`];
  const alpha = isAlpha(t);
  const alphaScale = Math.fround(ALPHA * alphaA(t.p));
  const shift = Math.fround(ALPHA * alphaA(t.p) * t.p);
  const value = (f: string) =>
    alpha
      ? `${input}[i] * ${f} + (${f} === 0 ? ${num(Math.fround(shift - alphaScale))} : ${num(shift)})`
      : `${input}[i] * ${f}`;
  if (m === n) return [...lines, `for (let i = 0; i < ${int(n)}; i++) ${out}[i] = ${value(`${mask}[i]`)};`];
  const run = n / m;
  return [
    ...lines,
    `for (let j = 0; j < ${int(m)}; j++) {`,
    `  const f = ${mask}[j], e = ${int(run)} * (j + 1);`,
    `  for (let i = ${int(run)} * j; i < e; i++) ${out}[i] = ${value('f')};`,
    `}`,
  ];
}
