/**
 * A module built by `cnnc build` from a folded plan derives the folded weights at load time from the
 * model's own state_dict (bundled bindWeights/initialWeights), and checks that state_dict's keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../runtime/session.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { runCli } from '../cli-harness.ts';
import { writeGoldenFiles } from '../execution/golden-fixture.ts';
import { expectClose, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { expectAllClose } from './helpers.ts';
import { tempDir } from '../temp-dir.ts';

interface Built {
  load(o?: {
    weights?: unknown;
    seed?: number;
    onWarning?: (m: string) => void;
  }): Promise<{ run(f: Record<string, Tensor>): Promise<Record<string, Tensor>> }>;
}

const root = tempDir('fused-module');
const c = loadGoldenCase('model_mobilenet_dw_separable');
const files = writeGoldenFiles(c, root);

async function build(): Promise<{ mod: Built; text: string }> {
  const out = join(files.dir, 'fused.js');
  const r = await runCli(['build', files.cnn, '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain('(2 kernels, backend cpu)');
  return { mod: (await import(pathToFileURL(out).href)) as Built, text: readFileSync(out, 'utf8') };
}

describe('a module built from a folded plan', () => {
  it("loads the original state_dict, derives the folded weights and gives PyTorch's numbers", async () => {
    const { mod, text } = await build();
    expect(text).toContain('"derived":{"kind":"fold_batchnorm"');
    const m = await mod.load({ weights: new Map(Object.entries(c.params)) });
    expectClose((await m.run(c.input)).pw_relu, c.output!, c.tolerance!);
  });

  it('refuses a state_dict without a BatchNorm key, naming the layer', async () => {
    const { mod } = await build();
    const { 'pw_bn.running_mean': _gone, ...rest } = c.params;
    await expect(mod.load({ weights: new Map(Object.entries(rest)) })).rejects.toThrow(
      /no `pw_bn\.running_mean`: BatchNorm2d `pw_bn` needs a \[16\] tensor/,
    );
  });

  it('without weights initialises like the library does, folded or not', async () => {
    const { mod } = await build();
    const source = goldenToCnn(c).text;
    const warnings: string[] = [];
    const m = await mod.load({ seed: 5, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    const lib = await compileModel(source, { seed: 5, passes: false });
    if (!lib.ok) throw new Error(lib.message);
    expectAllClose(await m.run(c.input), await lib.model.run(c.input));
  });
});
