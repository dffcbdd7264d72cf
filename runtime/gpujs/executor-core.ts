import type { GPU, IKernelRunShortcut, KernelOutput, Texture } from 'gpu.js';
import type { Plan, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { GpuJsKernelSource } from '../../compiler/5-codegen/gpujs/kernel-source.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { backendMismatchError, backendOf, createGpu, isGlBackend, type GpuJsMode } from './backend.ts';

export type { GpuJsMode } from './backend.ts';

export interface GpuJsExecutor {
  /** the gpu.js backend the kernels actually run on, read from their classes (e.g. 'headlessgl', 'webasm', 'cpu') */
  readonly backend: string;
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  destroy(): void;
}

/** A buffer's value between kernels: a typed array on cpu/webasm, a texture that stays on the GPU on WebGL. */
type DeviceValue = Float32Array | Texture;

/** Float math indexes GPU buffers; past 2^24 consecutive integers are no longer exact in float32. */
const MAX_GL_ELEMENTS = 2 ** 24;

interface CompiledStep {
  readonly step: PlanStep;
  readonly code: GpuJsKernelSource;
  readonly kernel: IKernelRunShortcut;
}

/**
 * The gpu.js executor, given the kernel sources (so a generated module can ship them as text and
 * bundle this file without the code generator). Runs a plan with gpu.js: one generated kernel per step, compiled for the asked backend. On WebGL
 * backends every kernel is pipelined, so parameters are uploaded once and intermediates stay textures.
 */
export async function createGpuJsExecutorFromSources(
  plan: Plan,
  sources: readonly GpuJsKernelSource[],
  weights: Map<string, Tensor>,
  mode: GpuJsMode,
): Promise<GpuJsExecutor> {
  if (sources.length !== plan.steps.length)
    throw new Error(`${sources.length} kernel sources for ${plan.steps.length} plan steps`);
  const { gpu, backend: gpuBackend } = createGpu(mode);
  try {
    return buildExecutor(plan, sources, weights, mode, gpu, gpuBackend);
  } catch (e) {
    gpu.destroy().catch(() => undefined);
    throw e;
  }
}

function buildExecutor(
  plan: Plan,
  sources: readonly GpuJsKernelSource[],
  weights: Map<string, Tensor>,
  mode: GpuJsMode,
  gpu: GPU,
  gpuBackend: string,
): GpuJsExecutor {
  const onGl = isGlBackend(gpuBackend);
  if (onGl) checkGlSizes(plan);
  const settings = { tactic: 'precision', precision: 'single', pipeline: onGl, immutable: false } as const;

  const steps: CompiledStep[] = plan.steps.map((step, i) => {
    const code = sources[i];
    const kernel = gpu.createKernel(code.source, { ...settings, output: code.output });
    return { step, code, kernel };
  });

  // On GL a copy kernel turns an array into a texture once, so later kernels read it without re-uploading.
  // Parameters go through immutable kernels (a new texture per call); each graph input has its own
  // mutable uploader, whose texture is overwritten by the next run.
  const uploaders = new Map<string, IKernelRunShortcut>();
  const toDevice = (data: Float32Array, uploader: string, immutable: boolean): DeviceValue => {
    if (!onGl) return data;
    const key = `${uploader}:${data.length}`;
    let up = uploaders.get(key);
    if (!up) {
      up = gpu.createKernel('function upload(a) { return a[this.thread.x]; }', {
        ...settings,
        immutable,
        output: [data.length],
      });
      uploaders.set(key, up);
    }
    return up(data) as Texture;
  };

  const params = new Map<string, DeviceValue>();
  const planParams = new Map(plan.params.map((p) => [p.key, p]));
  for (const { code } of steps) {
    for (const a of code.args) {
      if (a.kind !== 'param' || params.has(a.ref)) continue;
      params.set(a.ref, toDevice(paramData(a.ref, planParams, weights), 'param', true));
    }
  }

  const expected = mode === 'gpu' ? gpuBackend : mode;
  const currentBackend = (): string => {
    const names = new Set(steps.map((s) => backendOf(s.kernel.kernel)));
    return names.size === 0 ? gpuBackend : [...names].join('+');
  };
  // gpu.js may swap a kernel for a CPU one at build or run time (kernel.fallbackReason says why)
  const assertBackend = (): void => {
    for (const s of steps) {
      const actual = backendOf(s.kernel.kernel);
      if (actual !== expected) {
        const why = s.kernel.kernel.fallbackReason ?? s.kernel.fallbackReason;
        throw backendMismatchError(mode, actual, `kernel ${s.code.name}${why ? `: ${why}` : ''}`);
      }
    }
  };
  assertBackend();

  let destroyed = false;
  return {
    get backend() {
      return currentBackend();
    },
    async run(feeds) {
      if (destroyed) throw new Error('this gpu.js executor has been destroyed');
      const values = new Map<string, DeviceValue>();
      for (const input of plan.inputs) {
        const t = feeds[input.name];
        if (!t) throw new Error(`missing input '${input.name}' (expected shape [${input.shape.join(', ')}])`);
        if (t.shape.length !== input.shape.length || t.shape.some((d, k) => d !== input.shape[k])) {
          throw new Error(
            `input '${input.name}' has shape [${t.shape.join(', ')}], the plan needs [${input.shape.join(', ')}]`,
          );
        }
        values.set(input.buffer, toDevice(t.data, `input ${input.buffer}`, false));
      }
      // the whole run is synchronous, so two overlapping run() calls cannot interleave on shared textures
      for (const { step, code, kernel } of steps) {
        const args = code.args.map((a) => {
          const v = a.kind === 'param' ? params.get(a.ref) : values.get(a.ref);
          if (v === undefined) throw new Error(`step ${code.name} reads buffer '${a.ref}' before any step writes it`);
          return v;
        });
        values.set(step.output, asDeviceValue(kernel(...args)));
      }
      assertBackend();
      const out: Record<string, Tensor> = {};
      for (const o of plan.outputs) {
        const v = values.get(o.buffer);
        if (v === undefined) throw new Error(`output '${o.name}' reads buffer '${o.buffer}', which no step writes`);
        out[o.name] = tensor(o.shape, readBack(v, sizeOf(o.shape)));
      }
      return out;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      gpu.destroy().catch(() => undefined);
    },
  };
}

function asDeviceValue(v: KernelOutput): DeviceValue {
  if (v instanceof Float32Array) return v;
  if (v && typeof (v as Texture).toArray === 'function') return v as Texture;
  throw new Error(`gpu.js returned ${Object.prototype.toString.call(v)} where a Float32Array or texture was expected`);
}

/** A fresh Float32Array (kernels reuse their output storage between runs). */
function readBack(v: DeviceValue, n: number): Float32Array {
  const data = v instanceof Float32Array ? v : (v.toArray() as unknown as Float32Array);
  if (!(data instanceof Float32Array) || data.length < n) {
    throw new Error(
      `gpu.js read back ${Object.prototype.toString.call(data)} of length ${(data as { length?: number }).length}, expected ${n} floats`,
    );
  }
  return data.slice(0, n);
}

/** A parameter's values: an inline/folded value in the plan wins over the weights file. */
function paramData(
  key: string,
  planParams: Map<string, Plan['params'][number]>,
  weights: Map<string, Tensor>,
): Float32Array {
  const p = planParams.get(key);
  if (p?.value) {
    if (p.value.length !== sizeOf(p.shape)) {
      throw new Error(
        `parameter '${key}' has ${p.value.length} inline values, its shape [${p.shape.join(', ')}] needs ${sizeOf(p.shape)}`,
      );
    }
    return p.value;
  }
  const t = weights.get(key);
  if (!t) throw new Error(`parameter '${key}' is neither inline in the plan nor in the weights`);
  if (p && t.data.length !== sizeOf(p.shape)) {
    throw new Error(`weight '${key}' has shape [${t.shape.join(', ')}], the plan expects [${p.shape.join(', ')}]`);
  }
  return t.data;
}

function checkGlSizes(plan: Plan): void {
  for (const b of plan.buffers) {
    if (sizeOf(b.shape) > MAX_GL_ELEMENTS) {
      throw new Error(`buffer '${b.id}' has ${sizeOf(b.shape)} elements; the gpu.js WebGL backends index at most 2^24`);
    }
  }
}
