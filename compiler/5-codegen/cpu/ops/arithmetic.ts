/**
 * binary (two tensors with NumPy/PyTorch broadcasting) and scalar (a tensor and a constant). The broadcast
 * is resolved at code generation: loops over the output with each input's static strides (0 along its
 * broadcast dims), so no element index is divided or wrapped at run time.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import type { BinaryOp } from '../../../ir/attrs.ts';
import { type KernelNames, epilogueLines, int, num, sizeOf } from '../emit.ts';
import { type InnerLoop, stridedLoops, stridesOf } from '../strided.ts';

const SYMBOL: Record<BinaryOp, string> = { add: '+', sub: '-', mul: '*', div: '/' };

function symbol(op: string): string {
  if (!Object.hasOwn(SYMBOL, op)) throw new Error(`cpu codegen: unknown arithmetic op ${JSON.stringify(op)}`);
  return SYMBOL[op as BinaryOp];
}

/** `shape`'s strides in the right-aligned broadcast `out` (0 where it is broadcast), or an error. */
function broadcastStrides(shape: readonly number[], out: readonly number[], what: string): number[] {
  if (shape.length > out.length) throw new Error(`cpu codegen: ${what} has a higher rank than the output`);
  const own = stridesOf(shape);
  return out.map((n, d) => {
    const k = d - (out.length - shape.length);
    if (k < 0 || shape[k] === 1) return 0;
    if (shape[k] !== n)
      throw new Error(`cpu codegen: ${what} [${shape.join(', ')}] does not broadcast to [${out.join(', ')}]`);
    return own[k];
  });
}

export function binaryLines(step: PlanStep<'binary'>, k: KernelNames): string[] {
  const op = symbol(step.attrs.op);
  const out = step.outputShape;
  if (step.inputShapes.length !== 2) throw new Error(`cpu codegen: binary takes 2 inputs`);
  const [A, B] = k.inputs;
  const sa = broadcastStrides(step.inputShapes[0], out, 'binary input 0');
  const sb = broadcastStrides(step.inputShapes[1], out, 'binary input 1');
  const arrays = [
    { prefix: 'o', strides: stridesOf(out) },
    { prefix: 'a', strides: sa },
    { prefix: 'b', strides: sb },
  ];
  // an operand that does not move along the innermost loop is loaded once before it
  const operand = (x: string, hoisted: string, at: number) => (idx: readonly string[], inner: InnerLoop) =>
    inner.strides[at] === 0 ? hoisted : `${x}[${idx[at]}]`;
  const lhs = operand(A, 'xa', 1);
  const rhs = operand(B, 'xb', 2);
  return stridedLoops(
    out,
    arrays,
    (idx, inner) => [
      `let v = ${lhs(idx, inner)} ${op} ${rhs(idx, inner)};`,
      ...epilogueLines(step.epilogue, k, idx[0]),
      `${k.out}[${idx[0]}] = v;`,
    ],
    (inner) => [
      ...(inner.strides[1] === 0 ? [`const xa = ${A}[${inner.outer[1]}];`] : []),
      ...(inner.strides[2] === 0 ? [`const xb = ${B}[${inner.outer[2]}];`] : []),
    ],
  );
}

/**
 * `x op c`, or `c op x` when reversed. As in PyTorch, c is rounded to float32 and `c / x` is
 * `reciprocal(x) * c`, rounded after the reciprocal (Tensor.__rtruediv__).
 */
export function scalarLines(step: PlanStep<'scalar'>, k: KernelNames): string[] {
  const { attrs } = step;
  const op = symbol(attrs.op);
  const n = sizeOf(step.outputShape);
  if (sizeOf(step.inputShapes[0]) !== n) throw new Error(`cpu codegen: scalar input does not match its output`);
  const c = num(Math.fround(attrs.value));
  const X = `${k.inputs[0]}[i]`;
  const value = !attrs.reversed
    ? `${X} ${op} ${c}`
    : attrs.op === 'div'
      ? `Math.fround(1 / ${X}) * ${c}`
      : `${c} ${op} ${X}`;
  return [
    `for (let i = 0; i < ${int(n)}; i++) {`,
    `  let v = ${value};`,
    ...epilogueLines(step.epilogue, k, 'i').map((l) => `  ${l}`),
    `  ${k.out}[i] = v;`,
    `}`,
  ];
}
