import type { Activation, PlanStep } from '../../3-lower/plan.ts';
import { num, type KernelWriter } from './kernel-writer.ts';

/** Statements that apply `act` to the float variable `v` in place. */
export function activationLines(act: Activation): string[] {
  switch (act.kind) {
    case 'relu':
      return ['if (v < 0) { v = 0; }'];
    case 'leaky_relu':
      return [`if (v < 0) { v = v * ${num(act.negative_slope)}; }`];
    case 'sigmoid':
      return ['v = 1 / (1 + Math.exp(-v));'];
    case 'tanh':
      // gpu.js's GLSL tanh is (e^2x - 1) / (e^2x + 1), NaN once e^2x overflows; this form never overflows
      return ['const e2 = Math.exp(-2 * Math.abs(v));', 'const t = (1 - e2) / (1 + e2);', 'v = v < 0 ? -t : t;'];
  }
}

/** The step's epilogue (residual add, then activation) on `v`, then `return v;`. */
export function emitEpilogueAndReturn(w: KernelWriter, step: PlanStep): void {
  const { residual, activation } = step.epilogue;
  if (residual !== null) {
    const r = w.arg('residual', 'buffer', residual);
    w.line(`v = v + ${r}[i];`);
  }
  if (activation !== null) {
    for (const l of activationLines(activation)) w.line(l);
  }
  w.line('return v;');
}
