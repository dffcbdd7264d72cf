import type { Plan } from '../../compiler/3-lower/plan.ts';
import { gpujsKernelSource } from '../../compiler/5-codegen/gpujs/kernel-source.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import type { GpuJsMode } from './backend.ts';
import { createGpuJsExecutorFromSources, type GpuJsExecutor } from './executor-core.ts';

export type { GpuJsMode } from './backend.ts';
export type { GpuJsExecutor } from './executor-core.ts';

/** Generates one gpu.js kernel per plan step and runs them on the asked gpu.js backend. */
export function createGpuJsExecutor(plan: Plan, weights: Map<string, Tensor>, mode: GpuJsMode): Promise<GpuJsExecutor> {
  return createGpuJsExecutorFromSources(plan, plan.steps.map(gpujsKernelSource), weights, mode);
}
