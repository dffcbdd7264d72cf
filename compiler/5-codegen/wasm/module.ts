/**
 * The wasm parts of a generated module (`cnnc build --backend wasm`): the WebAssembly bytes as
 * base64, the program's layout as JSON, and the CPU kernels of the steps and activations that run in
 * JavaScript.
 * A module is single-threaded and uses no relaxed SIMD, so it runs wherever WebAssembly SIMD does.
 */
import type { Plan } from '../../3-lower/plan.ts';
import { kernelArgs } from '../cpu/emit.ts';
import { cpuKernelSource } from '../cpu/kernel-source.ts';
import { jsKernelSteps } from './js-kernels.ts';
import { wasmProgram } from './program.ts';

export interface WasmModuleParts {
  /** declarations: WASM_BYTES, WASM_LAYOUT, the JavaScript kernels and JS_STEPS */
  readonly declarations: string;
  /** the `load()` line that creates `runner` (whose run(feeds) runs the model) from the bound weights */
  readonly createRunner: string;
}

export function wasmModuleParts(plan: Plan): WasmModuleParts {
  const program = wasmProgram(plan, { threads: 1, relaxed: false });
  const { bytes, ...layout } = program;
  const js: string[] = [];
  const entries: string[] = [];
  for (const [i, step] of jsKernelSteps(plan, program)) {
    const name = `jsKernel${i}`;
    js.push(cpuKernelSource(step, name));
    entries.push(`[${i}, { fn: ${name}, args: ${JSON.stringify(kernelArgs(step))} }]`);
  }
  const declarations = [
    `const WASM_BYTES = ${JSON.stringify(Buffer.from(bytes).toString('base64'))};`,
    // JSON is a JS expression; every user-written name inside it is a JSON string literal
    `const WASM_LAYOUT = ${JSON.stringify(layout)};`,
    ...js,
    `const JS_STEPS = new Map([${entries.join(', ')}]);`,
  ].join('\n');
  const createRunner =
    '  const runner = await __cnncSupport.createWasmRunner(WASM_LAYOUT, WASM_BYTES, JS_STEPS, PLAN, weights);';
  return { declarations, createRunner };
}
