/**
 * Limits of a backend, checked when a plan is compiled for it, before any data runs: what the
 * backend cannot index or compile is refused with a diagnostic naming the backend, never left to
 * fail (or, worse, compute wrong numbers) at run time.
 */
import type { Plan, PlanStep } from '../3-lower/plan.ts';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Graph } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { formatBytes, formatCount } from '../2-analyze/check-limits.ts';

export interface BackendLimits {
  /** the backend as the user names it (`gpujs:headlessgl`) */
  readonly backend: string;
  /** the most elements one buffer or parameter may have */
  readonly maxElements: number;
  /** why maxElements, for the note */
  readonly elementsWhy: string;
  /** the largest texture side, for backends that store tensors as textures */
  readonly maxTextureSize: number | null;
  /** the most tensors one kernel may read (texture units), or null for no limit */
  readonly maxKernelInputs: number | null;
  /** the most bytes of memory the backend addresses, or null for no limit beyond the others */
  readonly maxMemoryBytes: number | null;
}

/** gpu.js indexes WebGL textures with float32 math, exact only for integers up to 2^24. */
export const GL_MAX_ELEMENTS = 2 ** 24;
/** The texture side every WebGL implementation in use offers (the spec minimum is far lower; most offer 8192 or 16384). */
export const GL_MAX_TEXTURE_SIZE = 4096;
/**
 * Textures one WebGL fragment shader may sample: browsers commonly offer 16 (the spec minimum is 8),
 * Mesa's headless GL 32. Past the real limit gpu.js computes wrong numbers without an error.
 */
export const GL_MAX_KERNEL_INPUTS = 16;

const CPU_INDEX = 2 ** 31 - 1;
/** The wasm backend keeps addresses below 2^31 (less one 64 KiB page) so its i32 arithmetic never goes negative. */
export const WASM_MAX_BYTES = 2 ** 31 - 65536;

/** The limits of a backend name as `--backend` takes it; null for a name that is not a backend. */
export function backendLimits(backend: string): BackendLimits | null {
  // gpu.js compiles its WebAssembly kernels with float32 numbers, indices included (as on WebGL)
  if (backend === 'gpujs:webasm') {
    return {
      backend,
      maxElements: GL_MAX_ELEMENTS,
      elementsWhy: `gpu.js's WebAssembly kernels compute indices in float32 arithmetic, exact only up to 2^24 = ${formatCount(GL_MAX_ELEMENTS)}`,
      maxTextureSize: null,
      maxKernelInputs: null,
      maxMemoryBytes: null,
    };
  }
  if (backend === 'cpu' || backend === 'gpujs:cpu') {
    return {
      backend,
      maxElements: CPU_INDEX,
      elementsWhy: 'typed arrays and 32-bit index arithmetic',
      maxTextureSize: null,
      maxKernelInputs: null,
      maxMemoryBytes: null,
    };
  }
  // one WebAssembly memory holds every tensor, addressed with signed 32-bit arithmetic
  if (backend === 'wasm' || /^wasm:\d+$/.test(backend)) {
    return {
      backend,
      maxElements: CPU_INDEX,
      elementsWhy: 'typed arrays and 32-bit index arithmetic',
      maxTextureSize: null,
      maxKernelInputs: null,
      maxMemoryBytes: WASM_MAX_BYTES,
    };
  }
  // `gpujs` lets gpu.js choose, and it chooses WebGL wherever WebGL works
  if (
    backend === 'gpujs' ||
    backend === 'gpujs:headlessgl' ||
    backend === 'gpujs:webgl' ||
    backend === 'gpujs:webgl2'
  ) {
    return {
      backend,
      maxElements: GL_MAX_ELEMENTS,
      elementsWhy: `gpu.js's WebGL kernels index textures with float32 arithmetic, exact only up to 2^24 = ${formatCount(GL_MAX_ELEMENTS)}`,
      maxTextureSize: GL_MAX_TEXTURE_SIZE,
      maxKernelInputs: GL_MAX_KERNEL_INPUTS,
      maxMemoryBytes: null,
    };
  }
  return null;
}

/** The texture gpu.js lays a 1-D output of `length` elements out as (utils.closestSquareDimensions). */
export function glTextureSize(length: number): [number, number] {
  let high = Math.ceil(Math.sqrt(length));
  let low = Math.floor(Math.sqrt(length));
  while (high * low < length) {
    high--;
    low = Math.ceil(length / high);
  }
  return [low, Math.ceil(length / low)];
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const WHOLE_FILE = (graph: Graph | null): Span => graph?.span ?? { file: 'model.cnn', start: 0, end: 0 };

/**
 * Diagnostics for every buffer, parameter and kernel of `plan` that `backend` cannot run. The graph
 * (the one the plan was lowered from) gives the source spans; without it they point at the file.
 */
export function checkBackendLimits(plan: Plan, graph: Graph | null, backend: string): Diagnostic[] {
  const limits = backendLimits(backend);
  if (!limits) return [];
  const out: Diagnostic[] = [];
  const nodeSpan = (id: string): Span =>
    graph?.nodes.find((n) => n.id === id)?.spans.call ??
    graph?.inputs.find((i) => i.name === id)?.span ??
    WHOLE_FILE(graph);
  const paramSpan = (key: string): Span => {
    const owner = plan.steps.find((s) => Object.values(s.params).includes(key));
    return owner ? nodeSpan(owner.nodes[0]) : WHOLE_FILE(graph);
  };
  const fix = limits.maxTextureSize
    ? `use --backend cpu or gpujs:cpu (no such limit), or a smaller input`
    : 'use a smaller input';

  const checkSize = (what: string, shape: readonly number[], span: Span) => {
    const n = sizeOf(shape);
    const texture = limits.maxTextureSize ? glTextureSize(n) : null;
    const tooWide = texture !== null && Math.max(...texture) > limits.maxTextureSize!;
    if (n <= limits.maxElements && !tooWide) return;
    const d = diag(
      'BackendLimit',
      `${what} [${shape.join(', ')}] has ${formatCount(n)} elements: too big for backend ${limits.backend}`,
      span,
      `${formatCount(n)} elements`,
    );
    if (n > limits.maxElements)
      d.note(
        `${limits.backend} allows at most ${formatCount(limits.maxElements)} elements per tensor: ${limits.elementsWhy}`,
      );
    if (texture)
      d.note(
        `it would need a ${texture[0]}x${texture[1]} texture; ${limits.backend} allows at most ${limits.maxTextureSize}x${limits.maxTextureSize}`,
      );
    out.push(d.help(fix).build());
  };

  for (const b of plan.buffers)
    checkSize(b.role === 'input' ? `input \`${b.id}\`` : `the output of \`${b.id}\``, b.shape, nodeSpan(b.id));
  for (const p of plan.params) checkSize(`parameter \`${p.key}\``, p.shape, paramSpan(p.key));
  if (limits.maxKernelInputs !== null) {
    for (const step of plan.steps) {
      const reads = kernelInputs(step);
      if (reads <= limits.maxKernelInputs) continue;
      out.push(
        diag(
          'BackendLimit',
          `\`${step.nodes[0]}\` reads ${reads} tensors in one kernel: backend ${limits.backend} allows at most ${limits.maxKernelInputs}`,
          nodeSpan(step.nodes[0]),
          `${reads} inputs`,
        )
          .note(
            'each tensor a WebGL kernel reads takes a texture unit; past the device limit gpu.js computes wrong numbers without an error',
          )
          .help(
            `merge in stages of at most ${limits.maxKernelInputs} inputs (e.g. two Add layers and a third that adds their results), or use --backend cpu`,
          )
          .build(),
      );
    }
  }
  if (limits.maxMemoryBytes !== null) {
    // a lower bound of the memory: parameters, inputs and outputs are all live at once
    const live = [
      ...plan.params.map((p) => p.shape),
      ...plan.buffers.filter((b) => b.role !== 'intermediate').map((b) => b.shape),
    ];
    const bytes = live.reduce((sum, shape) => sum + sizeOf(shape) * 4, 0);
    if (bytes > limits.maxMemoryBytes) {
      out.push(
        diag(
          'BackendLimit',
          `\`${plan.model}\` needs at least ${formatBytes(bytes)} of memory for its parameters, inputs and outputs: backend ${limits.backend} addresses at most ${formatBytes(limits.maxMemoryBytes)}`,
          WHOLE_FILE(graph),
          formatBytes(bytes),
        )
          .note('WebAssembly memory is addressed with 32-bit arithmetic')
          .help('use --backend cpu, or a smaller model or input')
          .build(),
      );
    }
  }
  return out;
}

/**
 * Tensors a gpu.js kernel for `step` reads: its inputs, its parameters and a fused residual. Every
 * gpu.js kernel takes exactly these as arguments and nothing else (no constant textures), which the
 * gpu.js tests hold for every op.
 */
export function kernelInputs(step: PlanStep): number {
  return step.inputs.length + Object.keys(step.params).length + (step.epilogue.residual !== null ? 1 : 0);
}
