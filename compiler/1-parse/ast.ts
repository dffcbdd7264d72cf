import type { Span } from '../source/span.ts';

/** The abstract syntax of a .cnn file. Every node carries the span of the text it came from. */

export interface Ident {
  readonly kind: 'ident';
  /** the name as written (for a backquoted name, the text between the backquotes) */
  readonly name: string;
  readonly span: Span;
  /**
   * A backquoted name with `{expression}` parts (`` `denselayer{i + 1}` ``): literal text and
   * expressions, in order, filled in where the name is used. Absent for every other name.
   */
  readonly template?: readonly TemplatePart[];
}

export type TemplatePart = string | Expr;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { readonly kind: 'int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'float'; readonly value: number; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'none'; readonly span: Span }
  /** `(3, 5)`: PyTorch tuples (kernel_size, stride, padding, ...). */
  | { readonly kind: 'tuple'; readonly items: readonly Expr[]; readonly span: Span }
  /** `[[1, -1]]`: nested lists, for inline parameter values and shapes. */
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly span: Span }
  /** A bare name: a symbolic dimension (`N`), a block parameter (`c`), a layer or value (`x`). */
  | { readonly kind: 'name'; readonly name: string; readonly span: Span; readonly template?: readonly TemplatePart[] }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }
  /** Arithmetic on block parameters and dimensions (`c * 2`, `c // 4`), or on tensors (`a + b`). */
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '//' | '%';
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  /** `F.relu`, `x.chunk`: an attribute of a module path or a value. */
  | { readonly kind: 'attr'; readonly object: Expr; readonly name: Ident; readonly span: Span }
  /** `F.relu(x)`, `range(4)`, `Conv2d(3, 64, 3)` (a child of `Sequential(...)`). */
  | { readonly kind: 'call'; readonly callee: Expr; readonly args: readonly Arg[]; readonly span: Span }
  /** `parts[0]`, `cfg[i]` */
  | { readonly kind: 'index'; readonly object: Expr; readonly index: Expr; readonly span: Span }
  /** Python's chained comparison: `0 <= i < n` has two operators and three operands. */
  | {
      readonly kind: 'compare';
      readonly operands: readonly Expr[];
      readonly operators: readonly CompareOp[];
      readonly span: Span;
    }
  | { readonly kind: 'logic'; readonly op: 'and' | 'or'; readonly operands: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  /** `a if condition else b` */
  | {
      readonly kind: 'cond';
      readonly then: Expr;
      readonly condition: Expr;
      readonly otherwise: Expr;
      readonly span: Span;
    }
  /** `[Block(i) for i in range(3) if i > 0]` */
  | {
      readonly kind: 'comprehension';
      readonly element: Expr;
      readonly targets: readonly Ident[];
      readonly iter: Expr;
      readonly filter: Expr | null;
      readonly span: Span;
    };

export interface Arg {
  /** null for a positional argument. */
  readonly name: Ident | null;
  readonly value: Expr;
  readonly span: Span;
  /** `*items`: the items of a list or tuple, each as a positional argument */
  readonly splat?: boolean;
}

/** `weight = [[1, -1]]` inside the braces after a layer: an inline parameter value. */
export interface ParamInit {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface InputStmt {
  readonly kind: 'input';
  readonly name: Ident;
  /** The declared shape; null inside a block, where the shape comes from the call site. */
  readonly shape: readonly Expr[] | null;
  readonly span: Span;
}

export interface WeightsStmt {
  readonly kind: 'weights';
  readonly path: { readonly value: string; readonly span: Span };
  readonly span: Span;
}

export interface LayerStmt {
  readonly kind: 'layer';
  /** null for a child without a name, which PyTorch numbers (`Sequential`'s `0`, `1`, ...) */
  readonly name: Ident | null;
  /** The op or block name, e.g. `Conv2d` or `BasicBlock`. */
  readonly op: Ident;
  readonly args: readonly Arg[];
  /** The span of `Op(args)`: what a label under the layer underlines. */
  readonly callSpan: Span;
  /** Explicit inputs after `<-`; null means "the previous statement's output". */
  readonly inputs: readonly Ident[] | null;
  readonly params: readonly ParamInit[];
  /** `name: Sequential { ... }`: the children as statements; null for `Op(args)` */
  readonly children: readonly Stmt[] | null;
  readonly span: Span;
}

/** `x = expression` or `a, b = expression`: names for values (tensors or compile-time values). */
export interface AssignStmt {
  readonly kind: 'assign';
  readonly targets: readonly Ident[];
  readonly value: Expr;
  readonly span: Span;
}

/** `for i in range(3) { ... }`: the body once per item, as if written out. */
export interface ForStmt {
  readonly kind: 'for';
  readonly targets: readonly Ident[];
  readonly iter: Expr;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

/** `if c { ... } elif d { ... } else { ... }`: the first branch whose condition holds, at compile time. */
export interface IfStmt {
  readonly kind: 'if';
  readonly branches: readonly { readonly condition: Expr; readonly body: readonly Stmt[] }[];
  readonly orelse: readonly Stmt[] | null;
  readonly span: Span;
}

export interface OutputStmt {
  readonly kind: 'output';
  readonly names: readonly Ident[];
  readonly span: Span;
}

export type Stmt = InputStmt | WeightsStmt | LayerStmt | OutputStmt | AssignStmt | ForStmt | IfStmt;

export interface BlockParam {
  readonly name: Ident;
  readonly default: Expr | null;
  readonly span: Span;
}

export interface ModelDecl {
  readonly kind: 'model';
  readonly name: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export interface BlockDecl {
  readonly kind: 'block';
  readonly name: Ident;
  readonly params: readonly BlockParam[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export interface Program {
  readonly file: string;
  readonly decls: readonly (ModelDecl | BlockDecl)[];
}
