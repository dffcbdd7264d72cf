/**
 * The library and built modules take checkpoints as PyTorch writes them: compileModel({ weights:
 * bytes }) in every format, allowExtraKeys, a missing key naming the layer's .cnn line,
 * num_batches_tracked kept exact for training; a module from `cnnc build` loads .pth by path and bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { readNpy } from '../../runtime/io/npy.ts';
import { compileModel } from '../../runtime/session.ts';
import { bindWeights, WeightsError } from '../../runtime/weights.ts';
import { runCli } from '../cli-harness.ts';
import { expectClose } from '../golden.ts';
import { makeCheckpoints } from './fixtures.ts';

const files = makeCheckpoints('checkpoints-library');
const SOURCE = readFileSync(new URL('../../examples/resnet-block/resnet-block.cnn', import.meta.url), 'utf8');
const x = readNpy(readFileSync(files.at('resnet-x.npy')));
const want = readNpy(readFileSync(files.at('resnet-y.npy')));
const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

async function outputOf(weights: Uint8Array, allowExtraKeys?: boolean): Promise<Tensor> {
  const r = await compileModel(SOURCE, { weights, allowExtraKeys, inputShapes: { x: [1, 3, 64, 64] } });
  if (!r.ok) throw new Error(r.message);
  const y = (await r.model.run({ x })).layer2;
  r.model.destroy();
  return y;
}

describe('compileModel({ weights: bytes })', () => {
  it.each(['resnet.pth', 'resnet-legacy.pth', 'resnet.safetensors', 'resnet-nested.pth'])(
    "%s gives PyTorch's output",
    async (name) => expectClose(await outputOf(files.bytes(name)), want, TOLERANCE, name),
  );

  it('refuses keys no layer uses, unless allowExtraKeys', async () => {
    await expect(outputOf(files.bytes('resnet-extra.pth'))).rejects.toThrow(
      /the weights has 2 keys no layer of `ResNetBlocks` uses: `head\.weight`/,
    );
    expectClose(await outputOf(files.bytes('resnet-extra.pth'), true), want, TOLERANCE, 'extra keys ignored');
  });

  it('a missing key names the layer and where the .cnn file writes it', async () => {
    const e = await outputOf(files.bytes('resnet-missing.pth')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(WeightsError);
    expect((e as WeightsError).code).toBe('E0401');
    expect((e as WeightsError).node).toBe('layer1.conv2');
    expect((e as Error).message).toMatch(
      /has no `layer1\.conv2\.weight`: Conv2d `layer1\.conv2` needs a \[16, 16, 3, 3\] tensor.*\(`layer1\.conv2` is at model\.cnn:8:10\)$/,
    );
  });
});

describe('bindWeights', () => {
  const plan = compile(SOURCE, { inputShapes: { x: [1, 3, 64, 64] } }).plan!;

  it('keeps each num_batches_tracked as its exact integer, for training to write back', () => {
    const bound = bindWeights(plan, readCheckpoint(files.bytes('resnet.pth'), 'resnet.pth').tensors);
    expect(bound.numBatchesTracked.get('bn1.num_batches_tracked')).toBe(12345678901);
    expect(bound.numBatchesTracked.size).toBe(5);
    // the training steps counted two batches for every other BatchNorm
    expect(bound.numBatchesTracked.get('layer2.bn2.num_batches_tracked')).toBe(2);
    expect(bound.has('bn1.num_batches_tracked')).toBe(false);
  });

  it('lists the keys allowExtraKeys ignored', () => {
    const tensors = readCheckpoint(files.bytes('resnet-extra.pth'), 'resnet-extra.pth').tensors;
    expect(bindWeights(plan, tensors, 'w', { allowExtraKeys: true }).ignoredKeys).toEqual([
      'head.weight',
      'layer9.bn1.num_batches_tracked',
    ]);
  });
});

describe('a module built by `cnnc build`', () => {
  interface Built {
    load(o: { weights: unknown }): Promise<{ run(f: Record<string, Tensor>): Promise<Record<string, Tensor>> }>;
  }
  const build = async (): Promise<Built> => {
    const cnn = files.at('resnet.cnn');
    writeFileSync(cnn, SOURCE.replace('[N, 3, 64, 64]', '[1, 3, 64, 64]'));
    const out = files.at('resnet-module.js');
    const r = await runCli(['build', cnn, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    return (await import(pathToFileURL(out).href)) as Built;
  };

  it("reads .pth by path and by bytes (zip and legacy), with PyTorch's output", async () => {
    const mod = await build();
    for (const weights of [files.at('resnet.pth'), files.bytes('resnet-legacy.pth'), files.at('resnet-nested.pth')]) {
      const m = await mod.load({ weights });
      expectClose((await m.run({ x })).layer2, want, TOLERANCE, String(weights).slice(-20));
    }
    await expect(mod.load({ weights: files.at('hostile-os-system.pth') })).rejects.toThrow(
      /refuses global `posix\.system`/,
    );
  });
});
