/** A sanity timing print (not an assertion) for the conv the benchmark task cares about most. */
import { describe, expect, it } from 'vitest';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { oneStepPlan, prng, randomTensor } from './single-step.ts';

describe('timing', () => {
  it('64->64 3x3 conv on 56x56 (prints ms per run)', () => {
    const rnd = prng(42);
    const { plan, weights } = oneStepPlan({
      op: 'conv2d',
      attrs: {
        in_channels: 64,
        out_channels: 64,
        kernel_size: [3, 3],
        stride: [1, 1],
        pads: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
        bias: true,
        padding_mode: 'zeros',
      },
      inputShapes: [[1, 64, 56, 56]],
      outputShape: [1, 64, 56, 56],
      params: { weight: randomTensor([64, 64, 3, 3], rnd), bias: randomTensor([64], rnd) },
    });
    const exec = createCpuExecutor(plan, weights);
    const x = randomTensor([1, 64, 56, 56], rnd);
    for (let i = 0; i < 4; i++) exec.run({ x0: x }); // let the JIT optimise the kernel
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      exec.run({ x0: x });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const ms = times[2];
    const gmacs = (64 * 64 * 9 * 56 * 56) / ms / 1e6;
    console.log(
      `[cpu-codegen timing] conv2d 64->64 3x3 56x56: ${ms.toFixed(1)} ms median of 5 (${gmacs.toFixed(2)} GMAC/s)`,
    );
    expect(ms).toBeGreaterThan(0);
  });
});
