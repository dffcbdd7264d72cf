import type { BinaryAttrs, BinaryOp, ScalarAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';

function apply(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
  }
}

function checkOp(op: string, what: string): void {
  if (!['add', 'sub', 'mul', 'div'].includes(op)) fail(what, `unknown op '${op}'`);
}

/** NumPy/PyTorch broadcasting: shapes aligned from the right, each pair of sizes equal or one of them 1. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    const x = a[a.length - rank + d] ?? 1;
    const y = b[b.length - rank + d] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail('binary', `shapes ${showShape(a)} and ${showShape(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element strides of `shape` read as the right-aligned broadcast `outShape` (0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = outShape.length - shape.length + d;
    strides[od] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}

/** `a op b` elementwise with broadcasting (torch.add/sub/mul/div of two float32 tensors). */
export function binary(a: Tensor, b: Tensor, attrs: BinaryAttrs): Tensor {
  checkOp(attrs.op, 'binary');
  const shape = broadcastShape(a.shape, b.shape);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const out = tensor(shape);
  for (let i = 0; i < out.data.length; i++) {
    // the multi-index of output i, read through each input's strides
    let rest = i;
    let ia = 0;
    let ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const k = rest % shape[d];
      rest = (rest - k) / shape[d];
      ia += k * sa[d];
      ib += k * sb[d];
    }
    out.data[i] = apply(attrs.op, a.data[ia], b.data[ib]);
  }
  return out;
}

/**
 * A tensor and a constant: `x op value`, or `value op x` when reversed. As in PyTorch the constant is
 * first rounded to float32, and `value / x` is `reciprocal(x) * value` (Tensor.__rtruediv__), rounded twice.
 */
export function scalar(x: Tensor, attrs: ScalarAttrs): Tensor {
  checkOp(attrs.op, 'scalar');
  const c = Math.fround(attrs.value);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (!attrs.reversed) out.data[i] = apply(attrs.op, v, c);
    else if (attrs.op === 'div') out.data[i] = Math.fround(1 / v) * c;
    else out.data[i] = apply(attrs.op, c, v);
  }
  return out;
}
