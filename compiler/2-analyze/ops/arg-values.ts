import type { Span } from '../../source/span.ts';
import type { Spanned, Value } from '../value.ts';
import type { BoundArgs } from './op-def.ts';

/** An 'ints' / 'int_or_ints' argument as a list: an int `v` is `[v]`. Values are type-checked by the binder. */
export function intsOf(v: Value): number[] {
  return typeof v === 'number' ? [v] : [...(v as readonly number[])];
}

/** The span of item `i` of a tuple argument (the whole argument when it is not a tuple, or a default). */
export function itemSpan(args: BoundArgs, name: string, i: number): Span {
  return args.spanned(name)?.items?.[i]?.span ?? args.span(name);
}

/** Python's list repr of ints: `[2, -1, 5]`. */
export function pyList(xs: readonly (number | string)[]): string {
  return `[${xs.join(', ')}]`;
}

/**
 * A number as Python prints it in an f-string: ints as ints, floats with `.0` when whole and in
 * exponent form outside [1e-4, 1e16) (`1e-05`), as PyTorch's messages show them.
 */
export function pyNumber(n: number, isFloat: boolean): string {
  if (!isFloat && Number.isInteger(n)) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(n);
    return Number.isInteger(n) ? `${s}.0` : s;
  }
  // shortest digits, then Python's exponent form: at least two exponent digits and a sign
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** A float argument as Python would print it. */
export function pyArg(args: BoundArgs, name: string): string {
  const s: Spanned | undefined = args.spanned(name);
  const v = args.value(name) as number;
  // a default is a float in PyTorch's signatures
  return pyNumber(v, s ? s.isFloat : true);
}
