import type { FlattenAttrs, ParameterAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, requireParam, showShape } from './checks.ts';

/** The shape nn.Flatten(start_dim, end_dim) gives: dims start..end (inclusive) merged into one. */
export function flattenShape(shape: readonly number[], attrs: FlattenAttrs): number[] {
  const { start_dim: s, end_dim: e } = attrs;
  if (!(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s <= e && e < Math.max(shape.length, 1))) {
    fail('flatten', `dims ${s}..${e} do not fit an input of shape ${showShape(shape)}`);
  }
  // a 0-d tensor flattens to [1]
  if (shape.length === 0) return [1];
  const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return [...shape.slice(0, s), merged, ...shape.slice(e + 1)];
}

/** nn.Flatten forward: a reshape, the data order is unchanged. */
export function flatten(x: Tensor, attrs: FlattenAttrs): Tensor {
  return tensor(flattenShape(x.shape, attrs), x.data.slice());
}

/** nn.Identity forward (a copy, so callers never alias their input). */
export function identity(x: Tensor): Tensor {
  return tensor(x.shape, x.data.slice());
}

/** A free parameter (nn.Parameter): no inputs, its value is the output. */
export function parameter(inputs: readonly Tensor[], attrs: ParameterAttrs, value: Tensor | undefined): Tensor {
  if (inputs.length !== 0) fail('parameter', `takes no inputs, got ${inputs.length}`);
  const v = requireParam(value, 'parameter', 'value');
  expectShape(v, attrs.shape, 'parameter', 'value');
  return tensor(v.shape, v.data.slice());
}
