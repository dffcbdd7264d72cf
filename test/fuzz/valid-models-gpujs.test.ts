import { validModelsSuite } from './valid-models-suite.ts';

// gpu.js's WebAssembly and CPU modes; headless WebGL has a file of its own (it needs an X display)
validModelsSuite('gpujs:webasm', 40, 6);
validModelsSuite('gpujs:cpu', 40, 6);
