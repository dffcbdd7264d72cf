/**
 * Chooses the kernel for each plan step. Ops without a wasm kernel (softmax, concat, avgpool,
 * adaptive pools, the activations with exp/log/erf, prelu, broadcasts other than a plane one, data
 * movement, the norms, reduce, free parameters, batch-statistics batchnorm) run their JavaScript CPU
 * kernel on views into the wasm memory (no copies), so every plan runs.
 */
import { activationOf } from '../../../3-lower/activation-of.ts';
import type { PlanStep } from '../../../3-lower/plan.ts';
import { NO_SCRATCH, type StepKernel } from '../kernel.ts';
import { binaryBroadcastKernel, planeBroadcast } from './binary.ts';
import { convKernel } from './conv.ts';
import { batchnormKernel, elementwiseKernel } from './elementwise.ts';
import { linearKernel } from './linear.ts';
import { maxpoolKernel } from './maxpool.ts';
import { wasmActivation } from './simd.ts';

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

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
  const noKernel = () => jsStepKernel(`no wasm kernel for ${step.op}`);
  switch (step.op) {
    case 'conv2d':
      return convKernel(step as PlanStep<'conv2d'>, threads);
    case 'maxpool2d':
      return maxpoolKernel(step as PlanStep<'maxpool2d'>);
    case 'linear':
      return linearKernel(step as PlanStep<'linear'>);
    case 'add':
    case 'identity':
    case 'flatten':
    case 'reshape':
    case 'scalar':
      return elementwiseKernel(step);
    case 'binary': {
      const b = step as PlanStep<'binary'>;
      const n = sizeOf(b.outputShape);
      // operands with the output's element count are the output's shape up to leading 1s
      if (b.inputShapes.every((s) => sizeOf(s) === n)) return elementwiseKernel(b);
      const pb = planeBroadcast(b);
      if (pb !== null && pb.inner >= 4) return binaryBroadcastKernel(b, pb);
      return jsStepKernel('no SIMD kernel for this broadcast');
    }
    case 'batchnorm2d': {
      const bn = step as PlanStep<'batchnorm2d'>;
      if (bn.attrs.track_running_stats && bn.inputShapes[0].length >= 2) return batchnormKernel(bn);
      return jsStepKernel('batchnorm with batch statistics');
    }
    default: {
      const act = activationOf(step);
      if (act !== null && wasmActivation(act)) return elementwiseKernel(step);
      return noKernel();
    }
  }
}
