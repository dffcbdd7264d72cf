import type { DiagnosticBuilder } from '../../diagnostics/diagnostic.ts';
import type { OpAttrs, OpName, ParamName } from '../../ir/attrs.ts';
import type { Shape } from '../../ir/dim.ts';
import type { NodeSpans } from '../../ir/graph.ts';
import type { Span } from '../../source/span.ts';
import type { Spanned, Value } from '../value.ts';

export const REQUIRED = Symbol('required');

/** How an argument is checked and normalised. */
export type ArgKind =
  | 'int' // an int (bools refused)
  | 'float' // an int or a float
  | 'bool'
  | 'pair' // an int or a tuple of two ints, as PyTorch's _pair
  | 'padding' // 'pair' or the strings 'same' / 'valid'
  | 'string' // one of `choices`
  | 'output_size' // an int, None, or a tuple of two (int or None)
  | 'ints' // a tuple or list of ints, any length (each >= min)
  | 'int_or_ints'; // an int, or a tuple or list of ints (each >= min); the op normalises

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly default: Value | typeof REQUIRED;
  /** None is accepted (and then means "default" or "infer") */
  readonly nullable?: boolean;
  /** smallest accepted value of an int / each pair element */
  readonly min?: number;
  readonly choices?: readonly string[];
  /** PyTorch accepts it, but only this value is supported (e.g. return_indices=False) */
  readonly only?: Value;
}

/** Arguments bound to a signature: every name in the signature has a value (given or default). */
export interface BoundArgs {
  value(name: string): Value;
  /** the span of the argument as written; the call's span for a default */
  span(name: string): Span;
  given(name: string): boolean;
  spanned(name: string): Spanned | undefined;
}

/** What a shape rule sees of one input. */
export interface InputInfo {
  readonly id: string;
  readonly shape: Shape;
  /** where that value was produced: the producing layer's call, or the input declaration */
  readonly span: Span;
  readonly kind: 'layer' | 'input';
  /** the producer's op, e.g. `flatten`, for notes that explain a size */
  readonly producerOp: OpName | null;
  readonly producerInputShape: Shape | null;
  /** the producer's normalised attributes, for help lines that compute a fix */
  readonly producerAttrs: unknown;
  /** the nearest layer (or input) that set the channel count, looking through channel-preserving ops */
  readonly channelSource: { readonly id: string; readonly span: Span };
}

export interface InferCtx {
  readonly id: string;
  readonly className: string;
  readonly spans: NodeSpans;
  readonly args: BoundArgs;
  readonly inputs: readonly InputInfo[];
  /**
   * For ops that give several tensors (Chunk, Split): which piece this node is (0-based), and how
   * many pieces the program takes (the names it unpacks into); null for every other op. The shape
   * rule compares `count` with the pieces the op gives (E0323) and reports only on piece 0; null on
   * Chunk or Split means the program took the op as one value (also E0323).
   */
  readonly piece: { readonly index: number; readonly count: number } | null;
  report(d: DiagnosticBuilder): void;
  /** the source text of a span, for help lines that show the exact edit */
  text(span: Span): string;
}

export interface InferResult<K extends OpName> {
  readonly shape: Shape;
  readonly attrs: OpAttrs[K];
  /** the IR op, when a def makes more than one (Add of two shapes that broadcast is `binary`); else def.op */
  readonly op?: K;
}

export interface ParamShape {
  readonly name: ParamName;
  readonly shape: readonly number[];
  /**
   * true: the state_dict key is the node's id itself (an nn.Parameter attribute such as
   * `features.1.0.layer_scale`), not `<id>.<name>`
   */
  readonly ownKey?: boolean;
}

export interface OpDef<K extends OpName = OpName> {
  /** PyTorch class name, as written in .cnn files */
  readonly className: string;
  readonly op: K;
  readonly args: readonly ArgSpec[];
  /** how many inputs the op takes (0 for a free parameter) */
  readonly arity: { readonly min: number; readonly max: number };
  /** Checks the arguments that need no shapes (ValueErrors at construction in PyTorch). */
  check?(args: BoundArgs, report: (d: DiagnosticBuilder) => void): void;
  /** The shape rule: reports errors through ctx and returns null when the output is unknown. */
  infer(ctx: InferCtx): InferResult<K> | null;
  params(attrs: OpAttrs[K]): readonly ParamShape[];
  /** multiply-accumulates for one forward pass of the given (concrete) shapes */
  macs(attrs: OpAttrs[K], inputs: readonly (readonly number[])[], output: readonly number[]): number;
  /** receptive-field contribution along H and W; 'global' when every output sees the whole input */
  receptive(attrs: OpAttrs[K]): Receptive;
}

export type Receptive =
  | { readonly kind: 'window'; readonly kernel: readonly [number, number]; readonly stride: readonly [number, number] }
  | { readonly kind: 'global' }
  | { readonly kind: 'same' };

export const SAME_RF: Receptive = { kind: 'same' };
