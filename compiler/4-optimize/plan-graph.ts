/**
 * Dataflow questions the optimizing passes ask of a plan (who writes a buffer, who reads it, is it
 * returned) and the one rewrite they all make: replace some steps by one fused step.
 */
import type { Plan, PlanParam, PlanStep } from '../3-lower/plan.ts';

/** A broken plan invariant found by an optimizing pass: a compiler bug, never a user error. */
export class PassInvariantError extends Error {
  constructor(pass: string, step: PlanStep, message: string) {
    super(`optimizing pass ${pass}: step \`${step.nodes.join(' + ')}\` (${step.op}): ${message}`);
  }
}

/** Indexes of a plan's dataflow: the step that writes each buffer, and the steps that read it. */
export class PlanGraph {
  private readonly producer = new Map<string, number>();
  private readonly readers = new Map<string, number[]>();
  private readonly outputs: Set<string>;
  private readonly inputs: Set<string>;

  /** params with an inline (or folded) value, by key; built when first asked for */
  private inlineValues: Map<string, Float32Array> | null = null;

  constructor(readonly plan: Plan) {
    this.outputs = new Set(plan.outputs.map((o) => o.buffer));
    this.inputs = new Set(plan.inputs.map((i) => i.buffer));
    plan.steps.forEach((step, i) => {
      this.producer.set(step.output, i);
      for (const b of new Set(readsOf(step))) {
        const list = this.readers.get(b) ?? [];
        list.push(i);
        this.readers.set(b, list);
      }
    });
  }

  /** The index of the step writing `buffer`, or undefined for a graph input. */
  producerOf(buffer: string): number | undefined {
    return this.producer.get(buffer);
  }

  /** Indexes of the steps that read `buffer` (each once, however many of its operands it is). */
  readersOf(buffer: string): readonly number[] {
    return this.readers.get(buffer) ?? [];
  }

  /** `buffer` is read by step `reader` alone, as exactly one operand, and is not returned. */
  onlyFeeds(buffer: string, reader: number): boolean {
    const r = this.readersOf(buffer);
    return (
      r.length === 1 &&
      r[0] === reader &&
      readsOf(this.plan.steps[reader]).filter((b) => b === buffer).length === 1 &&
      !this.isOutput(buffer)
    );
  }

  /** The inline (or already folded) value of a param, if it has one. */
  inlineValue(key: string): Float32Array | undefined {
    this.inlineValues ??= new Map(this.plan.params.filter((p) => p.value !== null).map((p) => [p.key, p.value!]));
    return this.inlineValues.get(key);
  }

  isOutput(buffer: string): boolean {
    return this.outputs.has(buffer);
  }

  isInput(buffer: string): boolean {
    return this.inputs.has(buffer);
  }

  /** The buffer holds its value before step `index` runs (a graph input, or written by an earlier step). */
  readyBefore(buffer: string, index: number): boolean {
    if (this.isInput(buffer)) return true;
    const p = this.producer.get(buffer);
    return p !== undefined && p < index;
  }
}

/** Every buffer a step reads: its inputs, then the residual of its epilogue. */
export function readsOf(step: PlanStep): string[] {
  return step.epilogue.residual === null ? [...step.inputs] : [...step.inputs, step.epilogue.residual];
}

export interface Fusion {
  /** the step that takes the place of the first of `replaced` */
  readonly step: PlanStep;
  /** indexes of the steps it replaces (at least two: every fusion removes a step) */
  readonly replaced: readonly number[];
  /** buffers no step writes any more */
  readonly removedBuffers: readonly string[];
  /** params the fused step reads that the plan did not have (derived by a folding pass) */
  readonly newParams?: readonly PlanParam[];
}

/** The plan with the fused step at the position of the earliest step it replaces. */
export function applyFusion(plan: Plan, f: Fusion): Plan {
  if (new Set(f.replaced).size < 2)
    throw new PassInvariantError('fusion', f.step, 'a fusion must replace at least two steps');
  const first = Math.min(...f.replaced);
  const gone = new Set(f.replaced);
  const dead = new Set(f.removedBuffers);
  const steps = plan.steps.flatMap((s, i) => (i === first ? [f.step] : gone.has(i) ? [] : [s]));
  const params = f.newParams?.length ? [...plan.params, ...f.newParams] : plan.params;
  return { ...plan, steps, params, buffers: plan.buffers.filter((b) => !dead.has(b.id)) };
}

/**
 * Applies `find` until it finds nothing more; returns the very same plan object when nothing
 * changed, which `--explain` reports as "no change". `find` looks at steps from index `from` on: a
 * fusion puts its step at the first index it replaces and leaves every step before it as it was,
 * so no new fusion can appear before that index and the search goes on from there (linear, not
 * quadratic, in the number of steps).
 */
export function fuseAll(plan: Plan, find: (g: PlanGraph, from: number) => Fusion | null): Plan {
  let current = plan;
  let from = 0;
  // every fusion removes at least one step, so this ends
  for (let f = find(new PlanGraph(current), from); f !== null; f = find(new PlanGraph(current), from)) {
    current = applyFusion(current, f);
    from = Math.min(...f.replaced);
  }
  return current;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
