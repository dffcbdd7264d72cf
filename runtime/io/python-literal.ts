/**
 * A tiny, strict parser for the Python literal subset that .npy headers use
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`). Never evaluates anything.
 */

export type PyValue =
  | string
  | bigint
  | boolean
  | null
  | { readonly kind: 'tuple'; readonly items: readonly PyValue[] }
  | { readonly kind: 'list'; readonly items: readonly PyValue[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyValue> };

/** Thrown with a short description of what is wrong and where (character offset). */
export class PyLiteralError extends Error {
  override readonly name = 'PyLiteralError';
}

/** Hostile headers could nest brackets deeply; real ones nest at most three levels. */
const MAX_DEPTH = 32;

/** Parses `text` as exactly one literal surrounded by optional whitespace. */
export function parsePythonLiteral(text: string): PyValue {
  let pos = 0;

  const error = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${pos}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos])) pos++;
  };
  const expect = (c: string): void => {
    skipSpace();
    if (text[pos] !== c) error(`expected '${c}' but found ${describe()}`);
    pos++;
  };
  const describe = (): string => (pos >= text.length ? 'the end of the header' : `'${text[pos]}'`);

  /** Items separated by commas up to `close`, allowing a trailing comma; reports whether one was seen. */
  const sequence = (close: string, item: () => void): { trailingComma: boolean; count: number } => {
    let count = 0;
    let trailingComma = false;
    skipSpace();
    while (text[pos] !== close) {
      item();
      count++;
      skipSpace();
      trailingComma = false;
      if (text[pos] === ',') {
        pos++;
        trailingComma = true;
        skipSpace();
      } else if (text[pos] !== close) {
        error(`expected ',' or '${close}' but found ${describe()}`);
      }
    }
    pos++;
    return { trailingComma, count };
  };

  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) error(`nesting deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries = new Map<string, PyValue>();
      sequence('}', () => {
        skipSpace();
        const keyAt = pos;
        const key = value(depth + 1);
        if (typeof key !== 'string') {
          pos = keyAt;
          error('dictionary keys must be strings');
        }
        if (entries.has(key as string)) {
          pos = keyAt;
          error(`duplicate key '${key as string}'`);
        }
        expect(':');
        entries.set(key as string, value(depth + 1));
      });
      return { kind: 'dict', entries };
    }
    if (c === '(' || c === '[') {
      pos++;
      const items: PyValue[] = [];
      const { trailingComma, count } = sequence(c === '(' ? ')' : ']', () => {
        items.push(value(depth + 1));
      });
      // `(x)` is just x in parentheses; only `(x,)` is a one-element tuple.
      if (c === '(' && count === 1 && !trailingComma) return items[0];
      return { kind: c === '(' ? 'tuple' : 'list', items };
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) error('unterminated string');
      const s = text.slice(pos + 1, end);
      if (s.includes('\\') || s.includes('\n')) error('escape sequences and newlines in strings are not supported');
      pos = end + 1;
      return s;
    }
    const word = /^(-?[0-9]+)L?|^[A-Za-z_]+/.exec(text.slice(pos, pos + 64));
    if (!word) error(`unexpected ${describe()}`);
    const [matched, digits] = word!;
    if (digits !== undefined) {
      if (/^-?0[0-9]/.test(digits)) error(`integer with a leading zero '${digits}'`);
      pos += matched.length;
      return BigInt(digits);
    }
    if (matched === 'True' || matched === 'False' || matched === 'None') {
      pos += matched.length;
      return matched === 'True' ? true : matched === 'False' ? false : null;
    }
    return error(`unexpected name '${matched}' (only True, False and None are allowed)`);
  };

  const result = value(0);
  skipSpace();
  if (pos < text.length) error(`unexpected ${describe()} after the literal`);
  return result;
}
