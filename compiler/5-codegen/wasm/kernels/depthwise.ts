/**
 * Depthwise conv2d (one input channel per group, any channel multiplier) as a direct SIMD
 * convolution over shifted planes (conv-source.ts).
 *
 * A work unit is one input plane (batch item, channel). If the conv needs padding or has a stride,
 * the unit first prepares its plane into this thread's scratch (padded, phase-split; it stays in L1/L2
 * for the compute that follows). Then for each of its output channels the taps' weights are splatted
 * into locals once, and each output row is computed four columns at a time: one unaligned load per
 * tap at a constant offset, a multiply-add, then the fused epilogue and a store (lane stores for a
 * row's last 1-3 columns).
 */
import type { Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { Func, Local } from '../encoder.ts';
import type { EmitContext, PackRequest, Phase, StepKernel } from '../kernel.ts';
import { planeGeometry, type PlaneGeometry, shiftedPlanes, type ShiftedPlanes } from './conv-source.ts';
import { forEachUnit, setIndexed, setOffset, unitFunction } from './loops.ts';
import { planePreparer } from './prep.ts';
import { madd, splatOrZero, splitEpilogue, storeWithEpilogue } from './simd.ts';

/** Floats a depthwise unit may read past its (prepared or input) plane. */
function overreadOf(sp: ShiftedPlanes, OH: number, OW: number, planeFloats: number): number {
  const lastRead = (OH - 1) * sp.Wq + Math.ceil(OW / 4) * 4 + Math.max(...sp.taps);
  return Math.max(0, lastRead - planeFloats);
}

export function depthwiseKernel(step: PlanStep<'conv2d'>): StepKernel {
  const a = step.attrs;
  const g = planeGeometry(step);
  const sp = shiftedPlanes(g);
  const OCg = a.out_channels / a.groups;
  const T = sp.taps.length;
  const planeFloats = sp.prep ? sp.chanFloats : g.H * g.W;
  const over = overreadOf(sp, g.OH, g.OW, planeFloats);
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  const packs: PackRequest[] = [{ floats: a.out_channels * T, spec: { kind: 'copy', param: 'weight' } }];
  if (a.bias) packs.push({ floats: a.out_channels, spec: { kind: 'copy', param: 'bias' } });
  return {
    describe: `depthwise direct SIMD convolution${sp.prep ? ' over a padded per-thread copy of each plane' : ''}`,
    scratch: { shared: 0, perThread: sp.prep ? (sp.chanFloats + over + 16) * 4 : 0 },
    overread: sp.prep ? 0 : over * 4,
    packs,
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name('depthwise');
      ctx.mod.addFunction(
        depthwiseFunction(
          g,
          sp,
          OCg,
          {
            input: ctx.buffer(step.inputs[0]),
            weights: ctx.pack(0),
            bias: a.bias ? ctx.pack(1) : null,
            out: ctx.buffer(step.output),
            residual: step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual),
            threadScratch: ctx.threadScratch,
            threadStride: ctx.threadScratchStride,
          },
          ep,
          ctx.relaxed,
        ),
        fn,
      );
      return [{ kind: 'wasm', fn, units: g.N * g.C, cost: 2 * g.N * a.out_channels * T * g.OH * g.OW }, ...after];
    },
  };
}

interface DepthwiseAddresses {
  readonly input: number;
  readonly weights: number;
  readonly bias: number | null;
  readonly out: number;
  readonly residual: number | null;
  readonly threadScratch: number;
  readonly threadStride: number;
}

function depthwiseFunction(
  g: PlaneGeometry,
  sp: ShiftedPlanes,
  OCg: number,
  at: DepthwiseAddresses,
  ep: Epilogue,
  relaxed: boolean,
): Func {
  const T = sp.taps.length;
  const { OH, OW } = g;
  const OHW = OH * OW;
  const Wq = sp.Wq;
  const fullVecs = Math.floor(OW / 4);
  const tail = OW % 4;
  const hasRes = at.residual !== null;
  const resDelta = hasRes ? at.residual! - at.out : 0;

  const frame = unitFunction();
  const { f, tid } = frame;
  const i32 = () => f.local('i32');
  const u = i32(),
    plane = i32(),
    srcPlane = i32(),
    scratch = i32(),
    outPlane = i32(),
    mo = i32();
  const oh = i32(),
    rowIn = i32(),
    rowOut = i32(),
    rowRes = i32(),
    j = i32(),
    pW = i32(),
    pBias = i32();
  const w: Local[] = Array.from({ length: T }, () => f.local('v128'));
  const bias = f.local('v128');
  const acc = f.local('v128');
  const x = f.local('v128');
  const tmp = f.local('v128');
  const prepare = sp.prep ? planePreparer(f, g, sp) : null;

  /** The first `lanes` outputs of the row at rowOut: bias + sum of taps at rowIn, then the epilogue. */
  const vector = (lanes: number): void => {
    f.localGet(bias);
    f.localSet(acc);
    for (let t = 0; t < T; t++) {
      f.localGet(rowIn);
      f.v128Load(sp.taps[t] * 4, 0);
      f.localSet(x);
      madd(f, acc, w[t], x, relaxed);
    }
    storeWithEpilogue(f, ep, acc, hasRes ? { addr: rowRes, offset: 0 } : null, tmp, rowOut, 0, lanes);
  };

  forEachUnit(
    frame,
    u,
    () => {
      // the unit's plane: prepared into scratch, or the input plane itself
      setIndexed(f, srcPlane, u, g.H * g.W * 4, at.input);
      prepare?.(srcPlane, scratch);
      f.localGet(prepare ? scratch : srcPlane);
      f.localSet(plane);
      // first output channel of the unit: (n*C + c) * OCg = u * OCg
      setIndexed(f, outPlane, u, OCg * OHW * 4, at.out);
      f.localGet(u);
      f.i32Const(g.C);
      f.i32RemU();
      f.i32Const(OCg);
      f.i32Mul();
      f.localTee(pW);
      f.i32Const(4);
      f.i32Mul();
      f.i32Const(at.bias ?? 0);
      f.i32Add();
      f.localSet(pBias);
      f.localGet(pW);
      f.i32Const(T * 4);
      f.i32Mul();
      f.i32Const(at.weights);
      f.i32Add();
      f.localSet(pW);
      f.forLoop(
        mo,
        0,
        OCg,
        1,
        () => {
          for (let t = 0; t < T; t++) {
            f.localGet(pW);
            f.v128Load32Splat(t * 4);
            f.localSet(w[t]);
          }
          splatOrZero(f, at.bias !== null ? pBias : null, 0);
          f.localSet(bias);
          f.localGet(plane);
          f.localSet(rowIn);
          f.localGet(outPlane);
          f.localSet(rowOut);
          f.forLoop(
            oh,
            0,
            OH,
            1,
            () => {
              if (hasRes) setOffset(f, rowRes, rowOut, resDelta);
              if (fullVecs > 0) {
                f.forLoop(
                  j,
                  0,
                  fullVecs,
                  1,
                  () => {
                    vector(4);
                    f.addI32(rowIn, 16);
                    f.addI32(rowOut, 16);
                    if (hasRes) f.addI32(rowRes, 16);
                  },
                  { atLeastOnce: true },
                );
              }
              if (tail > 0) vector(tail);
              // to the next row: rowIn moved fullVecs*16 bytes, rowOut too
              f.addI32(rowIn, Wq * 4 - fullVecs * 16);
              f.addI32(rowOut, OW * 4 - fullVecs * 16);
            },
            { atLeastOnce: true },
          );
          f.addI32(outPlane, OHW * 4);
          f.addI32(pW, T * 4);
          f.addI32(pBias, 4);
        },
        { atLeastOnce: true },
      );
    },
    () => setIndexed(f, scratch, tid, at.threadStride, at.threadScratch),
  );
  return f;
}
