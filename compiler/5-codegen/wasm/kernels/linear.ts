/**
 * linear (y = x W^T + b over the last dim) as a register-tiled SIMD GEMM.
 *
 * Outputs are contiguous along `out`, so vectors run over output features: W is packed at load time
 * into panels of NR = 8 output features, [panel][in][8] (zero-padded past `out`), with the bias packed
 * the same way. A work unit is one panel; for it, rows of x are taken MR at a time with MR x 2 f32x4
 * accumulators (initialised to the bias); each step over `in` loads the panel's two weight vectors and
 * splats one x value per row (one k-step per loop iteration: see conv-gemm.ts for why). The epilogue
 * is fused into the store; a last, partial panel stores only its valid lanes.
 */
import type { Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { Func, Local } from '../encoder.ts';
import type { EmitContext, PackRequest, Phase, StepKernel } from '../kernel.ts';
import { LINEAR_NR } from '../packs.ts';
import { forEachUnit, setIndexed, setOffset, unitFunction } from './loops.ts';
import { splitEpilogue, storeWithEpilogue, tileStep } from './simd.ts';

const NR = LINEAR_NR;
const NV = NR / 4;
const MR = 4;

export interface LinearShape {
  /** rows: the product of every dim but the last */
  readonly R: number;
  readonly IN: number;
  readonly OUT: number;
}

export function linearKernel(step: PlanStep<'linear'>): StepKernel {
  const inShape = step.inputShapes[0];
  const IN = step.attrs.in_features;
  const OUT = step.attrs.out_features;
  const s: LinearShape = { R: inShape.reduce((a, b) => a * b, 1) / IN, IN, OUT };
  const panels = Math.ceil(OUT / NR);
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  const packs: PackRequest[] = [{ floats: panels * IN * NR, spec: { kind: 'linear', shape: s } }];
  if (step.attrs.bias) packs.push({ floats: panels * NR, spec: { kind: 'copy', param: 'bias' } });
  return {
    describe: `SIMD GEMM over panels of ${NR} output features, ${MR} rows at a time`,
    scratch: { shared: 0, perThread: 0 },
    overread: 0,
    packs,
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name('linear');
      const res = step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual);
      const addr = {
        x: ctx.buffer(step.inputs[0]),
        w: ctx.pack(0),
        bias: step.attrs.bias ? ctx.pack(1) : null,
        out: ctx.buffer(step.output),
        res,
      };
      ctx.mod.addFunction(linearFunction(s, addr, ep, ctx.relaxed), fn);
      return [{ kind: 'wasm', fn, units: panels, cost: 2 * s.R * IN * OUT }, ...after];
    },
  };
}

interface LinearAddresses {
  readonly x: number;
  readonly w: number;
  readonly bias: number | null;
  readonly out: number;
  readonly res: number | null;
}

function linearFunction(s: LinearShape, at: LinearAddresses, ep: Epilogue, relaxed: boolean): Func {
  const { R, IN, OUT } = s;
  const panels = Math.ceil(OUT / NR);
  const lastLanes = OUT - (panels - 1) * NR;
  const resDelta = at.res === null ? 0 : at.res - at.out;

  const frame = unitFunction();
  const { f } = frame;
  const i32 = () => f.local('i32');
  const panel = i32(),
    wPanel = i32(),
    pw = i32(),
    px = i32(),
    xRow = i32(),
    oRow = i32(),
    rRow = i32(),
    rb = i32(),
    i = i32();
  const acc: Local[][] = Array.from({ length: MR }, () => Array.from({ length: NV }, () => f.local('v128')));
  const bv: Local[] = Array.from({ length: NV }, () => f.local('v128'));
  const xv = f.local('v128');
  const tmp = f.local('v128');

  /** An M-row block starting at xRow (x) / oRow (out); `full`: the panel has all NR lanes valid. */
  const block = (M: number): void => {
    for (let m = 0; m < M; m++) {
      for (let v = 0; v < NV; v++) {
        if (at.bias !== null) {
          f.localGet(panel);
          f.i32Const(NR * 4);
          f.i32Mul();
          f.v128Load(at.bias + v * 16, 0);
        } else f.f32x4Const(0);
        f.localSet(acc[m][v]);
      }
    }
    f.localGet(wPanel);
    f.localSet(pw);
    f.localGet(xRow);
    f.localSet(px);
    f.forLoop(
      i,
      0,
      IN,
      1,
      () => {
        // B: the panel's weight vectors; A: one x value per row
        tileStep(f, acc, M, { addr: pw, offset: 0 }, bv, { addr: px, offset: 0, stride: IN * 4 }, xv, relaxed);
        f.addI32(pw, NR * 4);
        f.addI32(px, 4);
      },
      { atLeastOnce: true },
    );
    // store: a full panel with v128 stores, the last panel with its valid lanes only
    const store = (lanes: number) => {
      for (let m = 0; m < M; m++) {
        for (let v = 0; v < NV; v++) {
          const n = Math.min(4, Math.max(0, lanes - v * 4));
          if (n === 0) continue;
          const off = (m * OUT + v * 4) * 4;
          storeWithEpilogue(f, ep, acc[m][v], at.res === null ? null : { addr: rRow, offset: off }, tmp, oRow, off, n);
        }
      }
    };
    if (at.res !== null) setOffset(f, rRow, oRow, resDelta);
    if (lastLanes === NR) store(NR);
    else {
      f.localGet(panel);
      f.i32Const(panels - 1);
      f.i32Eq();
      f.if(
        () => store(lastLanes),
        () => store(NR),
      );
    }
  };

  forEachUnit(frame, panel, () => {
    setIndexed(f, wPanel, panel, IN * NR * 4, at.w);
    f.setI32(xRow, at.x);
    setIndexed(f, oRow, panel, NR * 4, at.out);
    const full = Math.floor(R / MR);
    const step = (M: number) => {
      block(M);
      f.addI32(xRow, M * IN * 4);
      f.addI32(oRow, M * OUT * 4);
    };
    if (full === 1) step(MR);
    else if (full > 1) f.forLoop(rb, 0, full, 1, () => step(MR), { atLeastOnce: true });
    if (R % MR > 0) block(R % MR);
  });
  return f;
}
