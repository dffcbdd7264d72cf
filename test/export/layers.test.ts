/**
 * The corners converters get wrong, through the whole of `cnnc export`: each case of torch_layers.py
 * is a one-layer .cnn model with a symbolic batch, exported once and run in onnxruntime-node on a
 * batch of 3 and on its first sample alone, both equal to PyTorch's output within the case's tolerance.
 * Each also exports at opset 13, the lowest the exporter writes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';
import { decodeTensor, expectClose, type Tolerance } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { batchRows, exportCli, maxError, runOnnx } from './ort.ts';

interface LayerCase {
  readonly name: string;
  readonly layer: string;
  readonly input: Tensor;
  readonly output: Tensor;
  readonly outputFirst: Tensor;
  readonly params: Record<string, Tensor>;
  readonly tolerance: Tolerance;
}

function loadCases(): LayerCase[] {
  const dir = tempDir('torch-layers');
  runPython(fileURLToPath(new URL('./torch_layers.py', import.meta.url)), [dir]);
  type Json = Parameters<typeof decodeTensor>[0];
  const raw = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
    cases: {
      name: string;
      layer: string;
      input: Json;
      output: Json;
      output_first: Json;
      params: Record<string, Json>;
      tolerance: Tolerance;
    }[];
  };
  return raw.cases.map((c) => ({
    name: c.name,
    layer: c.layer,
    input: decodeTensor(c.input),
    output: decodeTensor(c.output),
    outputFirst: decodeTensor(c.output_first),
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, decodeTensor(v)])),
    tolerance: c.tolerance,
  }));
}

const cases = loadCases();
const root = tempDir('export-layers');
const rows: string[] = [];
afterAll(() =>
  console.log(`layer corners in ONNX Runtime (max |ORT - PyTorch|, batch 3 / batch 1):\n${rows.join('\n')}`),
);

describe('PyTorch layer corners through cnnc export', () => {
  cases.forEach((c, n) => {
    it(`${c.name}: ${c.layer}`, async () => {
      const dir = join(root, String(n));
      const [, ...rest] = c.input.shape;
      const cnn = join(dir, 'layer.cnn');
      mkdirSync(dir, { recursive: true });
      writeFileSync(cnn, `model Layer {\n  input x: [N, ${rest.join(', ')}]\n  op1: ${c.layer}\n  output op1\n}\n`);
      const args: string[] = [];
      if (Object.keys(c.params).length) {
        const weights = join(dir, 'weights.safetensors');
        writeFileSync(weights, writeSafetensors(c.params));
        args.push('--weights', weights);
      }
      const errors: string[] = [];
      for (const opset of [17, 13]) {
        const onnx = join(dir, `layer-${opset}.onnx`);
        const line = await exportCli(cnn, onnx, [...args, '--opset', String(opset)]);
        expect(line).toContain('dynamic input x: N');
        const three = (await runOnnx(onnx, { x: c.input })).get('op1')!;
        expectClose(three, c.output, c.tolerance, `${c.name}, opset ${opset}, batch 3`);
        const one = (await runOnnx(onnx, { x: batchRows(c.input, 0, 1) })).get('op1')!;
        expectClose(one, c.outputFirst, c.tolerance, `${c.name}, opset ${opset}, batch 1`);
        if (opset === 17)
          errors.push(
            maxError(three.data, c.output.data).toExponential(2),
            maxError(one.data, c.outputFirst.data).toExponential(2),
          );
      }
      const scale = c.output.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale, 'the output is not all zeros').toBeGreaterThan(0.1);
      rows.push(`${c.name.padEnd(62)} ${errors.join(' / ')} (max |y| ${scale.toFixed(2)})`);
    });
  });
});
