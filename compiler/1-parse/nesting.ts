import type { IToken } from 'chevrotain';
import * as T from './tokens.ts';

/** Brackets (and prefix signs) nest at most this deep, so the recursive parser cannot overflow. */
export const MAX_NESTING = 64;

const OPENERS = new Set([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Set([T.RParen, T.RBracket, T.RBrace]);

/**
 * The first token at which `(`, `[` and `{` nest deeper than MAX_NESTING, if any. A run of `+`
 * and `-` counts too: each sign is one more level of the recursive `unary` rule.
 */
export function firstTooDeep(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  let signs = 0;
  for (const t of tokens) {
    if (OPENERS.has(t.tokenType)) depth++;
    else if (CLOSERS.has(t.tokenType)) depth = Math.max(0, depth - 1);
    signs = t.tokenType === T.Minus || t.tokenType === T.Plus ? signs + 1 : 0;
    if (depth + signs > MAX_NESTING) return t;
  }
  return undefined;
}
