import type { CstElement, CstNode, IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { joinSpans, span, type Span } from '../source/span.ts';
import type {
  Arg,
  AssignStmt,
  BlockDecl,
  BlockParam,
  CompareOp,
  Expr,
  ForStmt,
  Ident,
  IfStmt,
  InputStmt,
  LayerStmt,
  ModelDecl,
  OutputStmt,
  ParamInit,
  Stmt,
  TemplatePart,
  WeightsStmt,
} from './ast.ts';
import { parseExpressionTokens } from './grammar/parser.ts';
import { type LiteralValue, lex } from './lexer.ts';
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
    const loop = child(node, 'forStmt');
    if (loop) return this.forStmt(loop);
    const cond = child(node, 'ifStmt');
    if (cond) return this.ifStmt(cond);
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
    const names = all(children(node, 'names'), (r) => this.ref(r));
    const at = this.nodeSpan(node);
    if (!names || names.length === 0 || !at) return null;
    return { kind: 'output', names, span: at };
  }

  private forStmt(node: CstNode): ForStmt | null {
    const targets = all(tokens(node, 'targets'), (t) => this.ident(t));
    const iterNode = child(node, 'iter');
    const iter = iterNode && this.expression(iterNode);
    const body = child(node, 'body');
    const at = this.nodeSpan(node);
    if (!targets || targets.length === 0 || !iter || !body || !at) return null;
    return { kind: 'for', targets, iter, body: this.body(body), span: at };
  }

  private ifStmt(node: CstNode): IfStmt | null {
    const conditions = children(node, 'conditions');
    const bodies = children(node, 'bodies');
    const at = this.nodeSpan(node);
    if (!at || conditions.length === 0 || conditions.length !== bodies.length) return null;
    const branches: IfStmt['branches'][number][] = [];
    for (let i = 0; i < conditions.length; i++) {
      const condition = this.expression(conditions[i]);
      if (!condition) return null;
      branches.push({ condition, body: this.body(bodies[i]) });
    }
    const orelseNode = child(node, 'orelse');
    return { kind: 'if', branches, orelse: orelseNode ? this.body(orelseNode) : null, span: at };
  }

  /** A layer (named or not), a Sequential body, or a value assignment: see the `layerStmt` rule. */
  private layerStmt(node: CstNode): Stmt | null {
    const nameNode = child(node, 'name');
    const name = nameNode && this.ref(nameNode);
    const at = this.nodeSpan(node);
    if (!name || !at) return null;
    if (hasToken(node, 'Equals')) return this.assignStmt(node, name, at);
    const anonymous = child(node, 'anonymous');
    if (anonymous) {
      // the name was the op: `Conv2d(3, 64, 3)` or `Sequential { ... }` as a numbered child
      if (!isPlainName(nameNode)) return this.misplaced(name.span, 'an op name');
      return this.layerTail(anonymous, null, name, at);
    }
    const op = this.ident(token(node, 'op'));
    const tail = child(node, 'opTail');
    if (!op || !tail) return null;
    return this.layerTail(tail, name, op, at);
  }

  private layerTail(tail: CstNode, name: Ident | null, op: Ident, at: Span): LayerStmt | null {
    let inputs: Ident[] | null = null;
    const inputList = child(tail, 'inputList');
    if (inputList) {
      inputs = all(children(inputList, 'names'), (r) => this.ref(r));
      if (!inputs || inputs.length === 0) return null;
    }
    const childrenNode = child(tail, 'children');
    if (childrenNode) {
      const bodyAt = this.nodeSpan(childrenNode);
      if (!bodyAt || !hasToken(childrenNode, 'RBrace')) return null;
      return {
        kind: 'layer',
        name,
        op,
        args: [],
        callSpan: op.span,
        inputs,
        params: [],
        children: this.body(childrenNode),
        span: at,
      };
    }
    const argList = child(tail, 'argList');
    const argsAt = argList && this.nodeSpan(argList);
    if (!argList || !argsAt || !hasToken(argList, 'RParen')) return null;
    const args = all(children(argList, 'arg'), (a) => this.arg(a));
    if (!args) return null;
    let params: ParamInit[] = [];
    const paramBlock = child(tail, 'paramBlock');
    if (paramBlock) {
      const built = all(children(paramBlock, 'paramInit'), (p) => this.paramInit(p));
      if (!built) return null;
      params = built;
    }
    return {
      kind: 'layer',
      name,
      op,
      args,
      callSpan: joinSpans(op.span, argsAt),
      inputs,
      params,
      children: null,
      span: at,
    };
  }

  private assignStmt(node: CstNode, first: Ident, at: Span): AssignStmt | null {
    const nameNode = child(node, 'name');
    if (!nameNode || !isPlainName(nameNode)) return this.misplaced(first.span, 'a name for a value');
    const rest = all(tokens(node, 'targets'), (t) => this.ident(t));
    const valueNode = child(node, 'value');
    const value = valueNode && this.expression(valueNode);
    if (!rest || !value) return null;
    return { kind: 'assign', targets: [first, ...rest], value, span: at };
  }

  /** A number or quoted name where only a plain name fits (`0 = ...`, `` `a-b`(...) ``). */
  private misplaced(at: Span, what: string): null {
    this.diagnostics.push(
      diag('SyntaxError', `expected ${what} here, found a number or a quoted name`, at, `expected ${what}`)
        .help('numbers and `quoted names` name layers: `0: Conv2d(...)`, `` `block1-0`: Block(...) ``')
        .build(),
    );
    return null;
  }

  /** A layer or value name: an identifier, a number (`0`), or a quoted name (`` `block{i}-0` ``). */
  private ref(node: CstNode): Ident | null {
    const t = firstToken(node);
    if (!t) return null;
    if (t.tokenType === T.QuotedName) return this.quotedName(t);
    return this.ident(t);
  }

  /** `` `denselayer{i + 1}` ``: its literal text and, for each `{...}`, the parsed expression. */
  private quotedName(t: IToken): Ident | null {
    const value = literal(t);
    if (value?.kind !== 'quoted' || value.value === '') return null;
    const text = value.value;
    const at = this.tokenSpan(t);
    if (!text.includes('{') && !text.includes('}')) return { kind: 'ident', name: text, span: at };
    const parts: TemplatePart[] = [];
    let literalStart = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '}') return this.badTemplate(t, i, 'a `}` without its `{`');
      if (text[i] !== '{') continue;
      const close = text.indexOf('}', i + 1);
      if (close < 0) return this.badTemplate(t, i, 'a `{` without its `}`');
      if (i > literalStart) parts.push(text.slice(literalStart, i));
      const expr = this.templateExpression(text.slice(i + 1, close), t.startOffset + 2 + i);
      if (!expr) return null;
      parts.push(expr);
      i = close;
      literalStart = close + 1;
    }
    if (literalStart < text.length) parts.push(text.slice(literalStart));
    return { kind: 'ident', name: text, span: at, template: parts };
  }

  private badTemplate(t: IToken, at: number, what: string): null {
    const offset = t.startOffset + 1 + at;
    this.diagnostics.push(
      diag('SyntaxError', `the quoted name has ${what}`, span(this.file, offset, offset + 1), 'unmatched')
        .help('a part filled in where the name is used is written `{expression}`, e.g. `` `layer{i + 1}` ``')
        .build(),
    );
    return null;
  }

  /** Parses the text of one `{...}` of a quoted name, at its offset in the file. */
  private templateExpression(text: string, offset: number): Expr | null {
    const { tokens: toks, diagnostics } = lex(this.file, text);
    for (const tok of toks) {
      tok.startOffset += offset;
      tok.endOffset = (tok.endOffset ?? tok.startOffset) + offset;
    }
    const shift = (d: Diagnostic): Diagnostic => ({
      ...d,
      labels: d.labels.map((l) => ({ ...l, span: span(l.span.file, l.span.start + offset, l.span.end + offset) })),
    });
    if (diagnostics.length) {
      this.diagnostics.push(...diagnostics.map(shift));
      return null;
    }
    const where = span(this.file, offset, offset + text.length);
    if (toks.length === 0) {
      this.diagnostics.push(diag('SyntaxError', 'an empty `{}` in a quoted name', where, 'empty').build());
      return null;
    }
    const parsed = parseExpressionTokens(toks);
    if (!parsed.cst || parsed.errors.length) {
      this.diagnostics.push(
        diag('SyntaxError', `\`{${text.slice(0, 40)}}\` is not an expression`, where, 'not an expression')
          .help('write a value such as `{i}` or `{i + 1}`')
          .build(),
      );
      return null;
    }
    return this.expression(parsed.cst);
  }

  private arg(node: CstNode): Arg | null {
    const valueNode = child(node, 'value');
    const value = valueNode && this.expression(valueNode);
    const at = this.nodeSpan(node);
    if (!value || !at) return null;
    if (hasToken(node, 'splat')) return { name: null, value, span: at, splat: true };
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

  /** ternary: `then if condition else otherwise` */
  private expression(node: CstNode): Expr | null {
    const thenNode = child(node, 'then');
    const then = thenNode && this.disjunction(thenNode);
    if (!then) return null;
    if (!hasToken(node, 'If')) return then;
    const conditionNode = child(node, 'condition');
    const otherwiseNode = child(node, 'otherwise');
    const condition = conditionNode && this.disjunction(conditionNode);
    const otherwise = otherwiseNode && this.expression(otherwiseNode);
    if (!condition || !otherwise) return null;
    return this.deep(
      { kind: 'cond', then, condition, otherwise, span: joinSpans(then.span, otherwise.span) },
      then,
      condition,
      otherwise,
    );
  }

  private disjunction(node: CstNode): Expr | null {
    return this.logic(node, 'or', (n) => this.conjunction(n));
  }

  private conjunction(node: CstNode): Expr | null {
    return this.logic(node, 'and', (n) => this.negation(n));
  }

  private logic(node: CstNode, op: 'and' | 'or', operand: (n: CstNode) => Expr | null): Expr | null {
    const operands = all(children(node, 'operands'), operand);
    if (!operands || operands.length === 0) return null;
    if (operands.length === 1) return operands[0];
    return this.deep(
      { kind: 'logic', op, operands, span: joinSpans(operands[0].span, operands[operands.length - 1].span) },
      ...operands,
    );
  }

  private negation(node: CstNode): Expr | null {
    const operandNode = child(node, 'operand');
    if (!operandNode) return null;
    const not = token(node, 'not');
    if (!not) return this.comparison(operandNode);
    const operand = this.negation(operandNode);
    if (!operand) return null;
    return this.deep({ kind: 'not', operand, span: joinSpans(this.tokenSpan(not), operand.span) }, operand);
  }

  private comparison(node: CstNode): Expr | null {
    const operands = all(children(node, 'operands'), (n) => this.additive(n));
    const operators = tokens(node, 'operators');
    if (!operands || operands.length === 0 || operands.length !== operators.length + 1) return null;
    if (operands.length === 1) return operands[0];
    const ops = operators.map((t) => t.image as CompareOp);
    return this.deep(
      {
        kind: 'compare',
        operands,
        operators: ops,
        span: joinSpans(operands[0].span, operands[operands.length - 1].span),
      },
      ...operands,
    );
  }

  /** additive and mult: a left-leaning chain, built in a loop. */
  private additive(node: CstNode): Expr | null {
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
    if (!sign) return operandNode.name === 'postfix' ? this.postfix(operandNode) : null;
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

  /** The primary, then each `.name`, `(args)` and `[index]` in source order. */
  private postfix(node: CstNode): Expr | null {
    const baseNode = child(node, 'base');
    let expr = baseNode && this.primary(baseNode);
    if (!expr) return null;
    const trailers = (node.children.trailers ?? []).slice().sort((a, b) => startOf(a) - startOf(b));
    const attributes = tokens(node, 'attributes');
    if (attributes.length !== trailers.filter((t) => !isNode(t)).length) return null;
    let attr = 0;
    for (const trailer of trailers) {
      if (!isNode(trailer)) {
        const name = this.ident(attributes[attr++]);
        if (!name) return null;
        expr = this.deep({ kind: 'attr', object: expr, name, span: joinSpans(expr.span, name.span) }, expr);
      } else if (trailer.name === 'argList') {
        const at = this.nodeSpan(trailer);
        if (!at || !hasToken(trailer, 'RParen')) return null;
        const args = all(children(trailer, 'arg'), (a) => this.arg(a));
        if (!args) return null;
        expr = this.deep(
          { kind: 'call', callee: expr, args, span: joinSpans(expr.span, at) },
          expr,
          ...args.map((a) => a.value),
        );
      } else {
        const at = this.nodeSpan(trailer);
        const indexNode = child(trailer, 'index');
        const index = indexNode && this.expression(indexNode);
        if (!at || !index || !hasToken(trailer, 'RBracket')) return null;
        expr = this.deep({ kind: 'index', object: expr, index, span: joinSpans(expr.span, at) }, expr, index);
      }
      if (!expr) return null;
    }
    return expr;
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
          return value && value.kind !== 'quoted' ? { ...value, span: at } : null;
        }
        case T.True:
          return { kind: 'bool', value: true, span: at };
        case T.False:
          return { kind: 'bool', value: false, span: at };
        case T.None:
          return { kind: 'none', span: at };
        case T.Identifier:
        case T.Block:
        case T.Model:
          return { kind: 'name', name: t.image, span: at };
        case T.QuotedName: {
          const name = this.quotedName(t);
          return name ? { kind: 'name', name: name.name, span: at, template: name.template } : null;
        }
      }
      return null;
    }
    const paren = child(node, 'parenthesized');
    if (paren) return this.sequence(paren, 'RParen', 'tuple');
    const list = child(node, 'list');
    if (!list) return null;
    return hasToken(list, 'For') ? this.comprehension(list) : this.sequence(list, 'RBracket', 'list');
  }

  /** `[element for targets in iter if filter]` */
  private comprehension(node: CstNode): Expr | null {
    const at = this.nodeSpan(node);
    const elementNode = children(node, 'items')[0];
    const element = elementNode && this.expression(elementNode);
    const targets = all(tokens(node, 'targets'), (t) => this.ident(t));
    const iterNode = child(node, 'iter');
    const iter = iterNode && this.disjunction(iterNode);
    if (!at || !element || !targets || targets.length === 0 || !iter || !hasToken(node, 'RBracket')) return null;
    const filterNode = child(node, 'filter');
    const filter = filterNode ? this.disjunction(filterNode) : null;
    if (filterNode && !filter) return null;
    return this.deep(
      { kind: 'comprehension', element, targets, iter, filter, span: at },
      element,
      iter,
      ...(filter ? [filter] : []),
    );
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

type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%';

function isBinaryOp(op: string): op is BinaryOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '//' || op === '%';
}

/** A `layerName`/`ref` node holding a plain identifier (not a number or a quoted name). */
function isPlainName(node: CstNode): boolean {
  const t = firstToken(node);
  return t !== undefined && (t.tokenType === T.Identifier || t.tokenType === T.Block || t.tokenType === T.Model);
}

function startOf(e: CstElement): number {
  return isNode(e) ? (e.location?.startOffset ?? 0) : e.startOffset;
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

/** The number token when a unary node is just `NUMBER` (no sign, no brackets, no trailers). */
function directNumber(unaryNode: CstNode): IToken | undefined {
  if (token(unaryNode, 'sign')) return undefined;
  const postfix = child(unaryNode, 'operand');
  if (postfix?.name !== 'postfix' || postfix.children.trailers?.length) return undefined;
  const primary = child(postfix, 'base');
  return primary && token(primary, 'NumberLiteral');
}
