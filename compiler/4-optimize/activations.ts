/** Activation steps as epilogue activations, shared by the passes that fold them. */
import type { Activation, PlanStep } from '../3-lower/plan.ts';

/** The activation a relu/leaky_relu/sigmoid/tanh step applies, or null for any other op. */
export function activationOf(step: PlanStep): Activation | null {
  switch (step.op) {
    case 'relu':
      return { kind: 'relu' };
    case 'leaky_relu':
      return { kind: 'leaky_relu', negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope };
    case 'sigmoid':
      return { kind: 'sigmoid' };
    case 'tanh':
      return { kind: 'tanh' };
    default:
      return null;
  }
}

/** f(max(a, b)) = max(f(a), f(b)) holds exactly when f never decreases. */
export function isMonotone(act: Activation): boolean {
  return act.kind !== 'leaky_relu' || act.negative_slope >= 0;
}
