/**
 * Every reference kernel of the new IR ops (activations, broadcasting arithmetic, data movement, pad,
 * normalisation, adaptive max pool, reduce, linear on any rank, free parameters) against PyTorch 1.13
 * on the seeded cases of torch_ops.py, corners included; and the reference erf against torch.erf.
 */
import { describe, expect, it } from 'vitest';
import type { OpName } from '../../compiler/ir/attrs.ts';
import { erf, runOp } from '../../runtime/reference/index.ts';
import { expectClose } from '../golden.ts';
import { loadTorchCases } from './torch-cases.ts';

const { cases, erf: erfPoints } = loadTorchCases();

describe('reference kernels against PyTorch', () => {
  it('has cases for every new op', () => {
    const ops = new Set(cases.map((c) => c.op));
    const wanted: OpName[] = [
      'hardtanh',
      'hardswish',
      'hardsigmoid',
      'silu',
      'gelu',
      'elu',
      'mish',
      'prelu',
      'binary',
      'scalar',
      'reshape',
      'permute',
      'slice',
      'pad',
      'channel_shuffle',
      'layer_norm',
      'group_norm',
      'adaptive_maxpool2d',
      'reduce',
      'parameter',
      'linear',
    ];
    for (const op of wanted) expect(ops.has(op), op).toBe(true);
  });

  for (const c of cases) {
    it(c.name, () => {
      const y = runOp(c.op, c.attrs, c.inputs, c.params);
      expectClose(y, c.output, c.tolerance, c.name);
    });
  }
});

describe('erf against torch.erf (float64)', () => {
  it(`${erfPoints.length} points in [-10, 10] and beyond: relative error below 1e-13`, () => {
    let worst = 0;
    let at = 0;
    for (const [x, want] of erfPoints) {
      const err = want === 0 ? Math.abs(erf(x)) : Math.abs(erf(x) - want) / Math.abs(want);
      if (!(err <= worst)) {
        worst = err;
        at = x;
      }
    }
    expect(worst, `worst at x = ${at}`).toBeLessThan(1e-13);
  });

  it('odd, exact at 0 and +-Infinity, NaN stays NaN', () => {
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
    expect(erf(-1.5)).toBe(-erf(1.5));
  });
});
