import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli-harness.ts';
import { loadGoldenCase } from '../golden.ts';
import { writeGoldenFiles } from './golden-fixture.ts';
import { tempDir } from '../temp-dir.ts';

const root = tempDir('backends');
const c = loadGoldenCase('relu');
const files = writeGoldenFiles(c, root);
const run = (backend: string) =>
  runCli([
    'run',
    files.cnn,
    ...files.inputArgs.flatMap((a) => ['--input', a]),
    '--out',
    join(files.dir, 'o'),
    '--backend',
    backend,
  ]);

describe('backend selection', () => {
  it('an explicitly named backend that is unavailable in Node (webgl2) fails with a clear message', async () => {
    const r = await run('gpujs:webgl2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E0407: backend `gpujs:webgl2` is unavailable/);
    expect(r.stderr).toMatch(/webgl2/);
    expect(r.stderr).not.toContain('backend: ');
  });

  it('an unknown backend name is a usage error (exit 2) listing the valid ones', async () => {
    const r = await run('tpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown backend `tpu`: use cpu, gpujs, or gpujs:MODE/);
  });

  it('the backend that actually ran is the one reported, for each backend named explicitly', async () => {
    for (const b of ['cpu', 'gpujs:cpu', 'gpujs:webasm']) {
      const r = await run(b);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`backend: ${b}\n`);
    }
  });

  it("`gpujs` alone lets gpu.js choose, and reports its choice (never just 'gpujs')", async () => {
    const r = await run('gpujs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend: gpujs:(webasm|headlessgl|cpu|webgl2?)\n/);
  });
});
