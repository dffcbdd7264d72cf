/** The per-phase choice between one thread and several, from timings of both. */
import { describe, expect, it } from 'vitest';
import { ModeChooser } from '../../runtime/wasm/mode-chooser.ts';

/** Runs `n` decisions, timing one thread at `one` ms and split at `many` ms; returns the decisions. */
function drive(c: ModeChooser, n: number, one: number, many: number): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const split = c.parallel();
    c.record(split, split ? many : one);
    out.push(split);
  }
  return out;
}

describe('ModeChooser', () => {
  it('tries both modes, then keeps the faster, retrying the other now and then', () => {
    const c = new ModeChooser();
    const first = drive(c, 6, 2, 1);
    expect(first).toEqual([false, false, false, true, true, true]);
    const later = drive(c, 60, 2, 1);
    const share = later.filter(Boolean).length / later.length;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(1); // the slower mode is still sampled
  });

  it('moves to one thread when splitting becomes slower (e.g. the machine got busy)', () => {
    const c = new ModeChooser();
    drive(c, 40, 2, 1);
    const after = drive(c, 80, 2, 5).slice(40);
    expect(after.filter((s) => !s).length / after.length).toBeGreaterThan(0.75);
  });

  it('ignores a single outlier (medians, not means)', () => {
    const c = new ModeChooser();
    drive(c, 30, 2, 1);
    c.record(true, 500);
    expect(drive(c, 12, 2, 1).filter(Boolean).length).toBeGreaterThanOrEqual(10);
  });
});
