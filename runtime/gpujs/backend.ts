import * as gpujs from 'gpu.js';
import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';

// exported by gpu.js 2.24 but missing from its typings
const WebGPUKernel = (gpujs as unknown as { WebGPUKernel?: abstract new (...args: never[]) => object }).WebGPUKernel;

/** The modes the gpu.js executor can be asked for; 'gpu' lets gpu.js choose. */
export type GpuJsMode = 'cpu' | 'webasm' | 'headlessgl' | 'gpu' | 'webgl' | 'webgl2';

/** gpu.js kernel classes, most specific first (HeadlessGLKernel and WebGL2Kernel extend WebGLKernel). */
const KERNEL_CLASSES: readonly (readonly [string, abstract new (...args: never[]) => object])[] = [
  ['headlessgl', HeadlessGLKernel],
  ['webgl2', WebGL2Kernel],
  ['webgl', WebGLKernel],
  ...(WebGPUKernel ? [['webgpu', WebGPUKernel] as const] : []),
  ['webasm', WebAssemblyKernel],
  ['cpu', CPUKernel],
];

/** The backend a gpu.js kernel object or kernel class belongs to, read from its class. */
export function backendOf(kernelOrClass: object): string {
  for (const [name, cls] of KERNEL_CLASSES) {
    if (
      kernelOrClass === cls ||
      kernelOrClass instanceof cls ||
      (kernelOrClass as { prototype?: unknown }).prototype instanceof cls
    ) {
      return name;
    }
  }
  const named = kernelOrClass as { name?: string; constructor?: { name?: string } };
  return typeof kernelOrClass === 'function' ? String(named.name) : String(named.constructor?.name);
}

/** What gpu.js itself reports about a backend being usable in this process. */
export function isModeSupported(mode: GpuJsMode): boolean {
  switch (mode) {
    case 'cpu':
      return true;
    case 'webasm':
      return GPU.isWebAssemblySupported;
    case 'headlessgl':
      return GPU.isHeadlessGLSupported;
    case 'webgl':
      return GPU.isWebGLSupported;
    case 'webgl2':
      return GPU.isWebGL2Supported;
    case 'gpu':
      return true;
  }
}

export function isGlBackend(backend: string): boolean {
  return backend === 'headlessgl' || backend === 'webgl' || backend === 'webgl2';
}

/** How to get a backend working, for the error message. */
export function installHint(mode: GpuJsMode): string {
  switch (mode) {
    case 'headlessgl':
      return (
        "headlessgl needs the 'gl' npm package built from source (Debian packages: libxi-dev libglu1-mesa-dev " +
        'libglew-dev pkg-config; then `npm install gl`) and an X display: run under `xvfb-run -a <command>` ' +
        '(e.g. `xvfb-run -a npx vitest run test/gpujs`) or set DISPLAY'
      );
    case 'webgl':
    case 'webgl2':
      return `${mode} exists only in a browser with ${mode === 'webgl' ? 'WebGL' : 'WebGL 2'} enabled; in Node use 'headlessgl', 'webasm' or 'cpu'`;
    case 'webasm':
      return 'webasm needs WebAssembly (Node 8+ or a current browser)';
    case 'cpu':
    case 'gpu':
      return 'this mode is always available';
  }
}

/** The backend gpu.js picks on its own ('gpu' mode) in this process. */
export function automaticBackend(): string {
  const gpu = new GPU({ mode: 'gpu' });
  try {
    return gpu.Kernel ? backendOf(gpu.Kernel as unknown as object) : 'none';
  } finally {
    gpu.destroy().catch(() => undefined);
  }
}

export function backendMismatchError(asked: GpuJsMode, ranInstead: string, detail = ''): Error {
  return new Error(
    `gpu.js backend '${asked}' is not available: gpu.js would run '${ranInstead}' instead${detail ? ` (${detail})` : ''}. ` +
      `${installHint(asked)}.`,
  );
}

/**
 * A GPU instance that really runs `mode`, or a clear error naming the asked backend, what gpu.js would
 * run instead and what to install.
 */
export function createGpu(mode: GpuJsMode): { gpu: GPU; backend: string } {
  if (!isModeSupported(mode)) {
    throw backendMismatchError(mode, automaticBackend(), `GPU.is${supportFlag(mode)}Supported is false`);
  }
  let gpu: GPU;
  try {
    gpu = new GPU({ mode });
  } catch (e) {
    throw backendMismatchError(mode, automaticBackend(), (e as Error).message);
  }
  const chosen = gpu.Kernel ? backendOf(gpu.Kernel as unknown as object) : 'none';
  if (mode !== 'gpu' && chosen !== mode) {
    gpu.destroy().catch(() => undefined);
    throw backendMismatchError(mode, chosen);
  }
  return { gpu, backend: chosen };
}

function supportFlag(mode: GpuJsMode): string {
  const names: Record<GpuJsMode, string> = {
    cpu: 'CPU',
    webasm: 'WebAssembly',
    headlessgl: 'HeadlessGL',
    webgl: 'WebGL',
    webgl2: 'WebGL2',
    gpu: 'GPU',
  };
  return names[mode];
}
