import type { Plan } from '../compiler/3-lower/plan.ts';
import { createCpuExecutor } from './cpu/run-plan.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';

/** What every backend offers: the backend that really ran, and a run. */
export interface Executor {
  readonly backend: string;
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  destroy(): void;
}

export const GPUJS_MODES = ['webasm', 'headlessgl', 'cpu', 'webgl', 'webgl2', 'gpu'] as const;

/**
 * Every backend name (as parseBackend reads it) that can run under Node, for tools that enumerate
 * backends (`npm run bench` times each). gpujs:headlessgl also needs an X display.
 */
export const BACKENDS: readonly string[] = ['cpu', 'wasm', 'gpujs:webasm', 'gpujs:headlessgl', 'gpujs:cpu'];

export type GpuJsModeName = (typeof GPUJS_MODES)[number];

/**
 * `cpu`, `wasm` (WebAssembly SIMD kernels; `wasm:N` uses N threads, default min(2, cores)), `gpujs`
 * (gpu.js's own choice) or `gpujs:MODE`.
 */
export type BackendSpec =
  | { kind: 'cpu' }
  | { kind: 'wasm'; threads: number | null }
  | { kind: 'gpujs'; mode: GpuJsModeName };

export class BackendError extends Error {}

export function parseBackend(text: string): BackendSpec {
  if (text === 'cpu') return { kind: 'cpu' };
  if (text === 'wasm') return { kind: 'wasm', threads: null };
  const w = /^wasm:([1-9][0-9]?)$/.exec(text);
  if (w) return { kind: 'wasm', threads: Number(w[1]) };
  if (text === 'gpujs') return { kind: 'gpujs', mode: 'gpu' };
  const m = /^gpujs:(.+)$/.exec(text);
  if (m && (GPUJS_MODES as readonly string[]).includes(m[1])) return { kind: 'gpujs', mode: m[1] as GpuJsModeName };
  throw new BackendError(
    `unknown backend \`${text}\`: use cpu, gpujs, or gpujs:MODE with MODE one of ${GPUJS_MODES.filter((x) => x !== 'gpu').join(', ')}; or wasm, or wasm:THREADS`,
  );
}

export function backendName(spec: BackendSpec): string {
  if (spec.kind === 'cpu') return 'cpu';
  if (spec.kind === 'wasm') return spec.threads === null ? 'wasm' : `wasm:${spec.threads}`;
  return spec.mode === 'gpu' ? 'gpujs' : `gpujs:${spec.mode}`;
}

/**
 * Creates the executor for a backend. A backend named explicitly that cannot run here is an error
 * that says what to install; nothing falls back silently. `gpujs` alone lets gpu.js choose, and the
 * returned `backend` says what it chose.
 */
export async function createExecutor(plan: Plan, weights: Map<string, Tensor>, spec: BackendSpec): Promise<Executor> {
  if (spec.kind === 'cpu') {
    const cpu = createCpuExecutor(plan, weights);
    return { backend: 'cpu', run: async (feeds) => cpu.run(feeds), destroy: () => undefined };
  }
  if (spec.kind === 'wasm') {
    const { createWasmExecutor } = await import('./wasm/executor.ts');
    const ex = await createWasmExecutor(plan, weights, spec.threads === null ? {} : { threads: spec.threads });
    return { backend: backendName(spec), run: async (feeds) => ex.run(feeds), destroy: () => ex.destroy() };
  }
  const { createGpuJsExecutor } = await import('./gpujs/executor.ts');
  const ex = await createGpuJsExecutor(plan, weights, spec.mode);
  return { backend: `gpujs:${ex.backend}`, run: (feeds) => ex.run(feeds), destroy: () => ex.destroy() };
}
