/**
 * Training-mode dropouts and stochastic depth (an `identity` node with `attrs.training`).
 *
 * The mask rule (cnnc's own, since PyTorch's generator cannot be reproduced): the mask has the shape
 * `dropoutMaskShape` gives; its values are drawn from `mulberry32(seed)` (runtime/io/prng.ts), one uniform
 * u in [0, 1) per mask element in row-major order, and an element is kept when `u >= p` (so p = 0 keeps
 * everything and p = 1 nothing). The mask holds the factor each value is multiplied by: 0 when dropped,
 * otherwise 1/(1-p) for dropout and stochastic depth and `a` for the alpha dropouts (PyTorch's formulas).
 */
import type { TrainingIdentity } from '../../../compiler/ir/attrs.ts';
import { sizeOf, tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { mulberry32 } from '../../io/prng.ts';
import { expectShape, fail, showShape } from '../checks.ts';

/** SELU's scale * alpha, the constant of PyTorch's alpha_dropout (ATen Dropout.cpp). */
export const ALPHA_DROPOUT_ALPHA = 1.7580993408473766;

/**
 * The mask's shape for an input of `shape`: the input's own for element and alpha dropout, [N, C] (the
 * first two dims, as ATen's feature noise) for channel and feature-alpha dropout, [N] for stochastic
 * depth's rows and [1] for its batch mode.
 */
export function dropoutMaskShape(t: TrainingIdentity, shape: readonly number[]): number[] {
  checkP(t);
  if (t.kind === 'stochastic_depth') {
    if (t.mode === 'batch') return [1];
    if (shape.length < 1) fail('identity', `stochastic depth per row needs a batch dim, got ${showShape(shape)}`);
    return [shape[0]];
  }
  if (t.variant === 'element' || t.variant === 'alpha') return [...shape];
  if (shape.length < 2) fail('identity', `${t.variant} dropout needs [N, C, ...], got ${showShape(shape)}`);
  return [shape[0], shape[1]];
}

function checkP(t: TrainingIdentity): void {
  if (!(t.p >= 0 && t.p <= 1)) fail('identity', `${t.kind} probability ${t.p} is not in [0, 1]`);
}

/** The value a kept element's mask holds (float32, as PyTorch's noise tensor). */
export function keptScale(t: TrainingIdentity): number {
  if (t.kind === 'dropout' && (t.variant === 'alpha' || t.variant === 'feature_alpha')) {
    return Math.fround(alphaA(t.p));
  }
  // PyTorch divides its float32 noise by (1 - p) converted to float32
  return Math.fround(1 / Math.fround(1 - t.p));
}

/** a = 1 / sqrt((alpha^2 p + 1)(1 - p)) */
function alphaA(p: number): number {
  return 1 / Math.sqrt((ALPHA_DROPOUT_ALPHA * ALPHA_DROPOUT_ALPHA * p + 1) * (1 - p));
}

/** The mask for `seed` (see the rule above). */
export function drawDropoutMask(t: TrainingIdentity, shape: readonly number[], seed: number): Tensor {
  const maskShape = dropoutMaskShape(t, shape);
  const mask = tensor(maskShape);
  const scale = keptScale(t);
  const rnd = mulberry32(seed);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = rnd() >= t.p ? scale : 0;
  return mask;
}

/** How many consecutive values (row-major) of an input of `shape` one mask element covers. */
function maskRun(shape: readonly number[], maskShape: readonly number[]): number {
  return sizeOf(shape) / sizeOf(maskShape);
}

/**
 * The training-mode output for a given mask: x * mask (broadcast), plus for the alpha dropouts the shift
 * b = (keep - 1) * alpha * a + alpha * a * p that keeps the SELU statistics; p = 1 gives zeros, as PyTorch.
 */
export function applyDropoutMask(x: Tensor, t: TrainingIdentity, mask: Tensor): Tensor {
  const maskShape = dropoutMaskShape(t, x.shape);
  expectShape(mask, maskShape, 'identity', 'dropout mask');
  const out = tensor(x.shape);
  if (t.p === 1) return out;
  const alpha = t.kind === 'dropout' && (t.variant === 'alpha' || t.variant === 'feature_alpha');
  const run = maskRun(x.shape, maskShape);
  // PyTorch's float32 steps: b = (noise - 1) * f32(alpha a) + f32(alpha a p), with noise 0 or 1
  const alphaScale = alpha ? Math.fround(ALPHA_DROPOUT_ALPHA * alphaA(t.p)) : 0;
  const shift = alpha ? Math.fround(ALPHA_DROPOUT_ALPHA * alphaA(t.p) * t.p) : 0;
  for (let i = 0; i < x.data.length; i++) {
    const m = mask.data[Math.floor(i / run)];
    const b = alpha ? (m === 0 ? Math.fround(shift - alphaScale) : shift) : 0;
    out.data[i] = x.data[i] * m + b;
  }
  return out;
}

/** d(out)/d(x) is the mask itself: the gradient is gradOutput * mask, broadcast. */
export function dropoutGrad(g: Tensor, t: TrainingIdentity, mask: Tensor): Tensor {
  const maskShape = dropoutMaskShape(t, g.shape);
  expectShape(mask, maskShape, 'identity', 'dropout mask');
  const run = maskRun(g.shape, maskShape);
  const gx = tensor(g.shape);
  for (let i = 0; i < g.data.length; i++) gx.data[i] = g.data[i] * mask.data[Math.floor(i / run)];
  return gx;
}
