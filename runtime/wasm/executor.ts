/**
 * Runs a plan with the wasm backend in this process: generates the module (compiler/5-codegen/wasm),
 * compiles it, fills the packed parameters, and runs it through the shared runtime core
 * (instance.ts), optionally with helper threads sharing the memory (threads.ts). Steps without a
 * wasm kernel, and activations the wasm kernels leave out, run their JavaScript CPU kernel on
 * Float32Array views of the same memory, so nothing is copied between steps.
 *
 * About `new Function`: the JavaScript kernels are the CPU backend's generated code (see
 * runtime/cpu/run-plan.ts for why that text is safe to evaluate).
 */
import { availableParallelism } from 'node:os';
import type { Plan } from '../../compiler/3-lower/plan.ts';
import { kernelArgs } from '../../compiler/5-codegen/cpu/emit.ts';
import { cpuKernelSource } from '../../compiler/5-codegen/cpu/kernel-source.ts';
import { jsKernelSteps } from '../../compiler/5-codegen/wasm/js-kernels.ts';
import { type WasmProgram, type WasmProgramOptions, wasmProgram } from '../../compiler/5-codegen/wasm/program.ts';
import { bindParams } from '../plan-params.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { relaxedSimdSupported, simdSupported } from './features.ts';
import { type JsStep, programRunner, type WasmProfile } from './instance.ts';
import { ModeChooser } from './mode-chooser.ts';
import { ThreadPool } from './threads.ts';

export type { WasmProfile } from './instance.ts';

export interface WasmExecutorOptions {
  /** threads to split kernels across (default: min(2, available cores)) */
  readonly threads?: number;
  /** use relaxed-SIMD multiply-add; default: when the engine supports it */
  readonly relaxed?: boolean;
  /** kernel selection override, for tests */
  readonly select?: WasmProgramOptions['select'];
  /** phases cheaper than this many flops (or floats moved) run on one thread */
  readonly minSplitCost?: number;
  /**
   * 'adaptive' (default): each phase is timed on one thread and split, and the faster way is kept
   * (mode-chooser.ts); 'always': split every phase above minSplitCost (tests use it for coverage).
   */
  readonly split?: 'adaptive' | 'always';
}

export interface WasmExecutor {
  readonly backend: 'wasm';
  readonly threads: number;
  readonly relaxed: boolean;
  readonly program: WasmProgram;
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  /** chunks of work the helper threads (not the calling thread) have run so far */
  readonly workerChunks: number;
  /** one run, timing its parts (ms): copying inputs in, every phase of every step, copying outputs out */
  profile(feeds: Record<string, Tensor>): WasmProfile;
  destroy(): void;
}

/** Below this cost a phase is not worth a second thread (~10 us of work). */
const DEFAULT_MIN_SPLIT_COST = 200_000;
/** Work chunks per thread and phase (threads claim chunks dynamically; see threads.ts). */
const CHUNKS_PER_THREAD = 8;

export async function createWasmExecutor(
  plan: Plan,
  weights: Map<string, Tensor>,
  options: WasmExecutorOptions = {},
): Promise<WasmExecutor> {
  if (!simdSupported()) throw new Error('this JavaScript engine has no WebAssembly SIMD (Node 16.4 or later has it)');
  const threads = options.threads ?? Math.min(2, availableParallelism());
  const relaxed = options.relaxed ?? relaxedSimdSupported();
  if (relaxed && !relaxedSimdSupported())
    throw new Error('relaxed SIMD is not enabled in this engine (Node 20: run with --experimental-wasm-relaxed-simd)');
  const program = wasmProgram(plan, { threads, relaxed, select: options.select });
  const params = bindParams(plan, weights);
  const memory = new WebAssembly.Memory({ initial: program.pages, maximum: program.pages, shared: threads > 1 });
  const module = await WebAssembly.compile(program.bytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });

  const jsSteps = new Map<number, JsStep>();
  for (const [i, step] of jsKernelSteps(plan, program)) {
    const fn = new Function(`"use strict";\n${cpuKernelSource(step, `k${i}`)}\nreturn k${i};`)() as JsStep['fn'];
    jsSteps.set(i, { fn, args: kernelArgs(step) });
  }

  const pool =
    threads > 1 ? await ThreadPool.start(module, memory, program.control, program.exports, threads - 1) : null;
  const minSplit = options.minSplitCost ?? DEFAULT_MIN_SPLIT_COST;
  let runner: ReturnType<typeof programRunner>;
  try {
    runner = programRunner({
      layout: program,
      memory,
      exports: instance.exports,
      params,
      jsSteps,
      parallel: (index, fn, units, cost, tail) => {
        if (pool === null || units < 2 || cost < minSplit) return null;
        // chunks small enough to balance the threads, large enough to keep the claims cheap
        const chunk = Math.max(1, Math.ceil(units / (pool.threads * CHUNKS_PER_THREAD)));
        if (options.split === 'always')
          return () => {
            pool.run(index, fn, units, chunk);
            tail?.();
          };
        const chooser = new ModeChooser();
        return () => {
          const split = chooser.parallel();
          const t0 = performance.now();
          if (split) pool.run(index, fn, units, chunk);
          else fn(0, units, 0);
          tail?.();
          chooser.record(split, performance.now() - t0);
        };
      },
    });
  } catch (e) {
    pool?.destroy();
    throw e;
  }

  let destroyed = false;
  const live = () => {
    if (destroyed) throw new Error('this wasm executor has been destroyed');
  };
  return {
    backend: 'wasm',
    threads,
    relaxed,
    program,
    get workerChunks() {
      return pool?.workerChunks ?? 0;
    },
    run(feeds) {
      live();
      return runner.run(feeds);
    },
    profile(feeds) {
      live();
      return runner.profile(feeds);
    },
    destroy() {
      destroyed = true;
      pool?.destroy();
    },
  };
}
