import type { LinearAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, showShape } from './checks.ts';

/** nn.Linear forward over the last dim: y = x W^T + b, W is [out_features, in_features]. */
export function linear(x: Tensor, attrs: LinearAttrs, weight: Tensor, bias?: Tensor): Tensor {
  const { in_features: I, out_features: O } = attrs;
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== I) {
    fail('linear', `input shape ${showShape(x.shape)} must end in in_features ${I}`);
  }
  expectShape(weight, [O, I], 'linear', 'weight');
  if (attrs.bias) {
    if (!bias) fail('linear', 'bias=True but no bias parameter given');
    expectShape(bias, [O], 'linear', 'bias');
  }
  const rows = x.data.length / I;
  const out = tensor([...x.shape.slice(0, -1), O]);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      let acc = attrs.bias ? bias!.data[o] : 0;
      for (let i = 0; i < I; i++) acc += x.data[r * I + i] * weight.data[o * I + i];
      out.data[r * O + o] = acc;
    }
  }
  return out;
}
