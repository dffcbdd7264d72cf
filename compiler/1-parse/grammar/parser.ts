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
    this.CONSUME(T.Identifier, { LABEL: 'names' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier, { LABEL: 'names' });
    });
  });

  layerStmt = this.RULE('layerStmt', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: 'op' });
    this.SUBRULE(this.argList);
    this.OPTION(() => this.SUBRULE(this.inputList));
    this.OPTION2(() => this.SUBRULE(this.paramBlock));
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
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'keyword' });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  inputList = this.RULE('inputList', () => {
    this.CONSUME(T.Arrow);
    this.CONSUME(T.Identifier, { LABEL: 'names' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier, { LABEL: 'names' });
    });
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

  /** additive := term (('+'|'-') term)* */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.term, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.term, { LABEL: 'operands' });
    });
  });

  /** mult := unary (('*'|'/'|'//') unary)* */
  term = this.RULE('term', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.DoubleSlash, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'operators' }) },
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
      { ALT: () => this.SUBRULE(this.primary, { LABEL: 'operand' }) },
    ]);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.None) },
      { ALT: () => this.CONSUME(T.Identifier) },
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

  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'items' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'items' });
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
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
