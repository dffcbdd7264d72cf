/**
 * One gradient kernel as JavaScript source: `function fnName(...)` over Float32Arrays in the order
 * `gradKernelArgs(step)` gives (args.ts), every size a numeric literal, names only through escape.ts.
 * Each gradient buffer it is given is written whole.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import type { OpName } from '../../../ir/attrs.ts';
import { indent, int } from '../emit.ts';
import { safeComment } from '../escape.ts';
import { type GradNames, gradNames, gradParamList } from './args.ts';
import { conv2dGradLines } from './conv-grad.ts';
import {
  activationGradLines,
  addGradLines,
  copyGradLines,
  dropoutGradLines,
  parameterGradLines,
  preluGradLines,
  scalarGradLines,
} from './elementwise-grad.ts';
import {
  binaryGradLines,
  channelShuffleGradLines,
  concatGradLines,
  padGradLines,
  permuteGradLines,
  reduceGradLines,
  sliceGradLines,
  softmaxGradLines,
} from './layout-grad.ts';
import { linearGradLines } from './linear-grad.ts';
import { batchnormGradLines, groupNormGradLines, layerNormGradLines } from './norm-grad.ts';
import { adaptivePoolGradLines, avgpoolGradLines, maxpoolGradLines } from './pool-grad.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function cpuGradKernelSource(step: GradStep, fnName: string): string {
  if (!IDENTIFIER.test(fnName))
    throw new Error(`cpu codegen: kernel name ${JSON.stringify(fnName)} is not a plain identifier`);
  if (step.gradInputs.length !== step.inputs.length)
    throw new Error(
      `cpu codegen: ${step.op} gradient step has ${step.gradInputs.length} gradInputs for ${step.inputs.length} inputs`,
    );
  const k = gradNames(step);
  return [
    ...headerComment(step),
    `function ${fnName}(${gradParamList(step, k).join(', ')}) {`,
    ...indent(gradBody(step, k)),
    `}`,
  ].join('\n');
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.map(int).join(', ')}]`;
}

function headerComment(step: GradStep): string[] {
  const wanted = [
    ...step.gradInputs.flatMap((b, i) => (b === null ? [] : [`input ${i}`])),
    ...Object.keys(step.gradParams),
  ];
  return [
    `// gradient of ${safeComment(step.op)}: ${safeComment(step.nodes.join(', '))}`,
    `// ${step.inputShapes.map(shapeText).join(', ')} -> ${shapeText(step.outputShape)}; d of ${safeComment(wanted.join(', ') || 'nothing')}`,
  ];
}

function gradBody(step: GradStep, k: GradNames): string[] {
  const op: OpName = step.op;
  switch (op) {
    case 'conv2d':
      return conv2dGradLines(step as GradStep<'conv2d'>, k);
    case 'linear':
      return linearGradLines(step as GradStep<'linear'>, k);
    case 'maxpool2d':
      return maxpoolGradLines(step as GradStep<'maxpool2d'>, k);
    case 'avgpool2d':
      return avgpoolGradLines(step as GradStep<'avgpool2d'>, k);
    case 'adaptive_avgpool2d':
    case 'adaptive_maxpool2d':
      return adaptivePoolGradLines(step as GradStep<'adaptive_avgpool2d' | 'adaptive_maxpool2d'>, k);
    case 'batchnorm2d':
      return batchnormGradLines(step as GradStep<'batchnorm2d'>, k);
    case 'layer_norm':
      return layerNormGradLines(step as GradStep<'layer_norm'>, k);
    case 'group_norm':
      return groupNormGradLines(step as GradStep<'group_norm'>, k);
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
      return activationGradLines(step, k);
    case 'prelu':
      return preluGradLines(step as GradStep<'prelu'>, k);
    case 'scalar':
      return scalarGradLines(step as GradStep<'scalar'>, k);
    case 'binary':
      return binaryGradLines(step as GradStep<'binary'>, k);
    case 'identity':
      return (step as GradStep<'identity'>).attrs.training
        ? dropoutGradLines(step as GradStep<'identity'>, k)
        : copyGradLines(step, k);
    case 'flatten':
    case 'reshape':
      return copyGradLines(step, k);
    case 'permute':
      return permuteGradLines(step as GradStep<'permute'>, k);
    case 'slice':
      return sliceGradLines(step as GradStep<'slice'>, k);
    case 'pad':
      return padGradLines(step as GradStep<'pad'>, k);
    case 'channel_shuffle':
      return channelShuffleGradLines(step as GradStep<'channel_shuffle'>, k);
    case 'concat':
      return concatGradLines(step as GradStep<'concat'>, k);
    case 'add':
      return addGradLines(step, k);
    case 'softmax':
      return softmaxGradLines(step as GradStep<'softmax'>, k);
    case 'reduce':
      return reduceGradLines(step as GradStep<'reduce'>, k);
    case 'parameter':
      return parameterGradLines(step, k);
    default: {
      const never: never = op;
      throw new Error(`cpu codegen: no gradient kernel for op ${JSON.stringify(never)}`);
    }
  }
}
