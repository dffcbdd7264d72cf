/**
 * `cnnc run` on checkpoints exactly as PyTorch writes them: examples/resnet-block's model (BatchNorm
 * with running statistics, num_batches_tracked) saved by torch.save (zip, legacy, protocol 4), by
 * safetensors' layout and as a training checkpoint, gives PyTorch's output; keys that do not fit and
 * hostile or damaged files are refused with one line (a missing key with a diagnostic at its layer).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { type CliRun, runCli } from '../cli-harness.ts';
import { expectClose } from '../golden.ts';
import { makeCheckpoints } from './fixtures.ts';

const files = makeCheckpoints('checkpoints-cli');
const EXAMPLE = fileURLToPath(new URL('../../examples/resnet-block/resnet-block.cnn', import.meta.url));
const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

/** examples/resnet-block's .cnn beside the checkpoints, its `weights` line naming `weights`. */
function model(weights: string, name = `resnet-${weights}.cnn`): string {
  const text = readFileSync(EXAMPLE, 'utf8').replace('weights "resnet-block.safetensors"', `weights "${weights}"`);
  expect(text).toContain(`weights "${weights}"`);
  writeFileSync(files.at(name), text);
  return files.at(name);
}
const CNN = model('resnet.pth');
let outs = 0;

async function run(cnn: string, ...args: string[]): Promise<CliRun & { out: string }> {
  const out = files.at(`out-${outs++}`);
  const r = await runCli(['run', cnn, '--input', `x=${files.at('resnet-x.npy')}`, '--out', out, ...args]);
  return { ...r, out };
}

async function expectPyTorchOutput(r: Promise<CliRun & { out: string }>): Promise<void> {
  const { code, stderr, out } = await r;
  expect(code, stderr).toBe(0);
  expect(stderr).not.toContain('W0405');
  const want = readNpy(readFileSync(files.at('resnet-y.npy')));
  expectClose(readNpy(readFileSync(join(out, 'layer2.npy'))), want, TOLERANCE, 'layer2');
}

/** Exit 1, one `cnnc: error:` line as the last, matching `reason`, no stack trace, nothing on stdout. */
function expectRefusal(r: CliRun, reason: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(
    lines.filter((l) => l.startsWith('cnnc: error:')),
    r.stderr,
  ).toHaveLength(1);
  expect(lines.at(-1)).toMatch(/^cnnc: error: /);
  expect(lines.at(-1)).toMatch(reason);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stdout).toBe('');
}

describe("a model with BatchNorm, saved as PyTorch saves it, gives PyTorch's output", () => {
  it('torch.save(model.state_dict()), named by the .cnn file\'s `weights "resnet.pth"` line', () =>
    expectPyTorchOutput(run(CNN)));
  it.each([
    ['torch.save, legacy format', 'resnet-legacy.pth'],
    ['torch.save, pickle protocol 4', 'resnet-proto4.pth'],
    ['safetensors, with num_batches_tracked as int64', 'resnet.safetensors'],
    ["a training checkpoint {'epoch', 'model', 'optimizer': SGD with momentum}", 'resnet-nested.pth'],
  ])('%s, by --weights', (_what, name) => expectPyTorchOutput(run(CNN, '--weights', files.at(name))));
  it('the format is told by the content, not the name: a .pth named .safetensors reads', () => {
    copyFileSync(files.at('resnet-legacy.pth'), files.at('misnamed.safetensors'));
    return expectPyTorchOutput(run(CNN, '--weights', files.at('misnamed.safetensors')));
  });
});

describe('keys that do not fit the model', () => {
  it('keys no layer uses are refused by name, and ignored with --allow-extra-keys', async () => {
    const extra = files.at('resnet-extra.pth');
    expectRefusal(
      await run(CNN, '--weights', extra),
      /E0402: .*resnet-extra\.pth` has 2 keys no layer of `ResNetBlocks` uses: `head\.weight`, `layer9\.bn1\.num_batches_tracked`/,
    );
    await expectPyTorchOutput(run(CNN, '--weights', extra, '--allow-extra-keys'));
  });

  it('a missing key: a diagnostic at the layer (file:line:col, and the block call), then one line', async () => {
    const r = await run(CNN, '--weights', files.at('resnet-missing.pth'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error\[E0401\]: .*resnet-missing\.pth` has no `layer1\.conv2\.weight`: Conv2d `layer1\.conv2` needs a \[16, 16, 3, 3\] tensor/,
    );
    expect(r.stderr).toMatch(/┌─ .*resnet-resnet\.pth\.cnn:8:10\n/);
    expect(r.stderr).toMatch(/ 8 │ {3}conv2: Conv2d\(channels, channels, kernel_size=3, padding=1, bias=False\)/);
    expect(r.stderr).toMatch(/needs `layer1\.conv2\.weight`, a \[16, 16, 3, 3\] tensor/);
    expect(r.stderr).toMatch(/21 │ {3}layer1: BasicBlock\(16\)\n.*-+ in this block/);
    expectRefusal(r, /the weights in `.*resnet-missing\.pth` do not fit `ResNetBlocks`; nothing ran/);
  });

  it('a state dict saved from DataParallel: the missing key says every key starts with `module.`', async () => {
    const r = await run(CNN, '--weights', files.at('resnet-ddp.pth'));
    expect(r.stderr).toMatch(/error\[E0401\]: .* has no `conv1\.weight`/);
    expect(r.stderr).toMatch(
      /every key in the file starts with `module\.` \(saved from DataParallel or DistributedDataParallel\): save `model\.module\.state_dict\(\)` instead/,
    );
    expect(r.code).toBe(1);
  });

  it.each([
    [
      'a training checkpoint without the model',
      'resnet-no-model.pth',
      /E0404: .*resnet-no-model\.pth: holds no state dict: the saved dict has keys `epoch` \(int\), `optimizer` \(dict\); cnnc reads a dict of tensors, or one under `state_dict`, `model_state_dict`, `model`/,
    ],
    [
      'num_batches_tracked of shape [1]',
      'resnet-nbt-shape.pth',
      /E0403: `bn1\.num_batches_tracked` has shape \[1\] in .*, but BatchNorm2d `bn1` saves it as a 0-dim tensor/,
    ],
    [
      'num_batches_tracked as a float',
      'resnet-nbt-float.pth',
      /E0411: `bn1\.num_batches_tracked` is float32 in .*, but BatchNorm2d `bn1` counts batches in an integer tensor/,
    ],
    [
      'int64 weights beyond 2^24 where a float is needed',
      'resnet-lossy.pth',
      /E0411: `conv1\.weight` in `.*resnet-lossy\.pth`: I64 value 16777217 \(element 5\) cannot become float32 without loss/,
    ],
  ])('%s', async (_what, name, reason) => {
    expectRefusal(await run(CNN, '--weights', files.at(name)), reason);
  });
});

describe('hostile and damaged checkpoints: one line naming the file, exit 1, nothing executed', () => {
  const resnet = files.bytes('resnet.pth');
  const legacy = files.bytes('resnet-legacy.pth');
  const write = (name: string, bytes: Uint8Array) => {
    writeFileSync(files.at(name), bytes);
    return files.at(name);
  };
  const cd = (() => {
    const v = new DataView(resnet.buffer, resnet.byteOffset, resnet.byteLength);
    return v.getUint32(resnet.length - 22 + 16, true);
  })();
  const badCentral = Uint8Array.from(resnet);
  badCentral[cd] = 0;
  const dupJson = new TextEncoder().encode(
    '{"conv1.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"conv1.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
  );
  const dupSafetensors = new Uint8Array(8 + dupJson.length + 4);
  new DataView(dupSafetensors.buffer).setBigUint64(0, BigInt(dupJson.length), true);
  dupSafetensors.set(dupJson, 8);

  it.each([
    [
      'a truncated zip checkpoint',
      write('trunc.pth', resnet.subarray(0, resnet.length >> 1)),
      /E0404: .*trunc\.pth: zip archive: no end-of-central-directory record/,
    ],
    [
      'a truncated legacy checkpoint',
      write('trunc-legacy.pth', legacy.subarray(0, legacy.length - 100)),
      /E0404: .*trunc-legacy\.pth: storage `\d+` needs \d+ bytes at offset \d+, past the end of the file/,
    ],
    [
      'a legacy checkpoint cut inside its pickle',
      write('cut-legacy.pth', legacy.subarray(0, 500)),
      /E0404: .*cut-legacy\.pth: the object pickle: the pickle ends/,
    ],
    [
      'a zip with a bad central directory',
      write('bad-cd.pth', badCentral),
      /E0404: .*bad-cd\.pth: zip archive: central directory entry 0 \(offset \d+\) has a bad signature/,
    ],
    [
      'a pickle that calls os.system (zip)',
      files.at('hostile-os-system.pth'),
      /E0412: .*hostile-os-system\.pth: .*data\.pkl: refuses global `posix\.system`.*nothing was executed/,
    ],
    [
      'a pickle that calls os.system (legacy)',
      files.at('hostile-os-system-legacy.pth'),
      /E0412: .*refuses global `posix\.system`/,
    ],
    [
      'a pickle that calls builtins.eval',
      files.at('hostile-builtins-eval.pth'),
      /E0412: .*refuses global `__builtin__\.eval`/,
    ],
    [
      'a pickle that calls builtins.eval (protocol 4)',
      files.at('hostile-proto4-eval.pth'),
      /E0412: .*refuses global `builtins\.eval`/,
    ],
    [
      'a pickle that starts subprocess.Popen',
      files.at('hostile-subprocess-popen.pth'),
      /E0412: .*refuses global `commands\.Popen`/,
    ],
    [
      'a tensor whose storage is shorter than its shape (zip)',
      files.at('bad-short-storage.pth'),
      /E0404: .*bad-short-storage\.pth: tensor "w": shape \[100\] .* reads element 99 of a float32 storage of 4 elements: the storage is shorter than the tensor needs/,
    ],
    [
      'a tensor whose storage is shorter than its shape (legacy)',
      files.at('bad-short-storage-legacy.pth'),
      /E0404: .*tensor "w": .*storage of 4 elements/,
    ],
    [
      'two entries for one key (pickle, zip)',
      files.at('bad-duplicate-key.pth'),
      /E0404: .*bad-duplicate-key\.pth: .*the dict sets key `w` twice/,
    ],
    [
      'two entries for one key (pickle, legacy)',
      files.at('bad-duplicate-key-legacy.pth'),
      /E0404: .*the dict sets key `w` twice/,
    ],
    [
      'two entries for one key (safetensors JSON)',
      write('dup.safetensors', dupSafetensors),
      /E0404: .*dup\.safetensors: duplicate key "conv1\.weight" in the header/,
    ],
    [
      'big-endian tensors',
      files.at('bad-big-endian.pth'),
      /E0404: .*bad-big-endian\.pth: the tensors are big-endian \(byteorder `big`\)/,
    ],
    [
      'big-endian tensors (legacy)',
      files.at('bad-big-endian-legacy.pth'),
      /E0404: .*bad-big-endian-legacy\.pth: the tensors are big-endian \(saved on a big-endian machine\)/,
    ],
    [
      'a whole pickled nn.Module',
      files.at('bad-whole-module.pth'),
      /E0412: .*refuses global `torch\.nn\.modules\.conv\.Conv2d`.*save model\.state_dict\(\) instead/,
    ],
    [
      'a TorchScript archive',
      files.at('bad-torchscript.pt'),
      /E0404: .*bad-torchscript\.pt: a TorchScript archive \(torch\.jit\.save\) is not read/,
    ],
    [
      'a file in no format cnnc reads',
      write('junk.pth', new TextEncoder().encode('this is not a checkpoint at all')),
      /E0404: .*junk\.pth: not a weights file cnnc reads \(it reads safetensors, a torch\.save zip archive .* or a legacy torch\.save file/,
    ],
  ])('%s', async (_what, path, reason) => {
    expectRefusal(await run(CNN, '--weights', path), reason);
    expect(existsSync(files.at('pwned'))).toBe(false);
  });
});
