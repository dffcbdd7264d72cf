/**
 * Chooses, per kernel phase, between running it on the calling thread alone and splitting it across
 * threads, from timings of both: splitting pays for compute-bound phases on an idle machine, but not
 * for phases limited by memory bandwidth, nor when other processes keep the cores busy (a helper
 * thread descheduled mid-chunk makes the whole phase wait). Each mode keeps its last few timings; the
 * one with the lower median wins, and the other is retried now and then so a change is noticed.
 */

/** Timings kept per mode. */
const WINDOW = 5;
/** Runs of each mode before choosing (the very first runs also pay for V8's tier-up). */
const TRIALS = 3;
/** Every EXPLORE-th run tries the mode that is not winning. */
const EXPLORE = 6;

export class ModeChooser {
  private readonly samples: [number[], number[]] = [[], []];
  private runs = 0;

  /** true: split this run across threads. */
  parallel(): boolean {
    this.runs++;
    const [one, many] = this.samples;
    if (one.length < TRIALS) return false;
    if (many.length < TRIALS) return true;
    const manyWins = median(many) < median(one);
    return this.runs % EXPLORE === 0 ? !manyWins : manyWins;
  }

  record(parallel: boolean, ms: number): void {
    const s = this.samples[parallel ? 1 : 0];
    s.push(ms);
    if (s.length > WINDOW) s.shift();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
