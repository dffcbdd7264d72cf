import type { Plan } from '../4-plan/plan.ts';

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

/** The optimizing passes, in order. */
export const PASSES: readonly PlanPass[] = [];

export function optimize(plan: Plan, selection: PassSelection = true): { plan: Plan; log: PassLogEntry[] } {
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
