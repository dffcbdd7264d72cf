/** cnnc's own backends as engines: one per name in runtime/backends.ts BACKENDS, so new backends appear here by themselves. */
import { BACKENDS, createExecutor, parseBackend } from '../../runtime/backends.ts';
import type { Engine, Runner } from './types.ts';

export function cnncEngines(): Engine[] {
  return BACKENDS.map(cnncEngine);
}

// what each backend is, for the report; a backend added later shows under its name alone
const ABOUT: Record<string, string> = {
  cpu: 'generated JavaScript, one thread',
  wasm: 'WebAssembly SIMD kernels, threads min(2, cores)',
  'gpujs:webasm': 'gpu.js kernels compiled to WebAssembly',
  'gpujs:headlessgl': 'gpu.js kernels on headless WebGL (under Xvfb without a GPU: Mesa software rendering)',
  'gpujs:cpu': 'gpu.js kernels as JavaScript',
};

export function cnncEngine(name: string): Engine {
  return {
    name,
    kind: 'cnnc',
    description: `cnnc backend ${name}${ABOUT[name] ? `: ${ABOUT[name]}` : ''}`,
    async unavailable() {
      const spec = parseBackend(name);
      if (spec.kind !== 'gpujs') return null;
      const { isModeSupported, installHint } = await import('../../runtime/gpujs/backend.ts');
      return isModeSupported(spec.mode) ? null : installHint(spec.mode);
    },
    async prepare(w): Promise<Runner> {
      const ex = await createExecutor(w.plan, w.weights, parseBackend(name));
      if (ex.backend !== name) {
        ex.destroy();
        throw new Error(`asked for backend ${name}, ${ex.backend} ran`);
      }
      return {
        run: () => ex.run(w.feeds),
        read: (result) =>
          Object.fromEntries(Object.entries(result as Awaited<ReturnType<typeof ex.run>>).map(([k, t]) => [k, t.data])),
        destroy: () => ex.destroy(),
      };
    },
  };
}
