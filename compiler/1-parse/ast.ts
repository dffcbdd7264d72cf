import type { Span } from '../source/span.ts';

/** The abstract syntax of a .cnn file. Every node carries the span of the text it came from. */

export interface Ident {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
}

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
  /** A bare name: a symbolic dimension (`N`) or a block parameter (`c`). */
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }
  /** Arithmetic on block parameters and dimensions: `c * 2`, `c // 4`. */
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '//';
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    };

export interface Arg {
  /** null for a positional argument. */
  readonly name: Ident | null;
  readonly value: Expr;
  readonly span: Span;
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
  readonly name: Ident;
  /** The op or block name, e.g. `Conv2d` or `BasicBlock`. */
  readonly op: Ident;
  readonly args: readonly Arg[];
  /** The span of `Op(args)`: what a label under the layer underlines. */
  readonly callSpan: Span;
  /** Explicit inputs after `<-`; null means "the previous statement's output". */
  readonly inputs: readonly Ident[] | null;
  readonly params: readonly ParamInit[];
  readonly span: Span;
}

export interface OutputStmt {
  readonly kind: 'output';
  readonly names: readonly Ident[];
  readonly span: Span;
}

export type Stmt = InputStmt | WeightsStmt | LayerStmt | OutputStmt;

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
