/**
 * Every layer and model case of ../shared/golden through a module built by `cnnc build`, imported and
 * run as a user would, on every backend CI runs. Modules are written inside the repo (.test-out/) so
 * their `import 'gpu.js'` resolves like a user's project.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../runtime/io/safetensors.ts';
import { runCli } from '../cli-harness.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { CI_BACKENDS, writeGoldenFiles } from './golden-fixture.ts';

const root = fileURLToPath(new URL('../../.test-out/modules/', import.meta.url));
mkdirSync(root, { recursive: true });
const cases = listGoldenCases(['layer', 'model']);

interface BuiltModule {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
  load(o: { weights?: unknown; backend?: string }): Promise<{
    backend: string;
    run(f: unknown): Promise<Record<string, { shape: number[]; data: Float32Array }>>;
    destroy(): void;
  }>;
}

describe.each(CI_BACKENDS)('module built with --backend %s', (backend) => {
  it.each(cases)('%s matches PyTorch', async (id) => {
    const c = loadGoldenCase(id);
    const files = writeGoldenFiles(c, join(root, backend.replace(':', '_')));
    const out = join(files.dir, 'model.js');
    const build = await runCli(['build', files.cnn, '-o', out, '--backend', backend]);
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(join(files.dir, 'model.d.ts'), 'utf8')).toContain('export declare function load');
    const mod = (await import(pathToFileURL(out).href)) as BuiltModule;
    const weights = files.weights ? readSafetensors(readFileSync(files.weights)) : undefined;
    const m = await mod.load({ weights, backend });
    try {
      expect(m.backend).toBe(backend);
      const feeds = Object.fromEntries(
        Object.entries(c.input).map(([n, t]) => [n, { shape: [...t.shape], data: t.data }]),
      );
      const result = await m.run(feeds);
      const last = c.layers[c.layers.length - 1].name;
      expect(Object.keys(result)).toEqual([last]);
      expectClose(
        { shape: result[last].shape, data: result[last].data },
        c.output!,
        c.tolerance!,
        `${id} via module on ${backend}`,
      );
    } finally {
      m.destroy();
    }
  });
});
