import type { ConcatAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';

/** Elementwise sum of tensors with equal shapes (no broadcasting, as the IR's add requires). */
export function add(inputs: readonly Tensor[]): Tensor {
  if (inputs.length < 2) fail('add', `needs at least 2 inputs, got ${inputs.length}`);
  const [first] = inputs;
  for (const t of inputs) {
    if (showShape(t.shape) !== showShape(first.shape)) {
      fail('add', `shapes differ: ${inputs.map((u) => showShape(u.shape)).join(' + ')}`);
    }
  }
  const out = tensor(first.shape);
  for (let i = 0; i < out.data.length; i++) {
    let sum = 0;
    for (const t of inputs) sum += t.data[i];
    out.data[i] = sum;
  }
  return out;
}

/** torch.cat(inputs, dim): every other dim must agree. */
export function concat(inputs: readonly Tensor[], attrs: ConcatAttrs): Tensor {
  const { dim } = attrs;
  if (inputs.length < 1) fail('concat', 'needs at least 1 input');
  const rank = inputs[0].shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= rank) fail('concat', `dim ${dim} is out of range for rank ${rank}`);
  for (const t of inputs) {
    const agrees = t.shape.length === rank && t.shape.every((d, k) => k === dim || d === inputs[0].shape[k]);
    if (!agrees)
      fail('concat', `shapes disagree outside dim ${dim}: ${inputs.map((u) => showShape(u.shape)).join(', ')}`);
  }
  const outer = inputs[0].shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const inner = inputs[0].shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const total = inputs.reduce((a, t) => a + t.shape[dim], 0);
  const outShape = [...inputs[0].shape];
  outShape[dim] = total;
  const out = tensor(outShape);
  let o = 0;
  // row-major: for each outer index, the inputs' slabs follow one another
  for (let i = 0; i < outer; i++) {
    for (const t of inputs) {
      const slab = t.shape[dim] * inner;
      out.data.set(t.data.subarray(i * slab, (i + 1) * slab), o);
      o += slab;
    }
  }
  return out;
}
