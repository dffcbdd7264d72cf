import type { Plan } from '../3-lower/plan.ts';
import { activationIntoMaxpool } from './activation-into-maxpool.ts';
import { elideCopies } from './elide-copies.ts';
import { foldBatchnorm } from './fold-batchnorm.ts';
import { fuseActivation } from './fuse-activation.ts';
import { fuseResidual } from './fuse-residual.ts';

/** An optimizing pass rewrites the plan; it never reports user errors (a failure is a compiler bug). */
export interface PlanPass {
  readonly name: string;
  /** one line: why it exists and why it sits where it does */
  readonly why: string;
  run(plan: Plan): Plan;
}

/** true: every pass; false: none; or pass names to switch off */
export type PassSelection = boolean | { readonly disable: readonly string[] };

export interface PassLogEntry {
  readonly pass: string;
  readonly before: Plan;
  readonly after: Plan;
}

/**
 * The optimizing passes, in order (each one's `why` says why it sits where it does). Two fusions of
 * the list in issue 4 are not passes here:
 * - a 1x1 stride-1 convolution is already a matrix product: the CPU conv kernel picks a blocked GEMM
 *   for it (5-codegen/cpu/ops/conv2d.ts, pointwiseBlock); `--explain` names that kernel form per step.
 * - padding folded into its consumer: the language has no explicit padding layer (ZeroPad2d); padding
 *   is an argument of Conv2d and the pools, which their kernels already apply while reading.
 */
export const PASSES: readonly PlanPass[] = [
  elideCopies,
  foldBatchnorm,
  fuseResidual,
  fuseActivation,
  activationIntoMaxpool,
];

/** The names `--disable-pass` and `passes: { disable }` accept. */
export const PASS_NAMES: readonly string[] = PASSES.map((p) => p.name);

/** Why `name` is not a pass, listing the passes; null when it is one. */
export function unknownPassMessage(name: string): string | null {
  return PASS_NAMES.includes(name)
    ? null
    : `no optimizing pass is named \`${name}\` (passes: ${PASS_NAMES.join(', ')})`;
}

/** What `--no-fuse` and `--disable-pass NAME...` ask for. */
export function passSelection(fuse: boolean, disable: readonly string[] = []): PassSelection {
  return !fuse ? false : disable.length > 0 ? { disable } : true;
}

/** Runs the selected passes in order; a name in `disable` that is no pass is a programming error. */
export function optimize(plan: Plan, selection: PassSelection = true): { plan: Plan; log: PassLogEntry[] } {
  if (typeof selection === 'object') {
    const wrong = selection.disable.map(unknownPassMessage).find((m) => m !== null);
    if (wrong) throw new Error(wrong);
  }
  const log: PassLogEntry[] = [];
  let current = plan;
  for (const pass of PASSES) {
    const on = selection === true || (selection !== false && !selection.disable.includes(pass.name));
    if (!on) continue;
    const next = pass.run(current);
    log.push({ pass: pass.name, before: current, after: next });
    current = next;
  }
  return { plan: current, log };
}
