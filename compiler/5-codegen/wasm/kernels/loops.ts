/**
 * The frame every kernel function shares: `fn(lo, hi, tid)` over work units [lo, hi) (a 'wasm'
 * phase, see kernel.ts), the loop over those units, this thread's scratch, and the i32 address
 * idioms the kernels compute with (`local = base + index * stride`, `local = other + delta`).
 */
import { Func, type Local } from '../encoder.ts';

export interface UnitFunction {
  readonly f: Func;
  /** the unit range [lo, hi) and the thread id, as locals */
  readonly lo: Local;
  readonly hi: Local;
  readonly tid: Local;
}

/** A new `fn(lo, hi, tid)` with no results. */
export function unitFunction(): UnitFunction {
  const f = new Func(['i32', 'i32', 'i32'], []);
  return { f, lo: f.param(0), hi: f.param(1), tid: f.param(2) };
}

/** `body` inside a block that is left at once when the range is empty (lo >= hi). */
export function ifAnyUnits(k: UnitFunction, body: () => void): void {
  const { f, lo, hi } = k;
  f.block(() => {
    f.localGet(lo);
    f.localGet(hi);
    f.i32GeU();
    f.brIf(0);
    body();
  });
}

/**
 * For a non-empty range: `setup` once, then `body` for u = lo, lo + 1, ..., hi - 1. The range is
 * known non-empty there, so the loop tests u < hi after each unit (a do-while).
 */
export function forEachUnit(k: UnitFunction, u: Local, body: () => void, setup?: () => void): void {
  const { f, lo, hi } = k;
  ifAnyUnits(k, () => {
    setup?.();
    f.localGet(lo);
    f.localSet(u);
    f.loop(() => {
      body();
      f.localGet(u);
      f.i32Const(1);
      f.i32Add();
      f.localTee(u);
      f.localGet(hi);
      f.i32LtU();
      f.brIf(0);
    });
  });
}

/** Pushes base + index * stride (base and stride constants). */
export function pushIndexed(f: Func, index: Local, stride: number, base: number): void {
  f.localGet(index);
  f.i32Const(stride);
  f.i32Mul();
  f.i32Const(base);
  f.i32Add();
}

/** l = base + index * stride: a unit's plane or panel, or (index = tid) this thread's scratch. */
export function setIndexed(f: Func, l: Local, index: Local, stride: number, base: number): void {
  pushIndexed(f, index, stride, base);
  f.localSet(l);
}

/** l = from + delta, delta a constant (emitted even when 0): e.g. a residual row beside an output row. */
export function setOffset(f: Func, l: Local, from: Local, delta: number): void {
  f.localGet(from);
  f.i32Const(delta);
  f.i32Add();
  f.localSet(l);
}

/**
 * With x on the stack (and in local `x`): q = x / d and r = (x - q * d) * scale, unsigned, e.g. a
 * unit's image and its index inside the image.
 */
export function divMod(f: Func, x: Local, d: number, q: Local, r: Local, scale = 1): void {
  f.i32Const(d);
  f.i32DivU();
  f.localTee(q);
  f.i32Const(d);
  f.i32Mul();
  f.localGet(x);
  f.i32Sub();
  f.i32Const(-scale);
  f.i32Mul();
  f.localSet(r);
}
