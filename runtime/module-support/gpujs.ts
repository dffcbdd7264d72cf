/**
 * Load-time support of a generated gpu.js module: the CPU support (weights) plus the gpu.js
 * executor, which takes the module's own kernel sources. 'gpu.js' resolves to gpujs-shim.cjs.
 */
export * from './cpu.ts';
export { createGpuJsExecutorFromSources } from '../gpujs/executor-core.ts';
