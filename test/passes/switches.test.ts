/** `--no-fuse` and `--disable-pass NAME` on `cnnc run` and `cnnc build` reach the compiler; so does the library's `passes`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompileOptions } from '../../compiler/index.ts';
import { compile } from '../../compiler/index.ts';
import { PASS_NAMES, PASSES } from '../../compiler/4-optimize/index.ts';
import { readNpy } from '../../runtime/io/npy.ts';
import { compileModel } from '../../runtime/session.ts';
import { runCli } from '../cli-harness.ts';
import { writeGoldenFiles } from '../execution/golden-fixture.ts';
import { expectClose, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { tempDir } from '../temp-dir.ts';

// records the options every compile() gets, and still compiles
const seen = vi.hoisted(() => ({ passes: [] as unknown[] }));
vi.mock('../../compiler/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../compiler/index.ts')>();
  return {
    ...real,
    compile: (source: string, options: CompileOptions = {}) => {
      seen.passes.push(options.passes);
      return real.compile(source, options);
    },
  };
});

const root = tempDir('switches');
const c = loadGoldenCase('model_resnet_basic_block');
const files = writeGoldenFiles(c, root);
const runArgs = (...extra: string[]) => [
  'run',
  files.cnn,
  ...files.inputArgs.flatMap((a) => ['--input', a]),
  '--weights',
  files.weights!,
  '--out',
  join(root, 'out'),
  ...extra,
];
const buildArgs = (...extra: string[]) => ['build', files.cnn, '-o', join(root, 'model.js'), ...extra];

beforeEach(() => {
  seen.passes.length = 0;
});

describe('cnnc run', () => {
  it.each([
    [[], true],
    [['--no-fuse'], false],
    [
      ['--disable-pass', 'fold-batchnorm', '--disable-pass', 'fuse-residual'],
      { disable: ['fold-batchnorm', 'fuse-residual'] },
    ],
  ])('%j reaches compile() as passes %j, and the outputs match PyTorch', async (extra, passes) => {
    const r = await runCli(runArgs(...(extra as string[])));
    expect(r.code, r.stderr).toBe(0);
    expect(seen.passes.at(-1)).toEqual(passes);
    expectClose(readNpy(readFileSync(join(root, 'out', 'relu2.npy'))), c.output!, c.tolerance!);
  });

  it('an unknown pass name is a usage error that lists the passes', async () => {
    const r = await runCli(runArgs('--disable-pass', 'fuse-everything'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cnnc: error: --disable-pass: no optimizing pass is named \`fuse-everything\` (passes: ${PASS_NAMES.join(', ')})`,
    );
    expect(seen.passes).toEqual([]);
  });
});

describe('cnnc build', () => {
  it('fuses by default: the module has the fused kernels', async () => {
    const r = await runCli(buildArgs());
    expect(r.code, r.stderr).toBe(0);
    expect(seen.passes).toEqual([true]);
    expect(r.stderr).toContain('(2 kernels, backend cpu)');
  });

  it('--no-fuse builds one kernel per layer and --explain says no pass ran', async () => {
    const r = await runCli(buildArgs('--no-fuse', '--explain'));
    expect(r.code, r.stderr).toBe(0);
    expect(seen.passes).toEqual([false]);
    expect(r.stdout).toMatch(/^no optimizing passes ran\n/);
    expect(r.stderr).toContain('(7 kernels, backend cpu)');
  });

  it('--disable-pass leaves that pass out of the log and its fusion out of the kernels', async () => {
    const r = await runCli(buildArgs('--disable-pass', 'fuse-residual', '--explain'));
    expect(r.code, r.stderr).toBe(0);
    expect(seen.passes).toEqual([{ disable: ['fuse-residual'] }]);
    expect(r.stdout).not.toContain('after fuse-residual');
    expect(r.stdout).toContain('after fuse-activation (3 kernels):');
    expect(r.stderr).toContain('(3 kernels, backend cpu)');
  });

  it('an unknown pass name is a usage error', async () => {
    const r = await runCli(buildArgs('--disable-pass', 'nope'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--disable-pass: no optimizing pass is named `nope`/);
  });
});

describe('the library', () => {
  const source = goldenToCnn(c).text;

  it('passes: false, true and { disable } select the passes that run', () => {
    expect(compile(source, { passes: false }).passLog).toEqual([]);
    expect(compile(source).passLog.map((e) => e.pass)).toEqual(PASS_NAMES);
    expect(
      compile(source, { passes: { disable: ['elide-copies', 'fuse-activation'] } }).passLog.map((e) => e.pass),
    ).toEqual(['fold-batchnorm', 'fuse-residual', 'activation-into-maxpool']);
  });

  it('a pass name that does not exist is refused', () => {
    expect(() => compile(source, { passes: { disable: ['fold-bn'] } })).toThrow(
      /no optimizing pass is named `fold-bn`/,
    );
  });

  it('compileModel takes the selection too', async () => {
    const m = await compileModel(source, { weights: c.params, passes: { disable: ['fold-batchnorm'] } });
    if (!m.ok) throw new Error(m.message);
    expect(m.compiled.plan!.steps.map((s) => s.op)).toEqual(['conv2d', 'batchnorm2d', 'conv2d', 'batchnorm2d', 'add']);
    expectClose((await m.model.run(c.input)).relu2, c.output!, c.tolerance!);
  });

  it('every pass has a name and a one-line why', () => {
    for (const p of PASSES) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.why.length).toBeGreaterThan(20);
      expect(p.why).not.toContain('\n');
    }
  });
});
