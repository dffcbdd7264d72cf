/**
 * Turning user-chosen names (layer names, buffer ids, state_dict keys) into text that is safe inside
 * generated JavaScript. Shared by every generator that emits JS source.
 */

/** Words that cannot be identifiers in strict-mode JS, plus names generated code itself relies on. */
const RESERVED = new Set([
  'arguments',
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'eval',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'package',
  'private',
  'protected',
  'public',
  'return',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'undefined',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'NaN',
  'Infinity',
  'Math',
]);

/**
 * A valid JS identifier made of [A-Za-z0-9_] only: every other character becomes `_`, a leading digit
 * (or an empty name) gets a `_` prefix, and reserved words get a `_` suffix. Not injective ("a-b" and
 * "a_b" both give "a_b"): callers that need distinct names must dedupe (see IdentifierScope).
 */
export function safeIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  return id;
}

/**
 * Text that can go inside a `/* ... *\/` or `// ...` comment: line terminators (\n \r \u2028 \u2029)
 * and other control characters become spaces, and every `*\/` is broken up so the comment cannot end early.
 */
export function safeComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').replace(/\*\//g, '* /');
}

/** Hands out distinct safe identifiers: the second name that maps to `x` becomes `x_2`, and so on. */
export class IdentifierScope {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  take(name: string): string {
    const base = safeIdentifier(name);
    let id = base;
    for (let k = 2; this.taken.has(id); k++) id = `${base}_${k}`;
    this.taken.add(id);
    return id;
  }
}
