import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, lin, type KernelWriter } from '../kernel-writer.ts';
import { splitAt } from './layout.ts';

/** torch.cat along attrs.dim: each thread picks the input that owns its position along that dim. */
export function emitConcat(w: KernelWriter, step: PlanStep<'concat'>): void {
  const dim = step.attrs.dim;
  const { outer, size: D, inner } = splitAt(step.outputShape, dim);
  w.comment(`dim ${dim}`);
  const xs = step.inputs.map((b, k) => w.arg(`x${k}`, 'buffer', b));
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['o', outer],
    ['d', D],
    ['s', inner],
  ]);
  if (step.inputs.length === 1) {
    w.line(`let v = ${xs[0]}[i];`);
    return;
  }
  w.line('let v = 0;');
  let offset = 0;
  step.inputShapes.forEach((shape, k) => {
    const Dk = shape[dim];
    const test = k === step.inputs.length - 1 ? '} else {' : `${k === 0 ? 'if' : '} else if'} (d < ${offset + Dk}) {`;
    w.line(test);
    w.line(
      `v = ${xs[k]}[(${lin(
        [
          [Dk, 'o'],
          [1, 'd'],
        ],
        -offset,
      )}) * ${inner} + s];`,
      2,
    );
    offset += Dk;
  });
  w.line('}');
  if (offset !== D) throw new Error(`concat inputs add up to ${offset} along dim ${dim}, output has ${D}`);
}
