/**
 * Small helpers shared by the CPU kernel generators: numeric literals (the only non-escaped values that
 * enter generated code), shape arithmetic, kernel parameter names and the epilogue.
 */
import type { Activation, Epilogue, PlanStep } from '../../3-lower/plan.ts';
import { safeIdentifier } from './escape.ts';

/** An integer literal; throws on anything else so no stray value can reach the source text. */
export function int(x: number): string {
  if (typeof x !== 'number' || !Number.isSafeInteger(x))
    throw new Error(`cpu codegen: expected an integer, got ${String(x)}`);
  return x < 0 ? `(${x})` : String(x);
}

/** A float literal (full double precision, negatives parenthesised). */
export function num(x: number): string {
  if (typeof x !== 'number') throw new Error(`cpu codegen: expected a number, got ${typeof x}`);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${x})` : String(x);
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `base + k*stride` as folded source text (drops zero terms and unit factors). */
export function lin(base: string, k: string | number, stride: number): string {
  const term =
    typeof k === 'number'
      ? k * stride === 0
        ? ''
        : int(k * stride)
      : stride === 0
        ? ''
        : stride === 1
          ? k
          : `${k} * ${int(stride)}`;
  if (base === '' || base === '0') return term === '' ? '0' : term;
  if (term === '') return base;
  if (term.startsWith('(-')) return `${base} - ${term.slice(2, -1)}`;
  return `${base} + ${term}`;
}

export function shape4(shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`cpu codegen: ${what} must be 4-d NCHW, got [${shape.join(', ')}]`);
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** The JavaScript parameter names a kernel function is declared with, in call order. */
export interface KernelNames {
  readonly out: string;
  readonly inputs: readonly string[];
  readonly residual: string | null;
  /** op param name (weight, bias, ...) -> identifier */
  readonly params: Readonly<Record<string, string>>;
}

/** What each kernel argument is, in order: the runner passes buffers and params in this order. */
export type KernelArg =
  | { readonly kind: 'out'; readonly buffer: string }
  | { readonly kind: 'input'; readonly buffer: string }
  | { readonly kind: 'residual'; readonly buffer: string }
  | { readonly kind: 'param'; readonly key: string };

export function kernelArgs(step: PlanStep): KernelArg[] {
  const args: KernelArg[] = [{ kind: 'out', buffer: step.output }];
  for (const b of step.inputs) args.push({ kind: 'input', buffer: b });
  if (step.epilogue.residual !== null) args.push({ kind: 'residual', buffer: step.epilogue.residual });
  for (const name of Object.keys(step.params)) args.push({ kind: 'param', key: step.params[name] });
  return args;
}

export function kernelNames(step: PlanStep): KernelNames {
  // kernel bodies only use short lower-case locals that never start with `p_`, so these cannot clash
  const used = new Set<string>(['out', 'res']);
  const inputs = step.inputs.map((_, i) => safeIdentifier(`in${i}`, used));
  const params: Record<string, string> = {};
  for (const name of Object.keys(step.params)) params[name] = safeIdentifier(`p_${name}`, used);
  return { out: 'out', inputs, residual: step.epilogue.residual !== null ? 'res' : null, params };
}

/**
 * Statements that apply `act` to the local variable `v` in place, with PyTorch's formulas (see
 * runtime/reference/activations.ts): constants rounded to float32 first as PyTorch converts them, NaN kept.
 * The exact GELU calls `erf`, which the kernel declares (erf.ts, `needsErf`).
 */
export function activationLines(act: Activation | null, v = 'v'): string[] {
  if (act === null) return [];
  const f32 = (x: number) => num(Math.fround(x));
  switch (act.kind) {
    case 'relu':
      // `v < 0` keeps NaN as NaN, like torch.relu
      return [`if (${v} < 0) ${v} = 0;`];
    case 'leaky_relu':
      return [`if (${v} < 0) ${v} *= ${f32(act.negative_slope)};`];
    case 'sigmoid':
      return [`${v} = 1 / (1 + Math.exp(-${v}));`];
    case 'tanh':
      return [`${v} = Math.tanh(${v});`];
    case 'hardtanh':
      // comparisons leave NaN alone, as torch.clamp does
      return [
        `if (${v} < ${f32(act.min_val)}) ${v} = ${f32(act.min_val)};`,
        `else if (${v} > ${f32(act.max_val)}) ${v} = ${f32(act.max_val)};`,
      ];
    case 'hardswish':
      // rounded step by step like PyTorch's float32 kernel
      return [`${v} = Math.fround(${v} * Math.min(Math.max(Math.fround(${v} + 3), 0), 6)) / 6;`];
    case 'hardsigmoid':
      return [`${v} = Math.min(Math.max(Math.fround(${v} + 3), 0), 6) / 6;`];
    case 'silu':
      return [`${v} = ${v} / (1 + Math.exp(-${v}));`];
    case 'gelu':
      if (act.approximate === 'tanh') {
        const beta = num(Math.sqrt(2 / Math.PI));
        return [`${v} = 0.5 * ${v} * (1 + Math.tanh(${beta} * (${v} + ${num(0.044715)} * ${v} * ${v} * ${v})));`];
      }
      return [`${v} = ${v} * 0.5 * (1 + erf(${v} * ${num(Math.SQRT1_2)}));`];
    case 'elu':
      return [`if (!(${v} > 0)) ${v} = ${f32(act.alpha)} * Math.expm1(${v});`];
    case 'mish':
      // softplus is linear above PyTorch's threshold 20
      return [`${v} = ${v} * Math.tanh(${v} > 20 ? ${v} : Math.log1p(Math.exp(${v})));`];
  }
}

/** Statements applying the epilogue (residual add at flat index `idx`, then activation) to `v`. */
export function epilogueLines(ep: Epilogue, k: KernelNames, idx: string, v = 'v'): string[] {
  const lines: string[] = [];
  if (ep.residual !== null) lines.push(`${v} += ${k.residual}[${idx}];`);
  return lines.concat(activationLines(ep.activation, v));
}

export function hasEpilogue(ep: Epilogue): boolean {
  return ep.residual !== null || ep.activation !== null;
}

/** A loop applying the epilogue in place to out[start, end) (for kernels that accumulate into `out`). */
export function epiloguePass(ep: Epilogue, k: KernelNames, start: string, end: string): string[] {
  if (!hasEpilogue(ep)) return [];
  return [
    `for (let i = ${start}; i < ${end}; i++) {`,
    `  let v = ${k.out}[i];`,
    ...epilogueLines(ep, k, 'i').map((l) => `  ${l}`),
    `  ${k.out}[i] = v;`,
    `}`,
  ];
}

export function indent(lines: readonly string[], by = '  '): string[] {
  return lines.map((l) => (l === '' ? l : by + l));
}

export function requireParam(step: PlanStep, k: KernelNames, name: string): string {
  const id = k.params[name];
  if (id === undefined)
    throw new Error(`cpu codegen: ${step.op} step for ${JSON.stringify(step.nodes.join(', '))} has no param "${name}"`);
  return id;
}
