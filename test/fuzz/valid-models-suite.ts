import { describe, it } from 'vitest';
import { fuzzAsync } from './fuzz-config.ts';
import { validModel } from './model-gen.ts';
import { checkShapesAgainstReference, expectBackendAgrees } from './model-run.ts';

/**
 * Random valid models on one backend against the reference. gpu.js compiles every kernel on first
 * use (slowly), so its backends get few, small models; the cpu backend gets many.
 */
export function validModelsSuite(backend: string, numRuns: number, maxStages: number): void {
  describe(`random valid models on ${backend}`, () => {
    it(`agree with the reference within rtol 1e-3, atol 1e-4 (${numRuns} models)`, async () => {
      let seed = 1000;
      await fuzzAsync(validModel(maxStages), numRuns, async (m) => {
        const c = checkShapesAgainstReference(m, ++seed, backend);
        await expectBackendAgrees(c, backend);
      });
    });
  });
}
