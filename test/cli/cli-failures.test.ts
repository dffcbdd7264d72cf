/**
 * Every way the CLI can fail, command by command: exit code 1 (2 for usage errors), a one-line
 * reason (`cnnc: error: ...`) or a diagnostic rendering on stderr, nothing on stdout, and no stack
 * trace unless `--debug` is given for an internal error.
 */
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli/main.ts';
import { encodePng } from '../../runtime/images/encode.ts';
import { writeNpy } from '../../runtime/io/npy.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import { type CliRun, runCli } from '../cli-harness.ts';

const dir = fileURLToPath(new URL('../../.test-out/cli-failures/', import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const write = (name: string, data: string | Uint8Array) => {
  writeFileSync(at(name), data);
  return at(name);
};

const MODEL = write(
  'm.cnn',
  'model M {\n  input x: [1, 3, 8, 8]\n  conv: Conv2d(3, 4, 3, padding=1)\n  output conv\n}\n',
);
const BIG = write('big.cnn', 'model Big {\n  input x: [1, 1, 4097, 4097]\n  r: ReLU()\n  output r\n}\n');
const X = write('x.npy', writeNpy(tensor([1, 3, 8, 8])));
const GOOD_WEIGHTS = { 'conv.weight': tensor([4, 3, 3, 3]), 'conv.bias': tensor([4]) };
write('good.safetensors', writeSafetensors(GOOD_WEIGHTS));
const A_FILE = write('a-file', 'not a folder');

/** A safetensors file with this header (an object or raw text) over `data`, the length field optionally wrong. */
function safetensors(header: unknown, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

/** .npy bytes with a header dict of our choosing. */
function npy(dict: string, data: Uint8Array): Uint8Array {
  const text = `${dict}${' '.repeat(63 - ((10 + dict.length) % 64))}\n`;
  const out = new Uint8Array(10 + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(new TextEncoder().encode(text), 10);
  out.set(data, 10 + text.length);
  return out;
}

const STACK_FRAME = /^\s+at .+/m;

/** A clean failure: the code, one `cnnc: error:` line or a diagnostic rendering, no stack frame, nothing on stdout. */
function expectFailure(r: CliRun, code: 1 | 2, reason: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const errorLines = lines.filter((l) => l.startsWith('cnnc: error:'));
  const rendered = /^error\[E\d{4}\]: /m.test(r.stderr);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(errorLines.length, r.stderr).toBeLessThanOrEqual(1);
  expect(errorLines.length === 1 || rendered, `neither a cnnc: error line nor a diagnostic:\n${r.stderr}`).toBe(true);
  expect(r.stderr).toMatch(reason);
  // before the reason only progress lines (`warning: ...`, `backend: cpu`) may come
  if (!rendered) expect(lines.at(-1), r.stderr).toMatch(/^cnnc: error: /);
  expect(r.stdout).toBe('');
}

const run = (...args: string[]) => runCli(['run', MODEL, '--input', `x=${X}`, '--out', at('out'), ...args]);

describe('every command: bad model files', () => {
  const garbage = write(
    'garbage.cnn',
    Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256),
  );
  const controls = write('controls.cnn', 'model \u0000\u001b[2J M {\n\u0007}\n');
  const COMMANDS: [string, (file: string) => string[]][] = [
    ['check', (f) => ['check', f]],
    ['summary', (f) => ['summary', f]],
    ['run', (f) => ['run', f, '--input', `x=${X}`, '--out', at('out')]],
    ['build', (f) => ['build', f, '-o', at('built/m.js')]],
  ];
  describe.each(COMMANDS)('%s', (_name, argv) => {
    it('a missing file', async () =>
      expectFailure(await runCli(argv(at('nope.cnn'))), 1, /^cnnc: error: model file `.*nope\.cnn` does not exist$/m));
    it('a folder instead of a file', async () => expectFailure(await runCli(argv(dir)), 1, /is a folder$/m));
    it('a device instead of a file', async () =>
      expectFailure(await runCli(argv('/dev/zero')), 1, /is not a regular file \(a device, pipe or socket\)$/m));
    it('a file above 32 MiB, refused before it is read', async () => {
      const big = at('huge.cnn');
      writeFileSync(big, '');
      truncateSync(big, 40 * 2 ** 20);
      expectFailure(
        await runCli(argv(big)),
        1,
        /^cnnc: error: model file `.*huge\.cnn` is 40\.0 MiB; files above 32\.0 MiB are refused$/m,
      );
    });
    it('binary garbage (not UTF-8)', async () =>
      expectFailure(await runCli(argv(garbage)), 1, /is not valid UTF-8 text$/m));
    it('control characters: diagnostics, none of them raw on stderr', async () => {
      const r = await runCli(argv(controls));
      expectFailure(r, 1, /error\[E0101\]/);
      expect(r.stderr).not.toMatch(/[\u0000\u0007\u001b]/);
    });
    it('a model with errors', async () =>
      expectFailure(
        await runCli(argv(write('bad.cnn', 'model M {\n  input x: [1, 3, 8, 8]\n  c: Conv2d(4, 4, 3)\n}\n'))),
        1,
        /error\[E0301\]/,
      ));
  });
});

describe('usage errors exit 2', () => {
  it.each([
    ['no command', []],
    ['an unknown command', ['frob']],
    ['an unknown option', ['check', MODEL, '--bogus']],
    ['a missing argument', ['check']],
    ['an invalid choice', ['check', MODEL, '--format', 'xml']],
    ['run without --out', ['run', MODEL, '--input', `x=${X}`]],
    ['run without --input', ['run', MODEL, '--out', at('out')]],
    ['build without -o', ['build', MODEL]],
    ['bad --input syntax', ['run', MODEL, '--input', 'x', '--out', at('out')]],
    ['--input for an input the model lacks', ['run', MODEL, '--input', `y=${X}`, '--out', at('out')]],
    ['bad --shape syntax', ['build', MODEL, '-o', at('m.js'), '--shape', 'x=1,a']],
    ['--shape for an input the model lacks', ['build', MODEL, '-o', at('m.js'), '--shape', 'y=1,3,8,8']],
    ['an empty -o', ['build', MODEL, '-o', '']],
    ['an unknown backend (run)', ['run', MODEL, '--input', `x=${X}`, '--out', at('out'), '--backend', 'tpu']],
    ['an unknown backend (build)', ['build', MODEL, '-o', at('m.js'), '--backend', 'gpujs:metal']],
    ['a --seed that is no integer', ['run', MODEL, '--input', `x=${X}`, '--out', at('out'), '--seed', 'abc']],
    ['a bad --max-tensor-mb (check)', ['check', MODEL, '--max-tensor-mb', '-1']],
    ['a bad --max-tensor-mb (run)', ['run', MODEL, '--input', `x=${X}`, '--out', at('out'), '--max-tensor-mb', 'lots']],
    ['a bad --max-tensor-mb (build)', ['build', MODEL, '-o', at('m.js'), '--max-tensor-mb', '0']],
  ])('%s', async (_what, argv) => {
    const r = await runCli(argv);
    expectFailure(r, 2, /^cnnc: error: /m);
  });

  it('--help exits 0 with the usage on stdout', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cnnc/);
  });
});

describe('outputs that cannot be written', () => {
  it('run: --out under a regular file', async () =>
    expectFailure(
      await run('--out', join(A_FILE, 'sub')),
      1,
      /^cnnc: error: cannot create the folder `.*a-file\/sub`: it is below something that is not a folder$/m,
    ));
  it('build: -o under a regular file', async () =>
    expectFailure(
      await runCli(['build', MODEL, '-o', join(A_FILE, 'm.js')]),
      1,
      /^cnnc: error: cannot create the folder `.*a-file`: it exists and is not a folder$/m,
    ));
  it('build: -o naming a folder', async () =>
    expectFailure(await runCli(['build', MODEL, '-o', dir]), 1, /^cnnc: error: cannot write `.*`: it is a folder$/m));
});

describe('bad weights files (cnnc run --weights)', () => {
  const f32 = (n: number) => new Uint8Array(n * 4);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated (shorter than the length field)', new Uint8Array(5), /file is too short \(5 bytes\)/],
    ['truncated data', writeSafetensors(GOOD_WEIGHTS).subarray(0, 200), /larger than the file|out of range/],
    [
      'a header length larger than the file',
      safetensors({}, new Uint8Array(0), 1000n),
      /header length 1000 is larger than the file/,
    ],
    [
      'an absurd header length',
      safetensors({}, new Uint8Array(0), 2n ** 63n),
      /header length 9223372036854775808 is absurd/,
    ],
    ['a header that is not JSON', safetensors('{"conv.weight": ', new Uint8Array(0)), /header is not valid JSON/],
    [
      'a header that is not an object',
      safetensors('[1, 2]', new Uint8Array(0)),
      /header is not a JSON object \(found an array\)/,
    ],
    [
      'offsets out of range',
      safetensors({ 'conv.bias': entry('F32', [4], 0, 400) }, f32(4)),
      /tensor "conv.bias": data_offsets \[0, 400\] are out of range: the data region has 16 bytes/,
    ],
    [
      'overlapping offsets',
      safetensors(
        { 'conv.weight': entry('F32', [4, 3, 3, 3], 0, 432), 'conv.bias': entry('F32', [4], 400, 416) },
        f32(112),
      ),
      /overlap tensor "conv.weight"/,
    ],
    [
      'an unknown dtype',
      safetensors({ 'conv.bias': entry('C64', [4], 0, 16) }, f32(4)),
      /unknown or unsupported dtype "C64"/,
    ],
    [
      'a byte count that disagrees with the shape',
      safetensors({ 'conv.bias': entry('F32', [5], 0, 16) }, f32(4)),
      /byte count 16 .* disagrees with shape \[5\] of F32, which needs 20 bytes/,
    ],
    [
      'duplicate keys',
      safetensors(
        `{"conv.bias": ${JSON.stringify(entry('F32', [4], 0, 16))}, "conv.bias": ${JSON.stringify(entry('F32', [4], 0, 16))}}`,
        f32(4),
      ),
      /duplicate key "conv.bias"/,
    ],
    [
      'a negative dimension',
      safetensors({ 'conv.bias': entry('F32', [-4], 0, 16) }, f32(4)),
      /a negative dimension -4/,
    ],
  ];
  it.each(cases)('%s: E0404 naming the problem', async (_what, bytes, reason) => {
    const r = await run('--weights', write('bad.safetensors', bytes));
    expectFailure(r, 1, /^cnnc: error: E0404: .*bad\.safetensors: /m);
    expect(r.stderr).toMatch(reason);
  });

  it.each([
    [
      'a missing key',
      { 'conv.weight': tensor([4, 3, 3, 3]) },
      /error\[E0401\]: .* has no `conv.bias`: Conv2d `conv` needs a \[4\] tensor[\s\S]*┌─ .*m\.cnn:3:9/,
    ],
    ['an unexpected key', { ...GOOD_WEIGHTS, 'fc.weight': tensor([2]) }, /E0402: .* no layer of `M` uses: `fc.weight`/],
    [
      'a wrong shape',
      { 'conv.weight': tensor([4, 3, 5, 5]), 'conv.bias': tensor([4]) },
      /E0403: `conv.weight` has shape \[4, 3, 5, 5\] in .*, but Conv2d `conv` needs \[4, 3, 3, 3\]/,
    ],
  ])('%s', async (_what, tensors, reason) => {
    expectFailure(await run('--weights', write('keys.safetensors', writeSafetensors(tensors))), 1, reason);
  });

  it('a weights path from the .cnn file that is a device', async () => {
    const m = write(
      'devw.cnn',
      'model M {\n  input x: [1, 3, 8, 8]\n  weights "/dev/zero"\n  conv: Conv2d(3, 4, 3, padding=1)\n  output conv\n}\n',
    );
    expectFailure(
      await runCli(['run', m, '--input', `x=${X}`, '--out', at('out')]),
      1,
      /weights file `\/dev\/zero` is not a regular file/,
    );
  });
});

describe('bad inputs (cnnc run --input)', () => {
  const f32 = (n: number) => new Uint8Array(n * 4);
  it.each([
    [
      'a wrong dtype (complex)',
      npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 3, 8, 8), }", f32(384)),
      /unsupported dtype '<c8'/,
    ],
    [
      'an object array',
      npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", f32(2)),
      /object dtype '\|O' is not supported/,
    ],
    [
      'truncated data',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }", f32(100)),
      /data is shorter than the shape needs: shape \(1, 3, 8, 8\) of '<f4' needs 768 bytes, the file has 400/,
    ],
    [
      'a header length larger than the file',
      Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0x7f, 0x20]),
      /header length 32767 is larger than the file/,
    ],
    ['not an .npy at all', new TextEncoder().encode('hello, world'), /bad magic/],
  ])('%s: one line naming the problem', async (_what, bytes, reason) => {
    expectFailure(
      await runCli(['run', MODEL, '--input', `x=${write('bad.npy', bytes)}`, '--out', at('out')]),
      1,
      reason,
    );
  });

  it.each([
    [
      'a wrong rank',
      [3, 8, 8],
      /error\[E0406\]: input `x` is declared \[1, 3, 8, 8\], but the data has shape \[3, 8, 8\]/,
    ],
    [
      'a wrong size',
      [1, 3, 9, 9],
      /error\[E0406\]: input `x` is declared \[1, 3, 8, 8\], but the data has shape \[1, 3, 9, 9\]/,
    ],
  ])('%s: a diagnostic at the declaration, and nothing runs', async (_what, shape, reason) => {
    const r = await runCli([
      'run',
      MODEL,
      '--input',
      `x=${write('shape.npy', writeNpy(tensor(shape)))}`,
      '--out',
      at('out'),
    ]);
    expectFailure(r, 1, reason);
    expect(r.stderr).toMatch(/^cnnc: error: the inputs do not fit the model; nothing ran$/m);
  });

  const png = (w: number, h: number) =>
    encodePng({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(200) }, 2);
  it.each([
    [
      'an image of the wrong size',
      png(5, 5),
      /takes images of height 8 and width 8, but `.*bad\.png` is 5 high and 5 wide/,
    ],
    ['a truncated PNG', png(8, 8).subarray(0, 40), /truncated|corrupt/],
    [
      'a file named .png that is not an image',
      writeNpy(tensor([1, 3, 8, 8])),
      /is not a PNG or JPEG image \(it is a \.npy array: name it \.npy\)/,
    ],
    [
      'a PNG declaring a giant image',
      (() => {
        const p = Uint8Array.from(png(8, 8));
        new DataView(p.buffer).setUint32(16, 200_000);
        new DataView(p.buffer).setUint32(20, 200_000);
        return p;
      })(),
      /declares 200000x200000 pixels, more than the limit/,
    ],
  ])('%s', async (_what, bytes, reason) => {
    expectFailure(
      await runCli(['run', MODEL, '--input', `x=${write('bad.png', bytes)}`, '--out', at('out')]),
      1,
      reason,
    );
  });
});

describe('limits', () => {
  it('check refuses a tensor above --max-tensor-mb with its size', async () => {
    expectFailure(
      await runCli(['check', MODEL, '--max-tensor-mb', '0.0005']),
      1,
      /error\[E0320\]: input `x`, \[1, 3, 8, 8\], needs 768 bytes, above the limit of 524 bytes/,
    );
  });
  it('run and build take --max-tensor-mb too', async () => {
    expectFailure(await run('--max-tensor-mb', '0.0005'), 1, /error\[E0320\]/);
    expectFailure(await runCli(['build', MODEL, '-o', at('m.js'), '--max-tensor-mb', '0.0005']), 1, /error\[E0320\]/);
  });
  it('build refuses what the chosen backend cannot index, naming the backend; cpu builds it', async () => {
    const r = await runCli(['build', BIG, '-o', at('big.js'), '--backend', 'gpujs:headlessgl']);
    expectFailure(
      r,
      1,
      /error\[E0321\]: input `x` \[1, 1, 4097, 4097\] has 16,785,409 elements: too big for backend gpujs:headlessgl/,
    );
    expect((await runCli(['build', BIG, '-o', at('big.js'), '--backend', 'cpu'])).code).toBe(0);
  });
});

describe('other failures', () => {
  it('explain an unknown code', async () =>
    expectFailure(await runCli(['explain', 'E9999']), 1, /^cnnc: error: no diagnostic has the code `E9999`$/m));
  it('summary or run of a model the file does not have', async () => {
    expectFailure(await runCli(['summary', MODEL, '--model', 'Nope']), 1, /^cnnc: error: no model named `Nope`/m);
    expectFailure(
      await runCli(['run', MODEL, '--input', `x=${X}`, '--out', at('out'), '--model', 'Nope']),
      1,
      /^cnnc: error: E0410: no model named `Nope`/m,
    );
  });
  it('build of a model the file does not have (a diagnostic)', async () => {
    expectFailure(
      await runCli(['build', MODEL, '-o', at('m.js'), '--model', 'Nope']),
      1,
      /error\[E0410\]: no model named `Nope`/,
    );
  });
});

describe('internal errors', () => {
  // a failure no command expects, simulated through the output stream main() is given
  const failingIo = (lines: string[]) => ({
    out: () => {
      throw new Error('the output stream broke');
    },
    err: (t: string) => void lines.push(t),
    color: false,
  });

  it('are one line without a stack trace, asking for --debug', async () => {
    const lines: string[] = [];
    expect(await main(['explain', 'E0301'], failingIo(lines))).toBe(1);
    expect(lines).toEqual([
      'cnnc: internal error: the output stream broke (run with --debug for the stack trace; please report it)',
    ]);
  });

  it('show the stack trace with --debug', async () => {
    const lines: string[] = [];
    expect(await main(['--debug', 'explain', 'E0301'], failingIo(lines))).toBe(1);
    expect(lines.join('\n')).toMatch(
      /^cnnc: internal error: the output stream broke\nError: the output stream broke\n\s+at /,
    );
  });

  it('--debug adds no stack trace to ordinary errors', async () => {
    const r = await runCli(['--debug', 'check', at('nope.cnn')]);
    expectFailure(r, 1, /does not exist/);
  });
});
