/**
 * The erf emitted into cpu kernels (compiler/5-codegen/cpu/erf.ts) against torch.erf in float64, and the
 * exact-GELU kernel as a self-contained source (the wasm backend instantiates cpu kernels one at a time).
 */
import { describe, expect, it } from 'vitest';
import { erfHelperLines } from '../../compiler/5-codegen/cpu/erf.ts';
import { cpuKernelSource } from '../../compiler/5-codegen/cpu/kernel-source.ts';
import { loadTorchCases } from '../reference/torch-cases.ts';
import { oneStepPlan } from './single-step.ts';

const erf = new Function(`"use strict";\n${erfHelperLines().join('\n')}\nreturn erf;`)() as (x: number) => number;
const { erf: points } = loadTorchCases();

describe('generated erf', () => {
  it(`matches torch.erf to 1e-10 relative on ${points.length} points over [-10, 10] and beyond`, () => {
    let worst = 0;
    let at = NaN;
    for (const [x, want] of points) {
      const err = want === 0 ? Math.abs(erf(x)) : Math.abs(erf(x) - want) / Math.abs(want);
      if (!(err <= worst)) {
        worst = err;
        at = x;
      }
    }
    // float32 needs 6e-8; the Taylor table gives ~6e-12 (worst half-way between centers near 0)
    expect(worst, `worst at x = ${at}`).toBeLessThan(1e-10);
  });

  it('is odd, saturates to +-1, keeps NaN, and is tiny-x linear (2/sqrt(pi) x)', () => {
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(7)).toBe(1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
    expect(erf(0)).toBe(0);
    for (const x of [0.1, 0.3, 1.7, 4.2]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(1e-30) / 1e-30).toBeCloseTo(2 / Math.sqrt(Math.PI), 14);
  });

  it('the exact-GELU kernel runs on its own, erf and its table declared inside it', () => {
    const { plan } = oneStepPlan({ op: 'gelu', attrs: { approximate: 'none' }, inputShapes: [[4]], outputShape: [4] });
    const src = cpuKernelSource(plan.steps[0], 'k');
    const k = new Function(`"use strict";\n${src}\nreturn k;`)() as (out: Float32Array, x: Float32Array) => void;
    const out = new Float32Array(4);
    k(out, new Float32Array([-1, 0, 1, 2]));
    // 0.5 x (1 + erf(x / sqrt 2)) from math.erf in double
    expect(Array.from(out)).toEqual([-0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416].map(Math.fround));
    expect(src.match(/function erf\(/g)?.length).toBe(1);
    const tanh = oneStepPlan({ op: 'gelu', attrs: { approximate: 'tanh' }, inputShapes: [[4]], outputShape: [4] });
    expect(cpuKernelSource(tanh.plan.steps[0], 'k')).not.toContain('erf');
  });
});
