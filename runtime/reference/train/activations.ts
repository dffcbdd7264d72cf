/**
 * Gradients of the activations, each PyTorch 1.13's backward formula (derivatives.yaml and the ATen CPU
 * kernels) with its choices at the kinks: relu passes the gradient where the output is not <= 0 (0 at 0),
 * leaky_relu takes the slope at 0, hardtanh (and ReLU6) is 0 at exactly min_val and max_val, hardswish
 * uses x/3 + 1/2 on [-3, 3) (-0.5 at -3, 1 at 3), hardsigmoid is 1/6 strictly inside (-3, 3), elu
 * takes alpha * exp(x) for x <= 0, prelu the weight at 0. Constants are rounded to float32 as the forward does.
 *
 * Where ATen's vectorised loop and its scalar loop (which only takes the last few elements of a tensor)
 * disagree, this follows the vectorised one, which computes almost every element: hardswish's gradient at
 * exactly 3 is 1 (the scalar loop gives 1.5), a NaN input gives hardtanh 0 and hardswish and elu NaN (the
 * scalar loop passes the gradient).
 */
import type { EluAttrs, GeluAttrs, HardtanhAttrs, LeakyReluAttrs, PreluAttrs } from '../../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { expectShape, fail, showShape } from '../checks.ts';
import { erf } from '../erf.ts';

/**
 * d(input) = f(input, output, g) elementwise: g times the derivative, or, where ATen selects a constant
 * (0 off a piecewise-linear piece), that constant whatever g is.
 */
function mapGrad(x: Tensor, y: Tensor, g: Tensor, op: string, f: (x: number, y: number, g: number) => number): Tensor {
  expectShape(g, x.shape, op, 'gradOutput');
  expectShape(y, x.shape, op, 'output');
  const gx = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) gx.data[i] = f(x.data[i], y.data[i], g.data[i]);
  return gx;
}

export function reluGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  // threshold_backward(grad, result, 0): a NaN output passes the gradient
  return mapGrad(x, y, g, 'relu', (_x, v, g) => (v <= 0 ? 0 : g));
}

export function leakyReluGrad(x: Tensor, y: Tensor, g: Tensor, attrs: LeakyReluAttrs): Tensor {
  const slope = Math.fround(attrs.negative_slope);
  return mapGrad(x, y, g, 'leaky_relu', (v, _y, g) => (v > 0 ? g : g * slope));
}

export function sigmoidGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'sigmoid', (_x, s, g) => g * (1 - s) * s);
}

export function tanhGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'tanh', (_x, t, g) => g * (1 - t * t));
}

export function hardtanhGrad(x: Tensor, y: Tensor, g: Tensor, attrs: HardtanhAttrs): Tensor {
  const lo = Math.fround(attrs.min_val);
  const hi = Math.fround(attrs.max_val);
  if (!(lo <= hi)) fail('hardtanh', `min_val ${lo} is greater than max_val ${hi}`);
  return mapGrad(x, y, g, 'hardtanh', (v, _y, g) => (v > lo && v < hi ? g : 0));
}

export function hardswishGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'hardswish', (v, _y, g) => (v < -3 ? 0 : v >= 3 ? g : g * (v / 3 + 0.5)));
}

/** PyTorch's kernel multiplies by a float one_sixth, for float64 tensors too */
const ONE_SIXTH = Math.fround(1 / 6);

export function hardsigmoidGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'hardsigmoid', (v, _y, g) => (v > -3 && v < 3 ? g * ONE_SIXTH : 0));
}

export function siluGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'silu', (v, _y, gv) => {
    const s = 1 / (1 + Math.exp(-v));
    return gv * s * (1 + v * (1 - s));
  });
}

export function geluGrad(x: Tensor, y: Tensor, g: Tensor, attrs: GeluAttrs): Tensor {
  if (attrs.approximate === 'tanh') {
    const beta = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
    const kappa = 0.044715;
    return mapGrad(x, y, g, 'gelu', (v, _y, gv) => {
      const inner = beta * (v + kappa * v * v * v);
      const t = Math.tanh(inner);
      return gv * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * beta * (1 + 3 * kappa * v * v));
    });
  }
  if (attrs.approximate !== 'none') fail('gelu', `unknown approximate '${String(attrs.approximate)}'`);
  const pdfScale = (2 / Math.sqrt(Math.PI)) * Math.SQRT1_2 * 0.5;
  return mapGrad(
    x,
    y,
    g,
    'gelu',
    (v, _y, gv) => gv * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * pdfScale * Math.exp(-0.5 * v * v)),
  );
}

export function eluGrad(x: Tensor, y: Tensor, g: Tensor, attrs: EluAttrs): Tensor {
  const alpha = Math.fround(attrs.alpha);
  return mapGrad(x, y, g, 'elu', (v, _y, g) => (v > 0 ? g : v <= 0 ? g * alpha * Math.exp(v) : Number.NaN));
}

export function mishGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  return mapGrad(x, y, g, 'mish', (v, _y, gv) => {
    const s = 1 / (1 + Math.exp(-v));
    const t = Math.tanh(Math.log1p(Math.exp(v)));
    return gv * (t + v * s * (1 - t * t));
  });
}

/** dx = g where x > 0, else weight * g; dweight[c] = the sum of x * g over its channel where x is not > 0. */
export function preluGrad(
  x: Tensor,
  g: Tensor,
  attrs: PreluAttrs,
  weight: Tensor,
  need: { input: boolean; weight: boolean },
): { input: Tensor | null; weight: Tensor | null } {
  const P = attrs.num_parameters;
  expectShape(weight, [P], 'prelu', 'weight');
  expectShape(g, x.shape, 'prelu', 'gradOutput');
  const channels = x.shape.length >= 2 ? x.shape[1] : 1;
  if (P !== 1 && P !== channels) {
    fail('prelu', `num_parameters ${P} is neither 1 nor the channel count of input ${showShape(x.shape)}`);
  }
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const gx = tensor(x.shape);
  const gw = new Float64Array(P);
  for (let i = 0; i < x.data.length; i++) {
    const p = P === 1 ? 0 : Math.floor(i / inner) % channels;
    const v = x.data[i];
    const gv = g.data[i];
    if (v > 0) gx.data[i] = gv;
    else {
      gx.data[i] = weight.data[p] * gv;
      gw[p] += v * gv;
    }
  }
  const gwt = tensor([P]);
  gwt.data.set(gw);
  return { input: need.input ? gx : null, weight: need.weight ? gwt : null };
}
