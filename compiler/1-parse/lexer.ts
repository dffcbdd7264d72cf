import { Lexer, type IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { span } from '../source/span.ts';
import { escapeCodePoint, showChar, showText } from './escape.ts';
import { allTokens, NumberLiteral, QuotedName, StringLiteral } from './tokens.ts';

/** The decoded value of a literal token, kept in `token.payload`. */
export type LiteralValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  /** a backquoted name: the text between the backquotes, `{...}` parts not yet filled in */
  | { readonly kind: 'quoted'; readonly value: string };

export interface LexResult {
  /** Tokens in source order, without whitespace and comments. */
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

// Built once: chevrotain analyses the patterns when the lexer is made.
const lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

const INT = /^[0-9]+$/;
const FLOAT = /^(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)$/;
const BYTE_ORDER_MARK = '\uFEFF';

/** Splits `text` into tokens. Never throws; every lexical problem becomes a diagnostic. */
export function lex(file: string, text: string): LexResult {
  // A byte order mark at the start is not part of the program; a space keeps the offsets.
  const source = text.startsWith(BYTE_ORDER_MARK) ? ` ${text.slice(1)}` : text;
  const result = lexer.tokenize(source);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    diagnostics.push(unexpectedCharacters(file, source, error.offset, error.length));
  }
  for (const token of result.tokens) {
    if (token.tokenType === NumberLiteral) token.payload = decodeNumber(file, token, diagnostics);
    else if (token.tokenType === StringLiteral) token.payload = decodeString(file, token, source.length, diagnostics);
    else if (token.tokenType === QuotedName) token.payload = decodeQuotedName(file, token, source.length, diagnostics);
  }
  diagnostics.sort((a, b) => a.labels[0].span.start - b.labels[0].span.start);
  return { tokens: result.tokens, diagnostics };
}

function tokenSpan(file: string, token: IToken) {
  return span(file, token.startOffset, token.startOffset + token.image.length);
}

/** Chevrotain skips a run of characters that start no token; the run is one diagnostic. */
function unexpectedCharacters(file: string, source: string, offset: number, length: number): Diagnostic {
  const run = Array.from(source.slice(offset, offset + length));
  const shown = run.slice(0, 10).map(showChar).join('') + (run.length > 10 ? '…' : '');
  const first = run[0] ?? '';
  const cp = first.codePointAt(0) ?? 0;
  const visibleNonAscii = cp > 0x7f && showChar(first) === first;
  const message =
    run.length === 1
      ? `unexpected character \`${shown}\`${visibleNonAscii ? ` (${escapeCodePoint(cp)})` : ''}`
      : `unexpected characters \`${shown}\``;
  const d = diag('UnexpectedCharacter', message, span(file, offset, offset + length), 'not part of the language');
  if (/^\p{L}/u.test(first)) d.help('names use only ASCII letters, digits and `_`');
  return d.build();
}

function decodeNumber(file: string, token: IToken, diagnostics: Diagnostic[]): LiteralValue {
  const image = token.image;
  const at = tokenSpan(file, token);
  if (INT.test(image)) {
    const value = Number(image);
    if (Number.isSafeInteger(value)) return { kind: 'int', value };
    diagnostics.push(
      diag('InvalidNumber', `integer \`${showText(image)}\` is too large`, at, 'out of range')
        .note(`integers must be at most ${Number.MAX_SAFE_INTEGER}`)
        .build(),
    );
    return { kind: 'int', value: 0 };
  }
  if (FLOAT.test(image)) {
    const value = Number(image);
    if (Number.isFinite(value)) return { kind: 'float', value };
    diagnostics.push(diag('InvalidNumber', `number \`${showText(image)}\` is too large`, at, 'out of range').build());
    return { kind: 'float', value: 0 };
  }
  const d = diag('InvalidNumber', `malformed number \`${showText(image)}\``, at, 'not a number');
  if (/[eE][+-]?$/.test(image)) d.help('an exponent needs digits, e.g. `1e-5`');
  diagnostics.push(d.build());
  return { kind: 'int', value: 0 };
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };

function decodeString(file: string, token: IToken, sourceLength: number, diagnostics: Diagnostic[]): LiteralValue {
  const image = token.image;
  const quote = image[0];
  const closed = image.length >= 2 && image.endsWith(quote) && !endsInsideEscape(image);
  if (!closed) {
    const where = token.startOffset + image.length >= sourceLength ? 'file' : 'line';
    diagnostics.push(
      diag(
        'UnterminatedString',
        `string is not closed before the end of the ${where}`,
        tokenSpan(file, token),
        'unclosed string',
      )
        .help(`add \`${quote}\` where the string ends`)
        .build(),
    );
  }
  const body = image.slice(1, closed ? image.length - 1 : image.length);
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break; // a backslash at the end of an unclosed string: already reported
    if (next in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[next];
      i++;
    } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      const start = token.startOffset + 1 + i;
      const shown = next === 'u' ? '\\u' : `\\${showChar(next)}`;
      diagnostics.push(
        diag('SyntaxError', `unknown escape \`${shown}\` in a string`, span(file, start, start + 2), 'unknown escape')
          .note('the escapes are \\\\ \\\' \\" \\n \\t \\r and \\uXXXX with four hex digits')
          .build(),
      );
      i++;
    }
  }
  return { kind: 'string', value };
}

function decodeQuotedName(file: string, token: IToken, sourceLength: number, diagnostics: Diagnostic[]): LiteralValue {
  const image = token.image;
  const closed = image.length >= 2 && image.endsWith('`');
  if (!closed) {
    const where = token.startOffset + image.length >= sourceLength ? 'file' : 'line';
    diagnostics.push(
      diag(
        'UnterminatedString',
        `quoted name is not closed before the end of the ${where}`,
        tokenSpan(file, token),
        'unclosed name',
      )
        .help('add `` ` `` where the name ends')
        .build(),
    );
  } else if (image.length === 2) {
    diagnostics.push(
      diag('SyntaxError', 'a quoted name cannot be empty', tokenSpan(file, token), 'empty name').build(),
    );
  }
  return { kind: 'quoted', value: image.slice(1, closed ? image.length - 1 : image.length) };
}

/** `"abc\"` ends with a quote that a backslash escapes, so it is not closed. */
function endsInsideEscape(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}
