import type { Expr } from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type { Spanned, Value } from './value.ts';

/** Block parameters in scope while a block body is expanded. */
export type Scope = ReadonlyMap<string, Spanned>;

/**
 * Evaluates an argument expression to a compile-time value. Names refer to block parameters;
 * arithmetic follows Python (`/` gives a float, `//` floors). Returns null after reporting.
 */
export function evaluate(e: Expr, scope: Scope, report: (d: DiagnosticBuilder) => void): Spanned | null {
  switch (e.kind) {
    case 'int':
      return { value: e.value, span: e.span, isFloat: false };
    case 'float':
      return { value: e.value, span: e.span, isFloat: true };
    case 'bool':
      return { value: e.value, span: e.span, isFloat: false };
    case 'string':
      return { value: e.value, span: e.span, isFloat: false };
    case 'none':
      return { value: null, span: e.span, isFloat: false };
    case 'tuple':
    case 'list': {
      const items: Spanned[] = [];
      for (const item of e.items) {
        const v = evaluate(item, scope, report);
        if (!v) return null;
        items.push(v);
      }
      return { value: items.map((i) => i.value), span: e.span, isFloat: false, items };
    }
    case 'name': {
      const bound = scope.get(e.name);
      if (bound) return { ...bound, span: e.span };
      const guess = didYouMean(e.name, scope.keys());
      const quoted =
        e.name === 'same' ||
        e.name === 'valid' ||
        e.name === 'zeros' ||
        e.name === 'reflect' ||
        e.name === 'replicate' ||
        e.name === 'circular';
      report(
        diag('UnknownName', `unknown name \`${e.name}\` in an argument`, e.span, 'not defined here').help(
          quoted
            ? `strings need quotes: write '${e.name}'`
            : guess
              ? `did you mean \`${guess}\`?`
              : scope.size
                ? `the names in scope are the block's parameters: ${[...scope.keys()].join(', ')}`
                : 'arguments outside a block are literals: numbers, strings, True/False, None, tuples',
        ),
      );
      return null;
    }
    case 'neg': {
      const v = evaluate(e.operand, scope, report);
      if (!v) return null;
      if (typeof v.value !== 'number') return typeError(e.span, '-', v, report);
      return { value: -v.value, span: e.span, isFloat: v.isFloat };
    }
    case 'binary': {
      const l = evaluate(e.left, scope, report);
      const r = evaluate(e.right, scope, report);
      if (!l || !r) return null;
      if (typeof l.value !== 'number') return typeError(e.left.span, e.op, l, report);
      if (typeof r.value !== 'number') return typeError(e.right.span, e.op, r, report);
      const a = l.value;
      const b = r.value;
      const isFloat = l.isFloat || r.isFloat || e.op === '/';
      if ((e.op === '/' || e.op === '//') && b === 0) {
        report(diag('InvalidArgumentValue', 'division by zero in an argument', e.span, 'divides by zero'));
        return null;
      }
      const value: Value =
        e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' ? a / b : Math.floor(a / b);
      if (!Number.isFinite(value) || (!isFloat && !Number.isSafeInteger(value))) {
        report(diag('InvalidArgumentValue', 'an argument computes a number out of range', e.span, 'out of range'));
        return null;
      }
      return { value, span: e.span, isFloat };
    }
  }
}

function typeError(span: Spanned['span'], op: string, v: Spanned, report: (d: DiagnosticBuilder) => void): null {
  report(
    diag(
      'WrongArgumentType',
      `\`${op}\` needs numbers, not a ${typeof v.value === 'string' ? 'string' : 'value of that kind'}`,
      span,
      'not a number',
    ),
  );
  return null;
}
