/**
 * Every shape_ok, shape_error, layer and model case of ../shared/golden, written as .cnn text and
 * checked through `cnnc check --json`: each node's shape equals PyTorch's, and each shape error is
 * reported on the line of the layer PyTorch blamed, with the expected diagnostic code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../compiler/diagnostics/catalogue.ts';
import { runCli } from '../cli-harness.ts';
import { listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { tempDir } from '../temp-dir.ts';

const dir = tempDir('golden-shapes');

// which catalogue entry each PyTorch error maps to
const EXPECTED_CODE: Record<string, keyof typeof CATALOGUE> = {
  err_add_shape_mismatch: 'AddShapeMismatch',
  err_concat_spatial_mismatch: 'ConcatShapeMismatch',
  err_groups_in_channels: 'GroupsInChannels',
  err_groups_out_channels: 'GroupsOutChannels',
  err_in_channels_mismatch: 'ChannelMismatch',
  err_kernel_larger_than_input: 'KernelLargerThanInput',
  err_linear_in_features: 'LinearInFeatures',
  err_maxpool_pad_gt_half: 'PoolPadTooBig',
  err_pool_negative_output: 'OutputTooSmall',
  err_pool_zero_output: 'OutputTooSmall',
  err_reflect_pad_too_big: 'ReflectPadTooBig',
  err_same_stride2: 'SameWithStride',
};

async function checkJson(id: string) {
  const c = loadGoldenCase(id);
  const { text, lineOf } = goldenToCnn(c);
  const file = join(dir, `${id}.cnn`);
  writeFileSync(file, text);
  const run = await runCli(['check', file, '--json']);
  return { c, lineOf, run, json: JSON.parse(run.stdout) };
}

describe('golden shapes through `cnnc check --json`', () => {
  for (const id of listGoldenCases(['shape_ok', 'layer', 'model'])) {
    it(`${id}: every node has PyTorch's shape`, async () => {
      const { c, run, json } = await checkJson(id);
      expect(json.diagnostics, run.stderr).toEqual([]);
      expect(run.code).toBe(0);
      const nodes = new Map<string, unknown>(
        json.models[0].nodes.map((n: { name: string; shape: unknown }) => [n.name, n.shape]),
      );
      const expected = { ...(c.intermediateShapes ?? {}), [c.layers[c.layers.length - 1].name]: c.outputShape };
      for (const [name, shape] of Object.entries(expected)) expect(nodes.get(name), name).toEqual(shape);
      expect(nodes.size).toBe(c.layers.length);
    });
  }
  for (const id of listGoldenCases('shape_error')) {
    it(`${id}: the error is found at compile time on the blamed layer's line`, async () => {
      const { c, lineOf, run, json } = await checkJson(id);
      expect(run.code).toBe(1);
      const errors = json.diagnostics.filter((d: { severity: string }) => d.severity === 'error');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      const line = lineOf.get(c.error!.layer);
      expect(errors.map((d: { line: number }) => d.line)).toContain(line);
      expect(errors[0].code).toBe(CATALOGUE[EXPECTED_CODE[id]].code);
      // layers that ran before the error keep PyTorch's shapes
      const nodes = new Map<string, unknown>(
        json.models[0].nodes.map((n: { name: string; shape: unknown }) => [n.name, n.shape]),
      );
      for (const [name, shape] of Object.entries(c.intermediateShapes ?? {}))
        expect(nodes.get(name), name).toEqual(shape);
    });
  }
});
