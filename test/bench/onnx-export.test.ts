/** The ONNX exporter, checked by running its models in onnxruntime-node against the reference kernels. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, OnnxExportError } from '../../compiler/5-codegen/onnx/index.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { checkOutputs } from '../../bench/check.ts';
import { ALL_OPS, TFJS_OPS, build } from './models.ts';

async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, { data: Float32Array; shape: readonly number[] }>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, [...t.shape])]),
    );
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('exportOnnx', () => {
  for (const [name, source] of [
    ['every op', ALL_OPS],
    ['a residual and depthwise model', TFJS_OPS],
  ] as const) {
    for (const passes of [false, true]) {
      it(`${name}, ${passes ? 'optimized plan' : 'plan without passes'}: onnxruntime gives the reference outputs`, async () => {
        const m = build(source, passes);
        const want = runGraph(m.graph, m.feeds, m.weights);
        const got = await runOnnx(exportOnnx(m.plan, m.weights).model, m.feeds);
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        const check = checkOutputs(got, want);
        expect(check.problem).toBeNull();
        // softmax rows sum to one: the values are real, not all zero
        expect(got.sm.slice(0, 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
    }
  }

  it('names a missing weight', () => {
    const m = build(TFJS_OPS, false);
    expect(() => exportOnnx(m.plan, new Map())).toThrow(OnnxExportError);
    expect(() => exportOnnx(m.plan, new Map())).toThrow(/no value for parameter `a.weight`/);
  });

  it('writes padding_mode circular as a Concat of slices (ONNX Pad has no wrap mode before opset 19)', async () => {
    const m = build(
      'model M {\n  input x: [1, 1, 4, 4]\n  c: Conv2d(1, 1, 3, padding=1, padding_mode="circular")\n  output c\n}\n',
      false,
    );
    const want = runGraph(m.graph, m.feeds, m.weights);
    const got = await runOnnx(exportOnnx(m.plan, m.weights, { opset: 13 }).model, m.feeds);
    expect(checkOutputs(got, want).problem).toBeNull();
  });
});
