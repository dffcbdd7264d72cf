/**
 * Chooses the kernel for each plan step. Ops without a wasm kernel run their JavaScript CPU kernel on
 * views into the wasm memory (no copies), so every plan runs.
 */
import type { PlanStep } from '../../../4-plan/plan.ts';
import { NO_SCRATCH, type StepKernel } from '../kernel.ts';
import { convKernel } from './conv.ts';
import { maxpoolKernel } from './maxpool.ts';

export function jsStepKernel(why: string): StepKernel {
  return { describe: `JavaScript CPU kernel (${why})`, scratch: NO_SCRATCH, overread: 0, packs: [], emit: () => [{ kind: 'js-step' }] };
}

export function selectKernel(step: PlanStep): StepKernel {
  switch (step.op) {
    case 'conv2d':
      return convKernel(step as PlanStep<'conv2d'>);
    case 'maxpool2d':
      return maxpoolKernel(step as PlanStep<'maxpool2d'>);
    default:
      return jsStepKernel(`no wasm kernel for ${step.op}`);
  }
}
