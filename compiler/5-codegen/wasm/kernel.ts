/**
 * The contract between the wasm program builder and each kernel generator.
 *
 * A kernel is chosen per plan step in two stages: `select` (kernels/select.ts) looks at the step and
 * returns a StepKernel saying how much scratch memory and packed-parameter space it needs; after the
 * memory layout is fixed, `emit` adds its functions to the module with every address a constant and
 * returns the phases the executor runs, in order, with a barrier between them.
 */
import type { Activation, PlanStep } from '../../3-lower/plan.ts';
import type { ModuleBuilder } from './encoder.ts';
import type { PackSpec } from './packs.ts';

/** A region of linear memory the executor fills once at load time from the step's parameters. */
export interface PackRequest {
  /** number of f32 values */
  readonly floats: number;
  /** how to fill it (packs.ts fillPack) */
  readonly spec: PackSpec;
}

export interface ScratchNeeds {
  /** bytes used by one step at a time, by all threads together (e.g. a padded copy of the input) */
  readonly shared: number;
  /** bytes each thread needs for itself (indexed by the thread id argument) */
  readonly perThread: number;
}

/** What the executor runs for a step. */
export type Phase =
  /** call export `fn(lo, hi, tid)` over work units [lo, hi); units may be split across threads */
  | { readonly kind: 'wasm'; readonly fn: string; readonly units: number; readonly cost: number }
  /** run the step with the JavaScript CPU kernel, on views into the wasm memory */
  | { readonly kind: 'js-step' }
  /**
   * apply an activation the wasm kernel left out (sigmoid, tanh, silu, gelu, elu, mish) in place on the
   * step's output, with the CPU kernel of that activation (js-kernels.ts)
   */
  | { readonly kind: 'js-activation'; readonly activation: Activation };

export interface EmitContext {
  readonly mod: ModuleBuilder;
  /** byte address of a plan buffer */
  buffer(id: string): number;
  /** byte address of the kernel's i-th pack request */
  pack(i: number): number;
  /** byte address of the shared scratch region */
  readonly sharedScratch: number;
  /** byte address of thread 0's scratch; thread t's is at + t * threadScratchStride */
  readonly threadScratch: number;
  readonly threadScratchStride: number;
  /** use f32x4.relaxed_madd for multiply-add */
  readonly relaxed: boolean;
  /** a unique export name for this step's function with the given suffix */
  name(suffix: string): string;
}

export interface StepKernel {
  /** one line for humans: the strategy chosen and why */
  readonly describe: string;
  readonly scratch: ScratchNeeds;
  /** bytes the kernel may read past the end of any input buffer (garbage lanes it never stores) */
  readonly overread: number;
  readonly packs: readonly PackRequest[];
  emit(ctx: EmitContext, step: PlanStep): Phase[];
}

export const NO_SCRATCH: ScratchNeeds = { shared: 0, perThread: 0 };
