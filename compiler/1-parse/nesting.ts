import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.ts';

/** Brackets (and prefix signs) nest at most this deep, so the recursive parser cannot overflow. */
export const MAX_NESTING = 64;

const OPENERS = new Set([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Set([T.RParen, T.RBracket, T.RBrace]);

/**
 * The first token at which `(`, `[` and `{` nest deeper than MAX_NESTING, if any. A run of `+`,
 * `-` and `not` counts too: each is one more level of a recursive rule; so does each `else` of a
 * chain of conditional expressions (`a if p else b if q else ...` nests to the right).
 */
export function firstTooDeep(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  let signs = 0;
  let ternaries = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (OPENERS.has(t.tokenType)) depth++;
    else if (CLOSERS.has(t.tokenType)) depth = Math.max(0, depth - 1);
    signs = t.tokenType === T.Minus || t.tokenType === T.Plus || t.tokenType === T.Not ? signs + 1 : 0;
    if (t.tokenType === T.Else && !BLOCK_AFTER_ELSE.has(tokens[i + 1]?.tokenType)) ternaries++;
    else if (STATEMENT_EDGES.has(t.tokenType)) ternaries = 0;
    if (depth + signs + ternaries > MAX_NESTING) return t;
  }
  return undefined;
}

/** `else {` and `else if` belong to an if statement, not to a conditional expression. */
const BLOCK_AFTER_ELSE = new Set<TokenType | undefined>([T.LBrace, T.If]);
const STATEMENT_EDGES = new Set<TokenType>([T.LBrace, T.RBrace, T.Semicolon, T.Colon, T.Arrow]);
