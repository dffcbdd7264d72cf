/** The TF.js peer's graph builder against the reference kernels, on TF.js's cpu and wasm backends. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { buildTfjsModel, nchwToNhwc, nhwcToNchw, TfjsUnsupported } from '../../bench/peers/tfjs-graph.ts';
import { checkOutputs } from '../../bench/check.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { ALL_OPS, TFJS_OPS, build } from './models.ts';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist', '/'));
tf.enableProdMode();

describe('buildTfjsModel', () => {
  it('NCHW <-> NHWC conversions are inverse and put channels last', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    const nhwc = nchwToNhwc(x, [1, 2, 3, 4]);
    // element (c=1, h=0, w=0) is at NCHW index 12 and at NHWC index 1
    expect(nhwc[1]).toBe(12);
    expect([...nhwcToNchw(nhwc, [1, 2, 3, 4])]).toEqual([...x]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const passes of [false, true]) {
      it(`on ${backend}, ${passes ? 'optimized plan' : 'plan without passes'}: gives the reference outputs`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const m = build(TFJS_OPS, passes);
        const want = runGraph(m.graph, m.feeds, m.weights);
        const model = buildTfjsModel(tf, m.plan, m.weights);
        const x = m.feeds.x;
        const out = model.run({
          x: tf.tensor(nchwToNhwc(x.data, x.shape), [x.shape[0], x.shape[2], x.shape[3], x.shape[1]]),
        });
        const got: Record<string, Float32Array> = {};
        for (const o of m.plan.outputs) {
          const data = out[o.name].dataSync() as Float32Array;
          got[o.name] = model.nhwcOutputs[o.name] ? nhwcToNchw(data, o.shape) : data;
        }
        model.dispose();
        expect(checkOutputs(got, want).problem).toBeNull();
        expect(got.sm.slice(0, 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
    }
  }

  it('refuses a grouped convolution that is not depthwise, naming the layer', async () => {
    await tf.setBackend('cpu');
    const m = build(ALL_OPS, false);
    expect(() => buildTfjsModel(tf, m.plan, m.weights)).toThrow(TfjsUnsupported);
    expect(() => buildTfjsModel(tf, m.plan, m.weights)).toThrow(/padding_mode 'reflect'|groups=2/);
  });
});
