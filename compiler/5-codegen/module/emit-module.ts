import type { Plan } from '../../3-lower/plan.ts';
import { cpuProgramSource } from '../cpu/program-source.ts';
import { jsString, safeComment } from '../cpu/escape.ts';
import { gpujsKernelSource } from '../gpujs/kernel-source.ts';
import { type WasmModuleParts, wasmModuleParts } from '../wasm/module.ts';

export interface ModuleOptions {
  /** the .cnn file it came from, for the header comment */
  readonly sourceFile: string;
  /** `cpu`, or a gpu.js mode (`gpujs:webasm`, `gpujs:headlessgl`, `gpujs:cpu`, `gpujs` for gpu.js's choice) */
  readonly backend: string;
  /**
   * The runtime support script for `entry` (weights loading and checking, the executor), which must
   * set the global `globalName`. The runtime provides it (runtime/module-support/bundle.ts); the
   * compiler only places it into the module.
   */
  readonly support: (entry: SupportEntry, globalName: string) => string;
}

/** Which runtime support a module needs. */
export type SupportEntry = 'cpu' | 'gpujs' | 'wasm';

/** The gpu.js kernels as readable functions, with what each reads and its output size. */
function gpujsKernels(plan: Plan): string {
  const items = plan.steps.map((step) => {
    const k = gpujsKernelSource(step);
    return [
      '  {',
      `    name: ${jsString(k.name)},`,
      `    output: ${JSON.stringify(k.output)},`,
      `    argOrder: ${JSON.stringify(k.argOrder)},`,
      `    args: ${JSON.stringify(k.args)},`,
      // gpu.js compiles a kernel from its function's text; the generator escapes every user name
      `    source: ${k.source.trim()},`,
      '  },',
    ].join('\n');
  });
  return `const KERNELS = [\n${items.join('\n')}\n];`;
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * The plan data a module keeps for load time: what weights must hold, inline values, and how folded
 * tensors derive from the weights (the bundled bindWeights/initialWeights compute them).
 */
function planData(plan: Plan): string {
  const data = {
    model: plan.model,
    params: plan.params.map((p) => ({
      key: p.key,
      shape: p.shape,
      value: p.value ? Array.from(p.value) : null,
      derived: p.derived ?? null,
    })),
    steps: plan.steps.map((s) => ({ nodes: s.nodes, op: s.op, params: s.params })),
  };
  // JSON is a JS expression; every user-written name inside it is a JSON string literal
  return JSON.stringify(data);
}

/**
 * A generated ES module: the model's kernels (readable, named after its layers), the plan data, a
 * bundled copy of the weights loader, and `load()`. It imports nothing for the CPU backend.
 */
export function emitModule(plan: Plan, opts: ModuleOptions): string {
  const wasm = opts.backend === 'wasm' || /^wasm:\d+$/.test(opts.backend) ? wasmModuleParts(plan) : null;
  if (wasm) return emitWasmModule(plan, opts, wasm);
  const gpuMode =
    opts.backend === 'cpu' ? null : opts.backend === 'gpujs' ? 'gpu' : opts.backend.replace(/^gpujs:/, '');
  return [
    ...moduleHead(
      plan,
      opts,
      gpuMode === null
        ? '// Backend: cpu (plain JavaScript, no dependencies).'
        : `// Backend: ${safeComment(opts.backend)} (needs the gpu.js package).`,
      gpuMode === null ? [] : ["import * as __cnncGpuJs from 'gpu.js';"],
    ),
    gpuMode === null ? cpuProgramSource(plan) : gpujsKernels(plan),
    `const PLAN = ${planData(plan)};`,
    `const INPUT_BUFFERS = ${JSON.stringify(Object.fromEntries(plan.inputs.map((i) => [i.name, i.buffer])))};`,
    `const OUTPUT_BUFFERS = ${JSON.stringify(Object.fromEntries(plan.outputs.map((o) => [o.name, o.buffer])))};`,
    ...(gpuMode === null
      ? []
      : [
          `const PLAN_INPUTS = ${JSON.stringify(plan.inputs)};`,
          `const PLAN_OUTPUTS = ${JSON.stringify(plan.outputs)};`,
          `const PLAN_STEPS = ${JSON.stringify(plan.steps.map((st) => ({ nodes: st.nodes, op: st.op, inputs: st.inputs, output: st.output, outputShape: st.outputShape, params: st.params })))};`,
          `const PLAN_BUFFERS = ${JSON.stringify(plan.buffers)};`,
        ]),
    ...moduleTail(
      plan,
      opts,
      gpuMode === null ? 'cpu' : 'gpujs',
      gpuMode === null ? cpuLoadTail() : gpujsLoadTail(gpuMode),
    ),
  ].join('\n');
}

/** A module for the wasm backend: WebAssembly bytes, layout and loader; no dependencies. */
function emitWasmModule(plan: Plan, opts: ModuleOptions, wasm: WasmModuleParts): string {
  return [
    ...moduleHead(plan, opts, '// Backend: wasm (WebAssembly SIMD kernels, one thread; no dependencies).', []),
    wasm.declarations,
    `const PLAN = ${planData(plan)};`,
    ...moduleTail(plan, opts, 'wasm', [
      wasm.createRunner,
      ...delegatingModel("    backend: 'wasm',", 'runner', '    destroy() {},'),
    ]),
  ].join('\n');
}

/** The header comment (backend line, imports, inputs and outputs), up to the model's declarations. */
function moduleHead(plan: Plan, opts: ModuleOptions, backendLine: string, imports: readonly string[]): string[] {
  return [
    `// Generated by cnnc from ${safeComment(opts.sourceFile)}: model ${safeComment(plan.model)}. Do not edit; rebuild with \`cnnc build\`.`,
    backendLine,
    ...imports,
    ...plan.inputs.map((i) => `// input  ${safeComment(i.name)}: ${shapeText(i.shape)} float32, NCHW`),
    ...plan.outputs.map((o) => `// output ${safeComment(o.name)}: ${shapeText(o.shape)} float32`),
    '',
    '// ---- the model ----',
  ];
}

/**
 * After the declarations: the runtime support bundle, the exports, and `load()`, which checks the
 * backend and binds the weights (or initialises them) the same way for every backend, then runs
 * `loadTail` (which returns the model).
 */
function moduleTail(plan: Plan, opts: ModuleOptions, support: SupportEntry, loadTail: readonly string[]): string[] {
  const inputs = Object.fromEntries(plan.inputs.map((i) => [i.name, i.shape]));
  const outputs = Object.fromEntries(plan.outputs.map((o) => [o.name, o.shape]));
  return [
    '',
    '// ---- runtime support (bundled from cnnc/runtime/module-support) ----',
    opts.support(support, '__cnncSupport'),
    '',
    `export const model = ${jsString(plan.model)};`,
    `export const inputs = Object.freeze(${JSON.stringify(inputs)});`,
    `export const outputs = Object.freeze(${JSON.stringify(outputs)});`,
    '',
    '/** Loads the weights and returns the runnable model. See the .d.ts beside this file. */',
    'export async function load(options = {}) {',
    `  const backend = options.backend ?? ${jsString(opts.backend)};`,
    `  if (backend !== ${jsString(opts.backend)}) throw new Error(\`this module was built for the ${safeComment(opts.backend)} backend, not \${backend}: rebuild it with cnnc build --backend \${backend}\`);`,
    '  const tensors = await __cnncSupport.resolveWeights(options.weights);',
    '  let weights;',
    '  if (tensors) weights = __cnncSupport.bindWeights(PLAN, tensors, undefined, { allowExtraKeys: options.allowExtraKeys });',
    '  else {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated module
    '    if (PLAN.params.some((p) => p.value === null)) (options.onWarning ?? console.warn)(`cnnc: no weights given: parameters use PyTorch default initialisation with seed ${options.seed ?? 0}`);',
    '    weights = __cnncSupport.initialWeights(PLAN, options.seed ?? 0);',
    '  }',
    ...loadTail,
    '}',
    '',
  ];
}

/** load()'s returned model: the `backend` property line, inputs, outputs, `run` with `runBody`, the `destroy` line. */
function modelObject(backendLine: string, runBody: readonly string[], destroyLine: string): string[] {
  return [
    '  return {',
    backendLine,
    '    inputs,',
    '    outputs,',
    '    async run(feeds) {',
    ...runBody,
    '    },',
    destroyLine,
    '  };',
  ];
}

/** A model whose run checks the feeds and hands them to the runner object in local `runner`. */
function delegatingModel(backendLine: string, runner: string, destroyLine: string): string[] {
  return modelObject(
    backendLine,
    ['      __cnncSupport.checkFeeds(inputs, feeds);', `      return ${runner}.run(feeds);`],
    destroyLine,
  );
}

function cpuLoadTail(): string[] {
  return [
    '  const params = Object.create(null);',
    '  for (const p of PLAN.params) params[p.key] = p.value ? Float32Array.from(p.value) : weights.get(p.key).data;',
    ...modelObject(
      "    backend: 'cpu',",
      [
        '      const data = __cnncSupport.checkFeeds(inputs, feeds);',
        '      const buffers = Object.create(null);',
        '      for (const [name, buffer] of Object.entries(INPUT_BUFFERS)) buffers[buffer] = data[name];',
        '      const result = runPlan(buffers, params);',
        '      const out = {};',
        '      for (const [name, shape] of Object.entries(outputs)) out[name] = { shape: [...shape], data: result[OUTPUT_BUFFERS[name]] };',
        '      return out;',
      ],
      '    destroy() {},',
    ),
  ];
}

function gpujsLoadTail(mode: string): string[] {
  return [
    '  const plan = { ...PLAN, inputs: PLAN_INPUTS, outputs: PLAN_OUTPUTS, steps: PLAN_STEPS, buffers: PLAN_BUFFERS, params: PLAN.params.map((p) => ({ ...p, value: p.value ? Float32Array.from(p.value) : null })) };',
    `  const executor = await __cnncSupport.createGpuJsExecutorFromSources(plan, KERNELS, weights, ${jsString(mode)});`,
    ...delegatingModel(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated module
      '    get backend() { return `gpujs:${executor.backend}`; },',
      'executor',
      '    destroy() { executor.destroy(); },',
    ),
  ];
}

/** The .d.ts beside a module: input and output names with their shapes in the types. */
export function emitDeclarations(plan: Plan, opts: Pick<ModuleOptions, 'sourceFile' | 'backend'>): string {
  const tuple = (s: readonly number[]) => `readonly [${s.join(', ')}]`;
  const field = (name: string, shape: readonly number[], what: string) => [
    `  /** ${safeComment(what)} \`${safeComment(name)}\`: ${shapeText(shape)}, float32, row-major NCHW */`,
    `  readonly ${jsString(name)}: Tensor<${tuple(shape)}>;`,
  ];
  return [
    `// Types of the module generated by cnnc from ${safeComment(opts.sourceFile)} (model ${safeComment(plan.model)}).`,
    '',
    'export interface Tensor<S extends readonly number[] = readonly number[]> {',
    '  readonly shape: S;',
    '  readonly data: Float32Array;',
    '}',
    '',
    'export interface Inputs {',
    ...plan.inputs.flatMap((i) => field(i.name, i.shape, 'input')),
    '}',
    '',
    'export interface Outputs {',
    ...plan.outputs.flatMap((o) => field(o.name, o.shape, 'output')),
    '}',
    '',
    'export interface LoadOptions {',
    '  /** a state_dict (.safetensors, or .pt/.pth from torch.save): bytes, a path (Node), or tensors by key; absent: PyTorch default init */',
    '  readonly weights?: string | Uint8Array | ArrayBuffer | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;',
    '  /** accept keys no layer uses (optimizer state, heads this model does not have) instead of refusing them */',
    '  readonly allowExtraKeys?: boolean;',
    `  readonly backend?: ${jsString(opts.backend)};`,
    '  /** seed for default initialisation when no weights are given */',
    '  readonly seed?: number;',
    '  readonly onWarning?: (message: string) => void;',
    '}',
    '',
    'export interface Model {',
    '  /** the backend that runs the kernels */',
    '  readonly backend: string;',
    '  readonly inputs: { readonly [K in keyof Inputs]: Inputs[K]["shape"] };',
    '  readonly outputs: { readonly [K in keyof Outputs]: Outputs[K]["shape"] };',
    '  run(feeds: { readonly [K in keyof Inputs]: Tensor }): Promise<Outputs>;',
    '  destroy(): void;',
    '}',
    '',
    `export declare const model: ${jsString(plan.model)};`,
    'export declare const inputs: Model["inputs"];',
    'export declare const outputs: Model["outputs"];',
    'export declare function load(options?: LoadOptions): Promise<Model>;',
    '',
  ].join('\n');
}
