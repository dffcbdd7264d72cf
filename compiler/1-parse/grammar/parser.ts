import {
  CstParser,
  type CstNode,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import * as T from '../tokens.ts';

/**
 * What the parser records about one syntax error. Chevrotain's messages are replaced by this
 * record (as JSON) so that syntax-errors.ts can word them for a user, with context it looks up.
 */
export type ErrorRecord =
  | { readonly kind: 'mismatch'; readonly expected: string }
  | { readonly kind: 'noAlternative'; readonly expected: string[] }
  | { readonly kind: 'extra' };

/**
 * Chevrotain's recovery re-enters a repetition recursively and may scan ahead for each error, so
 * a long run of garbage costs stack and quadratic time. Past this many errors the parse of a
 * declaration stops: the message provider, called once per error, throws ParseAborted.
 */
export const MAX_ERRORS_PER_DECLARATION = 30;

class ParseAborted extends Error {}

let errorBudget = MAX_ERRORS_PER_DECLARATION;

function record(r: ErrorRecord): string {
  if (--errorBudget < 0) throw new ParseAborted('too many syntax errors');
  return JSON.stringify(r);
}

const recordingMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => record({ kind: 'mismatch', expected: expected.name }),
  buildNotAllInputParsedMessage: () => record({ kind: 'extra' }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    record({ kind: 'noAlternative', expected: firstTokens(expectedPathsPerAlt.flat()) }),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    record({ kind: 'noAlternative', expected: firstTokens(expectedIterationPaths) }),
};

function firstTokens(paths: TokenType[][]): string[] {
  return [...new Set(paths.map((p) => p[0]?.name).filter((n): n is string => n !== undefined))];
}

/**
 * The grammar of .cnn (see spec/LANGUAGE.md). One rule per construct that a message can name;
 * lists allow a trailing comma except in shapes and `output`.
 */
export class CnnParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: recordingMessages,
    });
    this.performSelfAnalysis();
  }

  /** One `model` or `block`: the parser is run on each declaration on its own. */
  declaration = this.RULE('declaration', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.modelDecl) }, { ALT: () => this.SUBRULE(this.blockDecl) }]);
  });

  modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.SUBRULE(this.body);
  });

  blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.SUBRULE(this.blockParams);
    this.SUBRULE(this.body);
  });

  blockParams = this.RULE('blockParams', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.blockParam);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.blockParam);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  blockParam = this.RULE('blockParam', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { LABEL: 'default' });
    });
  });

  body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.statement);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RBrace);
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.weightsStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.layerStmt) },
    ]);
  });

  inputStmt = this.RULE('inputStmt', () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.shape);
    });
  });

  shape = this.RULE('shape', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression, { LABEL: 'dims' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression, { LABEL: 'dims' });
    });
    this.CONSUME(T.RBracket);
  });

  weightsStmt = this.RULE('weightsStmt', () => {
    this.CONSUME(T.Weights);
    this.CONSUME(T.StringLiteral, { LABEL: 'path' });
  });

  outputStmt = this.RULE('outputStmt', () => {
    this.CONSUME(T.Output);
    this.SUBRULE(this.ref, { LABEL: 'names' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.ref, { LABEL: 'names' });
    });
  });

  /** `for i in range(3) { ... }`, `for c, s in ((64, 1), (128, 2)) { ... }` */
  forStmt = this.RULE('forStmt', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier, { LABEL: 'targets' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier, { LABEL: 'targets' });
    });
    this.CONSUME(T.In);
    this.SUBRULE(this.expression, { LABEL: 'iter' });
    this.SUBRULE(this.body);
  });

  /** `if c { ... } elif d { ... } else { ... }`; `else if` reads as `elif`. */
  ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { LABEL: 'conditions' });
    this.SUBRULE(this.body, { LABEL: 'bodies' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Elif) },
        {
          // `else if`: two tokens where Python has one
          GATE: () => this.LA(2).tokenType === T.If,
          ALT: () => {
            this.CONSUME(T.Else, { LABEL: 'elseIf' });
            this.CONSUME2(T.If);
          },
        },
      ]);
      this.SUBRULE2(this.expression, { LABEL: 'conditions' });
      this.SUBRULE2(this.body, { LABEL: 'bodies' });
    });
    this.OPTION(() => {
      this.CONSUME2(T.Else);
      this.SUBRULE3(this.body, { LABEL: 'orelse' });
    });
  });

  /**
   * Every statement that starts with a name:
   *   name: Op(args) <- a, b { weight = [...] }     a layer (name may be `0` or `` `block1-0` ``)
   *   name: Sequential { statements }               a Sequential written as a body
   *   x = expression    a, b = expression            values
   *   Op(args) <- a     Sequential { ... }           a child without a name (numbered)
   * One rule, so a name followed by something else is worded as a missing `:`.
   */
  layerStmt = this.RULE('layerStmt', () => {
    this.SUBRULE(this.layerName, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Colon);
          this.CONSUME(T.Identifier, { LABEL: 'op' });
          this.SUBRULE(this.opTail);
        },
      },
      {
        ALT: () => {
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.CONSUME2(T.Identifier, { LABEL: 'targets' });
          });
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression, { LABEL: 'value' });
        },
      },
      { ALT: () => this.SUBRULE2(this.opTail, { LABEL: 'anonymous' }) },
    ]);
  });

  layerName = this.RULE('layerName', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.QuotedName) },
      // `block` and `model` start a declaration only at the top of a file; inside a body they are names
      { ALT: () => this.CONSUME(T.Block) },
      { ALT: () => this.CONSUME(T.Model) },
    ]);
  });

  /** After the op name: `(args) <- inputs { params }`, or `<- inputs { statements }` for a body. */
  opTail = this.RULE('opTail', () => {
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.argList);
          this.OPTION(() => this.SUBRULE(this.inputList));
          this.OPTION2(() => this.SUBRULE(this.paramBlock));
        },
      },
      {
        ALT: () => {
          this.OPTION3(() => this.SUBRULE2(this.inputList));
          this.SUBRULE(this.body, { LABEL: 'children' });
        },
      },
    ]);
  });

  argList = this.RULE('argList', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.arg);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.arg);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  arg = this.RULE('arg', () => {
    this.OR([
      {
        // `*[Block(i) for i in range(3)]`: the items of a list as arguments, as in Python
        ALT: () => {
          this.CONSUME(T.Star, { LABEL: 'splat' });
          this.SUBRULE(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(T.Identifier, { LABEL: 'keyword' });
            this.CONSUME(T.Equals);
          });
          this.SUBRULE2(this.expression, { LABEL: 'value' });
        },
      },
    ]);
  });

  inputList = this.RULE('inputList', () => {
    this.CONSUME(T.Arrow);
    this.SUBRULE(this.ref, { LABEL: 'names' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.ref, { LABEL: 'names' });
    });
  });

  /** What `<-` and `output` name: a layer or value. */
  ref = this.RULE('ref', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.QuotedName) },
      { ALT: () => this.CONSUME(T.Block) },
      { ALT: () => this.CONSUME(T.Model) },
    ]);
  });

  paramBlock = this.RULE('paramBlock', () => {
    this.CONSUME(T.LBrace);
    this.MANY({
      // `name :` starts the next layer: a missing `}` should not swallow the statements after it.
      GATE: () => this.LA(2).tokenType !== T.Colon,
      DEF: () => {
        this.SUBRULE(this.paramInit);
        this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
      },
    });
    this.CONSUME(T.RBrace);
  });

  paramInit = this.RULE('paramInit', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  /**
   * ternary := disjunction ('if' disjunction 'else' ternary)?, as Python's conditional expression.
   * The `if` must be on the line of what comes before it: an `if` that starts a line starts an
   * if statement (statements are not separated by newlines, so this is what tells them apart).
   */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.disjunction, { LABEL: 'then' });
    this.OPTION({
      GATE: () => this.LA(1).startLine === this.LA(0).endLine,
      DEF: () => {
        this.CONSUME(T.If);
        this.SUBRULE2(this.disjunction, { LABEL: 'condition' });
        this.CONSUME(T.Else);
        this.SUBRULE(this.expression, { LABEL: 'otherwise' });
      },
    });
  });

  disjunction = this.RULE('disjunction', () => {
    this.SUBRULE(this.conjunction, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.Or, { LABEL: 'operators' });
      this.SUBRULE2(this.conjunction, { LABEL: 'operands' });
    });
  });

  conjunction = this.RULE('conjunction', () => {
    this.SUBRULE(this.negation, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.And, { LABEL: 'operators' });
      this.SUBRULE2(this.negation, { LABEL: 'operands' });
    });
  });

  negation = this.RULE('negation', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not, { LABEL: 'not' });
          this.SUBRULE(this.negation, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.comparison, { LABEL: 'operand' }) },
    ]);
  });

  /** Python's chained comparisons: `0 <= i < n`. */
  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqualEqual, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.NotEqual, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.LessEqual, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.GreaterEqual, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Less, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Greater, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.additive, { LABEL: 'operands' });
    });
  });

  /** additive := term (('+'|'-') term)* */
  additive = this.RULE('additive', () => {
    this.SUBRULE(this.term, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.term, { LABEL: 'operands' });
    });
  });

  /** mult := unary (('*'|'/'|'//'|'%') unary)* */
  term = this.RULE('term', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.DoubleSlash, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Minus, { LABEL: 'sign' }) },
            { ALT: () => this.CONSUME(T.Plus, { LABEL: 'sign' }) },
          ]);
          this.SUBRULE(this.unary, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.postfix, { LABEL: 'operand' }) },
    ]);
  });

  /** primary, then attribute access (`F.relu`), calls (`x.chunk(2, 1)`) and subscripts (`parts[0]`). */
  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary, { LABEL: 'base' });
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot, { LABEL: 'trailers' });
            this.CONSUME(T.Identifier, { LABEL: 'attributes' });
          },
        },
        { ALT: () => this.SUBRULE(this.argList, { LABEL: 'trailers' }) },
        { ALT: () => this.SUBRULE(this.subscript, { LABEL: 'trailers' }) },
      ]);
    });
  });

  subscript = this.RULE('subscript', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression, { LABEL: 'index' });
    this.CONSUME(T.RBracket);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.None) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.QuotedName) },
      { ALT: () => this.CONSUME(T.Block) },
      { ALT: () => this.CONSUME(T.Model) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  /** `()` and `(a,)` are tuples, `(a)` is just `a`: the commas decide. */
  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'items' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'items' });
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  /** `[a, b]`, or a comprehension `[Block(i) for i in range(3)]` (with an optional `if` filter). */
  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'items' });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.For);
            this.CONSUME(T.Identifier, { LABEL: 'targets' });
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.CONSUME2(T.Identifier, { LABEL: 'targets' });
            });
            this.CONSUME(T.In);
            this.SUBRULE(this.disjunction, { LABEL: 'iter' });
            this.OPTION2(() => {
              this.CONSUME(T.If);
              this.SUBRULE2(this.disjunction, { LABEL: 'filter' });
            });
          },
        },
        {
          ALT: () => {
            this.MANY2(() => {
              this.CONSUME2(T.Comma);
              this.SUBRULE2(this.expression, { LABEL: 'items' });
            });
            this.OPTION3(() => this.CONSUME3(T.Comma));
          },
        },
      ]);
    });
    this.CONSUME(T.RBracket);
  });
}

/** Built once: chevrotain analyses the grammar when the parser is made. */
const parser = new CnnParser();

export interface DeclarationParse {
  /** null when the parse stopped after too many errors. */
  readonly cst: CstNode | null;
  readonly errors: IRecognitionException[];
}

/** Parses the tokens of one `model` or `block` declaration. */
export function parseDeclaration(tokens: readonly IToken[]): DeclarationParse {
  errorBudget = MAX_ERRORS_PER_DECLARATION;
  parser.input = tokens as IToken[];
  try {
    const cst = parser.declaration();
    return { cst, errors: parser.errors };
  } catch (err) {
    if (!(err instanceof ParseAborted)) throw err;
    return { cst: null, errors: parser.errors };
  } finally {
    // Let go of the tokens; setting the input also resets the state an abort left behind.
    parser.input = [];
  }
}

/** Parses tokens holding one expression alone (the `{...}` parts of a quoted name). */
export function parseExpressionTokens(tokens: readonly IToken[]): DeclarationParse {
  errorBudget = MAX_ERRORS_PER_DECLARATION;
  parser.input = tokens as IToken[];
  try {
    // a rule called on its own reports tokens it leaves over (NotAllInputParsedException)
    const cst = parser.expression();
    return { cst, errors: parser.errors };
  } catch (err) {
    if (!(err instanceof ParseAborted)) throw err;
    return { cst: null, errors: parser.errors };
  } finally {
    parser.input = [];
  }
}
