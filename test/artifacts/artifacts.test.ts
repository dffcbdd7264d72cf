/**
 * Every text a user sees, pinned as a golden file so a change to it is reviewed as a diff:
 * the rendered diagnostics of each golden shape error and of the broken example, the summary of
 * every example, the --explain plan, and the generated kernels (CPU JavaScript and gpu.js) of the
 * example architectures. Refresh with UPDATE_GOLDEN=1 after checking the change by eye.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { cpuProgramSource } from '../../compiler/5-codegen/cpu/program-source.ts';
import { gpujsKernelSource } from '../../compiler/5-codegen/gpujs/kernel-source.ts';
import { runCli } from '../cli-harness.ts';
import { listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { expectMatchesGoldenFile } from '../golden-file.ts';
import { check } from '../../compiler/front-end.ts';
import { renderRich } from '../../compiler/diagnostics/render/rich.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const exampleFiles = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(EXAMPLES, d.name))
      .filter((f) => f.endsWith('.cnn'))
      .map((f) => join('examples', d.name, f)),
  );

describe('rendered diagnostics', () => {
  for (const id of listGoldenCases('shape_error')) {
    it(`${id}`, () => {
      const c = loadGoldenCase(id);
      const result = check(goldenToCnn(c).text, { file: `${id}.cnn` });
      expect(result.ok).toBe(false);
      expectMatchesGoldenFile(renderRich(result.diagnostics, result.files), `artifacts/diagnostics/${id}.txt`);
    });
  }
  it('the broken example, as `cnnc check` prints it', async () => {
    const run = await runCli(['check', 'examples/broken/broken.cnn']);
    expect(run.code).toBe(1);
    expectMatchesGoldenFile(run.stderr, 'artifacts/diagnostics/examples-broken.txt');
  });
});

describe('summaries', () => {
  for (const file of exampleFiles.filter((f) => !f.includes('broken'))) {
    it(file, async () => {
      const run = await runCli(['summary', file]);
      expect(run.code, run.stderr).toBe(0);
      expectMatchesGoldenFile(run.stdout, `artifacts/summary/${basename(file, '.cnn')}.txt`);
    });
  }
});

describe('generated kernels', () => {
  for (const name of ['lenet5', 'resnet-block', 'mobilenet-block', 'edge-detector']) {
    const file = `examples/${name}/${name}.cnn`;
    it(`${name}: CPU JavaScript and gpu.js kernels, and the --explain plan`, () => {
      const compiled = compile(readFileSync(file, 'utf8'), { file });
      expect(compiled.ok).toBe(true);
      const plan = compiled.plan!;
      expectMatchesGoldenFile(cpuProgramSource(plan), `artifacts/kernels/${name}.cpu.js`);
      const gpu = plan.steps.map((s) => {
        const k = gpujsKernelSource(s);
        return `// output [${k.output.join(', ')}], arguments ${k.argOrder.join(', ')}\n${k.source.trim()}\n`;
      });
      expectMatchesGoldenFile(gpu.join('\n'), `artifacts/kernels/${name}.gpujs.js`);
    });
  }
});
