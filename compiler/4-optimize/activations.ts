/**
 * Activation steps as epilogue activations, shared by the passes that fold them and by the codegens
 * that run an activation step with their epilogue code (one mapping from op to Activation).
 */
import type { Activation, PlanStep } from '../3-lower/plan.ts';

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

/**
 * f(max(a, b)) = max(f(a), f(b)) holds exactly when f never decreases. hardswish, silu, gelu and mish
 * dip below zero before they rise (their minimum lies at a negative x), so they do not commute with max.
 */
export function isMonotone(act: Activation): boolean {
  switch (act.kind) {
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'hardsigmoid':
    case 'hardtanh':
      return true;
    case 'leaky_relu':
      return act.negative_slope >= 0;
    case 'elu':
      return act.alpha >= 0;
    case 'hardswish':
    case 'silu':
    case 'gelu':
    case 'mish':
      return false;
  }
}
