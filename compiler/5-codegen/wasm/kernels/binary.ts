/**
 * A binary op whose one operand repeats over planes of the other (a squeeze-and-excitation scale:
 * [N, C, 1, 1] against [N, C, H, W], either order; also [C, 1, 1] or [1, C, 1, 1]) in SIMD. The output
 * is [outer, mid, inner] with the small operand indexed by mid alone; a work unit is one of the
 * outer * mid planes: the small value is splat once and the plane streams through four floats at a
 * time (a last 1-3 with lane stores), so planes can be split across threads. The epilogue is fused
 * into the store. Exact like the flat kernel (elementwise.ts).
 */
import type { Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { BinaryOp } from '../../../ir/attrs.ts';
import type { EmitContext, Phase, StepKernel } from '../kernel.ts';
import { vecBinary } from './elementwise.ts';
import { forEachUnit, unitFunction } from './loops.ts';
import { splitEpilogue, storeWithEpilogue } from './simd.ts';

export interface PlaneBroadcast {
  /** which input is the full-size one (0: a, 1: b) */
  readonly full: 0 | 1;
  readonly outer: number;
  readonly mid: number;
  readonly inner: number;
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** `shape` right-aligned to `rank` dims, leading 1s added. */
function aligned(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/**
 * The plane structure of a binary step, or null when neither operand is the whole output and the
 * other a block of its dims with 1s around it (both broadcast, or the small one is interleaved).
 */
export function planeBroadcast(step: PlanStep<'binary'>): PlaneBroadcast | null {
  const out = step.outputShape;
  const [a, b] = step.inputShapes.map((s) => aligned(s, out.length));
  const isFull = (s: readonly number[]) => s.every((d, k) => d === out[k]);
  const full: 0 | 1 | null = isFull(a) ? 0 : isFull(b) ? 1 : null;
  if (full === null) return null;
  const small = full === 0 ? b : a;
  // only dims where the output is not 1 matter; the small operand must be 1 outside one run of them
  const dims = out.map((_, k) => k).filter((k) => out[k] !== 1);
  const kept = dims.filter((k) => small[k] !== 1);
  if (kept.length === 0) return { full, outer: 1, mid: 1, inner: prod(out) };
  const first = dims.indexOf(kept[0]);
  const run = dims.slice(first, first + kept.length);
  if (run.some((k, j) => k !== kept[j] || small[k] !== out[k])) return null;
  return {
    full,
    outer: prod(out.slice(0, kept[0])),
    mid: prod(kept.map((k) => out[k])),
    inner: prod(out.slice(kept[kept.length - 1] + 1)),
  };
}

export function binaryBroadcastKernel(step: PlanStep<'binary'>, pb: PlaneBroadcast): StepKernel {
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  const units = pb.outer * pb.mid;
  return {
    describe: `SIMD broadcast ${step.attrs.op}: ${units} planes of ${pb.inner}, one value of the small operand each`,
    scratch: { shared: 0, perThread: 0 },
    overread: 16,
    packs: [],
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name('binary');
      const res = step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual);
      const addr = {
        full: ctx.buffer(step.inputs[pb.full]),
        small: ctx.buffer(step.inputs[1 - pb.full]),
        out: ctx.buffer(step.output),
        res,
      };
      ctx.mod.addFunction(broadcastFunction(pb, step.attrs.op, addr, ep), fn);
      return [{ kind: 'wasm', fn, units, cost: 2 * units * pb.inner }, ...after];
    },
  };
}

function broadcastFunction(
  pb: PlaneBroadcast,
  op: BinaryOp,
  at: { full: number; small: number; out: number; res: number | null },
  ep: Epilogue,
) {
  const frame = unitFunction();
  const { f } = frame;
  const u = f.local('i32');
  const p = f.local('i32');
  const j = f.local('i32');
  const sv = f.local('v128');
  const v = f.local('v128');
  const tmp = f.local('v128');
  const vec = (lanes: number) => {
    // the operands in the step's order: a op b
    if (pb.full === 1) f.localGet(sv);
    f.localGet(p);
    f.v128Load(at.full, 0);
    if (pb.full === 0) f.localGet(sv);
    vecBinary(f, op);
    f.localSet(v);
    storeWithEpilogue(f, ep, v, at.res === null ? null : { addr: p, offset: at.res }, tmp, p, at.out, lanes);
  };
  forEachUnit(frame, u, () => {
    f.localGet(u);
    if (pb.mid > 1) {
      f.i32Const(pb.mid);
      f.i32RemU();
      f.i32Const(4);
      f.i32Mul();
    } else {
      f.drop();
      f.i32Const(0);
    }
    f.v128Load32Splat(at.small);
    f.localSet(sv);
    f.localGet(u);
    f.i32Const(pb.inner * 4);
    f.i32Mul();
    f.localSet(p);
    if (pb.inner >= 4) {
      f.forLoop(
        j,
        0,
        Math.floor(pb.inner / 4),
        1,
        () => {
          vec(4);
          f.addI32(p, 16);
        },
        { atLeastOnce: true },
      );
    }
    if (pb.inner % 4 > 0) vec(pb.inner % 4);
  });
  return f;
}
