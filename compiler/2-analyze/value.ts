import type { Span } from '../source/span.ts';

/** A compile-time value of an argument, after evaluating its expression. */
export type Value = number | boolean | string | null | readonly Value[];

/** An evaluated argument value with the span of the text it came from. */
export interface Spanned<T = Value> {
  readonly value: T;
  readonly span: Span;
  /** true for values written as float literals (1.0), so `kernel_size=3.0` can be refused */
  readonly isFloat: boolean;
  /** tuple items keep their own spans, for carets under one element */
  readonly items?: readonly Spanned[];
}

export function describeValue(v: Value): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  return `(${v.map(describeValue).join(', ')}${v.length === 1 ? ',' : ''})`;
}

export function typeName(s: Spanned): string {
  const v = s.value;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return s.isFloat ? 'float' : 'int';
  return 'tuple';
}
