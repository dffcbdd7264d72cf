/**
 * 3x3 stride-1 conv2d (groups 1, no dilation) with Winograd's minimal filtering F(2x2, 3x3):
 * each 2x2 block of outputs ("tile") costs 16 multiplies per (input, output) channel pair instead
 * of 36, so the GEMM work is 2.25x smaller than the direct convolution's.
 *
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A   per tile, summed over input channels,
 *
 * with g the 3x3 kernel, d the 4x4 input patch of the tile, and the standard F(2,3) matrices below.
 *
 * Phases: (1) the input is prepared into zero-padded scratch planes (prep.ts) with room below and to
 * the right for whole tiles; (2) a work unit is a band of RPU tile rows of one image, processed in
 * three stages with per-thread scratch:
 *   - input transform: for every input channel, 4 tiles at a time (stride-2 columns de-interleaved
 *     with shuffles), V[xi][c][tile] for the 16 positions xi of the 4x4 transform;
 *   - 16 independent GEMMs M[xi][oc][tile] = sum_c U[xi][oc][c] * V[xi][c][tile], register-tiled
 *     like conv-gemm.ts (4 output channels x 8 tiles, one k-step per loop iteration); U = G g G^T is
 *     computed and packed at load time;
 *   - output transform, 4 tiles at a time, with the bias and the epilogue, re-interleaved into the
 *     NCHW output rows (partial tiles at the right and bottom edges store only their valid lanes).
 */
import type { Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { Func, Local } from '../encoder.ts';
import type { EmitContext, PackRequest, Phase, StepKernel } from '../kernel.ts';
import { planeGeometry, type ShiftedPlanes } from './conv-source.ts';
import { divMod, forEachUnit, pushIndexed, setOffset, unitFunction } from './loops.ts';
import { ocBlocks, WINOGRAD_MR } from '../packs.ts';
import { prepFunction } from './prep.ts';
import { splatOrZero, splitEpilogue, storeLanes, storeWithEpilogue, tileStep } from './simd.ts';

const MR = WINOGRAD_MR;
const NV = 2;
/** tiles per GEMM register block */
const NR = 4 * NV;
/** per-thread scratch (V and M) is kept near this size so it stays in L2 */
const SCRATCH_BYTES = 1 << 20;
/** tiles per work unit at most (the GEMMs' N dimension) */
const MAX_TILES = 64;

/** Whether this kernel can compute the conv: 3x3, stride 1, no dilation, one group. */
export function winogradSupports(step: PlanStep<'conv2d'>): boolean {
  const a = step.attrs;
  return (
    a.kernel_size[0] === 3 &&
    a.kernel_size[1] === 3 &&
    a.stride[0] === 1 &&
    a.stride[1] === 1 &&
    a.dilation[0] === 1 &&
    a.dilation[1] === 1 &&
    a.groups === 1
  );
}

/** Whether it is also worth its transforms (few channels or tiny outputs: the direct GEMM wins). */
export function winogradPays(step: PlanStep<'conv2d'>): boolean {
  const [, C] = step.inputShapes[0];
  const [, OC, OH, OW] = step.outputShape;
  return winogradSupports(step) && C >= 8 && OC >= 8 && OH >= 4 && OW >= 4;
}

interface WinogradGeometry {
  readonly N: number;
  readonly C: number;
  readonly OC: number;
  readonly OH: number;
  readonly OW: number;
  /** tile rows and columns (2x2 outputs each) */
  readonly TH: number;
  readonly TW: number;
  /** tile columns rounded up to the transforms' groups of 4 */
  readonly TW4: number;
  /**
   * tile rows per work unit, and tiles per unit: the unit's RPU * TW tiles are numbered densely
   * (row by row, no gaps) and padded only at the end, to the GEMM block
   */
  readonly RPU: number;
  readonly TU: number;
  /** prepared plane size */
  readonly Hq: number;
  readonly Wq: number;
}

function geometry(step: PlanStep<'conv2d'>, threads: number): WinogradGeometry {
  const [N, C] = step.inputShapes[0];
  const [, OC, OH, OW] = step.outputShape;
  const TH = Math.ceil(OH / 2);
  const TW = Math.ceil(OW / 2);
  const TW4 = Math.ceil(TW / 4) * 4;
  const tilesOf = (rpu: number) => Math.ceil((rpu * TW) / NR) * NR;
  // bands of RPU tile rows: the fewest tiles per thread (units are bands, threads share them), then
  // the biggest bands (fewer passes over the weights); bands stay within the scratch budget
  const maxTiles = Math.max(NR, Math.min(MAX_TILES, Math.floor(SCRATCH_BYTES / (16 * (C + OC) * 4) / NR) * NR));
  let RPU = 1;
  let best = Infinity;
  for (let rpu = 1; rpu <= TH; rpu++) {
    if (rpu > 1 && tilesOf(rpu) > maxTiles) break;
    const span = Math.ceil(Math.ceil(TH / rpu) / threads) * tilesOf(rpu);
    if (span <= best) {
      best = span;
      RPU = rpu;
    }
  }
  return { N, C, OC, OH, OW, TH, TW, TW4, RPU, TU: tilesOf(RPU), Hq: 2 * TH + 2, Wq: 2 * TW4 + 2 };
}

/** `threads`: how many threads will share the bands (the band size is chosen for it). */
export function winogradKernel(step: PlanStep<'conv2d'>, threads = 1): StepKernel {
  if (!winogradSupports(step)) throw new Error('wasm codegen: Winograd F(2x2,3x3) does not apply to this conv');
  const a = step.attrs;
  const w = geometry(step, threads);
  const pg = planeGeometry(step);
  const sp: ShiftedPlanes = {
    prep: { Hq: w.Hq, Wq: w.Wq, phases: [[0, 0]] },
    Wq: w.Wq,
    chanFloats: w.Hq * w.Wq,
    taps: [],
  };
  // the last unit of the last image may read up to RPU tile rows (and a little more) past its planes
  const prepFloats = w.N * w.C * sp.chanFloats + (2 * w.RPU + 2) * w.Wq + 16;
  const scratchFloats = 16 * (w.C + w.OC) * w.TU;
  const units = w.N * Math.ceil(w.TH / w.RPU);
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  const packs: PackRequest[] = [{ floats: 16 * w.OC * w.C, spec: { kind: 'winograd', OC: w.OC, C: w.C } }];
  if (a.bias) packs.push({ floats: w.OC, spec: { kind: 'copy', param: 'bias' } });
  return {
    describe: `Winograd F(2x2,3x3): 16 GEMMs ${MR}x${NR} over bands of ${w.RPU} tile row(s)`,
    scratch: { shared: prepFloats * 4, perThread: scratchFloats * 4 },
    overread: 0,
    packs,
    emit(ctx: EmitContext): Phase[] {
      const prep = ctx.name('prep');
      ctx.mod.addFunction(prepFunction(pg, sp, { src: ctx.buffer(step.inputs[0]), dst: ctx.sharedScratch }), prep);
      const fn = ctx.name('winograd');
      ctx.mod.addFunction(
        winogradFunction(
          w,
          {
            planes: ctx.sharedScratch,
            weights: ctx.pack(0),
            bias: a.bias ? ctx.pack(1) : null,
            out: ctx.buffer(step.output),
            residual: step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual),
            scratch: ctx.threadScratch,
            stride: ctx.threadScratchStride,
          },
          ep,
          ctx.relaxed,
        ),
        fn,
      );
      return [
        { kind: 'wasm', fn: prep, units: w.N * w.C, cost: w.N * w.C * sp.chanFloats },
        { kind: 'wasm', fn, units, cost: 2 * w.N * w.OC * w.C * 16 * w.TH * w.TW },
        ...after,
      ];
    },
  };
}

interface WinogradAddresses {
  readonly planes: number;
  readonly weights: number;
  readonly bias: number | null;
  readonly out: number;
  readonly residual: number | null;
  readonly scratch: number;
  readonly stride: number;
}

function winogradFunction(w: WinogradGeometry, at: WinogradAddresses, ep: Epilogue, relaxed: boolean): Func {
  const { C, OC, OH, OW, TH, TW, RPU, TU, Hq, Wq } = w;
  const bandsPerImage = Math.ceil(TH / RPU);
  const planeBytes = Hq * Wq * 4;
  const vBytes = 16 * C * TU * 4;
  const resDelta = at.residual === null ? 0 : at.residual - at.out;

  const frame = unitFunction();
  const { f, tid } = frame;
  const i32 = () => f.local('i32');
  const u = i32(),
    n = i32(),
    th0 = i32(),
    V = i32(),
    M = i32();
  const c = i32(),
    r = i32(),
    q = i32(),
    src = i32(),
    dstV = i32();
  const xi = i32(),
    blk = i32(),
    tg = i32(),
    cc = i32(),
    pA = i32(),
    pB = i32(),
    pAxi = i32(),
    pM = i32(),
    pBxi = i32(),
    pMxi = i32();
  const oc = i32(),
    th = i32(),
    oRow = i32(),
    rRow = i32(),
    mRow = i32(),
    pBias = i32();
  const v128 = () => f.local('v128');
  const d: Local[] = Array.from({ length: 16 }, v128);
  const acc: Local[][] = Array.from({ length: MR }, () => Array.from({ length: NV }, v128));
  const bv: Local[] = Array.from({ length: NV }, v128);
  const wv = v128(),
    tmp = v128(),
    bias = v128();
  const y: Local[] = Array.from({ length: 4 }, v128);
  const o: Local[] = Array.from({ length: 4 }, v128);

  const get = (l: Local) => f.localGet(l);
  const set = (l: Local) => f.localSet(l);
  /** l = base + (ch * TU + r * TW) * 4: tile row r of the band in channel ch of V or M (base) */
  const bandRow = (l: Local, base: Local, ch: Local): void => {
    get(ch);
    f.i32Const(TU * 4);
    f.i32Mul();
    get(r);
    f.i32Const(TW * 4);
    f.i32Mul();
    f.i32Add();
    get(base);
    f.i32Add();
    set(l);
  };
  /** l = a op b for v128 locals */
  const bin = (l: Local, a: Local, b: Local, op: 'add' | 'sub') => {
    get(a);
    get(b);
    if (op === 'add') f.f32x4Add();
    else f.f32x4Sub();
    set(l);
  };

  /**
   * Input transform of 4 tiles: patch rows at src + k*Wq*4, tile columns 8 floats apart. `lanes`: how
   * many of the 4 tiles exist (a row's last group may have fewer; the others are not stored, so they
   * cannot overwrite the next row's tiles).
   */
  const inputTransform = (lanes: number): void => {
    // d[k*4 + j]: column j of patch row k, for the 4 tiles
    for (let k = 0; k < 4; k++) {
      const row = k * Wq * 4;
      for (const [half, off] of [
        [0, 0],
        [1, 8],
      ] as const) {
        get(src);
        f.v128Load(row + off, 0);
        get(src);
        f.v128Load(row + off + 16, 0);
        f.localTee(tmp);
        f.f32x4Shuffle(0, 2, 4, 6);
        set(d[k * 4 + half * 2]);
        get(src);
        f.v128Load(row + off, 0);
        get(tmp);
        f.f32x4Shuffle(1, 3, 5, 7);
        set(d[k * 4 + half * 2 + 1]);
      }
      // row transform (d B): t0 = d0 - d2, t1 = d1 + d2, t2 = d2 - d1, t3 = d1 - d3
      const [d0, d1, d2, d3] = [0, 1, 2, 3].map((j) => d[k * 4 + j]);
      bin(tmp, d0, d2, 'sub');
      bin(d0, d1, d2, 'add');
      bin(d2, d2, d1, 'sub');
      bin(d3, d1, d3, 'sub');
      get(d0);
      set(d1);
      get(tmp);
      set(d0);
    }
    // column transform (B^T .): V0 = t0 - t2, V1 = t1 + t2, V2 = t2 - t1, V3 = t1 - t3, stored
    for (let j = 0; j < 4; j++) {
      const [t0, t1, t2, t3] = [0, 1, 2, 3].map((k) => d[k * 4 + j]);
      const store = (row: number, a: Local, b: Local, op: 'add' | 'sub') => {
        bin(tmp, a, b, op);
        storeLanes(f, dstV, (row * 4 + j) * C * TU * 4, tmp, lanes);
      };
      store(0, t0, t2, 'sub');
      store(1, t1, t2, 'add');
      store(2, t2, t1, 'sub');
      store(3, t1, t3, 'sub');
    }
  };

  /** GEMM block: M rows of output channels at pA (packed), 8 tiles at pB (V), into pM (M scratch). */
  const gemmBlock = (rows: number): void => {
    for (let m = 0; m < rows; m++) {
      for (let v = 0; v < NV; v++) {
        f.f32x4Const(0);
        set(acc[m][v]);
      }
    }
    f.forLoop(
      cc,
      0,
      C,
      1,
      () => {
        tileStep(f, acc, rows, { addr: pB, offset: 0 }, bv, { addr: pA, offset: 0, stride: 4 }, wv, relaxed);
        f.addI32(pA, rows * 4);
        f.addI32(pB, TU * 4);
      },
      { atLeastOnce: true },
    );
    for (let m = 0; m < rows; m++) {
      for (let v = 0; v < NV; v++) {
        get(pM);
        get(acc[m][v]);
        f.v128Store((m * TU + v * 4) * 4, 0);
      }
    }
  };

  /** Output transform of 4 tiles of channel oc at mRow (M scratch), into out rows at oRow. */
  const outputTransform = (lanesRow: [number, number], lastRowCheck: boolean): void => {
    const m = (i: number, j: number) => {
      get(mRow);
      f.v128Load((i * 4 + j) * OC * TU * 4, 0);
    };
    // s0[j] = m0j + m1j + m2j, s1[j] = m1j - m2j - m3j (into d[j], d[4 + j])
    for (let j = 0; j < 4; j++) {
      m(0, j);
      m(1, j);
      f.f32x4Add();
      m(2, j);
      f.f32x4Add();
      set(d[j]);
      m(1, j);
      m(2, j);
      f.f32x4Sub();
      m(3, j);
      f.f32x4Sub();
      set(d[4 + j]);
    }
    // y_i0 = s_i0 + s_i1 + s_i2 + bias, y_i1 = s_i1 - s_i2 - s_i3 + bias
    for (let i = 0; i < 2; i++) {
      const s = (j: number) => d[i * 4 + j];
      get(s(0));
      get(s(1));
      f.f32x4Add();
      get(s(2));
      f.f32x4Add();
      get(bias);
      f.f32x4Add();
      set(y[i * 2]);
      get(s(1));
      get(s(2));
      f.f32x4Sub();
      get(s(3));
      f.f32x4Sub();
      get(bias);
      f.f32x4Add();
      set(y[i * 2 + 1]);
    }
    // interleave the tiles' columns: row i = [y_i0[0], y_i1[0], y_i0[1], y_i1[1]], [... [2], [3]]
    for (let i = 0; i < 2; i++) {
      get(y[i * 2]);
      get(y[i * 2 + 1]);
      f.f32x4Shuffle(0, 4, 1, 5);
      set(o[i * 2]);
      get(y[i * 2]);
      get(y[i * 2 + 1]);
      f.f32x4Shuffle(2, 6, 3, 7);
      set(o[i * 2 + 1]);
    }
    const storeRow = (i: number) => {
      for (let h = 0; h < 2; h++) {
        const lanes = lanesRow[h];
        if (lanes === 0) continue;
        const off = i * OW * 4 + h * 16;
        storeWithEpilogue(
          f,
          ep,
          o[i * 2 + h],
          at.residual === null ? null : { addr: rRow, offset: off },
          tmp,
          oRow,
          off,
          lanes,
        );
      }
    };
    storeRow(0);
    if (lastRowCheck) {
      // the second output row of the tile exists unless OH is odd and this is the last tile row
      get(th);
      f.i32Const(TH - 1);
      f.i32LtU();
      f.if(() => storeRow(1));
    } else storeRow(1);
  };

  forEachUnit(
    frame,
    u,
    () => {
      // image n, and th0 = (u - n * bands) * RPU its band's first tile row
      get(u);
      divMod(f, u, bandsPerImage, n, th0, RPU);

      // 1. input transform: channel c, tile row r of the band, tile group q
      f.forLoop(
        c,
        0,
        C,
        1,
        () => {
          f.forLoop(
            r,
            0,
            RPU,
            1,
            () => {
              // src = planes + (n*C + c) * planeBytes + (2 * (th0 + r)) * Wq * 4
              get(n);
              f.i32Const(C);
              f.i32Mul();
              get(c);
              f.i32Add();
              f.i32Const(planeBytes);
              f.i32Mul();
              get(th0);
              get(r);
              f.i32Add();
              f.i32Const(2 * Wq * 4);
              f.i32Mul();
              f.i32Add();
              f.i32Const(at.planes);
              f.i32Add();
              set(src);
              bandRow(dstV, V, c);
              if (TW >= 4) {
                f.forLoop(
                  q,
                  0,
                  Math.floor(TW / 4),
                  1,
                  () => {
                    inputTransform(4);
                    f.addI32(src, 32);
                    f.addI32(dstV, 16);
                  },
                  { atLeastOnce: true },
                );
              }
              if (TW % 4 > 0) inputTransform(TW % 4);
            },
            { atLeastOnce: true },
          );
        },
        { atLeastOnce: true },
      );

      // 2. the 16 GEMMs
      f.setI32(pAxi, at.weights);
      get(V);
      set(pBxi);
      get(M);
      set(pMxi);
      f.forLoop(
        xi,
        0,
        16,
        1,
        () => {
          get(pAxi);
          set(pA);
          const blocks = ocBlocks(OC, MR);
          const nFull = blocks.filter((b) => b === MR).length;
          const blockRows = (rows: number, first: number) => {
            // pA now points at this block's packed weights; walk the tile groups
            f.forLoop(
              tg,
              0,
              TU / NR,
              1,
              () => {
                // every tile group restarts at the block's weights
                get(pA);
                set(blk);
                get(tg);
                f.i32Const(NR * 4);
                f.i32Mul();
                get(pBxi);
                f.i32Add();
                set(pB);
                get(tg);
                f.i32Const(NR * 4);
                f.i32Mul();
                get(pMxi);
                f.i32Add();
                f.i32Const(first * TU * 4);
                f.i32Add();
                set(pM);
                gemmBlock(rows);
                get(blk);
                set(pA);
              },
              { atLeastOnce: true },
            );
            f.addI32(pA, rows * C * 4);
          };
          for (let b = 0; b < nFull; b++) blockRows(MR, b * MR);
          if (blocks.length > nFull) blockRows(blocks[blocks.length - 1], nFull * MR);
          f.addI32(pAxi, OC * C * 4);
          f.addI32(pBxi, C * TU * 4);
          f.addI32(pMxi, OC * TU * 4);
        },
        { atLeastOnce: true },
      );

      // 3. output transform: channel oc, tile row r (th = th0 + r < TH), tile group q
      if (at.bias !== null) f.setI32(pBias, at.bias);
      f.forLoop(
        oc,
        0,
        OC,
        1,
        () => {
          splatOrZero(f, at.bias !== null ? pBias : null, 0);
          set(bias);
          f.block(() => {
            f.forLoop(
              r,
              0,
              RPU,
              1,
              () => {
                get(th0);
                get(r);
                f.i32Add();
                f.localTee(th);
                f.i32Const(TH);
                f.i32GeU();
                f.brIf(1); // past the last tile row: this band is done for this channel
                // oRow = out + ((n*OC + oc) * OH + 2*th) * OW * 4
                get(n);
                f.i32Const(OC);
                f.i32Mul();
                get(oc);
                f.i32Add();
                f.i32Const(OH);
                f.i32Mul();
                get(th);
                f.i32Const(2);
                f.i32Mul();
                f.i32Add();
                f.i32Const(OW * 4);
                f.i32Mul();
                f.i32Const(at.out);
                f.i32Add();
                set(oRow);
                bandRow(mRow, M, oc);
                const fullGroups = Math.floor(OW / 8);
                const lastCheck = OH % 2 === 1;
                const advance = () => {
                  f.addI32(oRow, 32);
                  f.addI32(mRow, 16);
                };
                const withRes = () => {
                  if (at.residual !== null) setOffset(f, rRow, oRow, resDelta);
                };
                if (fullGroups > 0) {
                  f.forLoop(
                    q,
                    0,
                    fullGroups,
                    1,
                    () => {
                      withRes();
                      outputTransform([4, 4], lastCheck);
                      advance();
                    },
                    { atLeastOnce: true },
                  );
                }
                const rest = OW - fullGroups * 8;
                if (rest > 0) {
                  withRes();
                  outputTransform([Math.min(4, rest), Math.max(0, rest - 4)], lastCheck);
                }
              },
              { atLeastOnce: true },
            );
          });
          if (at.bias !== null) f.addI32(pBias, 4);
        },
        { atLeastOnce: true },
      );
    },
    // this thread's V and M scratch
    () => {
      pushIndexed(f, tid, at.stride, at.scratch);
      f.localTee(V);
      f.i32Const(vBytes);
      f.i32Add();
      set(M);
    },
  );
  return f;
}
