import type { CstElement, CstNode, IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { joinSpans, span, type Span } from '../source/span.ts';
import type {
  Arg,
  BlockDecl,
  BlockParam,
  Expr,
  Ident,
  InputStmt,
  LayerStmt,
  ModelDecl,
  OutputStmt,
  ParamInit,
  Stmt,
  WeightsStmt,
} from './ast.ts';
import type { LiteralValue } from './lexer.ts';
import * as T from './tokens.ts';

/**
 * Deeper expression trees are refused so that later stages may recurse over them. Brackets are
 * already capped before parsing; this catches long operator chains such as `1+1+...+1`.
 */
export const MAX_EXPRESSION_DEPTH = 200;

/**
 * Turns the CST of one declaration into AST. Error recovery can leave nodes without some
 * children (or with inserted tokens that have no position): a construct missing a part becomes
 * null and is left out, and the statement holding it is dropped. A syntax error was reported for
 * each such gap, so nothing is lost silently.
 */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly depths = new WeakMap<Expr, number>();

  constructor(private readonly file: string) {}

  declaration(node: CstNode): ModelDecl | BlockDecl | null {
    const model = child(node, 'modelDecl');
    if (model) return this.modelDecl(model);
    const block = child(node, 'blockDecl');
    return block ? this.blockDecl(block) : null;
  }

  private modelDecl(node: CstNode): ModelDecl | null {
    const name = this.ident(token(node, 'name'));
    const body = child(node, 'body');
    const at = this.nodeSpan(node);
    if (!name || !body || !at) return null;
    return { kind: 'model', name, body: this.body(body), span: at };
  }

  private blockDecl(node: CstNode): BlockDecl | null {
    const name = this.ident(token(node, 'name'));
    const paramList = child(node, 'blockParams');
    const body = child(node, 'body');
    const at = this.nodeSpan(node);
    if (!name || !paramList || !body || !at) return null;
    const params = all(children(paramList, 'blockParam'), (p) => this.blockParam(p));
    if (!params) return null;
    return { kind: 'block', name, params, body: this.body(body), span: at };
  }

  private blockParam(node: CstNode): BlockParam | null {
    const name = this.ident(token(node, 'name'));
    const at = this.nodeSpan(node);
    if (!name || !at) return null;
    const defaultNode = child(node, 'default');
    if (!defaultNode) return hasToken(node, 'Equals') ? null : { name, default: null, span: at };
    const value = this.expression(defaultNode);
    return value ? { name, default: value, span: at } : null;
  }

  private body(node: CstNode): Stmt[] {
    const stmts: Stmt[] = [];
    for (const s of children(node, 'statement')) {
      const stmt = this.statement(s);
      if (stmt) stmts.push(stmt);
    }
    return stmts;
  }

  private statement(node: CstNode): Stmt | null {
    const input = child(node, 'inputStmt');
    if (input) return this.inputStmt(input);
    const weights = child(node, 'weightsStmt');
    if (weights) return this.weightsStmt(weights);
    const output = child(node, 'outputStmt');
    if (output) return this.outputStmt(output);
    const layer = child(node, 'layerStmt');
    return layer ? this.layerStmt(layer) : null;
  }

  private inputStmt(node: CstNode): InputStmt | null {
    const name = this.ident(token(node, 'name'));
    const at = this.nodeSpan(node);
    if (!name || !at) return null;
    if (!hasToken(node, 'Colon')) return { kind: 'input', name, shape: null, span: at };
    const shapeNode = child(node, 'shape');
    const shape = shapeNode && all(children(shapeNode, 'dims'), (d) => this.expression(d));
    if (!shape || shape.length === 0) return null;
    return { kind: 'input', name, shape, span: at };
  }

  private weightsStmt(node: CstNode): WeightsStmt | null {
    const path = token(node, 'path');
    const at = this.nodeSpan(node);
    const value = path && literal(path);
    if (!path || !at || value?.kind !== 'string') return null;
    return { kind: 'weights', path: { value: value.value, span: this.tokenSpan(path) }, span: at };
  }

  private outputStmt(node: CstNode): OutputStmt | null {
    const names = all(tokens(node, 'names'), (t) => this.ident(t));
    const at = this.nodeSpan(node);
    if (!names || names.length === 0 || !at) return null;
    return { kind: 'output', names, span: at };
  }

  private layerStmt(node: CstNode): LayerStmt | null {
    const name = this.ident(token(node, 'name'));
    const op = this.ident(token(node, 'op'));
    const argList = child(node, 'argList');
    const at = this.nodeSpan(node);
    const argsAt = argList && this.nodeSpan(argList);
    if (!name || !op || !argList || !at || !argsAt || !hasToken(argList, 'RParen')) return null;
    const args = all(children(argList, 'arg'), (a) => this.arg(a));
    if (!args) return null;

    let inputs: Ident[] | null = null;
    const inputList = child(node, 'inputList');
    if (inputList) {
      inputs = all(tokens(inputList, 'names'), (t) => this.ident(t));
      if (!inputs || inputs.length === 0) return null;
    }

    let params: ParamInit[] = [];
    const paramBlock = child(node, 'paramBlock');
    if (paramBlock) {
      const built = all(children(paramBlock, 'paramInit'), (p) => this.paramInit(p));
      if (!built) return null;
      params = built;
    }
    return { kind: 'layer', name, op, args, callSpan: joinSpans(op.span, argsAt), inputs, params, span: at };
  }

  private arg(node: CstNode): Arg | null {
    const valueNode = child(node, 'value');
    const value = valueNode && this.expression(valueNode);
    const at = this.nodeSpan(node);
    if (!value || !at) return null;
    if (!hasToken(node, 'Equals')) return { name: null, value, span: at };
    const name = this.ident(token(node, 'keyword'));
    return name ? { name, value, span: at } : null;
  }

  private paramInit(node: CstNode): ParamInit | null {
    const name = this.ident(token(node, 'name'));
    const valueNode = child(node, 'value');
    const value = valueNode && this.expression(valueNode);
    const at = this.nodeSpan(node);
    return name && value && at ? { name, value, span: at } : null;
  }

  /** additive and mult: a left-leaning chain, built in a loop. */
  private expression(node: CstNode): Expr | null {
    return this.chain(node, (n) => this.term(n));
  }

  private term(node: CstNode): Expr | null {
    return this.chain(node, (n) => this.unary(n));
  }

  private chain(node: CstNode, operand: (n: CstNode) => Expr | null): Expr | null {
    const operands = children(node, 'operands');
    const operators = tokens(node, 'operators');
    if (operands.length === 0 || operands.length !== operators.length + 1) return null;
    let left = operand(operands[0]);
    for (let i = 0; i < operators.length && left; i++) {
      const right = operand(operands[i + 1]);
      const op = operators[i].image;
      if (!right || !isBinaryOp(op)) return null;
      left = this.deep({ kind: 'binary', op, left, right, span: joinSpans(left.span, right.span) }, left, right);
      if (!left) return null;
    }
    return left;
  }

  private unary(node: CstNode): Expr | null {
    const sign = token(node, 'sign');
    const operandNode = child(node, 'operand');
    if (!operandNode) return null;
    if (!sign) return operandNode.name === 'primary' ? this.primary(operandNode) : null;
    const operand = this.unary(operandNode);
    if (!operand) return null;
    const at = joinSpans(this.tokenSpan(sign), operand.span);
    if (sign.tokenType === T.Plus) return this.respan(operand, at);
    // `-5` is the literal -5; `-x` and `-(5)` negate.
    const literalToken = directNumber(operandNode);
    if (literalToken && (operand.kind === 'int' || operand.kind === 'float')) {
      const value = operand.kind === 'int' && operand.value === 0 ? 0 : -operand.value;
      return { kind: operand.kind, value, span: at };
    }
    return this.deep({ kind: 'neg', operand, span: at }, operand);
  }

  private primary(node: CstNode): Expr | null {
    const at = this.nodeSpan(node);
    if (!at) return null;
    const t = firstToken(node);
    if (t) {
      switch (t.tokenType) {
        case T.NumberLiteral:
        case T.StringLiteral: {
          const value = literal(t);
          return value ? { ...value, span: at } : null;
        }
        case T.True:
          return { kind: 'bool', value: true, span: at };
        case T.False:
          return { kind: 'bool', value: false, span: at };
        case T.None:
          return { kind: 'none', span: at };
        case T.Identifier:
          return { kind: 'name', name: t.image, span: at };
      }
      return null;
    }
    const paren = child(node, 'parenthesized');
    if (paren) return this.sequence(paren, 'RParen', 'tuple');
    const list = child(node, 'list');
    return list ? this.sequence(list, 'RBracket', 'list') : null;
  }

  /** `(...)` or `[...]`; a parenthesised single item without a comma is that item. */
  private sequence(node: CstNode, closer: string, kind: 'tuple' | 'list'): Expr | null {
    const at = this.nodeSpan(node);
    if (!at || !hasToken(node, closer)) return null;
    const items = all(children(node, 'items'), (n) => this.expression(n));
    if (!items) return null;
    if (kind === 'tuple' && items.length === 1 && !hasToken(node, 'Comma')) return this.respan(items[0], at);
    return this.deep({ kind, items, span: at }, ...items);
  }

  /** The same expression over a wider span (its brackets or its `+` sign), at the same depth. */
  private respan(expr: Expr, at: Span): Expr {
    const wider = { ...expr, span: at };
    this.depths.set(wider, this.depths.get(expr) ?? 1);
    return wider;
  }

  /** Records the depth of a new node; refuses (null, with a diagnostic) past the limit. */
  private deep(expr: Expr, ...operands: Expr[]): Expr | null {
    let depth = 1;
    for (const o of operands) depth = Math.max(depth, (this.depths.get(o) ?? 1) + 1);
    if (depth > MAX_EXPRESSION_DEPTH) {
      if (depth === MAX_EXPRESSION_DEPTH + 1) {
        this.diagnostics.push(
          diag('SyntaxError', `expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, expr.span, 'too deep')
            .help('split it into simpler expressions')
            .build(),
        );
      }
      return null;
    }
    this.depths.set(expr, depth);
    return expr;
  }

  private ident(t: IToken | undefined): Ident | null {
    return t ? { kind: 'ident', name: t.image, span: this.tokenSpan(t) } : null;
  }

  private tokenSpan(t: IToken): Span {
    return span(this.file, t.startOffset, t.startOffset + t.image.length);
  }

  /** Chevrotain's node location, end inclusive; absent when only recovery tokens are inside. */
  private nodeSpan(node: CstNode): Span | null {
    const loc = node.location;
    if (!loc || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset)) return null;
    return span(this.file, loc.startOffset, (loc.endOffset as number) + 1);
  }
}

type BinaryOp = '+' | '-' | '*' | '/' | '//';

function isBinaryOp(op: string): op is BinaryOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '//';
}

/** Maps every item, or null if any fails. */
function all<A, B>(items: readonly A[], f: (a: A) => B | null): B[] | null {
  const out: B[] = [];
  for (const item of items) {
    const b = f(item);
    if (b === null) return null;
    out.push(b);
  }
  return out;
}

function isNode(e: CstElement): e is CstNode {
  return 'children' in e;
}

/** A token that is really in the source (recovery inserts placeholder tokens without offsets). */
function isReal(e: CstElement): e is IToken {
  return !isNode(e) && !e.isInsertedInRecovery && Number.isFinite(e.startOffset);
}

function children(node: CstNode, key: string): CstNode[] {
  return (node.children[key] ?? []).filter(isNode);
}

function child(node: CstNode, key: string): CstNode | undefined {
  return children(node, key)[0];
}

function tokens(node: CstNode, key: string): IToken[] {
  const elements = node.children[key] ?? [];
  // A placeholder among them means the list is incomplete: report it as empty.
  return elements.every(isReal) ? (elements as IToken[]) : [];
}

function token(node: CstNode, key: string): IToken | undefined {
  const t = (node.children[key] ?? [])[0];
  return t && isReal(t) ? t : undefined;
}

function hasToken(node: CstNode, key: string): boolean {
  return token(node, key) !== undefined;
}

function firstToken(node: CstNode): IToken | undefined {
  for (const key of Object.keys(node.children)) {
    const t = token(node, key);
    if (t) return t;
  }
  return undefined;
}

function literal(t: IToken): LiteralValue | undefined {
  return t.payload as LiteralValue | undefined;
}

/** The number token when a unary node is just `NUMBER` (no sign, no brackets). */
function directNumber(unaryNode: CstNode): IToken | undefined {
  if (token(unaryNode, 'sign')) return undefined;
  const primary = child(unaryNode, 'operand');
  if (primary?.name !== 'primary') return undefined;
  return token(primary, 'NumberLiteral');
}
