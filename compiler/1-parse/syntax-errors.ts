import { EOF, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { span, type Span } from '../source/span.ts';
import { showText } from './escape.ts';
import type { ErrorRecord } from './grammar/parser.ts';
import * as T from './tokens.ts';

/**
 * The tokens of one declaration, with what a message needs to name things: where each statement
 * starts (`input`, `weights`, `output`, or `name :`), and what follows the declaration.
 */
export class DeclTokens {
  /** For each token, the index of the first token of its statement (0 for the header). */
  readonly statementStart: Int32Array;

  constructor(
    readonly file: string,
    readonly textLength: number,
    readonly tokens: readonly IToken[],
    /** The first token after this declaration, if any: what "the end" really is. */
    readonly after: IToken | undefined,
  ) {
    this.statementStart = new Int32Array(tokens.length);
    let start = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (startsStatement(tokens, i)) start = i;
      this.statementStart[i] = start;
    }
  }

  /** Where a token of this declaration sits in it (tokens are sorted by offset). */
  indexOf(t: IToken | undefined): number | undefined {
    if (!t || !Number.isFinite(t.startOffset)) return undefined;
    const i = this.lastAtOrBefore(t.startOffset);
    return i >= 0 && this.tokens[i] === t ? i : undefined;
  }

  /** The statement an error belongs to: that of the last good token before it, if any. */
  statementOf(e: IRecognitionException): number {
    const i = this.indexOf(previousToken(e)) ?? this.indexOf(e.token);
    return i === undefined
      ? this.tokens.length > 0
        ? this.statementStart[this.tokens.length - 1]
        : 0
      : this.statementStart[i];
  }

  /** The statement holding the last token that starts at or before `offset`. */
  statementAtOffset(offset: number): number {
    const i = this.lastAtOrBefore(offset);
    return i < 0 ? 0 : this.statementStart[i];
  }

  private lastAtOrBefore(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  spanOf(t: IToken): Span {
    return span(this.file, t.startOffset, t.startOffset + t.image.length);
  }
}

const NAME_TOKENS = new Set<TokenType>([T.Identifier, T.NumberLiteral, T.QuotedName, T.Block, T.Model]);

function startsStatement(tokens: readonly IToken[], i: number): boolean {
  const type = tokens[i].tokenType;
  if (type === T.Input || type === T.Weights || type === T.Output || type === T.For || type === T.If) return true;
  // an `if` after `else`, or inside an expression (`a if c else b`), belongs to what is before it
  if (!NAME_TOKENS.has(type) || tokens[i - 1]?.tokenType === T.Input) return false;
  const next = tokens[i + 1]?.tokenType;
  // `x :` starts a layer (except the `x :` of `input x: [...]`), `x =` a value
  if (next === T.Colon) return true;
  // `x = ...` and `a, b = ...` start a statement when they start a line (`k=5` inside a call does not)
  const first = next === T.Equals || next === T.Comma ? tokens[i] : undefined;
  const prev = tokens[i - 1];
  return (
    first !== undefined && (prev === undefined || (prev.endLine ?? 0) < (first.startLine ?? 0)) && type === T.Identifier
  );
}

function previousToken(e: IRecognitionException): IToken | undefined {
  const prev = (e as { previousToken?: IToken }).previousToken;
  return prev && isReal(prev) ? prev : undefined;
}

function isReal(t: IToken): boolean {
  return t.tokenType !== EOF && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

const EXPRESSION_START = new Set<TokenType>([
  T.Identifier,
  T.NumberLiteral,
  T.StringLiteral,
  T.True,
  T.False,
  T.None,
  T.LParen,
  T.LBracket,
  T.Minus,
  T.Plus,
]);

/** Words one chevrotain error for a user. */
export function syntaxDiagnostic(e: IRecognitionException, decl: DeclTokens): Diagnostic {
  const record = readRecord(e.message);
  const rule = e.context?.ruleStack?.at(-1) ?? '';
  const found = e.token && isReal(e.token) ? e.token : decl.after;
  const foundText = found ? quoted(found) : 'the end of the file';
  const at = found ? decl.spanOf(found) : span(decl.file, decl.textLength, decl.textLength);
  const errorIndex = decl.indexOf(e.token) ?? decl.tokens.length;
  const prev = previousToken(e);
  const ctx = new Context(decl, errorIndex);

  if (record.kind === 'extra') {
    return diag('SyntaxError', `unexpected ${foundText} after the end of ${ctx.declName()}`, at, 'unexpected here')
      .help('a file holds only `model` and `block` declarations')
      .build();
  }
  if (record.kind === 'noAlternative') {
    if (rule === 'statement') {
      return diag('SyntaxError', `expected a statement, found ${foundText}`, at, 'expected a statement')
        .note(
          'statements are `input x: [...]`, `weights "file"`, `name: Op(...)`, `x = ...`, `for`, `if` and `output name`',
        )
        .build();
    }
    if (rule === 'layerStmt') {
      return diag(
        'SyntaxError',
        `expected \`:\` after the layer name${prev ? ` ${quoted(prev)}` : ''}, found ${foundText}`,
        at,
        'expected `:`',
      )
        .help('a layer is written `name: Op(args)`')
        .build();
    }
    if (rule === 'opTail') {
      const op = prev ? quoted(prev) : 'the op';
      return diag(
        'SyntaxError',
        `expected \`(\` to start the argument list of ${op}, found ${foundText}`,
        at,
        'expected `(`',
      )
        .help('an op without arguments still needs `()`')
        .build();
    }
    if (rule === 'ref' || rule === 'layerName') {
      return diag(
        'SyntaxError',
        `expected a layer name after ${prev ? quoted(prev) : '`,`'}, found ${foundText}`,
        at,
        'expected a name',
      ).build();
    }
    const after = prev ? ` after ${quoted(prev)}` : '';
    return diag('SyntaxError', `expected a value${after}, found ${foundText}`, at, 'expected a value').build();
  }

  const expectedType = T.allTokens.find((t) => t.name === record.expected);
  const expected = (expectedType && T.tokenDescriptions.get(expectedType)) ?? 'something else';
  // A missing comma is likely when what follows could be another item (but not `name :`, a new layer).
  const nextIsColon = decl.tokens[errorIndex + 1]?.tokenType === T.Colon;
  const canContinueList = found !== undefined && EXPRESSION_START.has(found.tokenType) && !nextIsColon;
  const message = (text: string, label: string) => diag('SyntaxError', `${text}, found ${foundText}`, at, label);
  const closing = (what: string, open: TokenType, close: TokenType, listWord: string) => {
    const opener = ctx.unmatchedOpen(open, close);
    const d = message(`expected ${expected} to close ${what}`, `expected ${expected}`);
    if (opener) d.label(decl.spanOf(opener), 'opened here');
    if (canContinueList) d.help(`separate ${listWord} with \`,\``);
    return d.build();
  };

  switch (`${rule}/${record.expected}`) {
    case 'modelDecl/Identifier':
      return message('expected a name after `model`', 'expected a name').build();
    case 'blockDecl/Identifier':
      return message('expected a name after `block`', 'expected a name').build();
    case 'body/LBrace': {
      const owner = e.context?.ruleStack?.at(-2);
      if (owner === 'forStmt')
        return message('expected `{` to start the body of the `for` loop', 'expected `{`').build();
      if (owner === 'ifStmt')
        return message('expected `{` after the condition', 'expected `{`').help('write `if condition { ... }`').build();
      return message(`expected \`{\` to start the body of ${ctx.declName()}`, 'expected `{`').build();
    }
    case 'body/RBrace': {
      const nested = (e.context?.ruleStack ?? []).filter((r) => r === 'body').length > 1;
      const d = message(
        `expected a statement or \`}\` to close ${nested ? 'the `{`' : ctx.declName()}`,
        'expected a statement',
      );
      const opener = nested ? ctx.unmatchedOpen(T.LBrace, T.RBrace) : ctx.declOpener();
      if (opener) d.label(decl.spanOf(opener), 'opened here');
      return d.build();
    }
    case 'forStmt/Identifier':
      return message('expected a loop variable after `for`', 'expected a name')
        .help('write `for i in range(3) { ... }`')
        .build();
    case 'forStmt/In':
      return message('expected `in` after the loop variable', 'expected `in`')
        .help('write `for i in range(3) { ... }`')
        .build();
    case 'expression/Else':
      return message('expected `else` in the conditional expression', 'expected `else`')
        .help('a conditional value is written `a if condition else b`')
        .build();
    case 'blockParams/LParen':
      return message(`expected \`(\` and the parameters of ${ctx.declName()}`, 'expected `(`')
        .help(`a block without parameters is written \`block ${ctx.declIdent() ?? 'Name'}() { ... }\``)
        .build();
    case 'blockParams/RParen':
      return closing(`the parameters of ${ctx.declName()}`, T.LParen, T.RParen, 'parameters');
    case 'inputStmt/Identifier':
      return message('expected a name after `input`', 'expected a name').build();
    case 'shape/LBracket':
      return message(`expected \`[\` to start the shape of ${ctx.inputName(errorIndex - 1)}`, 'expected `[`')
        .help('a shape is written like `[N, 3, 32, 32]`')
        .build();
    case 'shape/RBracket': {
      const input = ctx.inputName(decl.indexOf(ctx.unmatchedOpen(T.LBracket, T.RBracket)));
      return closing(`the shape of ${input}`, T.LBracket, T.RBracket, 'dimensions');
    }
    case 'weightsStmt/StringLiteral':
      return message('expected a quoted file name after `weights`', 'expected a string')
        .help('write it like `weights "model.safetensors"`')
        .build();
    case 'outputStmt/Identifier':
    case 'inputList/Identifier':
      return message(`expected a layer name after ${prev ? quoted(prev) : '`,`'}`, 'expected a name').build();
    case 'layerStmt/Colon':
      return message(`expected \`:\` after the layer name${prev ? ` ${quoted(prev)}` : ''}`, 'expected `:`')
        .help('a layer is written `name: Op(args)`')
        .build();
    case 'layerStmt/Identifier': {
      const layer = prev?.tokenType === T.Colon ? ctx.layerBefore(errorIndex - 1) : 'the layer name';
      return message(`expected an op name after ${layer}`, 'expected an op name').build();
    }
    case 'argList/LParen': {
      const op = prev?.tokenType === T.Identifier ? quoted(prev) : 'the op';
      return message(`expected \`(\` to start the argument list of ${op}`, 'expected `(`')
        .help('an op without arguments still needs `()`')
        .build();
    }
    case 'argList/RParen':
      return closing(`the argument list of ${ctx.opBeforeOpen()}`, T.LParen, T.RParen, 'arguments');
    case 'paramBlock/RBrace':
      return closing(`the parameter values of ${ctx.braceOwner()}`, T.LBrace, T.RBrace, 'values');
    case 'paramInit/Equals':
      return message(`expected \`=\` after the parameter name${prev ? ` ${quoted(prev)}` : ''}`, 'expected `=`')
        .help('a parameter value is written like `weight = [[1, -1]]`')
        .build();
    case 'parenthesized/RParen':
      return closing('`(`', T.LParen, T.RParen, 'items');
    case 'list/RBracket':
      return closing('`[`', T.LBracket, T.RBracket, 'items');
  }
  const after = prev ? ` after ${quoted(prev)}` : '';
  return message(`expected ${expected}${after}`, `expected ${expected}`).build();
}

/** Names looked up around an error by scanning the declaration's tokens. */
class Context {
  constructor(
    private readonly decl: DeclTokens,
    private readonly errorIndex: number,
  ) {}

  declIdent(): string | undefined {
    const name = this.decl.tokens[1];
    return name?.tokenType === T.Identifier ? name.image : undefined;
  }

  declName(): string {
    const kind = this.decl.tokens[0]?.tokenType === T.Block ? 'block' : 'model';
    const name = this.declIdent();
    return name ? `${kind} \`${name}\`` : `the ${kind}`;
  }

  declOpener(): IToken | undefined {
    return this.decl.tokens.slice(0, 40).find((t) => t.tokenType === T.LBrace);
  }

  /** "input `x`" for a token inside `input x: [...]`. */
  inputName(index: number | undefined): string {
    const start = index === undefined || index < 0 ? undefined : this.decl.statementStart[index];
    const keyword = start === undefined ? undefined : this.decl.tokens[start];
    const name = start === undefined ? undefined : this.decl.tokens[start + 1];
    return keyword?.tokenType === T.Input && name?.tokenType === T.Identifier
      ? `input \`${showText(name.image)}\``
      : 'the input';
  }

  /** "`conv1:`" for the `:` at `colonIndex`. */
  layerBefore(colonIndex: number): string {
    const name = this.decl.tokens[colonIndex - 1];
    return name?.tokenType === T.Identifier ? `\`${showText(name.image)}:\`` : 'the layer name';
  }

  /** The nearest bracket of this kind before the error that is still open. */
  unmatchedOpen(open: TokenType, close: TokenType): IToken | undefined {
    let depth = 0;
    const stop = Math.max(0, this.errorIndex - 100_000);
    for (let i = Math.min(this.errorIndex, this.decl.tokens.length) - 1; i >= stop; i--) {
      const type = this.decl.tokens[i].tokenType;
      if (type === close) depth++;
      else if (type === open) {
        if (depth === 0) return this.decl.tokens[i];
        depth--;
      }
    }
    return undefined;
  }

  /** `Conv2d` for an error inside `Conv2d(...)`. */
  opBeforeOpen(): string {
    const open = this.unmatchedOpen(T.LParen, T.RParen);
    const i = this.decl.indexOf(open);
    const op = i === undefined ? undefined : this.decl.tokens[i - 1];
    return op?.tokenType === T.Identifier ? `\`${showText(op.image)}\`` : 'the op';
  }

  /** `edge` for an error inside the `{ ... }` after `edge: Conv2d(...)`. */
  braceOwner(): string {
    const i = this.decl.indexOf(this.unmatchedOpen(T.LBrace, T.RBrace));
    const name = i === undefined ? undefined : this.decl.tokens[this.decl.statementStart[i]];
    return name?.tokenType === T.Identifier ? `layer \`${showText(name.image)}\`` : 'the layer';
  }
}

/** A token as a message shows it: `conv1`. */
function quoted(t: IToken): string {
  return `\`${showText(t.image)}\``;
}

function readRecord(message: string): ErrorRecord {
  try {
    const parsed = JSON.parse(message) as ErrorRecord;
    if (parsed && typeof parsed === 'object' && 'kind' in parsed) return parsed;
  } catch {
    // Not one of ours: chevrotain built it without the message provider. Fall through.
  }
  return { kind: 'mismatch', expected: '?' };
}
