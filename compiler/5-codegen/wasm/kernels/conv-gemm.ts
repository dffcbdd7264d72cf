/**
 * conv2d as an implicit GEMM over shifted planes (see conv-source.ts), register-tiled for SIMD.
 *
 * out[oc, p] = bias[oc] + sum over (c, tap) of W[oc, c, tap] * plane_c[p + taps[tap]], where p runs
 * over the flat output positions oh * Wq + ow. A work unit is one tile of NR = 4 * NV consecutive
 * flat positions of one batch item. For each tile, every group's output channels are processed in
 * blocks of MR (then one smaller remainder block): MR x NV f32x4 accumulators live in locals; for each
 * (input channel, tap) "k-step" the kernel loads NV input vectors (unaligned, at the tile's plane
 * pointer plus the k-step's offset from a small table) and MR weights (each a load32_splat from the
 * packed weights), then does MR x NV multiply-adds.
 *
 * Weights are packed at load time (packConvGemm) in exactly the order the kernel walks them, so the
 * weight pointer only ever moves forward: per group, per output block, [channel][tap][row of block].
 *
 * The epilogue (bias is the accumulators' initial value; residual add and relu/leaky relu) is fused
 * into the store. A tile whose NR positions are all valid columns of one output row (the common case;
 * with no garbage columns, any full tile) is stored with v128 stores; any other tile (crossing a row
 * end, or in the garbage columns) is spilled to per-thread scratch and stored lane by lane with
 * bounds checks.
 */
import type { Epilogue } from '../../../3-lower/plan.ts';
import type { Func, Local } from '../encoder.ts';
import type { ShiftedPlanes } from './conv-source.ts';
import { ocBlocks } from '../packs.ts';
import { divMod, forEachUnit, setIndexed, setOffset, unitFunction } from './loops.ts';
import { scalarEpilogue, splatOrZero, tileStep, vecEpilogue } from './simd.ts';

export interface GemmConvShape {
  readonly N: number;
  readonly G: number;
  /** input channels per group, output channels per group */
  readonly Cg: number;
  readonly OCg: number;
  readonly OH: number;
  readonly OW: number;
}

export interface GemmTiling {
  /** output channels per register block */
  readonly MR: number;
  /** f32x4 vectors of output positions per tile (NR = 4 * NV) */
  readonly NV: number;
  /** k-steps (input channel x tap) per inner-loop iteration */
  readonly KU: number;
}

export interface GemmConvAddresses {
  /** plane of batch 0, channel 0 */
  readonly src: number;
  /** floats between batch items' plane sets */
  readonly srcBatchFloats: number;
  readonly weights: number;
  /** table of Cg*T i32 byte offsets of each k-step's input from the group's first plane (see kTable) */
  readonly kTable: number;
  readonly bias: number | null;
  readonly out: number;
  readonly residual: number | null;
  /** thread 0's scratch (needs tileScratchBytes), thread t's at + t * threadStride */
  readonly threadScratch: number;
  readonly threadStride: number;
}

export function tilesPerImage(s: GemmConvShape, sp: ShiftedPlanes, t: GemmTiling): number {
  return Math.ceil((s.OH * sp.Wq) / (4 * t.NV));
}

export function tileScratchBytes(t: GemmTiling): number {
  return t.MR * 4 * t.NV * 4;
}

export function packedConvGemmFloats(s: GemmConvShape, T: number): number {
  return s.G * s.OCg * s.Cg * T;
}

/** Builds `fn(lo, hi, tid)` computing tiles [lo, hi) of N * tilesPerImage. */
export function gemmConvFunction(
  s: GemmConvShape,
  sp: ShiftedPlanes,
  tiling: GemmTiling,
  at: GemmConvAddresses,
  ep: Epilogue,
  relaxed: boolean,
): Func {
  const { MR, NV, KU } = tiling;
  const NR = 4 * NV;
  const T = sp.taps.length;
  const TPI = tilesPerImage(s, sp, tiling);
  const OHW = s.OH * s.OW;
  const flatEnd = s.OH * sp.Wq;
  const chanBytes = sp.chanFloats * 4;
  const resDelta = at.residual === null ? 0 : at.residual - at.out;
  const hasRes = at.residual !== null;

  const frame = unitFunction();
  const { f, tid } = frame;
  const i32 = () => f.local('i32');
  const u = i32(),
    n = i32(),
    t = i32(),
    p0 = i32(),
    r0 = i32(),
    c0 = i32();
  const srcT = i32(),
    gSrc = i32(),
    pA = i32(),
    pB = i32(),
    pK = i32(),
    bAddr = i32(),
    pBias = i32();
  const oImg = i32(),
    oT = i32(),
    oOff = i32(),
    fast = i32();
  const g = i32(),
    blk = i32(),
    cc = i32();
  const tb = i32(),
    jj = i32(),
    p = i32(),
    r = i32(),
    oidx = i32(),
    ridx = i32(),
    tbj = i32();
  const val = f.local('f32');
  const acc: Local[][] = Array.from({ length: MR }, () => Array.from({ length: NV }, () => f.local('v128')));
  const bv: Local[] = Array.from({ length: NV }, () => f.local('v128'));
  const wv = f.local('v128');
  const tmpv = f.local('v128');

  /**
   * One k-step (input channel c, tap t) for an M-row block: NV input vectors at pB + B-offset, M
   * weight splats at pA + m*4. One k-step per loop iteration keeps TurboFan from hoisting every load
   * of a long unrolled body above the arithmetic (which spills the accumulators).
   */
  const kStep = (M: number, kIdx: number): void => {
    // B offset of this k-step: from the table (taps), or the pointer itself (1x1: pB walks channels)
    if (T > 1) {
      f.localGet(pB);
      f.localGet(pK);
      f.i32Load(kIdx * 4);
      f.i32Add();
      f.localSet(bAddr);
    }
    const bAt = T > 1 ? { addr: bAddr, offset: 0 } : { addr: pB, offset: kIdx * chanBytes };
    tileStep(f, acc, M, bAt, bv, { addr: pA, offset: kIdx * M * 4, stride: 4 }, wv, relaxed);
  };

  const block = (M: number): void => {
    for (let m = 0; m < M; m++) {
      for (let v = 0; v < NV; v++) {
        splatOrZero(f, at.bias !== null ? pBias : null, m * 4);
        f.localSet(acc[m][v]);
      }
    }
    f.localGet(gSrc);
    f.localSet(pB);
    if (T > 1) f.setI32(pK, at.kTable);
    const K = s.Cg * T;
    const iters = Math.floor(K / KU);
    const advance = (steps: number) => {
      if (T > 1) f.addI32(pK, steps * 4);
      else f.addI32(pB, steps * chanBytes);
      f.addI32(pA, steps * M * 4);
    };
    for (let k = 0; k < K % KU; k++) kStep(M, k);
    if (K % KU > 0) advance(K % KU);
    const body = () => {
      for (let k = 0; k < KU; k++) kStep(M, k);
      advance(KU);
    };
    if (iters === 1) body();
    else if (iters > 1) f.forLoop(cc, 0, iters, 1, body, { atLeastOnce: true });
    if (at.bias !== null) f.addI32(pBias, M * 4);

    // store
    f.localGet(fast);
    f.if(
      () => {
        f.localGet(oT);
        f.localGet(oOff);
        f.i32Add();
        f.localSet(oidx);
        if (hasRes) setOffset(f, ridx, oidx, resDelta);
        for (let m = 0; m < M; m++) {
          for (let v = 0; v < NV; v++) {
            f.localGet(oidx);
            vecEpilogue(f, ep, acc[m][v], hasRes ? { addr: ridx, offset: m * OHW * 4 + v * 16 } : null, tmpv);
            f.v128Store(m * OHW * 4 + v * 16, 0);
          }
        }
      },
      () => {
        for (let m = 0; m < M; m++) {
          for (let v = 0; v < NV; v++) {
            f.localGet(tb);
            f.localGet(acc[m][v]);
            f.v128Store((m * NR + v * 4) * 4, 0);
          }
        }
        f.block(() => {
          f.forLoop(
            jj,
            0,
            NR,
            1,
            () => {
              f.localGet(p0);
              f.localGet(jj);
              f.i32Add();
              f.localTee(p);
              f.i32Const(flatEnd);
              f.i32GeU();
              f.brIf(1); // past the end of the image: leave the jj loop
              f.localGet(p);
              f.i32Const(sp.Wq);
              f.i32DivU();
              f.localTee(r);
              f.i32Const(sp.Wq);
              f.i32Mul();
              f.localGet(p);
              f.i32Sub();
              f.i32Const(-s.OW);
              f.i32GtS(); // r*Wq - p > -OW  <=>  col = p - r*Wq < OW
              f.if(() => {
                // oidx = oImg + oOff + (r*OW + col)*4 = oImg + oOff + (r*(OW - Wq) + p)*4
                f.localGet(r);
                f.i32Const(s.OW - sp.Wq);
                f.i32Mul();
                f.localGet(p);
                f.i32Add();
                f.i32Const(2);
                f.i32Shl();
                f.localGet(oImg);
                f.i32Add();
                f.localGet(oOff);
                f.i32Add();
                f.localSet(oidx);
                if (hasRes) setOffset(f, ridx, oidx, resDelta);
                f.localGet(tb);
                f.localGet(jj);
                f.i32Const(2);
                f.i32Shl();
                f.i32Add();
                f.localSet(tbj);
                for (let m = 0; m < M; m++) {
                  f.localGet(tbj);
                  f.f32Load(m * NR * 4);
                  f.localSet(val);
                  scalarEpilogue(f, ep, val, hasRes ? { addr: ridx, offset: m * OHW * 4 } : null);
                  f.localGet(oidx);
                  f.localGet(val);
                  f.f32Store(m * OHW * 4);
                }
              });
            },
            { atLeastOnce: true },
          );
        });
      },
    );
    f.addI32(oOff, M * OHW * 4);
  };

  forEachUnit(
    frame,
    u,
    () => {
      // image n and tile t of unit u
      f.localGet(u);
      if (s.N > 1) divMod(f, u, TPI, n, t);
      else f.localSet(t);
      // the tile's first flat position p0, at row r0 and column c0
      f.localGet(t);
      f.i32Const(NR);
      f.i32Mul();
      f.localTee(p0);
      divMod(f, p0, sp.Wq, r0, c0);
      if (sp.Wq === s.OW) {
        // no garbage columns (e.g. 1x1 convs): flat positions are output positions, and every tile
        // but a partial last one is contiguous in the output even across rows
        f.localGet(p0);
        f.i32Const(flatEnd - NR);
        f.i32LeS();
      } else {
        // the tile lies inside one row's valid columns: c0 + NR <= OW
        f.localGet(c0);
        f.i32Const(s.OW - NR);
        f.i32LeS();
      }
      f.localSet(fast);
      // srcT = src + n * srcBatch + p0 * 4
      addrOf(f, srcT, at.src, s.N > 1 ? { l: n, mul: at.srcBatchFloats * 4 } : null, { l: p0, mul: 4 });
      addrOf(f, oImg, at.out, s.N > 1 ? { l: n, mul: s.G * s.OCg * OHW * 4 } : null, null);
      // oT = oImg + (r0 * OW + c0) * 4
      f.localGet(r0);
      f.i32Const(s.OW);
      f.i32Mul();
      f.localGet(c0);
      f.i32Add();
      f.i32Const(2);
      f.i32Shl();
      f.localGet(oImg);
      f.i32Add();
      f.localSet(oT);
      f.setI32(pA, at.weights);
      if (at.bias !== null) f.setI32(pBias, at.bias);
      f.setI32(oOff, 0);
      const group = () => {
        const blocks = ocBlocks(s.OCg, MR);
        const nFull = blocks.filter((b) => b === MR).length;
        if (nFull === 1) block(MR);
        else if (nFull > 1) f.forLoop(blk, 0, nFull, 1, () => block(MR), { atLeastOnce: true });
        if (blocks.length > nFull) block(blocks[blocks.length - 1]);
      };
      f.localGet(srcT);
      f.localSet(gSrc);
      if (s.G === 1) group();
      else {
        f.forLoop(
          g,
          0,
          s.G,
          1,
          () => {
            group();
            f.addI32(gSrc, s.Cg * chanBytes);
          },
          { atLeastOnce: true },
        );
      }
    },
    // this thread's tile scratch
    () => setIndexed(f, tb, tid, at.threadStride, at.threadScratch),
  );
  return f;
}

/** l = base + a.l * a.mul + b.l * b.mul (terms optional). */
function addrOf(
  f: Func,
  l: Local,
  base: number,
  a: { l: Local; mul: number } | null,
  b: { l: Local; mul: number } | null,
): void {
  f.i32Const(base);
  for (const term of [a, b]) {
    if (term === null) continue;
    f.localGet(term.l);
    if (term.mul !== 1) {
      f.i32Const(term.mul);
      f.i32Mul();
    }
    f.i32Add();
  }
  f.localSet(l);
}
