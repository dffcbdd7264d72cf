import { safeComment, safeIdentifier } from '../js-names.ts';
import type { PlanStep } from '../../3-lower/plan.ts';

/** One kernel argument: a plan buffer (step input or residual) or a parameter tensor (state_dict key). */
export interface GpuJsKernelArg {
  /** the identifier used for it inside the kernel source */
  readonly name: string;
  readonly kind: 'buffer' | 'param';
  /** the plan buffer id, or the param key */
  readonly ref: string;
}

/**
 * Collects the arguments and body lines of one gpu.js kernel and assembles the function text.
 * Every kernel computes one output element per thread: `i = this.thread.x` is its flat NCHW index.
 */
export class KernelWriter {
  readonly args: GpuJsKernelArg[] = [];
  private readonly header: string[] = [];
  private readonly body: string[] = [];

  constructor(readonly step: PlanStep) {}

  /** Adds a kernel argument and returns its identifier (always one of our own, never a user name). */
  arg(name: string, kind: GpuJsKernelArg['kind'], ref: string): string {
    this.args.push({ name, kind, ref });
    return name;
  }

  /** The key of a parameter the op needs, or a clear error when the plan step lacks it. */
  param(role: string): string {
    const key = this.step.params[role];
    if (key === undefined) {
      throw new Error(`${this.step.op} step ${JSON.stringify(this.step.nodes[0])} has no '${role}' parameter`);
    }
    return this.arg(role, 'param', key);
  }

  /** A comment line at the top of the body; `text` is sanitised. */
  comment(text: string): void {
    this.header.push(`  // ${safeComment(text)}`);
  }

  line(code: string, indent = 1): void {
    this.body.push(`${'  '.repeat(indent)}${code}`);
  }

  source(name: string): string {
    const params = this.args.map((a) => a.name).join(', ');
    return [`function ${name}(${params}) {`, ...this.header, ...this.body, '}'].join('\n');
  }
}

/** The kernel's function name: the op, then the first IR node id mapped to [A-Za-z0-9_]. */
export function kernelName(step: PlanStep): string {
  return `${step.op}_${safeIdentifier(step.nodes[0] ?? 'step')}`;
}

/** A JS number literal for generated code; negative values are parenthesised so they compose. */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot put the non-finite number ${x} into a gpu.js kernel`);
  const s = String(x);
  return x < 0 ? `(${s})` : s;
}

/**
 * `a + b*c ...` for small integer expressions, leaving out zero terms and unit factors so the generated
 * source reads like hand-written code. Terms are [coefficient, expression].
 */
export function lin(terms: readonly (readonly [number, string])[], constant = 0): string {
  const parts: string[] = [];
  for (const [k, e] of terms) {
    if (k === 0) continue;
    const t = k === 1 ? e : k === -1 ? `-${e}` : `${e} * ${Math.abs(k)}`;
    if (k < 0 && k !== -1) parts.push(`-${t}`);
    else parts.push(t);
  }
  if (constant !== 0 || parts.length === 0) parts.push(String(constant));
  return parts.map((p, j) => (j === 0 ? p : p.startsWith('-') ? `- ${p.slice(1)}` : `+ ${p}`)).join(' ');
}

/**
 * floor(a / b) for a non-negative integer expression `a`. The +0.5 keeps the quotient at least 0.5/b away
 * from an integer, so float division on a GPU (which may be a*(1/b)) cannot round across it.
 */
export function idiv(a: string, b: number): string {
  return b === 1 ? a : `Math.floor((${a} + 0.5) / ${b})`;
}

/**
 * Emits `const` lines that split the flat index `index` into one variable per dimension (row-major).
 * dims: [variable name, size] from outermost to innermost. Returns nothing; the variables are in scope.
 */
export function emitDecode(
  w: KernelWriter,
  index: string,
  dims: readonly (readonly [string, number])[],
  indent = 1,
): void {
  if (dims.length === 1) {
    w.line(`const ${dims[0][0]} = ${index};`, indent);
    return;
  }
  let rest = index;
  let stride = dims.reduce((p, [, d]) => p * d, 1);
  for (let k = 0; k < dims.length - 1; k++) {
    const [name, size] = dims[k];
    stride /= size;
    w.line(`const ${name} = ${idiv(rest, stride)};`, indent);
    // the innermost variable is the last remainder itself
    const r = k === dims.length - 2 ? dims[k + 1][0] : `r_${name}`;
    w.line(`const ${r} = ${rest} - ${name} * ${stride};`, indent);
    rest = r;
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
