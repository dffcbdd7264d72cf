import type { BinaryOp } from '../../ir/attrs.ts';
import type { OpDef } from './op-def.ts';
import { adaptiveAvgPool2d } from './adaptive-pool.ts';
import { dropout, identity, leakyRelu, relu, sigmoid, tanh } from './activations.ts';
import { batchNorm2d, lazyBatchNorm2d } from './batchnorm2d.ts';
import { conv2d, lazyConv2d } from './conv2d.ts';
import { flatten } from './flatten.ts';
import { lazyLinear, linear } from './linear.ts';
import { addOp, cat, concat } from './merge.ts';
import { avgPool2d, maxPool2d } from './pool2d.ts';
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
      batchNorm2d,
      lazyBatchNorm2d,
      relu,
      leakyRelu,
      sigmoid,
      tanh,
      flatten,
      linear,
      lazyLinear,
      softmax,
      addOp,
      concat,
      cat,
      identity,
      dropout,
    ] as OpDef[]
  ).map((d) => [d.className, d]),
);

/** Op definitions by IR op name (the first class name registered for it). */
export const OPS_BY_IR: ReadonlyMap<string, OpDef> = new Map([...OPS.values()].reverse().map((d) => [d.op, d]));

/** Tensor-by-number arithmetic (`x * 0.5`, `1 - x`), used by value expressions; not classes a user names. */
export const SCALAR_OPS: Partial<Record<BinaryOp, OpDef<'scalar'>>> = {};
