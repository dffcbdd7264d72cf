import type { SoftmaxAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';

/** nn.Softmax(dim) forward, subtracting each slice's max first so large inputs do not overflow. */
export function softmax(x: Tensor, attrs: SoftmaxAttrs): Tensor {
  const { dim } = attrs;
  if (!Number.isInteger(dim) || dim < 0 || dim >= x.shape.length) {
    fail('softmax', `dim ${dim} is out of range for shape ${showShape(x.shape)}`);
  }
  const size = x.shape[dim];
  const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = x.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const out = tensor(x.shape);
  const exps = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * size + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x.data[at(k)]);
      let sum = 0;
      for (let k = 0; k < size; k++) {
        exps[k] = Math.exp(x.data[at(k)] - max);
        sum += exps[k];
      }
      for (let k = 0; k < size; k++) out.data[at(k)] = exps[k] / sum;
    }
  }
  return out;
}
