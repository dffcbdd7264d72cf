/** Compiles a golden case with the real front end and passes, then runs it on the wasm executor. */
import { compile } from '../../compiler/index.ts';
import { createWasmExecutor, type WasmExecutorOptions } from '../../runtime/wasm/executor.ts';
import { bindWeights } from '../../runtime/weights.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { type GoldenCase, weightsOf } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';

export async function runGoldenOnWasm(
  c: GoldenCase,
  options: WasmExecutorOptions,
): Promise<{ y: Tensor; kernels: string[] }> {
  const compiled = compile(goldenToCnn(c).text, { file: `${c.id}.cnn` });
  if (!compiled.ok || !compiled.plan)
    throw new Error(`${c.id} does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const plan = compiled.plan;
  const ex = await createWasmExecutor(plan, bindWeights(plan, weightsOf(c.params)), options);
  try {
    const out = ex.run({ ...c.input });
    if (plan.outputs.length !== 1) throw new Error(`${c.id}: expected one output`);
    return { y: out[plan.outputs[0].name], kernels: ex.program.steps.map((s) => `${s.op}: ${s.describe}`) };
  } finally {
    ex.destroy();
  }
}
