import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuKernelSource } from '../../compiler/5-codegen/cpu/kernel-source.ts';
import { cpuKernelForm } from '../../compiler/report/explain.ts';
import { runCli } from '../cli-harness.ts';
import { writeGoldenFiles } from '../execution/golden-fixture.ts';
import { expectMatchesGoldenFile } from '../golden-file.ts';
import { listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { planOf } from './helpers.ts';
import { tempDir } from '../temp-dir.ts';

const root = tempDir('explain');

describe('cnnc build --explain', () => {
  it.each(['model_resnet_basic_block', 'model_mobilenet_dw_separable'])('%s', async (id) => {
    const files = writeGoldenFiles(loadGoldenCase(id), root);
    const r = await runCli(['build', files.cnn, '-o', join(files.dir, 'model.js'), '--explain']);
    expect(r.code, r.stderr).toBe(0);
    expectMatchesGoldenFile(r.stdout, `explain/${id}.txt`);
  });
});

describe('the kernel form --explain names for a conv', () => {
  it("is the CPU generator's: a matrix product exactly for the convs it emits as one", () => {
    const seen = new Set<string>();
    for (const id of listGoldenCases(['layer', 'model'])) {
      for (const step of planOf(goldenToCnn(loadGoldenCase(id)).text).steps) {
        if (step.op !== 'conv2d') continue;
        const form = cpuKernelForm(step)!;
        // `const wi =` starts each input-channel pass of the pointwise (GEMM) path in ops/conv2d.ts
        const gemm = cpuKernelSource(step, 'k').includes('const wi = ');
        expect(form.includes('matrix product'), `${id}: ${step.nodes.join('+')} is "${form}"`).toBe(gemm);
        seen.add(gemm ? 'matrix product' : form.startsWith('depthwise') ? 'depthwise' : 'direct');
      }
    }
    expect([...seen].sort()).toEqual(['depthwise', 'direct', 'matrix product']);
  });
});
