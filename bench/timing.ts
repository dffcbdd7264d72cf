/** How long to warm up and how many timed runs each engine gets, so the whole bench fits in a few minutes. */

export interface TimingPolicy {
  /** warm-up: at least this many runs after the checked first run... */
  readonly warmupMinRuns: number;
  /** ...and until this much time has gone (JIT tiers settle), */
  readonly warmupMs: number;
  /** and, up to warmupMaxMs, until two runs in a row agree within warmupSettled (a fraction) */
  readonly warmupSettled: number;
  readonly warmupMaxMs: number;
  /** but never more runs than this */
  readonly warmupMaxRuns: number;
  /** timed runs: about this much time per engine and workload, */
  readonly budgetMs: number;
  /** within [minReps, maxReps], */
  readonly minReps: number;
  readonly maxReps: number;
  /** and a slow engine (gpu.js on the CPU at seconds per run) stops at this much, down to one run */
  readonly capMs: number;
}

export const FULL: TimingPolicy = {
  warmupMinRuns: 2,
  warmupMs: 800,
  warmupSettled: 0.15,
  warmupMaxMs: 8000,
  warmupMaxRuns: 15,
  budgetMs: 1500,
  minReps: 5,
  maxReps: 31,
  capMs: 6000,
};
export const QUICK: TimingPolicy = {
  warmupMinRuns: 1,
  warmupMs: 0,
  warmupSettled: Infinity,
  warmupMaxMs: 0,
  warmupMaxRuns: 1,
  budgetMs: 0,
  minReps: 2,
  maxReps: 2,
  capMs: 1e9,
};

/**
 * Whether to warm up once more after runs taking `times` ms over `elapsedMs`. The CPU backend's
 * generated code, for one, runs several times slower until V8 has optimized it (seconds, on W8).
 */
export function keepWarming(policy: TimingPolicy, times: readonly number[], elapsedMs: number): boolean {
  if (times.length >= policy.warmupMaxRuns) return false;
  if (times.length < policy.warmupMinRuns || elapsedMs < policy.warmupMs) return true;
  const [a, b] = times.slice(-2);
  const settled = b !== undefined && Math.abs(a - b) <= policy.warmupSettled * Math.min(a, b);
  return !settled && elapsedMs < policy.warmupMaxMs;
}

/** Timed runs for an engine whose warmed-up run takes about `estimateMs`. */
export function repsFor(policy: TimingPolicy, estimateMs: number): number {
  const est = Math.max(estimateMs, 0.01);
  const wanted = Math.min(policy.maxReps, Math.max(policy.minReps, Math.floor(policy.budgetMs / est)));
  return Math.max(1, Math.min(wanted, Math.floor(policy.capMs / est)));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function geomean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}
