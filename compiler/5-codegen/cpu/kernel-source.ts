/**
 * One CPU kernel as JavaScript source: `function fnName(out, in0, [in1...], [res], params...)` over
 * Float32Arrays, with every size a numeric literal. Argument order is `kernelArgs(step)` (emit.ts).
 */
import type { PlanStep } from '../../3-lower/plan.ts';
import type { OpName } from '../../ir/attrs.ts';
import { type KernelNames, indent, int, kernelNames } from './emit.ts';
import { safeComment } from './escape.ts';
import { batchnormLines } from './ops/batchnorm.ts';
import { concatLines } from './ops/concat.ts';
import { conv2dLines } from './ops/conv2d.ts';
import { activationOpLines, addLines, copyLines } from './ops/elementwise.ts';
import { linearLines } from './ops/linear.ts';
import { adaptiveAvgpoolLines, avgpoolLines, maxpoolLines } from './ops/pool.ts';
import { softmaxLines } from './ops/softmax.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function cpuKernelSource(step: PlanStep, fnName: string): string {
  if (!IDENTIFIER.test(fnName))
    throw new Error(`cpu codegen: kernel name ${JSON.stringify(fnName)} is not a plain identifier`);
  const k = kernelNames(step);
  const body = kernelBody(step, k);
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
      return activationOpLines(step, k, { kind: 'relu' });
    case 'leaky_relu':
      return activationOpLines(step, k, {
        kind: 'leaky_relu',
        negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope,
      });
    case 'sigmoid':
      return activationOpLines(step, k, { kind: 'sigmoid' });
    case 'tanh':
      return activationOpLines(step, k, { kind: 'tanh' });
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
      return copyLines(step, k);
    default: {
      const never: never = op;
      throw new Error(`cpu codegen: no CPU kernel for op ${JSON.stringify(never)}`);
    }
  }
}
