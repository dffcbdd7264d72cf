/**
 * Every case of test/gpujs/op-cases.ts (every new op, every activation as a step and as an epilogue,
 * the broadcasting, padding, layer_norm and reduce corners) on the wasm backend, one and two threads
 * with every phase split, against the reference kernels.
 */
import { describe, expect, it } from 'vitest';
import { createWasmExecutor } from '../../runtime/wasm/executor.ts';
import {
  activationCases,
  elementwiseCases,
  epilogueCases,
  movementCases,
  normAndReduceCases,
} from '../gpujs/op-cases.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';
import { worstRatio } from './one-step.ts';

/**
 * [atol, rtol]. conv, linear and batchnorm: 1e-6, 1e-5, as their SIMD kernels compute in float32 (sums in
 * another order than the reference's double sums, batchnorm's scale and shift folded at load time), a few
 * float32 roundings of terms up to 30 in magnitude. Everything else: 1e-7, 1e-6, as the elementwise SIMD
 * kernels are exact (new-ops-simd.test.ts holds them to 0) and the JavaScript kernels (the cpu backend's)
 * differ from the reference only in summation order, in applying an epilogue before rounding to float32,
 * and in their erf (1e-11).
 */
const FLOAT32_ARITHMETIC = [1e-6, 1e-5] as const;
const NEAR_EXACT = [1e-7, 1e-6] as const;
const toleranceOf = (op: string) =>
  op === 'conv2d' || op === 'linear' || op === 'batchnorm2d' ? FLOAT32_ARITHMETIC : NEAR_EXACT;

const GROUPS = [
  ['activations as steps', activationCases],
  ['activations as epilogues', epilogueCases],
  ['prelu, binary, scalar, parameter', elementwiseCases],
  ['pad, reshape, permute, slice, channel_shuffle', movementCases],
  ['layer_norm, group_norm, adaptive_maxpool2d, reduce, linear of any rank', normAndReduceCases],
] as const;

for (const threads of [1, 2]) {
  for (const [title, cases] of GROUPS) {
    describe(`wasm, ${threads} thread(s): ${title}`, () => {
      it.each(cases().map((c) => [c.name, c] as const))('%s', async (_, c) => {
        const ex = await createWasmExecutor(c.plan, c.weights, { threads, minSplitCost: 0, split: 'always' });
        try {
          const got = ex.run(c.feeds).y;
          const want = runPlanOnReference(c.plan, c.weights, c.feeds).y;
          expect(got.shape).toEqual(want.shape);
          const how = ex.program.steps.map((s) => s.describe).join('; ');
          expect(worstRatio(got.data, want.data, ...toleranceOf(c.op)), `${c.name} via ${how}`).toBeLessThanOrEqual(1);
        } finally {
          ex.destroy();
        }
      });
    });
  }
}
