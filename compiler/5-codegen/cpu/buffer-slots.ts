/**
 * Storage reuse for intermediate buffers: buffers whose lifetimes do not overlap share one
 * Float32Array "slot" (each gets a subarray view). A step's output never shares a slot with anything
 * the step reads, because the slots of its inputs are released only after its output is placed.
 * Graph inputs and outputs are never pooled (inputs belong to the caller, outputs are returned).
 */
import type { Plan } from '../../3-lower/plan.ts';
import { sizeOf } from './emit.ts';

export interface SlotAssignment {
  /** element count of each slot */
  readonly slotSizes: readonly number[];
  /** pooled buffer id -> slot index */
  readonly slotOf: ReadonlyMap<string, number>;
}

export function assignSlots(plan: Plan): SlotAssignment {
  const size = new Map(plan.buffers.map((b) => [b.id, sizeOf(b.shape)]));
  const pinned = new Set<string>(plan.outputs.map((o) => o.buffer));
  for (const b of plan.buffers) if (b.role !== 'intermediate') pinned.add(b.id);
  const lastUse = new Map<string, number>();
  plan.steps.forEach((s, i) => {
    for (const b of readsOf(s)) lastUse.set(b, i);
  });

  const slotSizes: number[] = [];
  const slotOf = new Map<string, number>();
  const free: number[] = [];
  plan.steps.forEach((step, i) => {
    const out = step.output;
    if (!pinned.has(out)) {
      const need = size.get(out) ?? 0;
      const slot = takeSlot(free, slotSizes, need);
      slotSizes[slot] = Math.max(slotSizes[slot], need);
      slotOf.set(out, slot);
      // an output nobody reads is dead right after its step
      if (!lastUse.has(out)) free.push(slot);
    }
    for (const b of new Set(readsOf(step))) {
      const slot = slotOf.get(b);
      if (slot !== undefined && lastUse.get(b) === i) free.push(slot);
    }
  });
  return { slotSizes, slotOf };
}

export function readsOf(step: Plan['steps'][number]): string[] {
  return step.epilogue.residual === null ? [...step.inputs] : [...step.inputs, step.epilogue.residual];
}

/** Best fit among free slots; otherwise grow the largest free slot; otherwise a new slot. */
function takeSlot(free: number[], sizes: number[], need: number): number {
  let best = -1;
  for (let j = 0; j < free.length; j++) {
    const s = sizes[free[j]];
    if (s >= need && (best < 0 || s < sizes[free[best]])) best = j;
  }
  if (best < 0) for (let j = 0; j < free.length; j++) if (best < 0 || sizes[free[j]] > sizes[free[best]]) best = j;
  if (best >= 0) return free.splice(best, 1)[0];
  sizes.push(0);
  return sizes.length - 1;
}
