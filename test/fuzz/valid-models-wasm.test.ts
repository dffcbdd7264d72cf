import { validModelsSuite } from './valid-models-suite.ts';

// cnnc's WebAssembly backend (SIMD kernels, threads)
validModelsSuite('wasm', 60, 6);
