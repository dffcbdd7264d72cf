/**
 * The relaxed-SIMD code path (f32x4.relaxed_madd instead of a multiply and an add). Node 20 ships
 * relaxed SIMD behind --experimental-wasm-relaxed-simd, so this file turns the flag on for its own
 * test process (vitest runs each file in its own fork) and checks every golden layer/model case and a
 * few kernels forced onto each strategy.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../compiler/3-lower/plan.ts';
import { gemmConvKernel } from '../../compiler/5-codegen/wasm/kernels/conv.ts';
import { winogradKernel } from '../../compiler/5-codegen/wasm/kernels/winograd.ts';
import { relaxedSimdSupported } from '../../runtime/wasm/features.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { runGoldenOnWasm } from './golden-helpers.ts';
import { runOneStep, worstRatio } from './one-step.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd');

describe('wasm backend with relaxed SIMD', () => {
  it('is available once the V8 flag is set', () => {
    expect(relaxedSimdSupported()).toBe(true);
  });

  it.each(listGoldenCases(['layer', 'model']))('%s matches PyTorch', async (id) => {
    const c = loadGoldenCase(id);
    const { y } = await runGoldenOnWasm(c, { threads: 1, relaxed: true });
    expectClose(y, c.output!, c.tolerance!, `${id} on wasm (relaxed)`);
  });

  it.each([
    ['GEMM', (s: PlanStep) => gemmConvKernel(s as PlanStep<'conv2d'>, { MR: 4, NV: 2, KU: 1 })],
    ['Winograd', (s: PlanStep) => winogradKernel(s as PlanStep<'conv2d'>)],
    ['backend choice (depthwise)', undefined],
  ] as const)('conv via %s matches the reference', async (_name, kernel) => {
    const depthwise = kernel === undefined;
    const C = depthwise ? 6 : 5;
    const r = await runOneStep(
      {
        op: 'conv2d',
        attrs: {
          in_channels: C,
          out_channels: 7 - (depthwise ? 1 : 0),
          kernel_size: [3, 3],
          stride: [1, 1],
          pads: [1, 1, 1, 1],
          dilation: [1, 1],
          groups: depthwise ? 6 : 1,
          bias: true,
          padding_mode: 'zeros',
        },
        inputShapes: [[2, C, 9, 11]],
        outputShape: [2, 7 - (depthwise ? 1 : 0), 9, 11],
        paramShapes: { weight: [7 - (depthwise ? 1 : 0), depthwise ? 1 : C, 3, 3], bias: [7 - (depthwise ? 1 : 0)] },
        residual: true,
        activation: { kind: 'relu' },
      },
      42,
      { relaxed: true, kernel },
    );
    expect(worstRatio(r.got.data, r.want.data)).toBeLessThanOrEqual(1);
  });
});
