/**
 * The library API for programs that compile at run time: compile a .cnn source, bind weights, and
 * run on any input sizes the model accepts (each new size is re-checked and re-planned, then cached).
 */
import { compile, type CompileOptions, type Compiled } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.ts';
import { renderRich } from '../compiler/diagnostics/render/rich.ts';
import type { Plan } from '../compiler/3-lower/plan.ts';
import { createExecutor, type Executor, parseBackend } from './backends.ts';
import { readCheckpoint } from './io/checkpoint.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';
import type { Graph } from '../compiler/ir/graph.ts';
import type { SourceFile } from '../compiler/source/source-file.ts';
import { bindWeights, initialWeights, WeightsError, type WeightsTensor } from './weights.ts';

export type WeightsInput =
  | Uint8Array
  | ArrayBuffer
  | ReadonlyMap<string, WeightsTensor>
  | Readonly<Record<string, WeightsTensor>>;

export interface LoadOptions extends CompileOptions {
  /**
   * the bytes of a weights file (safetensors, or torch.save's .pt/.pth, zip or legacy; told apart by
   * content), or tensors by state_dict key; absent: PyTorch default init with `seed`
   */
  readonly weights?: WeightsInput;
  /** ignore keys of the weights that no layer uses, instead of refusing them (E0402) */
  readonly allowExtraKeys?: boolean;
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

const WEIGHTS_SOURCE = 'the weights';

function toMap(w: WeightsInput): ReadonlyMap<string, WeightsTensor> {
  if (w instanceof Uint8Array) return readCheckpoint(w, WEIGHTS_SOURCE).tensors;
  if (w instanceof ArrayBuffer) return readCheckpoint(new Uint8Array(w), WEIGHTS_SOURCE).tensors;
  if (w instanceof Map) return w;
  return new Map(Object.entries(w as Record<string, WeightsTensor>));
}

/** The same error, with where the layer to blame is written: `model.cnn:5:3`. */
function located(e: unknown, graph: Graph | null, files: ReadonlyMap<string, SourceFile>): unknown {
  if (!(e instanceof WeightsError) || !e.node || !graph) return e;
  const span = graph.nodes.find((n) => n.id === e.node)?.spans.call;
  const file = span && files.get(span.file);
  if (!span || !file) return e;
  const { line, column } = file.position(span.start);
  return new WeightsError(e.code, `${e.message} (\`${e.node}\` is at ${span.file}:${line}:${column})`, e.node, e.key);
}

export async function compileModel(source: string, options: LoadOptions = {}): Promise<CompileResult> {
  const first = compile(source, options);
  if (!first.ok || !first.plan)
    return { ok: false, diagnostics: first.diagnostics, message: renderRich(first.diagnostics, first.files) };
  const spec = parseBackend(options.backend ?? 'cpu');
  const tensors = options.weights ? toMap(options.weights) : null;
  const weightsFor = (plan: Plan) => {
    if (tensors) {
      try {
        return bindWeights(plan, tensors, WEIGHTS_SOURCE, { allowExtraKeys: options.allowExtraKeys });
      } catch (e) {
        throw located(e, first.graph, first.files);
      }
    }
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
