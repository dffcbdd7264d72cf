import type { BinaryOp } from '../../ir/attrs.ts';
import type { OpDef } from './op-def.ts';
import type { IRNode } from '../../ir/graph.ts';
import { adaptiveAvgPool2d, adaptiveMaxPool2d } from './adaptive-pool.ts';
import {
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  hardtanh,
  identity,
  leakyRelu,
  mish,
  relu,
  relu6,
  sigmoid,
  silu,
  tanh,
} from './activations.ts';
import { batchNorm2d, lazyBatchNorm2d } from './batchnorm2d.ts';
import { div, mul, scalarOpDefs, sub } from './binary.ts';
import { conv2d, lazyConv2d } from './conv2d.ts';
import {
  alphaDropout,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  featureAlphaDropout,
  stochasticDepth,
} from './dropout.ts';
import { flatten } from './flatten.ts';
import { groupNorm } from './group-norm.ts';
import { layerNorm, layerNorm2d } from './layer-norm.ts';
import { lazyLinear, linear } from './linear.ts';
import { addOp, cat, concat } from './merge.ts';
import { parameter } from './parameter.ts';
import { channelShuffle, permute, transpose } from './permute.ts';
import { constantPad2d, reflectionPad2d, replicationPad2d, zeroPad2d } from './pad2d.ts';
import { avgPool2d, maxPool2d } from './pool2d.ts';
import { prelu } from './prelu.ts';
import { mean, sum } from './reduce.ts';
import { reshape, unflatten, view } from './reshape.ts';
import { chunk, narrow, split } from './slice.ts';
import { softmax } from './softmax.ts';

/** Every op a .cnn file can name, by its PyTorch class name. */
export const OPS: ReadonlyMap<string, OpDef> = new Map(
  (
    [
      conv2d,
      lazyConv2d,
      maxPool2d,
      avgPool2d,
      adaptiveAvgPool2d,
      adaptiveMaxPool2d,
      batchNorm2d,
      lazyBatchNorm2d,
      layerNorm,
      layerNorm2d,
      groupNorm,
      relu,
      leakyRelu,
      sigmoid,
      tanh,
      hardtanh,
      relu6,
      hardswish,
      hardsigmoid,
      silu,
      gelu,
      elu,
      mish,
      prelu,
      flatten,
      linear,
      lazyLinear,
      softmax,
      addOp,
      sub,
      mul,
      div,
      concat,
      cat,
      identity,
      dropout,
      dropout1d,
      dropout2d,
      dropout3d,
      alphaDropout,
      featureAlphaDropout,
      stochasticDepth,
      narrow,
      chunk,
      split,
      channelShuffle,
      permute,
      transpose,
      reshape,
      view,
      unflatten,
      zeroPad2d,
      constantPad2d,
      reflectionPad2d,
      replicationPad2d,
      mean,
      sum,
      parameter,
    ] as OpDef[]
  ).map((d) => [d.className, d]),
);

/** Op definitions by IR op name (the first class name registered for it). */
export const OPS_BY_IR: ReadonlyMap<string, OpDef> = new Map([...OPS.values()].reverse().map((d) => [d.op, d]));

const BINARY_CLASS = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div' } as const;
const PAD_CLASS = { constant: 'ConstantPad2d', reflect: 'ReflectionPad2d', replicate: 'ReplicationPad2d' } as const;

/**
 * The class name to show for a node. Several classes share an IR op (Narrow, Chunk and Split are
 * `slice`), so this is the first registered one, except where the attrs tell: binary and scalar ops
 * by their operator, reduce by mean / sum, pad by its mode.
 */
export function classNameOf(node: Pick<IRNode, 'op' | 'attrs' | 'className'>): string {
  if (node.className) return node.className;
  // a node left without a shape by an error upstream has empty attrs
  const op = (node.attrs as { op?: string }).op;
  if ((node.op === 'binary' || node.op === 'scalar') && op && op in BINARY_CLASS)
    return BINARY_CLASS[op as keyof typeof BINARY_CLASS];
  if (node.op === 'reduce' && op) return op === 'sum' ? 'Sum' : 'Mean';
  const mode = (node.attrs as { mode?: string }).mode;
  if (node.op === 'pad' && mode && mode in PAD_CLASS) return PAD_CLASS[mode as keyof typeof PAD_CLASS];
  return OPS_BY_IR.get(node.op)?.className ?? node.op;
}

/** Tensor-by-number arithmetic (`x * 0.5`, `1 - x`), used by value expressions; not classes a user names. */
export const SCALAR_OPS: Partial<Record<BinaryOp, OpDef<'scalar'>>> = scalarOpDefs;
