/**
 * The only three ways user-written text (model names, node ids, buffer ids, param keys) may enter
 * generated JavaScript. Everything else in generated code is a number (see emit.ts `int`/`num`).
 */

/**
 * A JavaScript string literal for `name`, for use as a property key: `obj[${jsString(name)}]`.
 * JSON.stringify escapes quotes, backslashes, control characters and lone surrogates; it leaves
 * U+2028/U+2029 raw (legal in ES2019+ string literals), which we escape too so the text also survives
 * older tooling that may re-read it as a script.
 */
export function jsString(name: string): string {
  return JSON.stringify(String(name))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Text safe inside both a `//` line comment and a `/* *\/` block comment: no line terminators
 * (\n, \r, U+2028, U+2029) and no comment close.
 */
export function safeComment(text: string): string {
  let s = String(text).replace(/[\n\r\u2028\u2029]/g, ' ');
  // repeat: removing one `*/` must not splice a new one together (e.g. `**//`)
  while (s.includes('*/')) s = s.replace(/\*\//g, '* /');
  return s;
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with yield let static implements interface package private protected public ' +
    'await async of get set arguments eval undefined NaN Infinity Math Object Array Float32Array ' +
    'Float64Array Int32Array globalThis process require module exports'
  ).split(' '),
);

/**
 * A fresh identifier made from `name`: characters outside [A-Za-z0-9_] become `_`, a leading digit or
 * reserved word gets a `_` prefix, and a counter suffix keeps it distinct from everything in `used`
 * (which it is added to).
 */
export function safeIdentifier(name: string, used: Set<string>): string {
  let base = String(name).replace(/[^A-Za-z0-9_]/g, '_');
  if (base === '' || /^[0-9]/.test(base) || RESERVED.has(base)) base = `_${base}`;
  let id = base;
  for (let i = 1; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}
