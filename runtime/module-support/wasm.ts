/**
 * Load-time support of a generated wasm module: the CPU support (weights) plus the wasm runtime core,
 * which fills the module's packed parameters and runs its phases (single-threaded: a generated module
 * runs in browsers too, where shared memory needs cross-origin isolation).
 */
import type { WasmLayout } from '../../compiler/5-codegen/wasm/program.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { type JsStep, type ProgramRunner, programRunner } from '../wasm/instance.ts';

export * from './cpu.ts';

interface PlanParams {
  readonly params: readonly { readonly key: string; readonly value: readonly number[] | null }[];
}

/** Instantiates the module's WebAssembly (base64) and binds its parameters. */
export async function createWasmRunner(
  layout: WasmLayout,
  wasmBase64: string,
  jsSteps: ReadonlyMap<number, JsStep>,
  plan: PlanParams,
  weights: ReadonlyMap<string, Tensor>,
): Promise<ProgramRunner> {
  if (typeof WebAssembly !== 'object') throw new Error('this JavaScript engine has no WebAssembly');
  const binary = atob(wasmBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (!WebAssembly.validate(bytes))
    throw new Error(
      'this JavaScript engine cannot run the model: it needs WebAssembly SIMD (Node 16.4+, current browsers)',
    );
  const memory = new WebAssembly.Memory({ initial: layout.pages, maximum: layout.pages });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const params: Record<string, Float32Array> = Object.create(null);
  for (const p of plan.params) {
    const t = p.value ? null : weights.get(p.key);
    if (!p.value && !t) throw new Error(`missing parameter "${p.key}"`);
    params[p.key] = p.value ? Float32Array.from(p.value) : t!.data;
  }
  return programRunner({ layout, memory, exports: instance.exports, params, jsSteps });
}
