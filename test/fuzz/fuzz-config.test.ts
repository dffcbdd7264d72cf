import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzz, fuzzAsync, fuzzParams } from './fuzz-config.ts';

describe('the property-test settings', () => {
  it('use a fixed seed and a bounded number of runs', () => {
    expect(FUZZ_SEED).toBe(Number(process.env.CNNC_FUZZ_SEED ?? 42));
    expect(fuzzParams(100)).toMatchObject({ seed: FUZZ_SEED });
    expect(fuzzParams(100).numRuns).toBeLessThanOrEqual(100 * Number(process.env.CNNC_FUZZ_RUNS ?? 1));
  });

  it('print the seed, the path to replay and the shrunk counterexample when a property fails', async () => {
    const failing = (n: number) => {
      expect(n).toBeLessThan(50);
    };
    let message = '';
    try {
      fuzz(fc.integer({ min: 0, max: 100 }), 100, failing);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`\\{ seed: ${FUZZ_SEED}, path: "[0-9:]+"(, endOnFailure: true)? \\}`));
    expect(message).toMatch(/Counterexample: \[50\]/);
    await expect(fuzzAsync(fc.integer({ min: 0, max: 100 }), 100, async (n) => failing(n))).rejects.toThrow(
      /seed: .*, path: /,
    );
  });

  it('replay: the same seed and path give the same counterexample', () => {
    const run = () =>
      fc.check(
        fc.property(fc.array(fc.nat()), (xs) => xs.length < 3),
        { seed: 7, numRuns: 100 },
      );
    const a = run();
    const b = run();
    expect(a.failed).toBe(true);
    expect(a.counterexample).toEqual(b.counterexample);
    const replay = fc.check(
      fc.property(fc.array(fc.nat()), (xs) => xs.length < 3),
      { seed: 7, path: a.counterexamplePath!, numRuns: 100 },
    );
    expect(replay.counterexample).toEqual(a.counterexample);
  });
});
