import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { referenceOutput } from '../golden-to-ir.ts';

const ids = listGoldenCases('train');

function sumSquaredError(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s;
}

// Forward checks only: the reference has no backward pass; the training loop is tested elsewhere.
describe('golden train cases, forward pass', () => {
  it('finds the train cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ids)('%s: conv(x) with final_params equals output.y', (id) => {
    const c = loadGoldenCase(id);
    expectClose(referenceOutput(c, c.train!.finalParams), c.output!, c.tolerance!, id);
  });

  it.each(ids)('%s: the losses before the first and after the last step', (id) => {
    const c = loadGoldenCase(id);
    const t = c.train!;
    const first = referenceOutput(c);
    const last = referenceOutput(c, t.finalParams);
    const tol = c.tolerance!;
    expect(Math.abs(sumSquaredError(first, t.target) - t.losses[0])).toBeLessThanOrEqual(
      tol.atol + tol.rtol * t.losses[0],
    );
    expect(Math.abs(sumSquaredError(last, t.target) - t.finalLoss)).toBeLessThanOrEqual(
      tol.atol + tol.rtol * t.finalLoss,
    );
  });
});
