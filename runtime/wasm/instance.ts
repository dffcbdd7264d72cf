/**
 * The platform-neutral core of the wasm backend's runtime, shared by the in-process executor
 * (executor.ts) and generated modules (bundled by runtime/module-support/wasm.ts): fills the packed
 * parameters into the memory and turns the program's phases into calls, then runs them on feeds.
 * Threads are the caller's business: `parallel` may take over a wasm phase.
 */
import type { PlanValue } from '../../compiler/3-lower/plan.ts';
import type { KernelArg } from '../../compiler/5-codegen/cpu/emit.ts';
import type { Phase } from '../../compiler/5-codegen/wasm/kernel.ts';
import { fillPack } from '../../compiler/5-codegen/wasm/packs.ts';
import type { WasmLayout } from '../../compiler/5-codegen/wasm/program.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';

export type KernelFn = (lo: number, hi: number, tid: number) => void;

/**
 * A step, or the activation of a step, that runs in JavaScript: the CPU kernel and what to call it
 * with (kernelArgs order).
 */
export interface JsStep {
  readonly fn: (...arrays: Float32Array[]) => void;
  readonly args: readonly KernelArg[];
}

export interface ProgramRunner {
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  /** a run, timing its parts; the last step's time includes copying out the outputs it completes */
  profile(feeds: Record<string, Tensor>): WasmProfile;
}

export interface WasmProfile {
  readonly copyIn: number;
  /** per step: the time of each of its phases */
  readonly steps: readonly (readonly number[])[];
  readonly copyOut: number;
}

export interface RunnerParts {
  readonly layout: WasmLayout;
  readonly memory: WebAssembly.Memory;
  readonly exports: WebAssembly.Exports;
  /** parameter arrays by plan param key */
  readonly params: Readonly<Record<string, Float32Array>>;
  /** the JavaScript kernels of js-step and js-activation phases, by step index (js-kernels.ts) */
  readonly jsSteps: ReadonlyMap<number, JsStep>;
  /**
   * A runner for a wasm phase that may split it across threads, or null to run it on the calling
   * thread. `tail` (may be null) must run right after the phase: it copies the step's outputs out,
   * which costs more when another core wrote them, so a runner that times the phase times it too.
   */
  readonly parallel?: (
    fnIndex: number,
    fn: KernelFn,
    units: number,
    cost: number,
    tail: (() => void) | null,
  ) => (() => void) | null;
}

export function programRunner(parts: RunnerParts): ProgramRunner {
  const { layout, memory, params } = parts;
  const heap = new Float32Array(memory.buffer);
  const view = (id: string): Float32Array => {
    const r = Object.hasOwn(layout.buffers, id) ? layout.buffers[id] : undefined;
    if (!r) throw new Error(`wasm runtime: unknown buffer ${JSON.stringify(id)}`);
    return heap.subarray(r.offset / 4, r.offset / 4 + r.floats);
  };
  for (const p of layout.packs) {
    const named: Record<string, Float32Array> = {};
    for (const [name, key] of Object.entries(p.params)) named[name] = params[key];
    fillPack(p.spec, named, heap.subarray(p.offset / 4, p.offset / 4 + p.floats));
  }

  // outputs are copied out right after the wasm phase that completes them (an output buffer is
  // never reused, so later steps cannot change it); the rest (graph inputs, JavaScript steps) at the end
  const outputs = new Map<string, Float32Array>();
  const copyOutputs = (vs: readonly PlanValue[]) => () => {
    for (const v of vs) outputs.set(v.name, view(v.buffer).slice());
  };
  const early = new Map<number, readonly PlanValue[]>();
  layout.steps.forEach((s, i) => {
    const last = s.phases[s.phases.length - 1];
    const vs = layout.outputs.filter((v) => v.buffer === s.output);
    if (last?.kind === 'wasm' && vs.length > 0) early.set(i, vs);
  });
  const late = layout.outputs.filter((v) => !layout.steps.some((s, i) => early.has(i) && s.output === v.buffer));

  const phaseRunner = (ph: Phase, i: number, j: number): (() => void) => {
    switch (ph.kind) {
      case 'wasm': {
        const fn = parts.exports[ph.fn] as KernelFn | undefined;
        const index = layout.exports.indexOf(ph.fn);
        if (typeof fn !== 'function' || index < 0) throw new Error(`wasm runtime: the module has no function ${ph.fn}`);
        const units = ph.units;
        const vs = j === layout.steps[i].phases.length - 1 ? early.get(i) : undefined;
        const tail = vs ? copyOutputs(vs) : null;
        const own = parts.parallel?.(index, fn, units, ph.cost, tail);
        if (own) return own;
        return tail
          ? () => {
              fn(0, units, 0);
              tail();
            }
          : () => fn(0, units, 0);
      }
      // a js-activation runs the CPU kernel of its activation in place on the step's output
      case 'js-step':
      case 'js-activation': {
        const js = parts.jsSteps.get(i);
        if (!js) throw new Error(`wasm runtime: no JavaScript kernel for step ${i} (${ph.kind})`);
        const args = js.args.map((a) => (a.kind === 'param' ? params[a.key] : view(a.buffer)));
        return () => js.fn(...args);
      }
    }
  };
  const runners = layout.steps.map((s, i) => s.phases.map((ph, j) => phaseRunner(ph, i, j)));

  const copyIn = (feeds: Record<string, Tensor>): void => {
    if (!feeds || typeof feeds !== 'object') throw new TypeError('run() takes an object of inputs, e.g. run({ x })');
    for (const v of layout.inputs) {
      if (!Object.hasOwn(feeds, v.name)) throw new Error(`missing input "${v.name}" (expected shape ${fmt(v.shape)})`);
      const t = feeds[v.name];
      if (!sameShape(t.shape, v.shape))
        throw new Error(`input "${v.name}": expected shape ${fmt(v.shape)}, got ${fmt(t.shape)}`);
      if (!(t.data instanceof Float32Array) || t.data.length !== sizeOf(v.shape)) {
        throw new Error(`input "${v.name}": data must be a Float32Array of ${sizeOf(v.shape)} elements`);
      }
      view(v.buffer).set(t.data);
    }
    const known = new Set(layout.inputs.map((v) => v.name));
    for (const name of Object.keys(feeds)) {
      if (!known.has(name))
        throw new Error(`unknown input "${name}" (the model's inputs: ${[...known].map((n) => `"${n}"`).join(', ')})`);
    }
  };
  const copyOut = (): Record<string, Tensor> => {
    copyOutputs(late)();
    // fromEntries defines own properties, so even an output named __proto__ is an ordinary key
    const result = Object.fromEntries(layout.outputs.map((v) => [v.name, tensor(v.shape, outputs.get(v.name)!)]));
    outputs.clear();
    return result;
  };

  return {
    run(feeds) {
      copyIn(feeds);
      for (const step of runners) for (const r of step) r();
      return copyOut();
    },
    profile(feeds) {
      let t = performance.now();
      const lap = (): number => {
        const now = performance.now();
        const d = now - t;
        t = now;
        return d;
      };
      copyIn(feeds);
      const inMs = lap();
      const steps = runners.map((step) =>
        step.map((r) => {
          r();
          return lap();
        }),
      );
      copyOut();
      return { copyIn: inMs, steps, copyOut: lap() };
    },
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  const x = Array.from(a ?? []);
  return x.length === b.length && b.every((d, i) => d === x[i]);
}

function fmt(shape: readonly number[]): string {
  return `[${Array.from(shape ?? []).join(', ')}]`;
}
