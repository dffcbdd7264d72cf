/**
 * One CPU kernel as JavaScript source: `function fnName(out, in0, [in1...], [res], params...)` over
 * Float32Arrays, with every size a numeric literal. Argument order is `kernelArgs(step)` (emit.ts).
 */
import type { PlanStep } from '../../3-lower/plan.ts';
import type { OpName } from '../../ir/attrs.ts';
import { type KernelNames, indent, int, kernelNames } from './emit.ts';
import { erfHelperLines, needsErf } from './erf.ts';
import { safeComment } from './escape.ts';
import { binaryLines, scalarLines } from './ops/arithmetic.ts';
import { batchnormLines } from './ops/batchnorm.ts';
import { concatLines } from './ops/concat.ts';
import { conv2dLines } from './ops/conv2d.ts';
import { activationOf, activationOpLines, addLines, copyLines, parameterLines, preluLines } from './ops/elementwise.ts';
import { channelShuffleLines, permuteLines, sliceLines } from './ops/layout.ts';
import { linearLines } from './ops/linear.ts';
import { groupNormLines, layerNormLines } from './ops/norm.ts';
import { padLines } from './ops/pad.ts';
import { adaptiveAvgpoolLines, adaptiveMaxpoolLines, avgpoolLines, maxpoolLines } from './ops/pool.ts';
import { reduceLines } from './ops/reduce.ts';
import { softmaxLines } from './ops/softmax.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function cpuKernelSource(step: PlanStep, fnName: string): string {
  if (!IDENTIFIER.test(fnName))
    throw new Error(`cpu codegen: kernel name ${JSON.stringify(fnName)} is not a plain identifier`);
  const k = kernelNames(step);
  // the exact GELU's erf is declared inside the kernel, so each kernel's source runs on its own
  const body = [...(needsErf(step) ? erfHelperLines() : []), ...kernelBody(step, k)];
  const params = [k.out, ...k.inputs, ...(k.residual === null ? [] : [k.residual]), ...Object.values(k.params)];
  return [...headerComment(step, k), `function ${fnName}(${params.join(', ')}) {`, ...indent(body), `}`].join('\n');
}

function headerComment(step: PlanStep, k: KernelNames): string[] {
  const shapes = step.inputShapes.map(shapeText).join(', ');
  const ep: string[] = [];
  if (step.epilogue.residual !== null) ep.push('+ residual');
  if (step.epilogue.activation !== null) ep.push(`then ${step.epilogue.activation.kind}`);
  const params = Object.entries(step.params).map(([name, key]) => `${k.params[name]} = ${key}`);
  return [
    `// ${safeComment(step.op)}: ${safeComment(step.nodes.join(', '))}`,
    `// ${shapes} -> ${shapeText(step.outputShape)}${ep.length > 0 ? `, epilogue: ${safeComment(ep.join(' '))}` : ''}`,
    ...(params.length > 0 ? [`// params: ${safeComment(params.join('; '))}`] : []),
  ];
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.map(int).join(', ')}]`;
}

function kernelBody(step: PlanStep, k: KernelNames): string[] {
  const op: OpName = step.op;
  switch (op) {
    case 'conv2d':
      return conv2dLines(step as PlanStep<'conv2d'>, k);
    case 'maxpool2d':
      return maxpoolLines(step as PlanStep<'maxpool2d'>, k);
    case 'avgpool2d':
      return avgpoolLines(step as PlanStep<'avgpool2d'>, k);
    case 'adaptive_avgpool2d':
      return adaptiveAvgpoolLines(step as PlanStep<'adaptive_avgpool2d'>, k);
    case 'batchnorm2d':
      return batchnormLines(step as PlanStep<'batchnorm2d'>, k);
    case 'relu':
    case 'leaky_relu':
    case 'sigmoid':
    case 'tanh':
    case 'hardtanh':
    case 'hardswish':
    case 'hardsigmoid':
    case 'silu':
    case 'gelu':
    case 'elu':
    case 'mish':
      return activationOpLines(step, k, activationOf(step));
    case 'prelu':
      return preluLines(step as PlanStep<'prelu'>, k);
    case 'binary':
      return binaryLines(step as PlanStep<'binary'>, k);
    case 'scalar':
      return scalarLines(step as PlanStep<'scalar'>, k);
    case 'permute':
      return permuteLines(step as PlanStep<'permute'>, k);
    case 'slice':
      return sliceLines(step as PlanStep<'slice'>, k);
    case 'pad':
      return padLines(step as PlanStep<'pad'>, k);
    case 'channel_shuffle':
      return channelShuffleLines(step as PlanStep<'channel_shuffle'>, k);
    case 'layer_norm':
      return layerNormLines(step as PlanStep<'layer_norm'>, k);
    case 'group_norm':
      return groupNormLines(step as PlanStep<'group_norm'>, k);
    case 'adaptive_maxpool2d':
      return adaptiveMaxpoolLines(step as PlanStep<'adaptive_maxpool2d'>, k);
    case 'reduce':
      return reduceLines(step as PlanStep<'reduce'>, k);
    case 'parameter':
      return parameterLines(step as PlanStep<'parameter'>, k);
    case 'linear':
      return linearLines(step as PlanStep<'linear'>, k);
    case 'softmax':
      return softmaxLines(step as PlanStep<'softmax'>, k);
    case 'add':
      return addLines(step as PlanStep<'add'>, k);
    case 'concat':
      return concatLines(step as PlanStep<'concat'>, k);
    case 'flatten':
    case 'identity':
    case 'reshape':
      return copyLines(step, k);
    default: {
      const never: never = op;
      throw new Error(`cpu codegen: no CPU kernel for op ${JSON.stringify(never)}`);
    }
  }
}
