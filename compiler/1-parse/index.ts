import type { IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { span } from '../source/span.ts';
import type { BlockDecl, ModelDecl, Program } from './ast.ts';
import { AstBuilder } from './cst-to-ast.ts';
import { showText } from './escape.ts';
import { parseDeclaration as parseTokens } from './grammar/parser.ts';
import { lex } from './lexer.ts';
import { firstTooDeep, MAX_NESTING } from './nesting.ts';
import { DeclTokens, syntaxDiagnostic } from './syntax-errors.ts';
import * as T from './tokens.ts';

export type * from './ast.ts';

/** More than this many parse diagnostics are not reported: the rest are mostly follow-on noise. */
export const MAX_PARSE_DIAGNOSTICS = 50;

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one .cnn file. Never throws: every problem is a diagnostic. With syntax errors the
 * program is best effort: it holds what error recovery could read, and leaves out statements
 * (or whole declarations) that recovery could not complete.
 */
export function parse(file: string, text: string): ParseResult {
  try {
    return parseProgram(file, text);
  } catch (err) {
    // A bug here must not take the compiler down with a stack trace; say so as a diagnostic.
    const why = err instanceof Error ? err.message : String(err);
    const d = diag(
      'SyntaxError',
      `the parser failed on this file (internal error: ${showText(why, 80)})`,
      span(file, 0, 0),
    )
      .note('this is a bug in cnnc; please report it with the file')
      .build();
    return { program: { file, decls: [] }, diagnostics: [d] };
  }
}

function parseProgram(file: string, text: string): ParseResult {
  const { tokens, diagnostics: lexical } = lex(file, text);
  const syntax: Diagnostic[] = [];
  const decls: (ModelDecl | BlockDecl)[] = [];

  // Each declaration is parsed on its own, so an error in one cannot swallow the next.
  const starts = declarationStarts(tokens);
  const firstStart = starts[0] ?? tokens.length;
  if (firstStart > 0) {
    const t = tokens[0];
    syntax.push(
      diag(
        'SyntaxError',
        `expected \`model\` or \`block\`, found \`${showText(t.image)}\``,
        tokenSpan(file, t),
        'expected a declaration',
      )
        .help('a file holds `model Name { ... }` and `block Name(...) { ... }` declarations')
        .build(),
    );
  }

  // lexical is sorted by offset: [lexicalFrom, lexicalTo) are those inside the declaration.
  let lexicalTo = 0;
  for (let k = 0; k < starts.length; k++) {
    const declTokens = tokens.slice(starts[k], starts[k + 1] ?? tokens.length);
    const after: IToken | undefined = tokens[starts[k + 1]];
    const lexicalFrom = advance(lexical, lexicalTo, declTokens[0].startOffset);
    lexicalTo = advance(lexical, lexicalFrom, after?.startOffset ?? Infinity);
    if (syntax.length + lexicalFrom >= MAX_PARSE_DIAGNOSTICS) break;

    const deep = firstTooDeep(declTokens);
    if (deep) {
      syntax.push(
        diag('SyntaxError', `nesting deeper than ${MAX_NESTING} levels`, tokenSpan(file, deep), 'too deep')
          .note('brackets and `+`/`-` signs may nest at most 64 levels; this declaration was not parsed')
          .build(),
      );
      continue;
    }
    const decl = parseDeclaration(
      new DeclTokens(file, text.length, declTokens, after),
      lexical.slice(lexicalFrom, lexicalTo),
      syntax,
    );
    if (decl) decls.push(decl);
  }

  const diagnostics = [...lexical, ...syntax]
    .sort((a, b) => a.labels[0].span.start - b.labels[0].span.start)
    .slice(0, MAX_PARSE_DIAGNOSTICS);
  return { program: { file, decls }, diagnostics };
}

/**
 * Parses one declaration; its syntax errors go to `out`, at most one per statement. `lexical`
 * holds the lexical diagnostics inside it.
 */
function parseDeclaration(
  decl: DeclTokens,
  lexical: readonly Diagnostic[],
  out: Diagnostic[],
): ModelDecl | BlockDecl | null {
  const { cst, errors } = parseTokens(decl.tokens);

  // A statement with a lexical error gets no syntax errors after it: they would only echo it.
  const declEnd = decl.after?.startOffset ?? Infinity;
  const lexicalAt = new Map<number, number>();
  const lexicalTokens = new Set<number>();
  for (const d of lexical) {
    const { start: at, end } = d.labels[0].span;
    lexicalTokens.add(at);
    // Also the statement of a token glued to the bad text: in `größe:` that is `e:`.
    for (const stmt of [decl.statementAtOffset(at), decl.statementAtOffset(end)]) {
      if (!lexicalAt.has(stmt)) lexicalAt.set(stmt, at);
    }
  }

  const seen = new Set<number>();
  for (const e of errors) {
    // Tokens left after the declaration are a separate mistake from any inside it.
    const stmt = e.name === 'NotAllInputParsedException' ? -1 : decl.statementOf(e);
    if (seen.has(stmt)) continue;
    seen.add(stmt);
    const at = Number.isFinite(e.token?.startOffset) ? e.token.startOffset : declEnd;
    const lexicalStart = lexicalAt.get(stmt);
    if (lexicalStart !== undefined && at >= lexicalStart) continue;
    if (lexicalTokens.has(at)) continue; // the token itself is malformed and already reported
    out.push(syntaxDiagnostic(e, decl));
  }

  if (!cst) return null;
  const builder = new AstBuilder(decl.file);
  const result = builder.declaration(cst);
  out.push(...builder.diagnostics);
  return result;
}

/**
 * Where declarations start: every `model` or `block` outside braces, and inside braces one that
 * reads as a declaration header (`block Name(`, `model Name {`), which is a declaration after a
 * missing `}`. Anywhere else `block` and `model` are names (torchvision calls many a submodule
 * `block`).
 */
function declarationStarts(tokens: readonly IToken[]): number[] {
  const starts: number[] = [];
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.tokenType === T.LBrace) depth++;
    else if (t.tokenType === T.RBrace) depth = Math.max(0, depth - 1);
    if (t.tokenType !== T.Model && t.tokenType !== T.Block) return;
    const header =
      tokens[i + 1]?.tokenType === T.Identifier &&
      tokens[i + 2]?.tokenType === (t.tokenType === T.Model ? T.LBrace : T.LParen);
    if (depth === 0 || header) {
      starts.push(i);
      depth = 0;
    }
  });
  return starts;
}

/** The first index from `from` on whose diagnostic starts at or after `offset`. */
function advance(sorted: readonly Diagnostic[], from: number, offset: number): number {
  let i = from;
  while (i < sorted.length && sorted[i].labels[0].span.start < offset) i++;
  return i;
}

function tokenSpan(file: string, t: IToken) {
  return span(file, t.startOffset, t.startOffset + t.image.length);
}
