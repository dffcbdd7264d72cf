/**
 * `cnnc build --backend wasm`: every golden layer and model case through a generated module,
 * imported and run as a user would (plain Node, no TypeScript loader), within PyTorch's tolerance.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../runtime/io/safetensors.ts';
import { runCli } from '../cli-harness.ts';
import { writeGoldenFiles } from '../execution/golden-fixture.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';

const root = fileURLToPath(new URL('../../.test-out/modules/wasm-backend/', import.meta.url));
mkdirSync(root, { recursive: true });

interface BuiltModule {
  load(o: { weights?: unknown; backend?: string }): Promise<{
    backend: string;
    run(f: unknown): Promise<Record<string, { shape: number[]; data: Float32Array }>>;
    destroy(): void;
  }>;
}

describe('module built with --backend wasm', () => {
  it.each(listGoldenCases(['layer', 'model']))('%s matches PyTorch', async (id) => {
    const c = loadGoldenCase(id);
    const files = writeGoldenFiles(c, root);
    const out = join(files.dir, 'model.js');
    const build = await runCli(['build', files.cnn, '-o', out, '--backend', 'wasm']);
    expect(build.code, build.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('const WASM_BYTES = "AGFzbQ'); // "\0asm" in base64
    expect(text).not.toMatch(/^import /m);
    const mod = (await import(pathToFileURL(out).href)) as BuiltModule;
    const m = await mod.load({ weights: files.weights ? readSafetensors(readFileSync(files.weights)) : undefined });
    try {
      expect(m.backend).toBe('wasm');
      const result = await m.run(
        Object.fromEntries(Object.entries(c.input).map(([n, t]) => [n, { shape: [...t.shape], data: t.data }])),
      );
      const last = c.layers[c.layers.length - 1].name;
      expectClose(
        { shape: result[last].shape, data: result[last].data },
        c.output!,
        c.tolerance!,
        `${id} via wasm module`,
      );
    } finally {
      m.destroy();
    }
  });
});
