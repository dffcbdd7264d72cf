/**
 * Gradients of the broadcasting binary ops and the scalar ops. A broadcast input's gradient is the sum
 * of the output gradient over the dims it was broadcast along (what autograd's sum_to does).
 */
import type { BinaryAttrs, ScalarAttrs } from '../../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { binary, broadcastStrides } from '../arithmetic.ts';
import { expectShape, fail } from '../checks.ts';
import { fromF64 } from './util.ts';

/** d(a op b)/da and /db at one point, times g. */
function partials(op: BinaryAttrs['op'], a: number, b: number, g: number): [number, number] {
  switch (op) {
    case 'add':
      return [g, g];
    case 'sub':
      return [g, -g];
    case 'mul':
      return [g * b, g * a];
    case 'div':
      // div_tensor_other_backward: -grad * self / (other * other)
      return [g / b, (-g * a) / (b * b)];
  }
}

export function binaryGrad(
  a: Tensor,
  b: Tensor,
  g: Tensor,
  attrs: BinaryAttrs,
  need: readonly boolean[],
): [Tensor | null, Tensor | null] {
  const y = binary(a, b, attrs);
  expectShape(g, y.shape, 'binary', 'gradOutput');
  const shape = y.shape;
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const ga = new Float64Array(a.data.length);
  const gb = new Float64Array(b.data.length);
  for (let i = 0; i < g.data.length; i++) {
    let rest = i;
    let ia = 0;
    let ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const k = rest % shape[d];
      rest = (rest - k) / shape[d];
      ia += k * sa[d];
      ib += k * sb[d];
    }
    const [da, db] = partials(attrs.op, a.data[ia], b.data[ib], g.data[i]);
    ga[ia] += da;
    gb[ib] += db;
  }
  return [need[0] ? fromF64(a.shape, ga) : null, need[1] ? fromF64(b.shape, gb) : null];
}

/**
 * `x op c` and, reversed, `c op x`, with c rounded to float32 as the forward does: the gradient is
 * g for add, -g for c - x, g * c for mul, g / c for x / c, and -g * c / x^2 for c / x.
 */
export function scalarGrad(x: Tensor, g: Tensor, attrs: ScalarAttrs): Tensor {
  expectShape(g, x.shape, 'scalar', 'gradOutput');
  if (!['add', 'sub', 'mul', 'div'].includes(attrs.op)) fail('scalar', `unknown op '${attrs.op}'`);
  const c = Math.fround(attrs.value);
  const gx = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    const gv = g.data[i];
    let d: number;
    if (attrs.op === 'add') d = gv;
    else if (attrs.op === 'sub') d = attrs.reversed ? -gv : gv;
    else if (attrs.op === 'mul') d = gv * c;
    else d = attrs.reversed ? (-gv * c) / (v * v) : gv / c;
    gx.data[i] = d;
  }
  return gx;
}
