import type { Expr, Ident, TemplatePart } from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type { Span } from '../source/span.ts';
import { describeValue, type Spanned, typeName, type Value } from './value.ts';

/** The compile-time names in scope: block parameters, loop variables, `w = c * 2` values. */
export type Scope = ReadonlyMap<string, Spanned>;

type Report = (d: DiagnosticBuilder) => void;

/** `range()` and comprehensions make lists of at most this many items (far beyond any network). */
export const MAX_LIST_ITEMS = 100_000;

/** The Python builtins a compile-time expression may call. */
export const BUILTINS = ['range', 'min', 'max', 'int', 'float', 'round', 'abs', 'len', 'bool', 'str'] as const;

const STRING_LIKE_NAMES = new Set(['same', 'valid', 'zeros', 'reflect', 'replicate', 'circular', 'none', 'tanh']);

/**
 * Evaluates an expression to a compile-time value, as Python would: names are block parameters and
 * loop variables; `/` gives a float, `//` and `%` floor; `and`/`or` give an operand; conditional
 * expressions evaluate only the branch taken. Returns null after reporting. `where` words the
 * unknown-name message ("in an argument").
 */
export function evaluate(e: Expr, scope: Scope, report: Report, where = 'in an argument'): Spanned | null {
  return new Evaluator(scope, report, where).value(e);
}

/** A quoted name's text with its `{...}` parts filled in (Python's f-string formatting). */
export function renderName(name: Ident, scope: Scope, report: Report): string | null {
  if (!name.template) return name.name;
  return renderTemplate(name.template, scope, report);
}

export function renderTemplate(parts: readonly TemplatePart[], scope: Scope, report: Report): string | null {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const v = evaluate(part, scope, report, 'in a quoted name');
    if (!v) return null;
    text += formatValue(v);
  }
  return text;
}

/** How Python's str() shows a value: `1`, `1.0`, `True`, `None`, `'a'` inside tuples. */
export function formatValue(v: Spanned): string {
  if (typeof v.value === 'number' && v.isFloat && Number.isInteger(v.value)) return `${v.value}.0`;
  if (typeof v.value === 'string') return v.value;
  return describeValue(v.value);
}

/** Python's truth value. */
export function truthy(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  return v.length > 0;
}

class Evaluator {
  constructor(
    private readonly scope: Scope,
    private readonly report: Report,
    private readonly where: string,
  ) {}

  value(e: Expr): Spanned | null {
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
        const items = this.all(e.items);
        return items && list(items, e.span);
      }
      case 'name':
        return this.name(e);
      case 'neg': {
        const v = this.value(e.operand);
        if (!v) return null;
        if (typeof v.value !== 'number') return typeError(e.span, '-', v, this.report);
        return { value: -v.value, span: e.span, isFloat: v.isFloat };
      }
      case 'binary':
        return this.binary(e);
      case 'compare':
        return this.compare(e);
      case 'logic': {
        // Python: `a or b` is a when a is true, else b; `a and b` is a when a is false, else b
        let last: Spanned | null = null;
        for (const operand of e.operands) {
          last = this.value(operand);
          if (!last) return null;
          if (truthy(last.value) === (e.op === 'or')) return { ...last, span: e.span };
        }
        return last && { ...last, span: e.span };
      }
      case 'not': {
        const v = this.value(e.operand);
        return v && { value: !truthy(v.value), span: e.span, isFloat: false };
      }
      case 'cond': {
        const c = this.value(e.condition);
        if (!c) return null;
        const v = this.value(truthy(c.value) ? e.then : e.otherwise);
        return v && { ...v, span: e.span };
      }
      case 'index':
        return this.index(e);
      case 'call':
        return this.call(e);
      case 'comprehension':
        return this.comprehension(e);
      case 'attr':
        this.report(
          diag('WrongArgumentType', `\`${describeExpr(e)}\` is not a compile-time value`, e.span, 'not a value').help(
            'compile-time values are numbers, strings, True/False, None, tuples and block parameters',
          ),
        );
        return null;
    }
  }

  private all(items: readonly Expr[]): Spanned[] | null {
    const out: Spanned[] = [];
    for (const item of items) {
      const v = this.value(item);
      if (!v) return null;
      out.push(v);
    }
    return out;
  }

  private name(e: Extract<Expr, { kind: 'name' }>): Spanned | null {
    const name = e.template ? renderTemplate(e.template, this.scope, this.report) : e.name;
    if (name === null) return null;
    const bound = this.scope.get(name);
    if (bound) return { ...bound, span: e.span };
    const guess = didYouMean(name, this.scope.keys());
    this.report(
      diag('UnknownName', `unknown name \`${name}\` ${this.where}`, e.span, 'not defined here').help(
        STRING_LIKE_NAMES.has(name)
          ? `strings need quotes: write '${name}'`
          : guess
            ? `did you mean \`${guess}\`?`
            : this.scope.size
              ? `the names in scope are: ${[...this.scope.keys()].join(', ')}`
              : 'arguments outside a block are literals: numbers, strings, True/False, None, tuples',
      ),
    );
    return null;
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): Spanned | null {
    const l = this.value(e.left);
    const r = this.value(e.right);
    if (!l || !r) return null;
    // sequences: `(1, 2) + (3,)`, `(0,) * 3`, `'a' + 'b'`
    if (e.op === '+' && Array.isArray(l.value) && Array.isArray(r.value)) {
      return list([...(l.items ?? []), ...(r.items ?? [])], e.span);
    }
    if (e.op === '+' && typeof l.value === 'string' && typeof r.value === 'string') {
      return { value: l.value + r.value, span: e.span, isFloat: false };
    }
    if (e.op === '*' && (Array.isArray(l.value) || Array.isArray(r.value))) {
      const [seq, times] = Array.isArray(l.value) ? [l, r] : [r, l];
      if (typeof times.value !== 'number' || times.isFloat) return typeError(times.span, '*', times, this.report);
      const n = Math.max(0, times.value) * (seq.items?.length ?? 0);
      if (n > MAX_LIST_ITEMS) return tooLong(e.span, n, this.report);
      return list(Array.from({ length: Math.max(0, times.value) }, () => seq.items ?? []).flat(), e.span);
    }
    if (typeof l.value !== 'number') return typeError(e.left.span, e.op, l, this.report);
    if (typeof r.value !== 'number') return typeError(e.right.span, e.op, r, this.report);
    const a = l.value;
    const b = r.value;
    const isFloat = l.isFloat || r.isFloat || e.op === '/';
    if ((e.op === '/' || e.op === '//' || e.op === '%') && b === 0) {
      this.report(diag('InvalidArgumentValue', 'division by zero in an argument', e.span, 'divides by zero'));
      return null;
    }
    const value: Value =
      e.op === '+'
        ? a + b
        : e.op === '-'
          ? a - b
          : e.op === '*'
            ? a * b
            : e.op === '/'
              ? a / b
              : e.op === '//'
                ? Math.floor(a / b)
                : a - b * Math.floor(a / b);
    if (!Number.isFinite(value) || (!isFloat && !Number.isSafeInteger(value))) {
      this.report(diag('InvalidArgumentValue', 'an argument computes a number out of range', e.span, 'out of range'));
      return null;
    }
    return { value, span: e.span, isFloat };
  }

  private compare(e: Extract<Expr, { kind: 'compare' }>): Spanned | null {
    const operands = this.all(e.operands);
    if (!operands) return null;
    for (let i = 0; i < e.operators.length; i++) {
      const [a, b] = [operands[i], operands[i + 1]];
      const op = e.operators[i];
      let holds: boolean;
      if (op === '==' || op === '!=') holds = sameValue(a.value, b.value) === (op === '==');
      else {
        const comparable =
          (typeof a.value === 'number' && typeof b.value === 'number') ||
          (typeof a.value === 'string' && typeof b.value === 'string');
        if (!comparable) {
          this.report(
            diag(
              'WrongArgumentType',
              `\`${op}\` compares numbers (or two strings), not ${typeName(a)} and ${typeName(b)}`,
              joinAt(a.span, b.span),
              'cannot compare',
            ),
          );
          return null;
        }
        const x = a.value as number | string;
        const y = b.value as number | string;
        holds = op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      }
      if (!holds) return { value: false, span: e.span, isFloat: false };
    }
    return { value: true, span: e.span, isFloat: false };
  }

  private index(e: Extract<Expr, { kind: 'index' }>): Spanned | null {
    const obj = this.value(e.object);
    const idx = this.value(e.index);
    if (!obj || !idx) return null;
    if (typeof idx.value !== 'number' || idx.isFloat) return typeError(idx.span, '[]', idx, this.report);
    const items: readonly Spanned[] | null =
      typeof obj.value === 'string'
        ? [...obj.value].map((c) => ({ value: c, span: obj.span, isFloat: false }))
        : (obj.items ?? null);
    if (!items) {
      this.report(
        diag(
          'WrongArgumentType',
          `${typeName(obj)} ${describeValue(obj.value)} cannot be indexed`,
          e.span,
          'not a sequence',
        ),
      );
      return null;
    }
    const i = idx.value < 0 ? items.length + idx.value : idx.value;
    if (i < 0 || i >= items.length) {
      this.report(
        diag(
          'InvalidArgumentValue',
          `index ${idx.value} is out of range for ${items.length} item${items.length === 1 ? '' : 's'}`,
          idx.span,
          'out of range',
        ),
      );
      return null;
    }
    return { ...items[i], span: e.span };
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Spanned | null {
    const fn = e.callee.kind === 'name' && !e.callee.template ? e.callee.name : null;
    if (fn === null || !(BUILTINS as readonly string[]).includes(fn)) {
      this.report(
        diag(
          'WrongArgumentType',
          `\`${describeExpr(e.callee)}(...)\` is not a compile-time value`,
          e.span,
          'not a value here',
        ).note(`the functions of compile-time values are ${BUILTINS.join(', ')}`),
      );
      return null;
    }
    if (e.args.some((a) => a.name !== null)) {
      this.report(diag('UnknownArgument', `\`${fn}()\` takes no keyword arguments here`, e.span, 'keyword argument'));
      return null;
    }
    const args: Spanned[] = [];
    for (const a of e.args) {
      const v = this.value(a.value);
      if (!v) return null;
      if (a.splat) {
        if (!v.items) return typeError(a.span, '*', v, this.report);
        args.push(...v.items);
      } else args.push(v);
    }
    return builtin(fn, args, e.span, this.report);
  }

  private comprehension(e: Extract<Expr, { kind: 'comprehension' }>): Spanned | null {
    const iter = this.value(e.iter);
    if (!iter) return null;
    const items = iterItems(iter, this.report);
    if (!items) return null;
    const out: Spanned[] = [];
    for (const item of items) {
      const inner = bindTargets(e.targets, item, this.scope, this.report);
      if (!inner) return null;
      const nested = new Evaluator(inner, this.report, this.where);
      if (e.filter) {
        const keep = nested.value(e.filter);
        if (!keep) return null;
        if (!truthy(keep.value)) continue;
      }
      const v = nested.value(e.element);
      if (!v) return null;
      out.push(v);
    }
    return list(out, e.span);
  }
}

/** The items a `for` loop or comprehension walks: a list, a tuple or a string. */
export function iterItems(v: Spanned, report: Report): readonly Spanned[] | null {
  if (v.items) return v.items;
  if (typeof v.value === 'string') return [...v.value].map((c) => ({ value: c, span: v.span, isFloat: false }));
  report(
    diag(
      'WrongArgumentType',
      `a loop walks a list, a tuple or range(...), not ${typeName(v)} ${describeValue(v.value)}`,
      v.span,
      'not iterable',
    ).help(typeof v.value === 'number' ? `write range(${v.value})` : 'write range(n) or a tuple of values'),
  );
  return null;
}

/** The scope with `targets` bound to `item` (unpacked when there are several targets). */
export function bindTargets(
  targets: readonly Ident[],
  item: Spanned,
  scope: Scope,
  report: Report,
): Map<string, Spanned> | null {
  const inner = new Map(scope);
  if (targets.length === 1) {
    inner.set(targets[0].name, item);
    return inner;
  }
  const parts = item.items;
  if (!parts || parts.length !== targets.length) {
    const got = parts ? `${parts.length}` : `a ${typeName(item)}`;
    report(
      diag(
        'WrongArgumentType',
        parts && parts.length < targets.length
          ? `not enough values to unpack (expected ${targets.length}, got ${got})`
          : parts
            ? `too many values to unpack (expected ${targets.length})`
            : `cannot unpack ${got} into ${targets.length} names`,
        item.span,
        `${targets.length} names`,
      ),
    );
    return null;
  }
  targets.forEach((t, i) => inner.set(t.name, parts[i]));
  return inner;
}

function builtin(fn: string, args: readonly Spanned[], at: Span, report: Report): Spanned | null {
  const num = (v: Spanned): number | null => {
    if (typeof v.value === 'number') return v.value;
    if (typeof v.value === 'boolean') return v.value ? 1 : 0;
    typeError(v.span, `${fn}()`, v, report);
    return null;
  };
  const int = (v: number): Spanned => ({ value: v, span: at, isFloat: false });
  const arity = (min: number, max: number): boolean => {
    if (args.length >= min && args.length <= max) return true;
    report(
      diag(
        'TooManyArguments',
        `\`${fn}()\` takes ${min === max ? min : `${min} to ${max}`} arguments, not ${args.length}`,
        at,
        'wrong count',
      ),
    );
    return false;
  };
  switch (fn) {
    case 'range': {
      if (!arity(1, 3)) return null;
      const ns = args.map(num);
      if (ns.some((n, i) => n === null || args[i].isFloat || !Number.isInteger(n))) {
        report(diag('WrongArgumentType', 'range() takes integers', at, 'not an int'));
        return null;
      }
      const [start, stop, step] = args.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
      if (step === 0) {
        report(diag('InvalidArgumentValue', 'range() arg 3 must not be zero', at, 'step 0'));
        return null;
      }
      const n = Math.max(0, Math.ceil((stop - start) / step));
      if (n > MAX_LIST_ITEMS) return tooLong(at, n, report);
      return list(
        Array.from({ length: n }, (_, i) => int(start + i * step)),
        at,
      );
    }
    case 'min':
    case 'max': {
      const items = args.length === 1 && args[0].items ? args[0].items : args;
      if (items.length === 0) {
        report(diag('InvalidArgumentValue', `${fn}() of nothing`, at, 'empty'));
        return null;
      }
      let best = items[0];
      for (const v of items) {
        const [a, b] = [num(v), num(best)];
        if (a === null || b === null) return null;
        if (fn === 'min' ? a < b : a > b) best = v;
      }
      return { ...best, span: at };
    }
    case 'int':
    case 'float':
    case 'round':
    case 'abs': {
      if (!arity(1, fn === 'round' ? 2 : 1)) return null;
      const x = num(args[0]);
      if (x === null) return null;
      if (fn === 'int') return int(Math.trunc(x));
      if (fn === 'float') return { value: x, span: at, isFloat: true };
      if (fn === 'abs') return { value: Math.abs(x), span: at, isFloat: args[0].isFloat };
      // Python rounds half to even
      const digits = args[1] ? num(args[1]) : null;
      if (digits !== null && digits !== undefined) {
        const f = 10 ** digits;
        return { value: roundHalfEven(x * f) / f, span: at, isFloat: true };
      }
      return int(roundHalfEven(x));
    }
    case 'len': {
      if (!arity(1, 1)) return null;
      const v = args[0];
      if (typeof v.value === 'string') return int(v.value.length);
      if (!v.items) return typeError(v.span, 'len()', v, report);
      return int(v.items.length);
    }
    case 'bool':
      if (!arity(1, 1)) return null;
      return { value: truthy(args[0].value), span: at, isFloat: false };
    case 'str':
      if (!arity(1, 1)) return null;
      return { value: formatValue(args[0]), span: at, isFloat: false };
  }
  return null;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sameValue(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  // Python: True == 1
  const n = (v: Value) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
  return n(a) === n(b);
}

function list(items: readonly Spanned[], at: Span): Spanned {
  return { value: items.map((i) => i.value), span: at, isFloat: false, items };
}

function tooLong(at: Span, n: number, report: Report): null {
  report(
    diag(
      'SizeLimit',
      `a list of ${n} items is more than the ${MAX_LIST_ITEMS} a compile-time value may hold`,
      at,
      'too long',
    ),
  );
  return null;
}

function joinAt(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** `F.relu`, `x.chunk` as written, for messages. */
export function describeExpr(e: Expr): string {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'attr') return `${describeExpr(e.object)}.${e.name.name}`;
  if (e.kind === 'call') return `${describeExpr(e.callee)}(...)`;
  return '...';
}

function typeError(span: Spanned['span'], op: string, v: Spanned, report: Report): null {
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
