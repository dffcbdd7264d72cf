/**
 * The "prepare" phase of shifted-plane kernels (see conv-source.ts): copies each input plane into
 * padded, phase-split scratch planes. One work unit is one (batch item, channel) plane, so threads
 * split planes. Rows whose source row is inside the input run in a loop; the few padding rows and
 * columns are emitted one by one with their source (or constant) resolved at generation time.
 * Unit-stride rows are copied with memory.copy; strided rows gather with a scalar loop.
 */
import type { Func, Local } from '../encoder.ts';
import { padSourceIndex, padValue, type PlaneGeometry, type ShiftedPlanes } from './conv-source.ts';
import { forEachUnit, setIndexed, setOffset, unitFunction } from './loops.ts';

export interface PrepAddresses {
  /** input plane 0 (batch 0, channel 0) */
  readonly src: number;
  /** scratch: where plane-set 0 goes; plane-set u starts at dst + u * chanFloats * 4 */
  readonly dst: number;
}

/** Builds `fn(lo, hi, tid)` preparing planes [lo, hi) of N*C. */
export function prepFunction(g: PlaneGeometry, sp: ShiftedPlanes, at: PrepAddresses): Func {
  const frame = unitFunction();
  const { f } = frame;
  const u = f.local('i32');
  const srcPlane = f.local('i32');
  const dstPlane = f.local('i32');
  const emitPlane = planePreparer(f, g, sp);
  forEachUnit(frame, u, () => {
    setIndexed(f, srcPlane, u, g.H * g.W * 4, at.src);
    setIndexed(f, dstPlane, u, sp.chanFloats * 4, at.dst);
    emitPlane(srcPlane, dstPlane);
  });
  return f;
}

/**
 * Returns an emitter of the code that prepares one input plane (at address local `srcPlane`) into
 * its scratch planes (at `dstPlane`); it declares its own locals in `f` once.
 */
export function planePreparer(
  f: Func,
  g: PlaneGeometry,
  sp: ShiftedPlanes,
): (srcPlane: Local, dstPlane: Local) => void {
  const prep = sp.prep;
  if (prep === null) throw new Error('wasm codegen: these planes need no preparation');
  const { Hq, Wq, phases } = prep;
  const [sh, sw] = g.stride;
  const [pt, pb, pl, pr] = g.pads;
  const { H, W } = g;
  const Hp = H + pt + pb;
  const Wp = W + pl + pr;
  const fill = padValue(g.pad);
  const i = f.local('i32');
  const dstRow = f.local('i32');
  const srcRow = f.local('i32');
  const j = f.local('i32');

  /** dst[j] = constant for j in [from, to) of the row at dstRow (+ byte offset base). */
  const constCols = (from: number, to: number): void => {
    if (to <= from) return;
    if (fill === 0 && to - from >= 4) {
      f.localGet(dstRow);
      f.i32Const(from * 4);
      f.i32Add();
      f.i32Const(0);
      f.i32Const((to - from) * 4);
      f.memoryFill();
      return;
    }
    if (to - from <= 8) {
      for (let c = from; c < to; c++) {
        f.localGet(dstRow);
        f.f32Const(fill);
        f.f32Store(c * 4);
      }
      return;
    }
    f.forLoop(
      j,
      from * 4,
      to * 4,
      4,
      () => {
        f.localGet(dstRow);
        f.localGet(j);
        f.i32Add();
        f.f32Const(fill);
        f.f32Store(0);
      },
      { atLeastOnce: true },
    );
  };

  /** One destination row of phase column b, reading the source row at srcRow. */
  const copyRow = (b: number): void => {
    // columns j whose source column x = j*sw + b - pl lies in [0, W)
    const jLo = Math.max(0, Math.ceil((pl - b) / sw));
    const jHi = Math.min(Wq, Math.floor((W - 1 + pl - b) / sw) + 1);
    for (let c = 0; c < Wq; c++) {
      if (c >= jLo && c < jHi) continue;
      const xp = c * sw + b;
      const sx = xp >= Wp ? -1 : padSourceIndex(g.pad, xp - pl, W);
      if (sx < 0) {
        constCols(c, c + 1);
      } else {
        f.localGet(dstRow);
        f.localGet(srcRow);
        f.f32Load(sx * 4);
        f.f32Store(c * 4);
      }
    }
    if (jHi <= jLo) return;
    const x0 = jLo * sw + b - pl;
    if (sw === 1) {
      f.localGet(dstRow);
      f.i32Const(jLo * 4);
      f.i32Add();
      f.localGet(srcRow);
      f.i32Const(x0 * 4);
      f.i32Add();
      f.i32Const((jHi - jLo) * 4);
      f.memoryCopy();
      return;
    }
    // strided gather: j walks the destination, srcRow + x0*4 + j*sw*4 the source
    f.forLoop(
      j,
      0,
      jHi - jLo,
      1,
      () => {
        f.localGet(dstRow);
        f.localGet(j);
        f.i32Const(2);
        f.i32Shl();
        f.i32Add();
        f.localGet(srcRow);
        f.localGet(j);
        f.i32Const(sw * 4);
        f.i32Mul();
        f.i32Add();
        f.f32Load(x0 * 4);
        f.f32Store(jLo * 4);
      },
      { atLeastOnce: true },
    );
  };

  return (srcPlane: Local, dstPlane: Local): void => {
    phases.forEach(([a, b], k) => {
      const phaseBase = k * Hq * Wq * 4;
      // rows i whose source row y = i*sh + a - pt lies in [0, H)
      const iLo = Math.max(0, Math.ceil((pt - a) / sh));
      const iHi = Math.min(Hq, Math.floor((H - 1 + pt - a) / sh) + 1);
      for (let r = 0; r < Hq; r++) {
        if (r >= iLo && r < iHi) continue;
        const yp = r * sh + a;
        const sy = yp >= Hp ? -1 : padSourceIndex(g.pad, yp - pt, H);
        setAddr(f, dstRow, dstPlane, phaseBase + r * Wq * 4);
        if (sy < 0) constCols(0, Wq);
        else {
          setAddr(f, srcRow, srcPlane, sy * W * 4);
          copyRow(b);
        }
      }
      if (iHi > iLo) {
        setAddr(f, dstRow, dstPlane, phaseBase + iLo * Wq * 4);
        setAddr(f, srcRow, srcPlane, (iLo * sh + a - pt) * W * 4);
        f.forLoop(
          i,
          iLo,
          iHi,
          1,
          () => {
            copyRow(b);
            f.addI32(dstRow, Wq * 4);
            f.addI32(srcRow, sh * W * 4);
          },
          { atLeastOnce: true },
        );
      }
    });
  };
}

/** local = base + constant (a plain copy for 0) */
function setAddr(f: Func, l: Local, base: Local, add: number): void {
  if (add !== 0) {
    setOffset(f, l, base, add);
    return;
  }
  f.localGet(base);
  f.localSet(l);
}
