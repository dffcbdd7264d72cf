/**
 * A whole plan as one WebAssembly module plus the data the executor needs to run it.
 *
 * Memory layout (one linear memory, imported as env.memory, shared when threads > 1; every address
 * is a constant in the code):
 *   [control block: 64 bytes per thread, for the executor's thread hand-off]
 *   [per-thread scratch x threads] [shared scratch, reused by every step]
 *   [buffers: graph inputs and outputs each alone; intermediates share slots by lifetime (as the CPU
 *    backend does)] [packed parameters, filled once at load time]
 * Every region is followed by `slack` bytes, so kernels may read a little past the end of a buffer
 * (garbage lanes they never store) without leaving the memory.
 */
import type { Plan, PlanStep, PlanValue } from '../../3-lower/plan.ts';
import { assignSlots } from '../cpu/buffer-slots.ts';
import { ModuleBuilder } from './encoder.ts';
import type { Phase, StepKernel } from './kernel.ts';
import type { PackSpec } from './packs.ts';
import { selectKernel } from './kernels/select.ts';

export interface WasmProgramOptions {
  /** threads the kernels may be split across (scratch is sized for this many); default 1 */
  readonly threads?: number;
  /** emit f32x4.relaxed_madd (needs relaxed SIMD in the engine); default false */
  readonly relaxed?: boolean;
  /** override kernel selection (tests use it to force a strategy) */
  readonly select?: (step: PlanStep, index: number) => StepKernel;
}

export interface WasmRegion {
  /** byte address */
  readonly offset: number;
  readonly floats: number;
}

export interface WasmPack extends WasmRegion {
  readonly spec: PackSpec;
  /** the step's parameters by op param name (weight, bias, ...) -> plan param key */
  readonly params: Readonly<Record<string, string>>;
}

export interface WasmStep {
  readonly op: string;
  readonly nodes: readonly string[];
  /** the strategy chosen, in words */
  readonly describe: string;
  readonly output: string;
  readonly phases: readonly Phase[];
}

/**
 * Everything about a program except its bytes, as plain JSON-able data: what the runtime
 * (runtime/wasm/instance.ts) needs to fill the memory and run the phases.
 */
export interface WasmLayout {
  /** memory size in 64 KiB pages (the memory never grows) */
  readonly pages: number;
  readonly threads: number;
  readonly relaxed: boolean;
  /** byte address of the control block (64 bytes per thread) */
  readonly control: number;
  readonly buffers: Readonly<Record<string, WasmRegion>>;
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  readonly packs: readonly WasmPack[];
  readonly steps: readonly WasmStep[];
  /** names of every exported kernel function, in a fixed order (threads refer to them by index) */
  readonly exports: readonly string[];
}

export interface WasmProgram extends WasmLayout {
  readonly bytes: Uint8Array<ArrayBuffer>;
}

const ALIGN = 64;
const MIN_SLACK = 256;
const PAGE = 65536;
/** Addresses must stay below 2^31 so i32 arithmetic in the kernels never goes negative. */
const MAX_BYTES = 2 ** 31 - PAGE;

const align = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function wasmProgram(plan: Plan, options: WasmProgramOptions = {}): WasmProgram {
  const threads = options.threads ?? 1;
  const relaxed = options.relaxed ?? false;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64))
    throw new Error(`wasm codegen: bad thread count ${threads}`);
  checkDataflow(plan);
  const kernels = plan.steps.map((s, i) => (options.select ? options.select(s, i) : selectKernel(s, threads)));

  const slack = align(Math.max(MIN_SLACK, ...kernels.map((k) => k.overread)) + MIN_SLACK);
  let top = 0;
  const take = (bytes: number): number => {
    const at = top;
    top = align(top + bytes + slack);
    return at;
  };
  take(0); // address 0 stays unused
  const control = take(64 * threads);
  const threadStride = align(Math.max(16, ...kernels.map((k) => k.scratch.perThread)));
  const threadScratch = take(threadStride * threads);
  const sharedScratch = take(Math.max(16, ...kernels.map((k) => k.scratch.shared)));

  const buffers: Record<string, WasmRegion> = Object.create(null);
  const { slotSizes, slotOf } = assignSlots(plan);
  const slotAt = slotSizes.map((n) => take(n * 4));
  for (const b of plan.buffers) {
    const floats = sizeOf(b.shape);
    const slot = slotOf.get(b.id);
    buffers[b.id] = { offset: slot === undefined ? take(floats * 4) : slotAt[slot], floats };
  }

  const packs: WasmPack[] = [];
  const packAt = kernels.map((k, i) =>
    k.packs.map((p) => {
      const offset = take(p.floats * 4);
      packs.push({ offset, floats: p.floats, spec: p.spec, params: plan.steps[i].params });
      return offset;
    }),
  );
  if (top > MAX_BYTES)
    throw new Error(
      `wasm codegen: the model needs ${top} bytes of memory, more than the ${MAX_BYTES} this backend addresses`,
    );
  const pages = Math.max(1, Math.ceil(top / PAGE));

  const mod = new ModuleBuilder();
  mod.importMemory({ module: 'env', name: 'memory', minPages: pages, maxPages: pages, shared: threads > 1 });
  const steps: WasmStep[] = plan.steps.map((step, i) => {
    const phases = kernels[i].emit(
      {
        mod,
        buffer: (id) => {
          const r = Object.hasOwn(buffers, id) ? buffers[id] : undefined;
          if (!r) throw new Error(`wasm codegen: buffer ${JSON.stringify(id)} is not declared in the plan`);
          return r.offset;
        },
        pack: (j) => {
          const at = packAt[i][j];
          if (at === undefined) throw new Error(`wasm codegen: step ${i} has no pack ${j}`);
          return at;
        },
        sharedScratch,
        threadScratch,
        threadScratchStride: threadStride,
        relaxed,
        name: (suffix) => `s${i}_${suffix.replace(/[^A-Za-z0-9_]/g, '_')}`,
      },
      step,
    );
    return { op: step.op, nodes: step.nodes, describe: kernels[i].describe, output: step.output, phases };
  });
  return {
    bytes: mod.toBytes(),
    pages,
    threads,
    relaxed,
    control,
    buffers,
    inputs: plan.inputs,
    outputs: plan.outputs,
    packs,
    steps,
    exports: mod.exportNames(),
  };
}

/** Every buffer a step reads is a graph input or written by an earlier step, with matching sizes. */
function checkDataflow(plan: Plan): void {
  const size = new Map(plan.buffers.map((b) => [b.id, sizeOf(b.shape)]));
  const defined = new Set(plan.inputs.map((v) => v.buffer));
  const expect = (id: string, shape: readonly number[]) => {
    const n = size.get(id);
    if (n === undefined) throw new Error(`wasm codegen: buffer ${JSON.stringify(id)} is not declared in the plan`);
    if (n !== sizeOf(shape))
      throw new Error(
        `wasm codegen: buffer ${JSON.stringify(id)} has ${n} elements, a step expects [${shape.join(', ')}]`,
      );
  };
  for (const step of plan.steps) {
    const reads = step.epilogue.residual === null ? step.inputs : [...step.inputs, step.epilogue.residual];
    for (const b of reads)
      if (!defined.has(b)) throw new Error(`wasm codegen: buffer ${JSON.stringify(b)} is read before it is written`);
    step.inputs.forEach((b, j) => expect(b, step.inputShapes[j]));
    if (step.epilogue.residual !== null) expect(step.epilogue.residual, step.outputShape);
    expect(step.output, step.outputShape);
    if (defined.has(step.output))
      throw new Error(`wasm codegen: buffer ${JSON.stringify(step.output)} is written twice`);
    defined.add(step.output);
  }
  for (const v of plan.outputs)
    if (!defined.has(v.buffer)) throw new Error(`wasm codegen: output ${JSON.stringify(v.name)} is never computed`);
}
