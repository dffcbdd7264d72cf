/**
 * maxpool2d in SIMD, separably: a window's max is the max over its columns of the max over its rows.
 *
 * A work unit is one (batch item, channel) plane. For each output row, a vertical pass takes the max
 * of the window's valid input rows four columns at a time into a per-thread row buffer that holds the
 * padding explicitly (-Infinity cells left and right of the W real columns); a horizontal pass then
 * takes the max over the window's columns straight from that buffer: one load per tap for stride 1,
 * two loads and an even-lane shuffle for stride 2, a lane gather otherwise. Output rows whose window
 * sticks out above or below the input are emitted one by one with their valid rows resolved at
 * generation time. Maxima propagate NaN like PyTorch (see maxStep); the epilogue is fused into the store.
 */
import type { Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { Func } from '../encoder.ts';
import type { EmitContext, Phase, StepKernel } from '../kernel.ts';
import { forEachUnit, setIndexed, setOffset, unitFunction } from './loops.ts';
import { splitEpilogue, storeWithEpilogue } from './simd.ts';

interface PoolGeometry {
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
  readonly KH: number;
  readonly KW: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
}

/** Row buffer length (floats): left padding, the row, and everything the horizontal pass may read. */
function rowBufferFloats(g: PoolGeometry): number {
  const vecs = Math.ceil(g.OW / 4);
  const lastRead = (vecs * 4 - 1) * g.sw + (g.KW - 1) * g.dw + (g.sw === 2 ? 1 : 0);
  return Math.ceil(Math.max(g.pw + Math.ceil(g.W / 4) * 4, lastRead + 1) / 4) * 4 + 4;
}

export function maxpoolKernel(step: PlanStep<'maxpool2d'>): StepKernel {
  const a = step.attrs;
  const [N, C, H, W] = step.inputShapes[0];
  const [, , OH, OW] = step.outputShape;
  const g: PoolGeometry = {
    H,
    W,
    OH,
    OW,
    KH: a.kernel_size[0],
    KW: a.kernel_size[1],
    sh: a.stride[0],
    sw: a.stride[1],
    ph: a.padding[0],
    pw: a.padding[1],
    dh: a.dilation[0],
    dw: a.dilation[1],
  };
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  return {
    describe: 'separable SIMD max pooling (vertical max into a padded row buffer, then horizontal)',
    scratch: { shared: 0, perThread: rowBufferFloats(g) * 4 + 64 },
    overread: 16,
    packs: [],
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name('maxpool');
      const residual = step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual);
      ctx.mod.addFunction(
        maxpoolFunction(
          g,
          ctx.buffer(step.inputs[0]),
          ctx.buffer(step.output),
          residual,
          ctx.threadScratch,
          ctx.threadScratchStride,
          ep,
        ),
        fn,
      );
      return [{ kind: 'wasm', fn, units: N * C, cost: N * C * OH * OW * g.KH * g.KW }, ...after];
    },
  };
}

function maxpoolFunction(
  g: PoolGeometry,
  input: number,
  out: number,
  residual: number | null,
  scratch: number,
  stride: number,
  ep: Epilogue,
): Func {
  const { H, W, OH, OW, KH, KW, sh, sw, ph, pw, dh, dw } = g;
  const Wr = rowBufferFloats(g);
  const wVecs = Math.ceil(W / 4);
  const oFull = Math.floor(OW / 4);
  const oTail = OW % 4;
  const resDelta = residual === null ? 0 : residual - out;

  const frame = unitFunction();
  const { f, tid } = frame;
  const i32 = () => f.local('i32');
  const u = i32(),
    plane = i32(),
    rb = i32(),
    oRow = i32(),
    rRow = i32(),
    oh = i32(),
    top = i32(),
    src = i32(),
    dst = i32(),
    j = i32();
  const acc = f.local('v128');
  const x = f.local('v128');
  const nan = f.local('v128');
  const tmp = f.local('v128');
  const NEG = -Infinity;

  /**
   * Running max of the vector on the stack (the n-th of a window) into acc, NaN-aware: pmax is one
   * instruction (f32x4.max is about eight on x64) but keeps its first operand when the second is NaN,
   * so NaN lanes are tracked apart, as an all-ones mask (itself a NaN pattern) or-ed in by maxResult.
   */
  const maxStep = (n: number): void => {
    f.localTee(x);
    f.localGet(x);
    f.f32x4Ne();
    if (n > 0) {
      f.localGet(nan);
      f.v128Or();
    }
    f.localSet(nan);
    if (n === 0) {
      f.localGet(x);
      f.localSet(acc);
    } else {
      f.localGet(acc);
      f.localGet(x);
      f.f32x4Pmax();
      f.localSet(acc);
    }
  };
  /** Pushes the window max: acc with NaN lanes where any element was NaN. */
  const maxResult = (): void => {
    f.localGet(acc);
    f.localGet(nan);
    f.v128Or();
  };

  /** -inf into row-buffer cells [from, to) (v128 stores; the buffer has 4 floats of room past Wr). */
  const fillNeg = (from: number, to: number): void => {
    for (let c = from; c < to; c += 4) {
      f.localGet(rb);
      f.f32x4Const(NEG);
      f.v128Store(c * 4, 0);
    }
  };

  /** Vertical pass: rowbuf[pw + x] = max over kernel rows `khs` of the input rows, x < W; `top` holds row khs[0]. */
  const vertical = (khs: number[]): void => {
    f.localGet(top);
    f.localSet(src);
    setOffset(f, dst, rb, pw * 4);
    f.forLoop(
      j,
      0,
      wVecs,
      1,
      () => {
        khs.forEach((kh, n) => {
          f.localGet(src);
          f.v128Load((kh - khs[0]) * dh * W * 4, 0);
          maxStep(n);
        });
        f.localGet(dst);
        maxResult();
        f.v128Store(0, 0);
        f.addI32(src, 16);
        f.addI32(dst, 16);
      },
      { atLeastOnce: true },
    );
    // the last vector wrote past the row: restore the right padding
    fillNeg(pw + W, Wr);
  };

  /** acc = max over kw of rowbuf[(ow0 + lane) * sw + kw * dw] for the four lanes, ow0 = 4 * j + first. */
  const gather = (byteOff: number): void => {
    if (sw === 1) {
      f.localGet(dst);
      f.v128Load(byteOff, 0);
    } else if (sw === 2) {
      f.localGet(dst);
      f.v128Load(byteOff, 0);
      f.localGet(dst);
      f.v128Load(byteOff + 16, 0);
      f.f32x4Shuffle(0, 2, 4, 6);
    } else {
      f.f32x4Const(0);
      for (let l = 0; l < 4; l++) {
        f.localGet(dst);
        f.f32Load(byteOff + l * sw * 4);
        f.f32x4ReplaceLane(l);
      }
    }
  };
  const horizontalVector = (lanes: number): void => {
    for (let kw = 0; kw < KW; kw++) {
      gather(kw * dw * 4);
      maxStep(kw);
    }
    maxResult();
    f.localSet(acc);
    storeWithEpilogue(f, ep, acc, residual === null ? null : { addr: rRow, offset: 0 }, tmp, oRow, 0, lanes);
  };
  /** Horizontal pass over the row buffer into the output row at oRow (advances oRow by OW). */
  const horizontal = (): void => {
    f.localGet(rb);
    f.localSet(dst);
    if (residual !== null) setOffset(f, rRow, oRow, resDelta);
    if (oFull > 0) {
      f.forLoop(
        j,
        0,
        oFull,
        1,
        () => {
          horizontalVector(4);
          f.addI32(dst, 4 * sw * 4);
          f.addI32(oRow, 16);
          if (residual !== null) f.addI32(rRow, 16);
        },
        { atLeastOnce: true },
      );
    }
    if (oTail > 0) {
      horizontalVector(oTail);
      f.addI32(oRow, oTail * 4);
    }
  };

  // output rows whose kernel rows all lie inside the input
  const validKh = (r: number): number[] => {
    const out: number[] = [];
    for (let kh = 0; kh < KH; kh++) {
      const y = r * sh - ph + kh * dh;
      if (y >= 0 && y < H) out.push(kh);
    }
    return out;
  };
  const all = Array.from({ length: KH }, (_, k) => k);
  const isInterior = (r: number) => validKh(r).length === KH;
  let ohA = 0;
  while (ohA < OH && !isInterior(ohA)) ohA++;
  let ohB = ohA;
  while (ohB < OH && isInterior(ohB)) ohB++;

  /** Everything for one output row `r` known at generation time (a border row). */
  const borderRow = (r: number): void => {
    const khs = validKh(r);
    if (khs.length === 0) {
      // (dilated) window rows all in the padding: every output of the row is -inf, as in PyTorch
      fillNeg(pw, Wr);
      horizontal();
      return;
    }
    // top = the first valid input row (addresses never go below the plane)
    setOffset(f, top, plane, (r * sh - ph + khs[0] * dh) * W * 4);
    vertical(khs);
    horizontal();
  };

  forEachUnit(
    frame,
    u,
    () => {
      setIndexed(f, plane, u, H * W * 4, input);
      setIndexed(f, oRow, u, OH * OW * 4, out);
      for (let r = 0; r < Math.min(ohA, OH); r++) borderRow(r);
      if (ohB > ohA) {
        setOffset(f, top, plane, (ohA * sh - ph) * W * 4);
        f.forLoop(
          oh,
          ohA,
          ohB,
          1,
          () => {
            vertical(all);
            horizontal();
            f.addI32(top, sh * W * 4);
          },
          { atLeastOnce: true },
        );
      }
      for (let r = Math.max(ohB, ohA); r < OH; r++) borderRow(r);
    },
    // this thread's row buffer, with its left padding set once
    () => {
      setIndexed(f, rb, tid, stride, scratch);
      fillNeg(0, pw);
    },
  );
  return f;
}
