import { afterAll, describe, expect, it } from 'vitest';
import { createGpuJsExecutor, type GpuJsExecutor, type GpuJsMode } from '../../runtime/gpujs/executor.ts';
import { expectClose } from '../golden.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';
import { activationCases, elementwiseCases, epilogueCases, movementCases, normAndReduceCases } from './op-cases.ts';

/** float32 GPU math (exp, division as a reciprocal, sums in another order) against the reference's. */
const TOL = { rtol: 1e-4, atol: 1e-5 };

const GROUPS = [
  ['activations as steps', activationCases],
  ['activations as epilogues', epilogueCases],
  ['prelu, binary, scalar, parameter', elementwiseCases],
  ['pad, reshape, permute, slice, channel_shuffle', movementCases],
  ['layer_norm, group_norm, adaptive_maxpool2d, reduce, linear of any rank', normAndReduceCases],
] as const;

/** Every case of op-cases.ts on one gpu.js mode, against the reference kernels (runtime/reference). */
export function opsSuite(mode: GpuJsMode): void {
  for (const [title, cases] of GROUPS) {
    describe(`gpu.js ${mode}: ${title}`, () => {
      const open: GpuJsExecutor[] = [];
      afterAll(() => open.forEach((e) => e.destroy()));
      it.each(cases().map((c) => [c.name, c] as const))('%s', async (_, c) => {
        const exec = await createGpuJsExecutor(c.plan, c.weights, mode);
        open.push(exec);
        expect(exec.backend).toBe(mode);
        const { y } = await exec.run(c.feeds);
        expectClose(y, runPlanOnReference(c.plan, c.weights, c.feeds).y, TOL, c.name);
      });
    });
  }
}
