import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, type KernelWriter } from '../kernel-writer.ts';
import { splitAt } from './layout.ts';

/** Softmax along attrs.dim, max-subtracted like PyTorch; each thread recomputes its row's max and sum. */
export function emitSoftmax(w: KernelWriter, step: PlanStep<'softmax'>): void {
  const dim = step.attrs.dim;
  const { outer, size: D, inner } = splitAt(step.outputShape, dim);
  w.comment(`dim ${dim}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['o', outer],
    ['d', D],
    ['s', inner],
  ]);
  w.line(`const base = o * ${D * inner} + s;`);
  w.line(`let m = ${x}[base];`);
  w.line(`for (let k = 1; k < ${D}; k++) {`);
  w.line(`const t = ${x}[base + k * ${inner}];`, 2);
  w.line('if (t > m) { m = t; }', 2);
  w.line('}');
  w.line('let sum = 0;');
  w.line(`for (let k = 0; k < ${D}; k++) {`);
  w.line(`sum += Math.exp(${x}[base + k * ${inner}] - m);`, 2);
  w.line('}');
  w.line(`let v = Math.exp(${x}[i] - m) / sum;`);
}
