/**
 * Fixed seeds and bounded runs for the property tests, so CI is reproducible and quick.
 * fast-check's failure message holds `{ seed: 42, path: "3:1:0" }` and the shrunk counterexample;
 * replay exactly that case with `CNNC_FUZZ_SEED=42 CNNC_FUZZ_PATH=3:1:0 npx vitest run test/fuzz/FILE`.
 * CNNC_FUZZ_RUNS multiplies every run count (e.g. 20 for a long local session).
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.CNNC_FUZZ_SEED ?? 42);
const REPLAY_PATH = process.env.CNNC_FUZZ_PATH;
const RUNS_FACTOR = Number(process.env.CNNC_FUZZ_RUNS ?? 1);

/** fc.assert parameters: the fixed seed, `numRuns` cases (times CNNC_FUZZ_RUNS), and a replay path when given. */
export function fuzzParams(numRuns: number): fc.Parameters<unknown> {
  return {
    seed: FUZZ_SEED,
    numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)),
    ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
  };
}

/** Runs a synchronous property with the fixed seed; a failure message carries `seed` and `path`. */
export function fuzz<T>(arb: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => void): void {
  // the predicate's return value is ignored: an expect() chain returned by an arrow function would read as a failure
  fc.assert(
    fc.property(arb, (v) => {
      predicate(v);
    }),
    fuzzParams(numRuns) as fc.Parameters<[T]>,
  );
}

/** The same for an async property. */
export async function fuzzAsync<T>(
  arb: fc.Arbitrary<T>,
  numRuns: number,
  predicate: (value: T) => Promise<void>,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      await predicate(v);
    }),
    fuzzParams(numRuns) as fc.Parameters<[T]>,
  );
}

/** Runs `f` and returns its result with the milliseconds it took (performance.now()). */
export function timed<T>(f: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = f();
  return { result, ms: performance.now() - t0 };
}

/**
 * Per-case time bound. Generous against a loaded 2-core CI machine, tight against a hang or
 * anything quadratic on the sizes the generators make.
 */
export const CASE_MS = 2000;
