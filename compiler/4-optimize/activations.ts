/** What the passes that fold activations need to know of them. */
import type { Activation } from '../3-lower/plan.ts';

export { activationOf } from '../3-lower/activation-of.ts';

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
