/**
 * ONNX Runtime peers: onnxruntime-node (native, CPU execution provider) and onnxruntime-web (its
 * WebAssembly build, run in Node). Both read the ONNX model cnnc's exporter writes from the workload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { Workload } from '../workloads.ts';
import { onnxModelOf } from './onnx-model.ts';
import { Unsupported, type Engine, type Runner } from './types.ts';
import { OnnxExportError } from '../../compiler/5-codegen/onnx/index.ts';

const require = createRequire(import.meta.url);

type OrtModule = {
  InferenceSession: { create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
};

/** The installed version, read from package.json next to the entry point (onnxruntime-web exports no ./package.json). */
function version(pkg: string): string {
  try {
    let dir = dirname(require.resolve(pkg));
    while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

async function loadOrtNode(): Promise<OrtModule> {
  return (await import('onnxruntime-node')) as unknown as OrtModule;
}

let ortWeb: Promise<OrtModule> | null = null;
function loadOrtWeb(): Promise<OrtModule> {
  ortWeb ??= (async () => {
    const ort = await import('onnxruntime-web');
    // the .wasm files ship in the package's dist/, next to the entry point Node resolves
    ort.env.wasm.wasmPaths = pathToFileURL(join(dirname(require.resolve('onnxruntime-web')), '/')).href;
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort as unknown as OrtModule;
  })();
  return ortWeb;
}

function ortRunner(ort: OrtModule, session: InferenceSession, w: Workload): Runner {
  const inputs = w.plan.inputs.map((i) => ({ name: i.name, data: w.feeds[i.name].data, dims: i.shape }));
  return {
    async run() {
      const feeds: Record<string, OrtTensor> = {};
      for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', i.data, i.dims);
      return session.run(feeds);
    },
    read(result) {
      const out = result as Record<string, OrtTensor>;
      return Object.fromEntries(w.plan.outputs.map((o) => [o.name, out[o.name].data as Float32Array]));
    },
    destroy: () => session.release(),
  };
}

function modelOrSkip(w: Workload): Uint8Array {
  try {
    return onnxModelOf(w);
  } catch (e) {
    if (e instanceof OnnxExportError) throw new Unsupported(`ONNX export: ${e.message}`);
    throw e;
  }
}

/** onnxruntime-node on the CPU execution provider; `threads` 0 lets it use every core. */
export function ortNodeEngine(name: string, threads: number): Engine {
  return {
    name,
    kind: 'peer',
    description: `onnxruntime-node ${version('onnxruntime-node')}, CPU EP, ${threads === 0 ? 'default intra-op threads (one per core)' : `${threads} intra-op thread${threads > 1 ? 's' : ''}`}`,
    async unavailable() {
      try {
        await loadOrtNode();
        return null;
      } catch (e) {
        return `onnxruntime-node does not load: ${(e as Error).message.split('\n')[0]}`;
      }
    },
    async prepare(w) {
      const ort = await loadOrtNode();
      const session = await ort.InferenceSession.create(modelOrSkip(w), {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
      return ortRunner(ort, session, w);
    },
  };
}

/** onnxruntime-web's WebAssembly execution provider, one thread (its default on a 2-core machine). */
export function ortWebEngine(): Engine {
  return {
    name: 'ort-web-wasm',
    kind: 'peer',
    description: `onnxruntime-web ${version('onnxruntime-web')}, wasm EP (SIMD), 1 thread`,
    async unavailable() {
      try {
        await loadOrtWeb();
        return null;
      } catch (e) {
        return `onnxruntime-web does not load: ${(e as Error).message.split('\n')[0]}`;
      }
    },
    async prepare(w) {
      const ort = await loadOrtWeb();
      const session = await ort.InferenceSession.create(modelOrSkip(w), {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      return ortRunner(ort, session, w);
    },
  };
}
