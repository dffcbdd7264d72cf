/**
 * Every layer and model case of ../shared/golden through `cnnc export --format onnx`, run in
 * onnxruntime-node: equal to PyTorch's output and to cnnc's cpu backend within the case's tolerance.
 * Each case also exports with its batch made symbolic (`input x: [N, ...]`): that one file runs at the
 * golden's batch (against PyTorch) and at batch 1 and 3 (against the cpu backend at that batch).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { compileModel } from '../../runtime/session.ts';
import { writeGoldenFiles } from '../execution/golden-fixture.ts';
import { compareClose, expectClose, type GoldenCase, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { batchRows, exportCli, maxError, repeatRows, runOnnx } from './ort.ts';

const root = tempDir('export-golden');
const cases = listGoldenCases(['layer', 'model']);
const rows: string[] = [];

afterAll(() => console.log(`golden cases exported to ONNX (max |ORT - PyTorch|):\n${rows.join('\n')}`));

/** cnnc's cpu backend on the case's model and weights, at the feeds' batch. */
async function cpuOutput(cnn: string, weights: string | null, feeds: Record<string, Tensor>): Promise<Tensor> {
  const r = await compileModel(readFileSync(cnn, 'utf8'), {
    file: cnn,
    weights: weights ? readFileSync(weights) : undefined,
    inputShapes: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.shape])),
  });
  if (!r.ok) throw new Error(r.message);
  try {
    return Object.values(await r.model.run(feeds))[0];
  } finally {
    r.model.destroy();
  }
}

function firstOutput(out: Map<string, Tensor>): Tensor {
  return [...out.values()][0];
}

/** The .cnn text with every input's batch (dim 0) written as the symbol N. */
function symbolicBatch(text: string): string {
  return text.replace(/^(\s*input \w+: \[)\d+/gm, '$1N');
}

function feedsAt(c: GoldenCase, batch: number): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(c.input).map(([n, t]) => [n, batch <= t.shape[0] ? batchRows(t, 0, batch) : repeatRows(t, batch)]),
  );
}

describe('cnnc export --format onnx on every golden case', () => {
  it.each(cases)('%s: ONNX Runtime gives PyTorch and the cpu backend', async (id) => {
    const c = loadGoldenCase(id);
    const files = writeGoldenFiles(c, root);
    const weightsArgs = files.weights ? ['--weights', files.weights] : [];
    const onnx = join(files.dir, 'model.onnx');
    await exportCli(files.cnn, onnx, weightsArgs);
    const got = firstOutput(await runOnnx(onnx, c.input));
    expectClose(got, c.output!, c.tolerance!, `${id}: ORT against PyTorch`);
    const cpu = await cpuOutput(files.cnn, files.weights, c.input);
    expectClose(got, cpu, c.tolerance!, `${id}: ORT against the cpu backend`);
    if (c.kind === 'model') {
      // the plan before the optimizing passes: BatchNorm unfolded, epilogues unfused
      const unfused = join(files.dir, 'unfused.onnx');
      await exportCli(files.cnn, unfused, [...weightsArgs, '--no-fuse']);
      expectClose(firstOutput(await runOnnx(unfused, c.input)), c.output!, c.tolerance!, `${id} --no-fuse`);
    }

    // the same model with a symbolic batch: one ONNX file for every batch size
    const dynamicCnn = join(files.dir, 'dynamic.cnn');
    writeFileSync(dynamicCnn, symbolicBatch(readFileSync(files.cnn, 'utf8')));
    const dynamicOnnx = join(files.dir, 'dynamic.onnx');
    const line = await exportCli(dynamicCnn, dynamicOnnx, weightsArgs);
    expect(line).toMatch(/dynamic input \w+: N/);
    // compiled at batch 4 instead of 1: the same bytes, so no size in the graph follows the batch
    const at4 = join(files.dir, 'dynamic-at-4.onnx');
    const shapes = Object.entries(c.inputShapes).flatMap(([n, s]) => [
      '--shape',
      `${n}=${[4, ...s.slice(1)].join(',')}`,
    ]);
    await exportCli(dynamicCnn, at4, [...weightsArgs, ...shapes]);
    expect(Buffer.compare(readFileSync(at4), readFileSync(dynamicOnnx)), 'exports at batch 1 and 4 differ').toBe(0);
    const atGolden = firstOutput(await runOnnx(dynamicOnnx, c.input));
    expectClose(atGolden, c.output!, c.tolerance!, `${id}, batch N: ORT against PyTorch`);
    const errors: string[] = [];
    for (const batch of [1, 3]) {
      const feeds = feedsAt(c, batch);
      const out = firstOutput(await runOnnx(dynamicOnnx, feeds));
      const want = await cpuOutput(dynamicCnn, files.weights, feeds);
      expectClose(out, want, c.tolerance!, `${id}, batch N = ${batch}: ORT against the cpu backend`);
      errors.push(`batch ${batch}: ${maxError(out.data, want.data).toExponential(1)} vs cpu`);
    }
    const ratio = compareClose(got.data, c.output!.data, c.tolerance!).worstRatio;
    rows.push(
      `${id.padEnd(36)} ${maxError(got.data, c.output!.data).toExponential(2)} (${(ratio * 100).toFixed(0)}% of tolerance); ${errors.join(', ')}`,
    );
  });
});
