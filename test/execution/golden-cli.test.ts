/**
 * Every layer and model case of ../shared/golden through `cnnc run`, on every backend CI runs:
 * the outputs equal PyTorch's within the case's tolerance, and the backend reported is the one asked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { runCli } from '../cli-harness.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { CI_BACKENDS, writeGoldenFiles } from './golden-fixture.ts';
import { tempDir } from '../temp-dir.ts';

const root = tempDir('run');
const cases = listGoldenCases(['layer', 'model']);

describe.each(CI_BACKENDS)('cnnc run --backend %s', (backend) => {
  it.each(cases)('%s matches PyTorch', async (id) => {
    const c = loadGoldenCase(id);
    const files = writeGoldenFiles(c, join(root, backend.replace(':', '_')));
    const out = join(files.dir, `out-${backend.replace(':', '_')}`);
    const args = [
      'run',
      files.cnn,
      ...files.inputArgs.flatMap((a) => ['--input', a]),
      '--out',
      out,
      '--backend',
      backend,
    ];
    if (files.weights) args.push('--weights', files.weights);
    const run = await runCli(args);
    expect(run.stderr).toContain(`backend: ${backend}`);
    expect(run.code, run.stderr).toBe(0);
    const last = c.layers[c.layers.length - 1].name;
    const got = readNpy(readFileSync(join(out, `${last}.npy`)));
    expectClose(got, c.output!, c.tolerance!, `${id} on ${backend}`);
  });
});
