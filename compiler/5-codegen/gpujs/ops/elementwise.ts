import type { PlanStep } from '../../../3-lower/plan.ts';
import { activationLines } from '../epilogue.ts';
import type { KernelWriter } from '../kernel-writer.ts';

/** relu / leaky_relu / sigmoid / tanh as ops of their own. */
export function emitActivationOp(w: KernelWriter, step: PlanStep<'relu' | 'leaky_relu' | 'sigmoid' | 'tanh'>): void {
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  w.line(`let v = ${x}[i];`);
  const act =
    step.op === 'leaky_relu'
      ? { kind: 'leaky_relu' as const, negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope }
      : { kind: step.op as 'relu' | 'sigmoid' | 'tanh' };
  if (act.kind === 'leaky_relu') w.comment(`negative_slope ${act.negative_slope}`);
  for (const l of activationLines(act)) w.line(l);
}

/** flatten and identity: same elements in the same row-major order, so a copy. */
export function emitCopy(w: KernelWriter, step: PlanStep<'flatten' | 'identity'>): void {
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  w.line(`let v = ${x}[i];`);
}

/** Elementwise sum of inputs of one shape. */
export function emitAdd(w: KernelWriter, step: PlanStep<'add'>): void {
  const out = step.outputShape.join(',');
  step.inputShapes.forEach((s, k) => {
    if (s.join(',') !== out) {
      throw new Error(
        `add input ${k} has shape [${s.join(', ')}], the output [${step.outputShape.join(', ')}]; broadcasting is not supported`,
      );
    }
  });
  const xs = step.inputs.map((b, k) => w.arg(`x${k}`, 'buffer', b));
  w.line('const i = this.thread.x;');
  w.line(`let v = ${xs.map((x) => `${x}[i]`).join(' + ')};`);
}
