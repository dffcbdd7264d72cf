import { diag } from '../../diagnostics/diagnostic.ts';
import { add, ceilDiv, dimToString, floorDiv, min, type Dim, type Shape, shapeToString } from '../../ir/dim.ts';
import type { Value } from '../value.ts';
import type { InferCtx, InputInfo } from './op-def.ts';

export type Pair = readonly [number, number];

/** PyTorch's _pair: an int becomes (v, v). Values are already type-checked by the binder. */
export function pairOf(v: Value): Pair {
  if (typeof v === 'number') return [v, v];
  const t = v as readonly number[];
  return [t[0], t[1]];
}

export const AXES = ['height', 'width'] as const;

/** Requires a rank-4 NCHW input; reports WrongRank otherwise. */
export function requireRank(ctx: InferCtx, input: InputInfo, ranks: readonly number[], what: string): boolean {
  if (ranks.includes(input.shape.length)) return true;
  ctx.report(
    diag(
      'WrongRank',
      `${ctx.className} \`${ctx.id}\` expects a ${ranks.join('-D or ')}-D input (${what}), but \`${input.id}\` is ${input.shape.length}-D ${shapeToString(input.shape)}`,
      ctx.spans.call,
      `expects ${ranks.join('-D or ')}-D`,
    )
      .label(input.span, `${input.shape.length}-D ${shapeToString(input.shape)} is produced here`)
      .help(
        input.shape.length === 2
          ? 'a Flatten or Linear earlier in the chain made it 2-D; move this layer before it'
          : 'check the order of layers',
      ),
  );
  return false;
}

/**
 * Output size of a sliding window (PyTorch's formula), with ceil_mode's rule that a last window
 * starting in the right padding is dropped. `lo`/`hi` are the padding before/after.
 */
export function windowOut(
  size: Dim,
  lo: number,
  hi: number,
  kernel: number,
  stride: number,
  dilation: number,
  ceil: boolean,
): Dim {
  const span = dilation * (kernel - 1) + 1;
  const numerator = add(size, lo + hi - span);
  if (!ceil) return add(floorDiv(numerator, stride), 1);
  if (typeof size === 'number') {
    let out = Math.ceil((numerator as number) / stride) + 1;
    if ((out - 1) * stride >= size + lo) out -= 1;
    return out;
  }
  // PyTorch drops a last window that starts in the right padding: the last start (out-1)*stride must
  // stay below size + lo, i.e. out - 1 <= floor((size + lo - 1)/stride). Since
  // ceil(A/s)*s < A + s = size + lo + hi - span + s, that can only bind when stride > span - hi.
  if (stride <= span - hi) return add(ceilDiv(numerator, stride), 1);
  return add(min(ceilDiv(numerator, stride), floorDiv(add(size, lo - 1), stride)), 1);
}

/** The formula with the numbers filled in, for notes: `floor((28 + 2 + 2 - 1*(5-1) - 1)/1) + 1 = 28`. */
export function windowFormula(
  axis: string,
  size: Dim,
  lo: number,
  hi: number,
  kernel: number,
  stride: number,
  dilation: number,
  ceil: boolean,
  out: Dim,
): string {
  const fn = ceil ? 'ceil' : 'floor';
  const pads = lo === hi ? `2*${lo}` : `${lo} + ${hi}`;
  return `${axis}_out = ${fn}((${axis} + ${pads} - dilation*(kernel_size-1) - 1)/stride) + 1 = ${fn}((${dimToString(size)} + ${pads} - ${dilation}*(${kernel}-1) - 1)/${stride}) + 1 = ${dimToString(out)}`;
}

export function isPositive(d: Dim): boolean | null {
  return typeof d === 'number' ? d >= 1 : null;
}

export function shapeStr(s: Shape): string {
  return shapeToString(s);
}

/** Replaces one argument's text inside a call's text: the exact edit for a help line. */
export function callWithArg(ctx: InferCtx, argName: string, newText: string): string | null {
  const call = ctx.spans.call;
  const arg = ctx.args.spanned(argName);
  const whole = ctx.text(call);
  if (!arg) return null;
  const start = arg.span.start - call.start;
  const end = arg.span.end - call.start;
  if (start < 0 || end > whole.length) return null;
  return whole.slice(0, start) + newText + whole.slice(end);
}

/** Inserts a keyword argument before the closing parenthesis of a call. */
export function callWithExtraArg(ctx: InferCtx, text: string): string {
  const whole = ctx.text(ctx.spans.call);
  const close = whole.lastIndexOf(')');
  if (close < 0) return whole;
  const inner = whole.slice(0, close).trimEnd();
  const sep = inner.endsWith('(') ? '' : ', ';
  return `${inner}${sep}${text})`;
}
