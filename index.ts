/**
 * cnnc as a library. `compileModel(source, { weights, backend })` checks a .cnn source and returns
 * a runnable model (or the diagnostics); `check` and `compile` expose the compiler's phases.
 */
export { check, compile, type CheckResult, type Compiled, type CompileOptions } from './compiler/index.ts';
export { renderRich } from './compiler/diagnostics/render/rich.ts';
export { renderShort } from './compiler/diagnostics/render/short.ts';
export { renderJson } from './compiler/diagnostics/render/json.ts';
export { compileModel, type CompileResult, type LoadedModel, type LoadOptions } from './runtime/session.ts';
export { readSafetensors, writeSafetensors } from './runtime/io/safetensors.ts';
export { readNpy, writeNpy } from './runtime/io/npy.ts';
export type { Tensor } from './compiler/ir/tensor.ts';
