import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, sizeOf, type KernelWriter } from '../kernel-writer.ts';

/** y = x W^T + b over the last dimension; every leading dimension is a row. */
export function emitLinear(w: KernelWriter, step: PlanStep<'linear'>): void {
  const a = step.attrs;
  const F = a.in_features;
  const O = a.out_features;
  const rows = sizeOf(step.outputShape) / O;
  w.comment(`in_features ${F}, out_features ${O}, bias ${a.bias}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = w.param('weight');
  const bias = a.bias ? w.param('bias') : null;
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['row', rows],
    ['o', O],
  ]);
  w.line(`const xRow = row * ${F};`);
  w.line(`const wRow = o * ${F};`);
  w.line('let acc = 0;');
  w.line(`for (let k = 0; k < ${F}; k++) {`);
  w.line(`acc += ${x}[xRow + k] * ${weight}[wRow + k];`, 2);
  w.line('}');
  w.line(bias ? `let v = acc + ${bias}[o];` : 'let v = acc;');
}
