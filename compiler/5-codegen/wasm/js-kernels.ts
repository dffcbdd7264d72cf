/**
 * The plan steps whose CPU kernels (compiler/5-codegen/cpu) a wasm program runs in JavaScript, by
 * step index: a js-step phase runs its step's own kernel; a js-activation phase runs the kernel of
 * the activation as a step of its own, in place on the step's output (an elementwise kernel reads
 * element i before it writes element i). So an activation the wasm kernels leave out is computed by
 * the very code the cpu backend runs, whatever the activation.
 */
import type { Activation, Plan, PlanStep } from '../../3-lower/plan.ts';
import type { WasmLayout } from './program.ts';

/** `act` as an activation step reading and writing `step`'s output. */
export function inPlaceActivationStep(step: PlanStep, act: Activation): PlanStep {
  const { kind, ...attrs } = act;
  return {
    nodes: step.nodes,
    op: kind,
    attrs: attrs as PlanStep['attrs'],
    inputs: [step.output],
    inputShapes: [step.outputShape],
    params: {},
    output: step.output,
    outputShape: step.outputShape,
    epilogue: { residual: null, activation: null },
  };
}

export function jsKernelSteps(plan: Plan, layout: Pick<WasmLayout, 'steps'>): Map<number, PlanStep> {
  const out = new Map<number, PlanStep>();
  layout.steps.forEach((s, i) => {
    for (const ph of s.phases) {
      if (ph.kind === 'wasm') continue;
      if (out.has(i)) throw new Error(`wasm codegen: step ${i} has more than one JavaScript phase`);
      out.set(i, ph.kind === 'js-step' ? plan.steps[i] : inPlaceActivationStep(plan.steps[i], ph.activation));
    }
  });
  return out;
}
