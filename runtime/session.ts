/**
 * The library API for programs that compile at run time: compile a .cnn source, bind weights, and
 * run on any input sizes the model accepts (each new size is re-checked and re-planned, then cached).
 */
import { compile, type CompileOptions, type Compiled } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.ts';
import { renderRich } from '../compiler/diagnostics/render/rich.ts';
import type { Plan } from '../compiler/3-lower/plan.ts';
import { createExecutor, type Executor, parseBackend } from './backends.ts';
import { readSafetensors } from './io/safetensors.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';
import { bindWeights, initialWeights } from './weights.ts';

export type WeightsInput = Uint8Array | ArrayBuffer | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

export interface LoadOptions extends CompileOptions {
  /** safetensors bytes, or tensors by state_dict key; absent: PyTorch default init with `seed` */
  readonly weights?: WeightsInput;
  /** `cpu` (default), `gpujs`, `gpujs:webasm`, `gpujs:headlessgl`, `gpujs:cpu`, ... */
  readonly backend?: string;
  readonly seed?: number;
  /** called once when parameters come from default initialisation */
  readonly onWarning?: (message: string) => void;
}

export interface LoadedModel {
  /** the backend that actually ran the last plan (e.g. `gpujs:webasm`) */
  readonly backend: string;
  readonly inputs: readonly { name: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; shape: readonly number[] }[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  destroy(): void;
}

export type CompileResult =
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly model: LoadedModel;
      readonly compiled: Compiled;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly message: string };

function toMap(w: WeightsInput): ReadonlyMap<string, Tensor> {
  if (w instanceof Uint8Array) return readSafetensors(w);
  if (w instanceof ArrayBuffer) return readSafetensors(new Uint8Array(w));
  if (w instanceof Map) return w;
  return new Map(Object.entries(w as Record<string, Tensor>));
}

export async function compileModel(source: string, options: LoadOptions = {}): Promise<CompileResult> {
  const first = compile(source, options);
  if (!first.ok || !first.plan)
    return { ok: false, diagnostics: first.diagnostics, message: renderRich(first.diagnostics, first.files) };
  const spec = parseBackend(options.backend ?? 'cpu');
  const tensors = options.weights ? toMap(options.weights) : null;
  const weightsFor = (plan: Plan) => {
    if (tensors) return bindWeights(plan, tensors);
    if (plan.params.some((p) => p.value === null))
      options.onWarning?.(
        `no weights given: parameters use PyTorch's default initialisation with seed ${options.seed ?? 0}`,
      );
    return initialWeights(plan, options.seed ?? 0);
  };
  const executors = new Map<string, { plan: Plan; ex: Executor }>();
  const key = (shapes: Record<string, readonly number[]>) => JSON.stringify(Object.entries(shapes).sort());
  const firstShapes = Object.fromEntries(first.plan.inputs.map((i) => [i.name, i.shape]));
  executors.set(key(firstShapes), {
    plan: first.plan,
    ex: await createExecutor(first.plan, weightsFor(first.plan), spec),
  });
  let current = executors.get(key(firstShapes))!;
  const model: LoadedModel = {
    get backend() {
      return current.ex.backend;
    },
    inputs: first.plan.inputs.map((i) => ({ name: i.name, shape: i.shape })),
    outputs: first.plan.outputs.map((o) => ({ name: o.name, shape: o.shape })),
    async run(feeds) {
      const shapes = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.shape]));
      let entry = executors.get(key(shapes));
      if (!entry) {
        const again = compile(source, { ...options, inputShapes: shapes });
        if (!again.ok || !again.plan) throw new Error(renderRich(again.diagnostics, again.files));
        entry = { plan: again.plan, ex: await createExecutor(again.plan, weightsFor(again.plan), spec) };
        executors.set(key(shapes), entry);
      }
      current = entry;
      return entry.ex.run(feeds);
    },
    destroy() {
      for (const e of executors.values()) e.ex.destroy();
      executors.clear();
    },
  };
  return { ok: true, diagnostics: first.diagnostics, model, compiled: first };
}
