/**
 * TF.js peers: @tensorflow/tfjs-core with its cpu (plain JS) and wasm (XNNPACK) backends. The
 * network is built in code from tf ops (peers/tfjs-graph.ts) in NHWC with the workload's weights.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import { buildTfjsModel, nchwToNhwc, nhwcToNchw, TfjsUnsupported } from '../peers/tfjs-graph.ts';
import { Unsupported, type Engine, type Runner } from './types.ts';

const require = createRequire(import.meta.url);

let loaded: Promise<typeof TF> | null = null;
function loadTf(): Promise<typeof TF> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    // what a TF.js deployment does: no debug checks (and no console advice to install tfjs-node)
    tf.enableProdMode();
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // the .wasm binaries ship in the package's dist/ folder
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist', '/'));
    return tf;
  })();
  return loaded;
}

const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;

async function use(tf: typeof TF, backend: string): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
}

export function tfjsEngine(backend: 'cpu' | 'wasm'): Engine {
  const pkg = `@tensorflow/tfjs-backend-${backend}`;
  return {
    name: `tfjs-${backend}`,
    kind: 'peer',
    description: `TF.js ${version('@tensorflow/tfjs-core')} ${backend} backend (${backend === 'cpu' ? 'plain JavaScript' : 'WebAssembly, XNNPACK, SIMD, no threads in Node'}), NHWC graph in code`,
    async unavailable() {
      try {
        await use(await loadTf(), backend);
        return null;
      } catch (e) {
        return `${pkg} does not load: ${(e as Error).message.split('\n')[0]}`;
      }
    },
    async prepare(w): Promise<Runner> {
      const tf = await loadTf();
      await use(tf, backend);
      let model: ReturnType<typeof buildTfjsModel>;
      try {
        model = buildTfjsModel(tf, w.plan, w.weights);
      } catch (e) {
        if (e instanceof TfjsUnsupported) throw new Unsupported(`TF.js graph: ${e.message}`);
        throw e;
      }
      // inputs in TF.js's own layout, prepared once: the conversion is not the peer's work
      const inputs = w.plan.inputs.map((i) => ({
        name: i.name,
        shape: i.shape.length === 4 ? [i.shape[0], i.shape[2], i.shape[3], i.shape[1]] : [...i.shape],
        data: i.shape.length === 4 ? nchwToNhwc(w.feeds[i.name].data, i.shape) : w.feeds[i.name].data,
      }));
      const built = model;
      return {
        activate: () => use(tf, backend),
        async run() {
          const out = tf.tidy(() => {
            const feeds: Record<string, TF.Tensor> = {};
            for (const i of inputs) feeds[i.name] = tf.tensor(i.data, i.shape, 'float32');
            return built.run(feeds);
          });
          // dataSync downloads to host memory, which every engine's run includes
          const result: Record<string, Float32Array> = {};
          for (const [k, t] of Object.entries(out)) {
            result[k] = t.dataSync() as Float32Array;
            t.dispose();
          }
          return result;
        },
        read(result) {
          const out = result as Record<string, Float32Array>;
          return Object.fromEntries(
            w.plan.outputs.map((o) => [
              o.name,
              built.nhwcOutputs[o.name] ? nhwcToNchw(out[o.name], o.shape) : out[o.name],
            ]),
          );
        },
        destroy: () => built.dispose(),
      };
    },
  };
}
