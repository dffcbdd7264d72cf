/**
 * The one mapping from an activation step to the Activation it applies, shared by the optimizing
 * passes (which fold activation steps into their producers) and by every code generator (which
 * run an activation step with the same code as an epilogue).
 */
import type { Activation, PlanStep } from './plan.ts';

/** The activation an activation step applies (relu ... mish), or null for any other op (prelu has a weight). */
export function activationOf(step: PlanStep): Activation | null {
  switch (step.op) {
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'hardswish':
    case 'hardsigmoid':
    case 'silu':
    case 'mish':
      return { kind: step.op };
    case 'leaky_relu':
      return { kind: 'leaky_relu', negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope };
    case 'hardtanh': {
      const a = (step as PlanStep<'hardtanh'>).attrs;
      return { kind: 'hardtanh', min_val: a.min_val, max_val: a.max_val };
    }
    case 'gelu':
      return { kind: 'gelu', approximate: (step as PlanStep<'gelu'>).attrs.approximate };
    case 'elu':
      return { kind: 'elu', alpha: (step as PlanStep<'elu'>).attrs.alpha };
    default:
      return null;
  }
}
