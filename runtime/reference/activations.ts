import type { LeakyReluAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';

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
  return map(x, (v) => (v > 0 ? v : v * attrs.negative_slope));
}

export function sigmoid(x: Tensor): Tensor {
  return map(x, (v) => 1 / (1 + Math.exp(-v)));
}

export function tanh(x: Tensor): Tensor {
  return map(x, Math.tanh);
}
