/**
 * Chooses the kernel for each plan step. Ops without a wasm kernel (softmax, concat, avgpool,
 * adaptive avgpool, standalone sigmoid/tanh, batch-statistics batchnorm) run their JavaScript CPU
 * kernel on views into the wasm memory (no copies), so every plan runs.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { NO_SCRATCH, type StepKernel } from '../kernel.ts';
import { convKernel } from './conv.ts';
import { batchnormKernel, elementwiseKernel } from './elementwise.ts';
import { linearKernel } from './linear.ts';
import { maxpoolKernel } from './maxpool.ts';

export function jsStepKernel(why: string): StepKernel {
  return {
    describe: `JavaScript CPU kernel (${why})`,
    scratch: NO_SCRATCH,
    overread: 0,
    packs: [],
    emit: () => [{ kind: 'js-step' }],
  };
}

/** `threads`: how many threads the program is built for (some kernels size their work units by it). */
export function selectKernel(step: PlanStep, threads = 1): StepKernel {
  switch (step.op) {
    case 'conv2d':
      return convKernel(step as PlanStep<'conv2d'>, threads);
    case 'maxpool2d':
      return maxpoolKernel(step as PlanStep<'maxpool2d'>);
    case 'linear':
      return linearKernel(step as PlanStep<'linear'>);
    case 'relu':
    case 'leaky_relu':
    case 'add':
    case 'identity':
    case 'flatten':
      return elementwiseKernel(step);
    case 'batchnorm2d': {
      const bn = step as PlanStep<'batchnorm2d'>;
      if (bn.attrs.track_running_stats && bn.inputShapes[0].length >= 2) return batchnormKernel(bn);
      return jsStepKernel('batchnorm with batch statistics');
    }
    default:
      return jsStepKernel(`no wasm kernel for ${step.op}`);
  }
}
