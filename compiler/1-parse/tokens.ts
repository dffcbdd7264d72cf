import { createToken, Lexer, type TokenType } from 'chevrotain';

/** The token vocabulary of .cnn, shared by the lexer and the parser. */

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// Keywords are reserved: `longer_alt` keeps `models` or `input_1` an identifier.
export const Model = createToken({ name: 'Model', pattern: /model/, longer_alt: Identifier });
export const Block = createToken({ name: 'Block', pattern: /block/, longer_alt: Identifier });
export const Input = createToken({ name: 'Input', pattern: /input/, longer_alt: Identifier });
export const Output = createToken({ name: 'Output', pattern: /output/, longer_alt: Identifier });
export const Weights = createToken({ name: 'Weights', pattern: /weights/, longer_alt: Identifier });
export const True = createToken({ name: 'True', pattern: /[Tt]rue/, longer_alt: Identifier });
export const False = createToken({ name: 'False', pattern: /[Ff]alse/, longer_alt: Identifier });
export const None = createToken({ name: 'None', pattern: /None/, longer_alt: Identifier });
// Python's statement and operator keywords, for loops, conditions and value expressions
export const For = createToken({ name: 'For', pattern: /for/, longer_alt: Identifier });
export const In = createToken({ name: 'In', pattern: /in/, longer_alt: Identifier });
export const If = createToken({ name: 'If', pattern: /if/, longer_alt: Identifier });
export const Elif = createToken({ name: 'Elif', pattern: /elif/, longer_alt: Identifier });
export const Else = createToken({ name: 'Else', pattern: /else/, longer_alt: Identifier });
export const And = createToken({ name: 'And', pattern: /and/, longer_alt: Identifier });
export const Or = createToken({ name: 'Or', pattern: /or/, longer_alt: Identifier });
export const Not = createToken({ name: 'Not', pattern: /not/, longer_alt: Identifier });

/**
 * A name in backquotes, for PyTorch module names that are not identifiers (RegNet's `block1-0`), with
 * `{expression}` parts filled in where it is used (`` `denselayer{i + 1}` ``). Closed or not: an
 * unclosed one stops at the end of the line and the lexer wrapper reports it.
 */
export const QuotedName = createToken({ name: 'QuotedName', pattern: /`[^`\r\n]*`?/ });

/**
 * Anything that starts like a number, up to where a number could not go on (`1.2.3`, `1e`, `3x`
 * are one token). The lexer wrapper checks its form and range, so a malformed number gives one
 * InvalidNumber diagnostic instead of a cascade of syntax errors.
 */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]*)?[0-9A-Za-z_.]*/,
});

/**
 * A string, closed or not: an unclosed one stops at the end of the line and the lexer wrapper
 * reports it, so lexing goes on after it. A backslash escapes any character but a line break.
 */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?|'(?:[^'\\\r\n]|\\[^\r\n]?)*'?/,
});

export const Arrow = createToken({ name: 'Arrow', pattern: /<-/ });
// comparisons: two-character ones before `<`, `>` and `=`
export const EqualEqual = createToken({ name: 'EqualEqual', pattern: /==/ });
export const NotEqual = createToken({ name: 'NotEqual', pattern: /!=/ });
export const LessEqual = createToken({ name: 'LessEqual', pattern: /<=/ });
export const GreaterEqual = createToken({ name: 'GreaterEqual', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
// `//` before `/` so floor division is one token.
export const DoubleSlash = createToken({ name: 'DoubleSlash', pattern: /\/\// });
export const Slash = createToken({ name: 'Slash', pattern: /\// });

/** Order matters: keywords before Identifier (`input` before `in`), `//` before `/`, `<-`/`<=` before `<`. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Model,
  Block,
  Input,
  Output,
  Weights,
  True,
  False,
  None,
  For,
  // `input` before `in`, `elif` and `else` before nothing shorter: longer_alt keeps `index` a name
  In,
  If,
  Elif,
  Else,
  And,
  Or,
  Not,
  Identifier,
  NumberLiteral,
  StringLiteral,
  QuotedName,
  Arrow,
  EqualEqual,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
  Percent,
  Semicolon,
  Equals,
  Plus,
  Minus,
  Star,
  DoubleSlash,
  Slash,
];

/** How a token reads in a message: keywords and punctuation as themselves, the rest by kind. */
export const tokenDescriptions: ReadonlyMap<TokenType, string> = new Map([
  [Identifier, 'a name'],
  [NumberLiteral, 'a number'],
  [StringLiteral, 'a string'],
  [QuotedName, 'a quoted name'],
  [For, '`for`'],
  [In, '`in`'],
  [If, '`if`'],
  [Elif, '`elif`'],
  [Else, '`else`'],
  [And, '`and`'],
  [Or, '`or`'],
  [Not, '`not`'],
  [EqualEqual, '`==`'],
  [NotEqual, '`!=`'],
  [LessEqual, '`<=`'],
  [GreaterEqual, '`>=`'],
  [Less, '`<`'],
  [Greater, '`>`'],
  [Dot, '`.`'],
  [Percent, '`%`'],
  [Model, '`model`'],
  [Block, '`block`'],
  [Input, '`input`'],
  [Output, '`output`'],
  [Weights, '`weights`'],
  [True, '`True`'],
  [False, '`False`'],
  [None, '`None`'],
  [Arrow, '`<-`'],
  [LParen, '`(`'],
  [RParen, '`)`'],
  [LBracket, '`[`'],
  [RBracket, '`]`'],
  [LBrace, '`{`'],
  [RBrace, '`}`'],
  [Comma, '`,`'],
  [Colon, '`:`'],
  [Semicolon, '`;`'],
  [Equals, '`=`'],
  [Plus, '`+`'],
  [Minus, '`-`'],
  [Star, '`*`'],
  [DoubleSlash, '`//`'],
  [Slash, '`/`'],
]);
