/**
 * `cnnc export --format onnx` as a command: weights from every checkpoint format and from the file's
 * `weights` line, inline values, symbolic sizes with --shape, --model, --no-fuse, every opset, external
 * data, and the bad input it refuses (each one line; usage errors exit 2, others 1).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_OPSET, MIN_OPSET } from '../../compiler/5-codegen/onnx/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';
import { runCli } from '../cli-harness.ts';
import { decodeTensor, expectClose } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { batchRows, exportCli, runOnnx } from './ort.ts';

const dir = tempDir('export-cli');
mkdirSync(join(dir, 'pt'));
runPython(fileURLToPath(new URL('./torch_checkpoint.py', import.meta.url)), [join(dir, 'pt')]);
type Json = Parameters<typeof decodeTensor>[0];
const torchCase = JSON.parse(readFileSync(join(dir, 'pt', 'case.json'), 'utf8')) as { input: Json; output: Json };
const x = decodeTensor(torchCase.input);
const want = decodeTensor(torchCase.output);
const TOL = { rtol: 1e-4, atol: 1e-5 };

const SMALL = `model Small {
  input x: [N, 3, 8, 8]
  conv: Conv2d(3, 4, 3, padding=1)
  bn: BatchNorm2d(4)
  relu: ReLU()
  pool: MaxPool2d(2)
  flat: Flatten()
  fc: Linear(64, 5)
  output fc
}
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const small = file('small.cnn', SMALL);

async function fails(args: string[], code: 1 | 2, message: RegExp): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines[lines.length - 1]).toMatch(/^cnnc: error: /);
  expect(lines[lines.length - 1]).toMatch(message);
  return r.stderr;
}

const onnxOut = (name: string) => join(dir, name);

describe('cnnc export --format onnx: weights', () => {
  for (const pt of ['model.pt', 'model-legacy.pt']) {
    it(`reads torch.save's ${pt === 'model.pt' ? 'zip' : 'legacy'} format and gives PyTorch's output at any batch`, async () => {
      const out = onnxOut(`${pt}.onnx`);
      const line = await exportCli(small, out, ['--weights', join(dir, 'pt', pt)]);
      expect(line).toMatch(/^wrote .*\.onnx \(ONNX opset 17, \d+ nodes, .* of weights; dynamic input x: N\)/);
      expectClose((await runOnnx(out, { x })).get('fc')!, want, TOL, 'batch 2');
      expectClose((await runOnnx(out, { x: batchRows(x, 1, 2) })).get('fc')!, batchRows(want, 1, 2), TOL, 'batch 1');
    });
  }

  it("takes the weights from the file's `weights` line (relative to the .cnn file)", async () => {
    const cnn = file('with-line.cnn', SMALL.replace('  input x', '  weights "pt/model.pt"\n  input x'));
    const out = onnxOut('with-line.onnx');
    await exportCli(cnn, out);
    expectClose((await runOnnx(out, { x })).get('fc')!, want, TOL, 'weights line');
  });

  it('exports the plan before fusion with --no-fuse: BatchNormalization kept, the same numbers', async () => {
    const fused = onnxOut('fused.onnx');
    const unfused = onnxOut('unfused.onnx');
    const weights = ['--weights', join(dir, 'pt', 'model.pt')];
    const a = await exportCli(small, fused, weights);
    const b = await exportCli(small, unfused, [...weights, '--no-fuse']);
    const nodes = (line: string) => Number(/(\d+) nodes/.exec(line)![1]);
    expect(nodes(b)).toBeGreaterThan(nodes(a));
    expect(readFileSync(unfused).includes(Buffer.from('BatchNormalization'))).toBe(true);
    expect(readFileSync(fused).includes(Buffer.from('BatchNormalization'))).toBe(false);
    expectClose((await runOnnx(unfused, { x })).get('fc')!, want, TOL, '--no-fuse');
  });

  it('needs no weights for inline values', async () => {
    const cnn = file(
      'inline.cnn',
      'model Edge {\n  input x: [N, 1, 3, 4]\n  edge: Conv2d(1, 1, kernel_size=(1, 2), bias=False) { weight = [[1, -1]] }\n  output edge\n}\n',
    );
    const out = onnxOut('inline.onnx');
    await exportCli(cnn, out);
    const input: Tensor = { shape: [2, 1, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => (i * i) % 7) };
    const got = (await runOnnx(out, { x: input })).get('edge')!;
    expect(got.shape).toEqual([2, 1, 3, 3]);
    const expected = Float32Array.from({ length: 18 }, (_, i) => {
      const [row, col] = [Math.floor(i / 3), i % 3];
      return input.data[row * 4 + col] - input.data[row * 4 + col + 1];
    });
    expect([...got.data]).toEqual([...expected]);
  });

  it('refuses a model with parameters and no weights, naming what it needs', async () => {
    await fails(
      ['export', small, '--format', 'onnx', '-o', onnxOut('none.onnx')],
      1,
      /`Small` has 8 parameters without values \(`conv.weight` \[4, 3, 3, 3\], `conv.bias` \[4\], `bn.weight` \[4\], \.\.\.\): give them with --weights FILE/,
    );
    expect(existsSync(onnxOut('none.onnx'))).toBe(false);
  });

  it('refuses weights that do not fit, at the layer', async () => {
    const weights = join(dir, 'partial.safetensors');
    writeFileSync(weights, writeSafetensors({ 'conv.weight': { shape: [4, 3, 3, 3], data: new Float32Array(108) } }));
    const err = await fails(
      ['export', small, '--format', 'onnx', '-o', onnxOut('partial.onnx'), '--weights', weights],
      1,
      /the weights in `.*partial.safetensors` do not fit `Small`; nothing was exported/,
    );
    expect(err).toContain('error[E0401]');
  });
});

describe('cnnc export --format onnx: sizes, models, opsets', () => {
  const symbolic = file(
    'symbolic.cnn',
    'model Sym {\n  input x: [N, 3, H, W]\n  conv: Conv2d(3, 2, 3, padding=1) { bias = [0.5, -0.5] }\n  pool: AdaptiveAvgPool2d((2, 3))\n  flat: Flatten()\n  output flat\n}\n',
  );

  it('refuses symbolic sizes other than the batch without --shape, naming the input and the symbols', async () => {
    await fails(
      ['export', symbolic, '--format', 'onnx', '-o', onnxOut('sym.onnx'), '--weights', join(dir, 'pt', 'model.pt')],
      2,
      /input `x` \[N, 3, H, W\] has symbolic size H, W besides the batch N: give it with --shape x=1,3,224,224 \(the batch N stays dynamic\)/,
    );
  });

  it('takes them from --shape and keeps the batch dynamic', async () => {
    const weights = join(dir, 'sym.safetensors');
    const w = Float32Array.from({ length: 54 }, (_, i) => Math.sin(i));
    writeFileSync(weights, writeSafetensors({ 'conv.weight': { shape: [2, 3, 3, 3], data: w } }));
    const out = onnxOut('sym.onnx');
    const line = await exportCli(symbolic, out, ['--shape', 'x=4,3,7,9', '--weights', weights]);
    expect(line).toContain('dynamic input x: N');
    for (const batch of [1, 4, 5]) {
      const input: Tensor = { shape: [batch, 3, 7, 9], data: Float32Array.from({ length: batch * 189 }, Math.cos) };
      expect((await runOnnx(out, { x: input })).get('flat')!.shape).toEqual([batch, 12]);
    }
  });

  it('keeps a fixed batch fixed', async () => {
    const cnn = file('fixed.cnn', 'model Fixed {\n  input x: [2, 3, 4, 4]\n  r: ReLU()\n  output r\n}\n');
    expect(await exportCli(cnn, onnxOut('fixed.onnx'))).toContain('fixed sizes');
  });

  it('exports the model --model names when the file has several', async () => {
    const cnn = file(
      'two.cnn',
      'model A {\n  input x: [N, 2]\n  r: ReLU()\n  output r\n}\nmodel B {\n  input x: [N, 2]\n  s: Sigmoid()\n  output s\n}\n',
    );
    await fails(
      ['export', cnn, '--format', 'onnx', '-o', onnxOut('two.onnx')],
      1,
      /E0410: .* declares 2 models \(A, B\); choose one with --model NAME/,
    );
    await fails(
      ['export', cnn, '--format', 'onnx', '-o', onnxOut('two.onnx'), '--model', 'C'],
      1,
      /no model named `C`/,
    );
    await exportCli(cnn, onnxOut('two.onnx'), ['--model', 'B']);
    const got = (await runOnnx(onnxOut('two.onnx'), { x: { shape: [1, 2], data: Float32Array.of(0, 100) } })).get('s')!;
    expect([...got.data]).toEqual([0.5, 1]);
  });

  it(`writes every opset from ${MIN_OPSET} to ${MAX_OPSET}, each one loading in ONNX Runtime with PyTorch's numbers`, async () => {
    for (let opset = MIN_OPSET; opset <= MAX_OPSET; opset++) {
      const out = onnxOut(`opset-${opset}.onnx`);
      expect(
        await exportCli(small, out, ['--weights', join(dir, 'pt', 'model.pt'), '--opset', String(opset)]),
      ).toContain(`ONNX opset ${opset},`);
      expectClose((await runOnnx(out, { x })).get('fc')!, want, TOL, `opset ${opset}`);
    }
  });
});

describe('cnnc export --format onnx: external data', () => {
  it('keeps the weights in FILE.data past --external-data-above, and ONNX Runtime reads them from there', async () => {
    const sub = join(dir, 'external');
    const out = join(sub, 'big.onnx');
    const weights = ['--weights', join(dir, 'pt', 'model.pt')];
    const line = await exportCli(small, out, [...weights, '--external-data-above', '1000']);
    expect(line).toContain('of weights in big.onnx.data');
    const data = join(sub, 'big.onnx.data');
    // conv.weight (432 bytes) and the BatchNorm stay inline (below 1 KiB); fc.weight's 1280 bytes go out
    expect(statSync(data).size).toBe(1280);
    const inline = onnxOut('inline-weights.onnx');
    await exportCli(small, inline, weights);
    expect(statSync(out).size).toBeLessThan(statSync(inline).size - 1200);
    expectClose((await runOnnx(out, { x })).get('fc')!, want, TOL, 'external data');
  });

  it('writes everything inline below the threshold, and refuses a threshold that is no number', async () => {
    const out = onnxOut('below.onnx');
    expect(
      await exportCli(small, out, ['--weights', join(dir, 'pt', 'model.pt'), '--external-data-above', '100000']),
    ).not.toContain('.data');
    expect(existsSync(`${out}.data`)).toBe(false);
    await fails(
      ['export', small, '--format', 'onnx', '-o', out, '--external-data-above', '1e3'],
      2,
      /--external-data-above needs a number of bytes, not `1e3`/,
    );
  });
});

describe('cnnc export: bad input', () => {
  const out = onnxOut('bad.onnx');
  it('an unknown format is a usage error listing the formats', async () => {
    await fails(['export', small, '--format', 'tflite', '-o', out], 2, /--format must be one of onnx, not `tflite`/);
  });

  it('a missing --format or -o is a usage error', async () => {
    await fails(['export', small, '-o', out], 2, /required option '--format <format>' not specified/);
    await fails(['export', small, '--format', 'onnx'], 2, /required option '-o, --output <file>' not specified/);
    await fails(['export', small, '--format', 'onnx', '-o', ' '], 2, /-o\/--output needs a file name/);
  });

  it('an opset outside 13..21 or not a number is a usage error listing the range', async () => {
    for (const bad of ['12', '22', 'seventeen', '17.5', ''])
      await fails(
        ['export', small, '--format', 'onnx', '-o', out, '--opset', bad],
        2,
        /--opset must be an integer from 13 to 21 \(default 17\)/,
      );
  });

  it('a --shape for an input the model lacks, or malformed, is a usage error', async () => {
    await fails(
      ['export', small, '--format', 'onnx', '-o', out, '--shape', 'y=1,3,8,8'],
      2,
      /`Small` has no input `y` \(its inputs: x\)/,
    );
    await fails(['export', small, '--format', 'onnx', '-o', out, '--shape', 'x=1,a'], 2, /--shape needs NAME=D1,D2/);
  });

  it('a --shape that does not fit the model shows the diagnostic and one line', async () => {
    await fails(
      [
        'export',
        small,
        '--format',
        'onnx',
        '-o',
        out,
        '--shape',
        'x=1,3,9,9',
        '--weights',
        join(dir, 'pt', 'model.pt'),
      ],
      1,
      /the given sizes do not fit the model; nothing was exported/,
    );
  });

  it('an output path that cannot be written is one line', async () => {
    const weights = ['--weights', join(dir, 'pt', 'model.pt')];
    const aFile = file('a-file', 'x');
    await fails(
      ['export', small, '--format', 'onnx', '-o', join(aFile, 'm.onnx'), ...weights],
      1,
      /cannot write `.*a-file`: it exists and is not a folder/,
    );
    mkdirSync(join(dir, 'a-folder.onnx'), { recursive: true });
    await fails(
      ['export', small, '--format', 'onnx', '-o', join(dir, 'a-folder.onnx'), ...weights],
      1,
      /cannot write `.*a-folder.onnx`: it is a folder/,
    );
  });

  it('a model with errors shows them and one line', async () => {
    const cnn = file('broken.cnn', 'model M {\n  input x: [1, 3, 8, 8]\n  c: Conv2d(4, 2, 3)\n  output c\n}\n');
    const err = await fails(
      ['export', cnn, '--format', 'onnx', '-o', out],
      1,
      /`.*broken.cnn` has errors; nothing was exported/,
    );
    expect(err).toContain('error[E0');
  });

  it('lists the formats in its help', async () => {
    const r = await runCli(['export', '--help']);
    expect(r.code).toBe(0);
    // commander wraps the description: compare with the line breaks taken out
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('onnx (ONNX Runtime, Triton, TensorRT)');
    expect(r.stdout).toContain('--opset <n>');
  });
});
