/**
 * Every golden `layer` and `model` case through the wasm backend, within the case's PyTorch tolerance:
 * single-threaded, and with two threads splitting every phase (split threshold 0, so even tiny layers
 * exercise the worker hand-off and the per-thread scratch).
 */
import { describe, expect, it } from 'vitest';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { runGoldenOnWasm } from './golden-helpers.ts';

const cases = listGoldenCases(['layer', 'model']);

describe.each([
  { threads: 1, minSplitCost: undefined, split: undefined },
  { threads: 2, minSplitCost: 0, split: 'always' as const },
])('wasm backend, $threads thread(s)', (opts) => {
  it('finds the golden cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  it.each(cases)('%s matches PyTorch', async (id) => {
    const c = loadGoldenCase(id);
    const { y } = await runGoldenOnWasm(c, {
      threads: opts.threads,
      minSplitCost: opts.minSplitCost,
      split: opts.split,
      relaxed: false,
    });
    expect(y.shape).toEqual(c.outputShape);
    expectClose(y, c.output!, c.tolerance!, `${id} on wasm`);
  });
});
