import type { EluAttrs, GeluAttrs, HardtanhAttrs, LeakyReluAttrs, PreluAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, showShape } from './checks.ts';
import { erf } from './erf.ts';

/**
 * Elementwise activations with PyTorch's formulas (torch 1.13, CPU). NaN propagates wherever PyTorch's
 * does; each formula is evaluated in double precision and rounded to float32 once, on the store. Constants
 * (slopes, alpha, bounds) are rounded to float32 first, as PyTorch converts them to the tensor's type.
 */
function map(x: Tensor, f: (v: number) => number): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
  return out;
}

/** max(x, 0); NaN stays NaN as in torch.relu. */
export function relu(x: Tensor): Tensor {
  return map(x, (v) => (v > 0 || Number.isNaN(v) ? v : 0));
}

export function leakyRelu(x: Tensor, attrs: LeakyReluAttrs): Tensor {
  const slope = Math.fround(attrs.negative_slope);
  return map(x, (v) => (v > 0 ? v : v * slope));
}

export function sigmoid(x: Tensor): Tensor {
  return map(x, (v) => 1 / (1 + Math.exp(-v)));
}

export function tanh(x: Tensor): Tensor {
  return map(x, Math.tanh);
}

/** clamp(x, min_val, max_val), NaN kept (PyTorch's hardtanh is clamp); ReLU6 is hardtanh(0, 6). */
export function hardtanh(x: Tensor, attrs: HardtanhAttrs): Tensor {
  const lo = Math.fround(attrs.min_val);
  const hi = Math.fround(attrs.max_val);
  if (!(lo <= hi)) fail('hardtanh', `min_val ${lo} is greater than max_val ${hi}`);
  return map(x, (v) => Math.min(Math.max(v, lo), hi));
}

const relu6 = (v: number) => Math.min(Math.max(v, 0), 6);

/**
 * x * relu6(x + 3) / 6, each step rounded to float32 as PyTorch computes it, so the result is bit-exact
 * (hardswish(-inf) is NaN, as -inf * 0 is in PyTorch).
 */
export function hardswish(x: Tensor): Tensor {
  return map(x, (v) => Math.fround(v * relu6(Math.fround(v + 3))) / 6);
}

/** relu6(x + 3) / 6, rounded as PyTorch rounds it (bit-exact). */
export function hardsigmoid(x: Tensor): Tensor {
  return map(x, (v) => relu6(Math.fround(v + 3)) / 6);
}

/** x * sigmoid(x), written x / (1 + exp(-x)) as PyTorch's kernel does. */
export function silu(x: Tensor): Tensor {
  return map(x, (v) => v / (1 + Math.exp(-v)));
}

/** 'none': x/2 * (1 + erf(x/sqrt 2)); 'tanh': x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))). */
export function gelu(x: Tensor, attrs: GeluAttrs): Tensor {
  if (attrs.approximate === 'tanh') {
    const beta = Math.sqrt(2 / Math.PI);
    return map(x, (v) => 0.5 * v * (1 + Math.tanh(beta * (v + 0.044715 * v * v * v))));
  }
  if (attrs.approximate !== 'none') fail('gelu', `unknown approximate '${String(attrs.approximate)}'`);
  return map(x, (v) => v * 0.5 * (1 + erf(v * Math.SQRT1_2)));
}

/** x > 0 ? x : alpha * (exp(x) - 1), with expm1 as PyTorch's vectorised kernel. */
export function elu(x: Tensor, attrs: EluAttrs): Tensor {
  const alpha = Math.fround(attrs.alpha);
  return map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

/** softplus with PyTorch's default threshold 20 (linear above it). */
function softplus(v: number): number {
  return v > 20 ? v : Math.log1p(Math.exp(v));
}

/** x * tanh(softplus(x)) */
export function mish(x: Tensor): Tensor {
  return map(x, (v) => v * Math.tanh(softplus(v)));
}

/**
 * x > 0 ? x : weight[c] * x, with one weight for every element or one per channel (dim 1), as
 * torch.nn.PReLU; a rank-0 or rank-1 input takes only a single weight.
 */
export function prelu(x: Tensor, attrs: PreluAttrs, weight: Tensor): Tensor {
  const P = attrs.num_parameters;
  expectShape(weight, [P], 'prelu', 'weight');
  const channels = x.shape.length >= 2 ? x.shape[1] : 1;
  if (P !== 1 && P !== channels) {
    fail('prelu', `num_parameters ${P} is neither 1 nor the channel count of input ${showShape(x.shape)}`);
  }
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const w = weight.data[P === 1 ? 0 : Math.floor(i / inner) % channels];
    const v = x.data[i];
    out.data[i] = v > 0 ? v : w * v;
  }
  return out;
}
