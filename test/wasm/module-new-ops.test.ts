/**
 * Generated modules (`cnnc build`) of plans with the new ops, imported and run as a user would: the
 * wasm module ships the cpu kernels of its JavaScript steps and of the activations its SIMD kernels
 * leave out (js-kernels.ts), the gpu.js module its kernels as text. Both match the reference.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../compiler/3-lower/plan.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { emitModule } from '../../compiler/5-codegen/module/emit-module.ts';
import { wasmProgram } from '../../compiler/5-codegen/wasm/program.ts';
import { supportBundle } from '../../runtime/module-support/bundle.ts';
import { expectClose } from '../golden.ts';
import { type OpCase, allOpCases } from '../gpujs/op-cases.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';
import { tempDir } from '../temp-dir.ts';

interface BuiltModule {
  load(o: { weights?: unknown }): Promise<{
    backend: string;
    run(f: Record<string, Tensor>): Promise<Record<string, Tensor>>;
    destroy(): void;
  }>;
}

const dir = tempDir('module-new-ops');
let count = 0;

async function runModule(plan: Plan, backend: string, c: OpCase): Promise<Tensor> {
  const file = join(dir, `m${count++}.mjs`);
  writeFileSync(file, emitModule(plan, { sourceFile: 'model.cnn', backend, support: supportBundle }));
  const mod = (await import(pathToFileURL(file).href)) as BuiltModule;
  const m = await mod.load({ weights: c.weights });
  try {
    return (await m.run(c.feeds)).y;
  } finally {
    m.destroy();
  }
}

const all = allOpCases();
/** One case per op, and the epilogues whose activation the wasm kernels leave to JavaScript. */
const picked = [
  ...new Map(all.map((c) => [c.op, c])).values(),
  ...all.filter((c) => /^(conv2d|linear).*then (silu|gelu|elu|mish)/.test(c.name)),
];

describe('generated modules of the new ops', () => {
  it('the picked cases include JavaScript steps and JavaScript activations on wasm', () => {
    const phases = picked.flatMap((c) => wasmProgram(c.plan).steps.flatMap((s) => s.phases.map((p) => p.kind)));
    expect(phases).toContain('js-step');
    expect(phases).toContain('js-activation');
  });

  for (const backend of ['wasm', 'gpujs:cpu']) {
    it.each(picked.map((c) => [c.name, c] as const))(`${backend}: %s`, async (_, c) => {
      const y = await runModule(c.plan, backend, c);
      expectClose(y, runPlanOnReference(c.plan, c.weights, c.feeds).y, { rtol: 1e-5, atol: 1e-6 }, c.name);
    });
  }
});
