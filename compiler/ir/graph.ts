import type { Span } from '../source/span.ts';
import type { OpAttrs, OpName, ParamName } from './attrs.ts';
import type { Shape } from './dim.ts';

/** A parameter tensor of a node, bound by its PyTorch state_dict key. */
export interface ParamSpec {
  /** e.g. `layer1.conv1.weight` */
  readonly key: string;
  readonly name: ParamName;
  readonly shape: readonly number[];
  /** a value written inline in the .cnn file, already reshaped to `shape` */
  readonly inline: Float32Array | null;
}

/** One op application. `id` is the dotted module path, unique in the graph (e.g. `layer1.conv1`). */
export interface IRNode<K extends OpName = OpName> {
  readonly id: string;
  readonly op: K;
  /**
   * the class the layer was written with (`ReLU6`, `LayerNorm2d`, `Mul`), for what users read;
   * several classes share an IR op
   */
  readonly className?: string;
  readonly attrs: OpAttrs[K];
  /** ids of nodes or graph inputs, in order */
  readonly inputs: readonly string[];
  /** the output shape; null when an error upstream left it unknown */
  readonly shape: Shape | null;
  readonly params: readonly ParamSpec[];
  readonly spans: NodeSpans;
}

export interface NodeSpans {
  /** the whole statement */
  readonly stmt: Span;
  /** the layer's name */
  readonly name: Span;
  /** `Op(args)`; for a node inside a block, the call site's span is in `callSite` */
  readonly call: Span;
  /** argument spans by PyTorch argument name, for carets under the culprit */
  readonly args: Readonly<Record<string, Span>>;
  /** the span of each explicit input name after `<-`, by position */
  readonly inputs: readonly (Span | null)[];
  /** for nodes that come from a block expansion: the call site in the caller */
  readonly callSite: Span | null;
}

export interface GraphInput {
  readonly name: string;
  readonly shape: Shape;
  readonly span: Span;
}

export interface Graph {
  readonly name: string;
  readonly inputs: readonly GraphInput[];
  readonly nodes: readonly IRNode[];
  /** ids of the nodes (or graph inputs) the model returns */
  readonly outputs: readonly string[];
  /** the names the user gave those outputs (`output a, b`), parallel to `outputs` */
  readonly outputNames: readonly string[];
  /** the `weights "..."` line, resolved against the source file's folder by the CLI */
  readonly weightsPath: string | null;
  readonly span: Span;
}

export function isNode<K extends OpName>(n: IRNode, op: K): n is IRNode<K> {
  return n.op === op;
}
