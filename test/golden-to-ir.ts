/**
 * Test-side adapter: turns a golden case's `layers` (PyTorch attribute names, 'same'/'valid' padding,
 * negative flatten dims) into an IR Graph with normalised attrs, as the analyzer would produce. The
 * reference suite (test/reference) checks the oracle with it: it also builds the networks PyTorch
 * rejects (shape_error cases), which the compiler refuses, and keeps the oracle's checks against
 * PyTorch independent of the front end. Suites that need a plan use test/golden-plan.ts (the compiler).
 */
import type { OpAttrs, OpName, Pads, Pair, ParamName } from '../compiler/ir/attrs.ts';
import type { Graph, IRNode, NodeSpans, ParamSpec } from '../compiler/ir/graph.ts';
import { span } from '../compiler/source/span.ts';
import { runGraph, type RunGraphOptions } from '../runtime/reference/index.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';
import { type GoldenCase, type GoldenLayer, weightsOf } from './golden.ts';

export interface IrOp<K extends OpName = OpName> {
  readonly op: K;
  readonly attrs: OpAttrs[K];
}

function pair(v: unknown, what: string): Pair {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw new Error(`golden attribute ${what} is not a pair: ${JSON.stringify(v)}`);
}

/** Golden conv padding -> explicit [top, bottom, left, right]. */
export function convPads(padding: unknown, kernel: Pair, dilation: Pair): Pads {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    // PyTorch pads d*(k-1) in total per dim, the smaller half on the top/left
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    const [top, left] = [Math.floor(th / 2), Math.floor(tw / 2)];
    return [top, th - top, left, tw - left];
  }
  const [ph, pw] = pair(padding, 'padding');
  return [ph, ph, pw, pw];
}

function resolveDim(d: unknown, rank: number, what: string): number {
  if (typeof d !== 'number') throw new Error(`golden attribute ${what} is not a number`);
  return d < 0 ? d + rank : d;
}

/** One golden layer -> IR op and attrs; `inputRank` resolves negative dims. */
export function goldenLayerToIr(layer: GoldenLayer, inputRank: number): IrOp {
  const a = layer as Record<string, unknown>;
  switch (layer.op) {
    case 'conv2d': {
      const kernel_size = pair(a.kernel_size, 'kernel_size');
      const dilation = pair(a.dilation, 'dilation');
      const attrs: OpAttrs['conv2d'] = {
        in_channels: a.in_channels as number,
        out_channels: a.out_channels as number,
        kernel_size,
        stride: pair(a.stride, 'stride'),
        pads: convPads(a.padding, kernel_size, dilation),
        dilation,
        groups: a.groups as number,
        bias: a.bias as boolean,
        padding_mode: a.padding_mode as OpAttrs['conv2d']['padding_mode'],
      };
      return { op: 'conv2d', attrs };
    }
    case 'maxpool2d': {
      const attrs: OpAttrs['maxpool2d'] = {
        kernel_size: pair(a.kernel_size, 'kernel_size'),
        stride: pair(a.stride, 'stride'),
        padding: pair(a.padding, 'padding'),
        dilation: pair(a.dilation, 'dilation'),
        ceil_mode: a.ceil_mode as boolean,
      };
      return { op: 'maxpool2d', attrs };
    }
    case 'avgpool2d': {
      const attrs: OpAttrs['avgpool2d'] = {
        kernel_size: pair(a.kernel_size, 'kernel_size'),
        stride: pair(a.stride, 'stride'),
        padding: pair(a.padding, 'padding'),
        ceil_mode: a.ceil_mode as boolean,
        count_include_pad: a.count_include_pad as boolean,
        divisor_override: (a.divisor_override as number | null) ?? null,
      };
      return { op: 'avgpool2d', attrs };
    }
    case 'adaptive_avgpool2d':
      return { op: 'adaptive_avgpool2d', attrs: { output_size: pair(a.output_size, 'output_size') } };
    case 'global_avgpool2d':
      return { op: 'adaptive_avgpool2d', attrs: { output_size: [1, 1] } };
    case 'batchnorm2d': {
      const attrs: OpAttrs['batchnorm2d'] = {
        num_features: a.num_features as number,
        eps: a.eps as number,
        momentum: (a.momentum as number | null) ?? null,
        affine: a.affine as boolean,
        track_running_stats: a.track_running_stats as boolean,
      };
      return { op: 'batchnorm2d', attrs };
    }
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'add':
    case 'identity':
      return { op: layer.op, attrs: {} };
    case 'leaky_relu':
      return { op: 'leaky_relu', attrs: { negative_slope: a.negative_slope as number } };
    case 'flatten':
      return {
        op: 'flatten',
        attrs: {
          start_dim: resolveDim(a.start_dim ?? 1, inputRank, 'start_dim'),
          end_dim: resolveDim(a.end_dim ?? -1, inputRank, 'end_dim'),
        },
      };
    case 'linear':
      return {
        op: 'linear',
        attrs: {
          in_features: a.in_features as number,
          out_features: a.out_features as number,
          bias: a.bias as boolean,
        },
      };
    case 'softmax':
      return { op: 'softmax', attrs: { dim: resolveDim(a.dim, inputRank, 'dim') } };
    case 'concat':
      return { op: 'concat', attrs: { dim: resolveDim(a.dim ?? 1, inputRank, 'dim') } };
    default:
      throw new Error(`golden op ${layer.op} has no IR counterpart`);
  }
}

/** The state_dict params of an op, in PyTorch's order, with their shapes. */
export function paramSpecsOf(name: string, ir: IrOp): ParamSpec[] {
  const spec = (p: ParamName, shape: number[]): ParamSpec => ({ key: `${name}.${p}`, name: p, shape, inline: null });
  switch (ir.op) {
    case 'conv2d': {
      const a = ir.attrs as OpAttrs['conv2d'];
      const w = spec('weight', [a.out_channels, a.in_channels / a.groups, ...a.kernel_size]);
      return a.bias ? [w, spec('bias', [a.out_channels])] : [w];
    }
    case 'linear': {
      const a = ir.attrs as OpAttrs['linear'];
      const w = spec('weight', [a.out_features, a.in_features]);
      return a.bias ? [w, spec('bias', [a.out_features])] : [w];
    }
    case 'batchnorm2d': {
      const a = ir.attrs as OpAttrs['batchnorm2d'];
      const c = [a.num_features];
      return [
        ...(a.affine ? [spec('weight', c), spec('bias', c)] : []),
        ...(a.track_running_stats ? [spec('running_mean', c), spec('running_var', c)] : []),
      ];
    }
    default:
      return [];
  }
}

/** Rank of an op's output given its first input's rank (only flatten changes it). */
function outputRank(ir: IrOp, inputRank: number): number {
  if (ir.op !== 'flatten') return inputRank;
  const a = ir.attrs as OpAttrs['flatten'];
  return inputRank - (a.end_dim - a.start_dim);
}

/**
 * The case as an IR Graph. Spans are empty placeholders in a file named `golden:<id>`; node shapes
 * come from `intermediate_shapes` (or `output_shape` for the last layer) and are null otherwise.
 */
export function goldenToGraph(c: GoldenCase): Graph {
  const file = `golden:${c.id}`;
  const none = span(file, 0, 0);
  const spans: NodeSpans = { stmt: none, name: none, call: none, args: {}, inputs: [], callSite: null };
  const inputNames = Object.keys(c.inputShapes);
  const ranks = new Map<string, number>(inputNames.map((n) => [n, c.inputShapes[n].length]));
  const nodes: IRNode[] = [];
  let previous = inputNames[0];
  c.layers.forEach((layer, i) => {
    const inputs = layer.inputs ? [...layer.inputs] : [previous];
    const rank = ranks.get(inputs[0]);
    if (rank === undefined) throw new Error(`${c.id}: layer ${layer.name} reads unknown '${inputs[0]}'`);
    const ir = goldenLayerToIr(layer, rank);
    const isLast = i === c.layers.length - 1;
    const shape = c.intermediateShapes?.[layer.name] ?? (isLast ? c.outputShape : null) ?? null;
    nodes.push({
      id: layer.name,
      op: ir.op,
      attrs: ir.attrs,
      inputs,
      shape,
      params: paramSpecsOf(layer.name, ir),
      spans: { ...spans, inputs: inputs.map(() => null) },
    });
    ranks.set(layer.name, outputRank(ir, rank));
    previous = layer.name;
  });
  return {
    name: c.id,
    inputs: inputNames.map((name) => ({ name, shape: c.inputShapes[name], span: none })),
    nodes,
    outputs: [previous],
    // golden networks return their last layer, under that layer's name
    outputNames: [previous],
    weightsPath: null,
    span: none,
  };
}

/** The case's network on the reference kernels (runGraph): its one output, from `params` (default: the case's). */
export function referenceOutput(
  c: GoldenCase,
  params: Readonly<Record<string, Tensor>> = c.params,
  options: RunGraphOptions = {},
): Tensor {
  const graph = goldenToGraph(c);
  return runGraph(graph, c.input, weightsOf(params), options)[graph.outputs[0]];
}
