/**
 * The cpu backend's training kernels (the contract is compiler/3-lower/train-plan.ts): the gradient of
 * every IR op, the training-mode forward of every op, and the accumulation of gradient contributions.
 * Argument orders are documented in args.ts.
 */
export { cpuAccumulateKernelSource } from './accumulate-source.ts';
export {
  GRAD_PARAM_ORDER,
  type GradKernelArg,
  gradKernelArgs,
  type TrainForwardKernelArg,
  takesSeed,
  takesState,
  trainForwardKernelArgs,
} from './args.ts';
export { cpuTrainForwardKernelSource } from './forward-source.ts';
export { cpuGradKernelSource } from './grad-source.ts';
