/** Weights from .safetensors: the golden files give PyTorch's outputs; bad files name the problem. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import { runCli } from '../cli-harness.ts';
import { expectClose, GOLDEN_DIR, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { writeGoldenFiles } from './golden-fixture.ts';
import { tempDir } from '../temp-dir.ts';
import type { StoredTensor } from '../../runtime/io/stored-tensor.ts';
import { int64Tensor, safetensorsOf } from '../checkpoints/fixtures.ts';

const root = tempDir('weights');

describe('the golden .safetensors files', () => {
  for (const id of ['model_lenet5', 'model_mobilenet_dw_separable', 'model_resnet_basic_block']) {
    it(`${id}.safetensors, named by the file's weights line, gives PyTorch's output`, async () => {
      const c = loadGoldenCase(id);
      const files = writeGoldenFiles(c, root);
      copyFileSync(join(GOLDEN_DIR, `${id}.safetensors`), join(files.dir, 'golden.safetensors'));
      const cnn = join(files.dir, 'with-weights-line.cnn');
      writeFileSync(cnn, goldenToCnn(c, { weights: 'golden.safetensors' }).text);
      const out = join(files.dir, 'out');
      const run = await runCli(['run', cnn, ...files.inputArgs.flatMap((a) => ['--input', a]), '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain('W0405');
      const last = c.layers[c.layers.length - 1].name;
      expectClose(readNpy(readFileSync(join(out, `${last}.npy`))), c.output!, c.tolerance!);
    });
  }
});

describe('weights that do not fit the model', () => {
  const c = loadGoldenCase('model_vgg_block');
  const files = writeGoldenFiles(c, root);
  const runWith = async (tensors: Record<string, ReturnType<typeof tensor>>) => {
    const w = join(files.dir, `bad-${Object.keys(tensors).length}-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(w, writeSafetensors(tensors));
    return runCli([
      'run',
      files.cnn,
      ...files.inputArgs.flatMap((a) => ['--input', a]),
      '--out',
      join(files.dir, 'o'),
      '--weights',
      w,
    ]);
  };

  it('a missing key names the key, the layer and the expected shape', async () => {
    const { 'conv2.weight': _dropped, ...rest } = c.params;
    const run = await runWith(rest);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /error\[E0401\]: .*has no `conv2\.weight`: Conv2d `conv2` needs a \[8, 8, 3, 3\] tensor/,
    );
    expect(run.stderr).toMatch(/cnnc: error: the weights in .* do not fit `.*`; nothing ran/);
  });

  it('an unexpected key is named', async () => {
    const run = await runWith({ ...c.params, 'conv3.weight': tensor([1]) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E0402: .*`conv3\.weight`/);
  });

  it('num_batches_tracked, which PyTorch saves for BatchNorm as an int64 scalar, is not unexpected', async () => {
    const m = loadGoldenCase('model_resnet_basic_block');
    const mf = writeGoldenFiles(m, join(root, 'nbt'));
    const w = join(mf.dir, 'with-nbt.safetensors');
    const f32 = Object.entries(m.params).map(([k, t]): [string, StoredTensor] => [
      k,
      { dtype: 'F32', shape: t.shape, bytes: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) },
    ]);
    writeFileSync(w, safetensorsOf([...f32, ['bn1.num_batches_tracked', int64Tensor([], [3])]]));
    const run = await runCli([
      'run',
      mf.cnn,
      ...mf.inputArgs.flatMap((a) => ['--input', a]),
      '--out',
      join(mf.dir, 'o'),
      '--weights',
      w,
    ]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a shape mismatch names the key, the found and the expected shape', async () => {
    const run = await runWith({ ...c.params, 'conv1.bias': tensor([4]) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E0403: `conv1\.bias` has shape \[4\] in .*, but Conv2d `conv1` needs \[8\]/);
  });

  it('a file that is not safetensors is refused with the reason, not a stack trace', async () => {
    const w = join(files.dir, 'garbage.safetensors');
    writeFileSync(w, new Uint8Array([1, 2, 3]));
    const run = await runCli([
      'run',
      files.cnn,
      ...files.inputArgs.flatMap((a) => ['--input', a]),
      '--out',
      join(files.dir, 'o'),
      '--weights',
      w,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E0404: .*garbage\.safetensors/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('no weights: a warning, and seeded default initialisation gives the same numbers twice', async () => {
    const args = (o: string) => [
      'run',
      files.cnn,
      ...files.inputArgs.flatMap((a) => ['--input', a]),
      '--out',
      join(files.dir, o),
      '--seed',
      '7',
    ];
    const a = await runCli(args('s1'));
    const _b = await runCli(args('s2'));
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain('warning[W0405]');
    const ya = readNpy(readFileSync(join(files.dir, 's1', 'pool.npy')));
    const yb = readNpy(readFileSync(join(files.dir, 's2', 'pool.npy')));
    expect(Array.from(ya.data)).toEqual(Array.from(yb.data));
    expect(ya.data.some((v) => v !== 0)).toBe(true);
  });
});
