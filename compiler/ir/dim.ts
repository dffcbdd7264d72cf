/**
 * A tensor dimension: a known integer, or a symbolic expression over named sizes (`N`, `H`).
 * Symbolic expressions carry through shape inference so `[N, 16, H/2, W/2]`-style shapes can be shown,
 * and are evaluated once concrete sizes arrive at run time.
 */
export type Dim = number | SymExpr;

export type SymExpr =
  | { readonly kind: 'sym'; readonly name: string }
  /** sum of terms plus a constant */
  | { readonly kind: 'sum'; readonly terms: readonly SymExpr[]; readonly constant: number }
  | { readonly kind: 'mul'; readonly factor: number; readonly operand: SymExpr }
  | { readonly kind: 'floordiv'; readonly operand: SymExpr; readonly divisor: number }
  | { readonly kind: 'ceildiv'; readonly operand: SymExpr; readonly divisor: number }
  | { readonly kind: 'prod'; readonly factors: readonly SymExpr[] }
  | { readonly kind: 'min'; readonly a: Dim; readonly b: Dim };

export function sym(name: string): SymExpr {
  return { kind: 'sym', name };
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const terms: SymExpr[] = [];
  let constant = 0;
  for (const x of [a, b]) {
    if (typeof x === 'number') constant += x;
    else if (x.kind === 'sum') {
      terms.push(...x.terms);
      constant += x.constant;
    } else terms.push(x);
  }
  if (terms.length === 0) return constant;
  if (terms.length === 1 && constant === 0) return terms[0];
  return { kind: 'sum', terms, constant };
}

export function mul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'number') return scale(b as SymExpr, a);
  if (typeof b === 'number') return scale(a, b);
  const factors = [...(a.kind === 'prod' ? a.factors : [a]), ...(b.kind === 'prod' ? b.factors : [b])];
  return { kind: 'prod', factors };
}

function scale(e: SymExpr, k: number): Dim {
  if (k === 0) return 0;
  if (k === 1) return e;
  if (e.kind === 'mul') return scale(e.operand, e.factor * k);
  return { kind: 'mul', factor: k, operand: e };
}

export function floorDiv(a: Dim, d: number): Dim {
  if (typeof a === 'number') return Math.floor(a / d);
  if (d === 1) return a;
  return { kind: 'floordiv', operand: a, divisor: d };
}

export function ceilDiv(a: Dim, d: number): Dim {
  if (typeof a === 'number') return Math.ceil(a / d);
  if (d === 1) return a;
  return { kind: 'ceildiv', operand: a, divisor: d };
}

export function min(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  if (dimToString(a) === dimToString(b)) return a;
  return { kind: 'min', a, b };
}

/** Substitutes known sizes; returns a number once every symbol is bound. */
export function evaluate(d: Dim, bindings: ReadonlyMap<string, number>): Dim {
  if (typeof d === 'number') return d;
  switch (d.kind) {
    case 'sym':
      return bindings.get(d.name) ?? d;
    case 'sum':
      return d.terms.reduce<Dim>((acc, t) => add(acc, evaluate(t, bindings)), d.constant);
    case 'mul':
      return mul(d.factor, evaluate(d.operand, bindings));
    case 'prod':
      return d.factors.reduce<Dim>((acc, t) => mul(acc, evaluate(t, bindings)), 1);
    case 'floordiv':
      return floorDiv(evaluate(d.operand, bindings), d.divisor);
    case 'ceildiv':
      return ceilDiv(evaluate(d.operand, bindings), d.divisor);
    case 'min':
      return min(evaluate(d.a, bindings), evaluate(d.b, bindings));
  }
}

/** The symbols a dimension depends on. */
export function symbolsOf(d: Dim, out = new Set<string>()): Set<string> {
  if (typeof d === 'number') return out;
  switch (d.kind) {
    case 'sym':
      out.add(d.name);
      break;
    case 'sum':
      d.terms.forEach((t) => symbolsOf(t, out));
      break;
    case 'prod':
      d.factors.forEach((t) => symbolsOf(t, out));
      break;
    case 'min':
      symbolsOf(d.a, out);
      symbolsOf(d.b, out);
      break;
    default:
      symbolsOf(d.operand, out);
  }
  return out;
}

/** Human-readable form, e.g. `floor((H - 1)/2) + 1`. */
export function dimToString(d: Dim): string {
  if (typeof d === 'number') return String(d);
  switch (d.kind) {
    case 'sym':
      return d.name;
    case 'sum': {
      let s = d.terms.map((t, i) => (i === 0 ? dimToString(t) : ` + ${dimToString(t)}`)).join('');
      if (d.constant > 0) s += ` + ${d.constant}`;
      else if (d.constant < 0) s += ` - ${-d.constant}`;
      return s;
    }
    case 'mul':
      return `${d.factor}*${wrap(d.operand)}`;
    case 'prod':
      return d.factors.map(wrap).join('*');
    case 'floordiv':
      return `floor(${wrap(d.operand)}/${d.divisor})`;
    case 'ceildiv':
      return `ceil(${wrap(d.operand)}/${d.divisor})`;
    case 'min':
      return `min(${dimToString(d.a)}, ${dimToString(d.b)})`;
  }
}

function wrap(d: SymExpr): string {
  return d.kind === 'sum' ? `(${dimToString(d)})` : dimToString(d);
}

/** Structural equality: true/false when decidable, null when it depends on symbol values. */
export function dimsEqual(a: Dim, b: Dim): boolean | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (dimToString(a) === dimToString(b)) return true;
  return null;
}

export type Shape = readonly Dim[];

export function shapeToString(s: Shape): string {
  return `[${s.map(dimToString).join(', ')}]`;
}

/** JSON form of a shape: numbers stay numbers, symbolic dims become strings. */
export function shapeToJson(s: Shape): (number | string)[] {
  return s.map((d) => (typeof d === 'number' ? d : dimToString(d)));
}

export function numel(s: Shape): Dim {
  return s.reduce<Dim>((acc, d) => mul(acc, d), 1);
}
