/**
 * CPU reference kernels: plain, obviously-correct implementations of every IR op with PyTorch
 * semantics. They are the numerical oracle other backends are tested against, not a fast path.
 */
import type { OpAttrs, OpName, ParamName } from '../../compiler/ir/attrs.ts';
import type { Dim } from '../../compiler/ir/dim.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import {
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  hardtanh,
  leakyRelu,
  mish,
  prelu,
  relu,
  sigmoid,
  silu,
  tanh,
} from './activations.ts';
import { adaptiveAvgpool2d, adaptiveMaxpool2d } from './adaptive-pool.ts';
import { binary, scalar } from './arithmetic.ts';
import { batchnorm2d } from './batchnorm.ts';
import { fail, requireParam, showShape } from './checks.ts';
import { conv2d } from './conv2d.ts';
import { flatten, identity, parameter } from './flatten.ts';
import { channelShuffle, permute, reshape, slice } from './layout.ts';
import { linear } from './linear.ts';
import { add, concat } from './merge.ts';
import { groupNorm, layerNorm } from './norm.ts';
import { pad } from './pad.ts';
import { avgpool2d, maxpool2d } from './pool.ts';
import { reduce } from './reduce.ts';
import { softmax } from './softmax.ts';

export {
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  hardtanh,
  leakyRelu,
  mish,
  prelu,
  relu,
  sigmoid,
  silu,
  tanh,
} from './activations.ts';
export { adaptiveAvgpool2d, adaptiveBin, adaptiveMaxpool2d } from './adaptive-pool.ts';
export { binary, broadcastShape, broadcastStrides, scalar } from './arithmetic.ts';
export { batchnorm2d, batchStats } from './batchnorm.ts';
export { conv2d, convOutSize, padSource } from './conv2d.ts';
export { erf } from './erf.ts';
export { flatten, flattenShape, identity, parameter } from './flatten.ts';
export { channelShuffle, permute, reshape, slice, stridesOf } from './layout.ts';
export { linear } from './linear.ts';
export { add, concat } from './merge.ts';
export { groupNorm, layerNorm } from './norm.ts';
export { pad, padSources } from './pad.ts';
export { avgpool2d, maxpool2d, poolOutSize } from './pool.ts';
export { reduce, reduceShape } from './reduce.ts';
export { softmax } from './softmax.ts';

export type OpParams = Partial<Record<ParamName, Tensor>>;

type Kernel<K extends OpName> = (attrs: OpAttrs[K], inputs: readonly Tensor[], params: OpParams) => Tensor;

function only(op: string, inputs: readonly Tensor[]): Tensor {
  if (inputs.length !== 1) fail(op, `takes exactly 1 input, got ${inputs.length}`);
  return inputs[0];
}

function pair(op: string, inputs: readonly Tensor[]): [Tensor, Tensor] {
  if (inputs.length !== 2) fail(op, `takes exactly 2 inputs, got ${inputs.length}`);
  return [inputs[0], inputs[1]];
}

const kernels: { [K in OpName]: Kernel<K> } = {
  conv2d: (a, xs, p) => conv2d(only('conv2d', xs), a, requireParam(p.weight, 'conv2d', 'weight'), p.bias),
  maxpool2d: (a, xs) => maxpool2d(only('maxpool2d', xs), a),
  avgpool2d: (a, xs) => avgpool2d(only('avgpool2d', xs), a),
  adaptive_avgpool2d: (a, xs) => adaptiveAvgpool2d(only('adaptive_avgpool2d', xs), a),
  batchnorm2d: (a, xs, p) => batchnorm2d(only('batchnorm2d', xs), a, p),
  relu: (_a, xs) => relu(only('relu', xs)),
  leaky_relu: (a, xs) => leakyRelu(only('leaky_relu', xs), a),
  sigmoid: (_a, xs) => sigmoid(only('sigmoid', xs)),
  tanh: (_a, xs) => tanh(only('tanh', xs)),
  flatten: (a, xs) => flatten(only('flatten', xs), a),
  linear: (a, xs, p) => linear(only('linear', xs), a, requireParam(p.weight, 'linear', 'weight'), p.bias),
  softmax: (a, xs) => softmax(only('softmax', xs), a),
  add: (_a, xs) => add(xs),
  concat: (a, xs) => concat(xs, a),
  identity: (_a, xs) => identity(only('identity', xs)),
  hardtanh: (a, xs) => hardtanh(only('hardtanh', xs), a),
  hardswish: (_a, xs) => hardswish(only('hardswish', xs)),
  hardsigmoid: (_a, xs) => hardsigmoid(only('hardsigmoid', xs)),
  silu: (_a, xs) => silu(only('silu', xs)),
  gelu: (a, xs) => gelu(only('gelu', xs), a),
  elu: (a, xs) => elu(only('elu', xs), a),
  mish: (_a, xs) => mish(only('mish', xs)),
  prelu: (a, xs, p) => prelu(only('prelu', xs), a, requireParam(p.weight, 'prelu', 'weight')),
  binary: (a, xs) => binary(...pair('binary', xs), a),
  scalar: (a, xs) => scalar(only('scalar', xs), a),
  reshape: (a, xs) => reshape(only('reshape', xs), a),
  permute: (a, xs) => permute(only('permute', xs), a),
  slice: (a, xs) => slice(only('slice', xs), a),
  pad: (a, xs) => pad(only('pad', xs), a),
  channel_shuffle: (a, xs) => channelShuffle(only('channel_shuffle', xs), a),
  layer_norm: (a, xs, p) => layerNorm(only('layer_norm', xs), a, p),
  group_norm: (a, xs, p) => groupNorm(only('group_norm', xs), a, p),
  adaptive_maxpool2d: (a, xs) => adaptiveMaxpool2d(only('adaptive_maxpool2d', xs), a),
  reduce: (a, xs) => reduce(only('reduce', xs), a),
  parameter: (a, xs, p) => parameter(xs, a, p.value),
};

/** Runs one op on full-batch tensors; the output shape follows from attrs and input shapes. */
export function runOp<K extends OpName>(op: K, attrs: OpAttrs[K], inputs: Tensor[], params: OpParams): Tensor {
  const kernel: Kernel<K> | undefined = kernels[op];
  if (!kernel) fail(String(op), 'unknown op');
  return kernel(attrs, inputs, params);
}

/** The parts of an IR Graph (compiler/ir/graph.ts) that evaluation needs; a Graph fits structurally. */
export interface GraphLike {
  readonly inputs: readonly { readonly name: string; readonly shape?: readonly Dim[] }[];
  readonly nodes: readonly NodeLike[];
  /** node ids (or graph input names) to return */
  readonly outputs: readonly string[];
  /** the user's names for those outputs, parallel to `outputs`; results are keyed by them when present */
  readonly outputNames?: readonly string[];
}

export interface NodeLike {
  readonly id: string;
  readonly op: OpName;
  readonly attrs: OpAttrs[OpName];
  readonly inputs: readonly string[];
  readonly params: readonly ParamLike[];
}

export interface ParamLike {
  readonly key: string;
  readonly name: ParamName;
  readonly shape?: readonly number[];
  readonly inline?: Float32Array | null;
}

export interface RunGraphOptions {
  /** called with every node's output, in evaluation order */
  readonly tap?: (id: string, t: Tensor) => void;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function resolveParam(p: ParamLike, weights: ReadonlyMap<string, Tensor>): Tensor {
  const given = weights.get(p.key);
  const t = given ?? (p.inline ? tensor(p.shape ?? [p.inline.length], p.inline) : undefined);
  if (!t) fail('graph', `no weight '${p.key}' and no inline value`);
  if (p.shape && !sameShape(t.shape, p.shape)) {
    fail('graph', `weight '${p.key}' has shape ${showShape(t.shape)}, expected ${showShape(p.shape)}`);
  }
  return t;
}

function checkFeed(name: string, declared: readonly Dim[] | undefined, t: Tensor): void {
  if (!declared) return;
  // symbolic dims (N, H) accept any size; known dims must match
  const ok = declared.length === t.shape.length && declared.every((d, i) => typeof d !== 'number' || d === t.shape[i]);
  if (!ok) {
    const want = declared.map((d) => (typeof d === 'number' ? String(d) : '?'));
    fail('graph', `input '${name}' has shape ${showShape(t.shape)}, expected [${want.join(', ')}]`);
  }
}

/**
 * Evaluates the nodes in order (they are topologically sorted in the IR). Params are looked up by
 * state_dict key in `weights`, falling back to the inline value. Returns the graph outputs keyed by
 * their output names (`outputNames`), or by node id when the graph has none.
 */
export function runGraph(
  graph: GraphLike,
  feeds: Record<string, Tensor>,
  weights: ReadonlyMap<string, Tensor>,
  opts: RunGraphOptions = {},
): Record<string, Tensor> {
  const values = new Map<string, Tensor>();
  for (const input of graph.inputs) {
    const t = feeds[input.name];
    if (!t) fail('graph', `no feed for input '${input.name}'`);
    checkFeed(input.name, input.shape, t);
    values.set(input.name, t);
  }
  for (const node of graph.nodes) {
    let out: Tensor;
    try {
      const inputs = node.inputs.map(
        (name) => values.get(name) ?? fail('graph', `reads '${name}', which is not computed yet`),
      );
      const params: OpParams = {};
      for (const p of node.params) params[p.name] = resolveParam(p, weights);
      out = runOp(node.op, node.attrs, inputs, params);
    } catch (e) {
      // name the node: a bare kernel message does not say which layer of a big graph failed
      throw new Error(`node '${node.id}': ${(e as Error).message}`, { cause: e });
    }
    values.set(node.id, out);
    opts.tap?.(node.id, out);
  }
  const result: Record<string, Tensor> = {};
  graph.outputs.forEach((name, i) => {
    const t = values.get(name);
    if (!t) fail('graph', `output '${name}' is neither an input nor a node`);
    result[graph.outputNames?.[i] ?? name] = t;
  });
  return result;
}
