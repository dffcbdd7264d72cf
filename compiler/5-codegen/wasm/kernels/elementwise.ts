/**
 * Elementwise kernels in SIMD, each with the step's epilogue fused into the store:
 * - the SIMD activations as steps (relu, leaky_relu, hardtanh, hardsigmoid, hardswish), add (any
 *   number of inputs, summed left to right like the CPU kernel), binary ops of equal shapes, scalar
 *   ops, and the copies identity, flatten and reshape: one pass over the flat buffers, four floats
 *   per vector. A work unit is a chunk of CHUNK floats. The last vector may run up to three floats
 *   past the end of the buffers: every region of the memory is followed by slack that nothing else
 *   uses (program.ts).
 * - batchnorm2d in eval mode: y = x * scale[c] + shift[c], with scale and shift folded from the
 *   running statistics at load time. A work unit is one (batch item, channel) plane; a plane's last
 *   1-3 floats use lane stores so planes can be split across threads.
 * add, sub, mul and div of two float32 values are exact in both (the CPU kernels' double result of
 * float32 operands rounds to the correctly rounded float32 one), so these kernels match them bit for bit.
 */
import { activationOf } from '../../../3-lower/activation-of.ts';
import type { Activation, Epilogue, PlanStep } from '../../../3-lower/plan.ts';
import type { BinaryOp } from '../../../ir/attrs.ts';
import type { Func } from '../encoder.ts';
import type { EmitContext, PackRequest, Phase, StepKernel } from '../kernel.ts';
import { forEachUnit, ifAnyUnits, unitFunction } from './loops.ts';
import { splitEpilogue, storeWithEpilogue, vecActivation, vecEpilogue, wasmActivation } from './simd.ts';

const CHUNK = 4096;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Emits the f32x4 instruction of a binary op (operands on the stack: left, then right). */
export function vecBinary(f: Func, op: BinaryOp): void {
  if (op === 'add') f.f32x4Add();
  else if (op === 'sub') f.f32x4Sub();
  else if (op === 'mul') f.f32x4Mul();
  else f.f32x4Div();
}

/** How a flat elementwise kernel makes each vector from its inputs (before the op's own activation). */
type Combine =
  | { readonly kind: 'sum' }
  | { readonly kind: 'binary'; readonly op: BinaryOp }
  | { readonly kind: 'scalar'; readonly op: BinaryOp; readonly value: number; readonly reversed: boolean };

function combineOf(step: PlanStep): Combine {
  if (step.op === 'binary') return { kind: 'binary', op: (step as PlanStep<'binary'>).attrs.op };
  if (step.op === 'scalar') return { kind: 'scalar', ...(step as PlanStep<'scalar'>).attrs };
  return { kind: 'sum' };
}

/** The op's own activation (activation steps), or null for add, binary, scalar and the copies. */
function opActivation(step: PlanStep): Activation | null {
  const act = activationOf(step);
  if (act !== null && !wasmActivation(act)) throw new Error(`wasm codegen: ${step.op} has no SIMD elementwise kernel`);
  return act;
}

export function elementwiseKernel(step: PlanStep): StepKernel {
  const n = sizeOf(step.outputShape);
  for (const s of step.inputShapes)
    if (sizeOf(s) !== n) throw new Error(`wasm codegen: ${step.op} input size differs from its output`);
  const act = opActivation(step);
  const combine = combineOf(step);
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  return {
    describe: `SIMD elementwise ${step.op}`,
    scratch: { shared: 0, perThread: 0 },
    overread: 16,
    packs: [],
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name(step.op);
      const inputs = step.inputs.map((b) => ctx.buffer(b));
      const res = step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual);
      ctx.mod.addFunction(elementwiseFunction(n, inputs, ctx.buffer(step.output), res, combine, act, ep), fn);
      return [{ kind: 'wasm', fn, units: Math.ceil(n / CHUNK), cost: n * (inputs.length + 1) }, ...after];
    },
  };
}

function elementwiseFunction(
  n: number,
  inputs: readonly number[],
  out: number,
  res: number | null,
  combine: Combine,
  act: Activation | null,
  ep: Epilogue,
): Func {
  const frame = unitFunction();
  const { f, lo, hi } = frame;
  const p = f.local('i32');
  const end = f.local('i32');
  const v = f.local('v128');
  const tmp = f.local('v128');
  const bytes = Math.ceil(n / 4) * 16;
  const load = (addr: number) => {
    f.localGet(p);
    f.v128Load(addr, 0);
  };
  ifAnyUnits(frame, () => {
    // byte range [lo * CHUNK * 4, min(hi * CHUNK * 4, bytes)), relative to each buffer
    f.localGet(lo);
    f.i32Const(CHUNK * 4);
    f.i32Mul();
    f.localSet(p);
    f.localGet(hi);
    f.i32Const(CHUNK * 4);
    f.i32Mul();
    f.localTee(end);
    f.i32Const(bytes);
    f.i32GtU();
    f.if(() => f.setI32(end, bytes));
    f.loop(() => {
      if (combine.kind === 'scalar' && combine.reversed && combine.op === 'div') {
        // value / x is reciprocal(x) * value in PyTorch (Tensor.__rtruediv__), rounded twice
        f.f32x4Const(1);
        load(inputs[0]);
        f.f32x4Div();
        f.f32x4Const(combine.value);
        f.f32x4Mul();
      } else if (combine.kind === 'scalar') {
        if (combine.reversed) f.f32x4Const(combine.value);
        load(inputs[0]);
        if (!combine.reversed) f.f32x4Const(combine.value);
        vecBinary(f, combine.op);
      } else {
        inputs.forEach((addr, k) => {
          load(addr);
          if (k > 0) vecBinary(f, combine.kind === 'binary' ? combine.op : 'add');
        });
      }
      vecActivation(f, act, tmp);
      f.localSet(v);
      f.localGet(p);
      vecEpilogue(f, ep, v, res === null ? null : { addr: p, offset: res }, tmp);
      f.v128Store(out, 0);
      f.localGet(p);
      f.i32Const(16);
      f.i32Add();
      f.localTee(p);
      f.localGet(end);
      f.i32LtU();
      f.brIf(0);
    });
  });
  return f;
}

/** Eval-mode batchnorm with running statistics (the batch-statistics form runs in JavaScript). */
export function batchnormKernel(step: PlanStep<'batchnorm2d'>): StepKernel {
  const a = step.attrs;
  const shape = step.inputShapes[0];
  const N = shape[0];
  const C = shape[1];
  const inner = sizeOf(shape.slice(2));
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  const packs: PackRequest[] = (['scale', 'shift'] as const).map((which) => ({
    floats: C,
    spec: { kind: 'batchnorm', which, C, eps: a.eps, affine: a.affine },
  }));
  return {
    describe: 'SIMD per-channel scale and shift (running statistics folded at load time)',
    scratch: { shared: 0, perThread: 0 },
    overread: 16,
    packs,
    emit(ctx: EmitContext): Phase[] {
      const fn = ctx.name('batchnorm');
      const res = step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual);
      const frame = unitFunction();
      const { f } = frame;
      const u = f.local('i32'),
        p = f.local('i32'),
        j = f.local('i32'),
        c = f.local('i32');
      const scale = f.local('v128'),
        shift = f.local('v128'),
        v = f.local('v128'),
        tmp = f.local('v128');
      const x = ctx.buffer(step.inputs[0]);
      const out = ctx.buffer(step.output);
      const vec = (lanes: number) => {
        f.localGet(p);
        f.v128Load(x, 0);
        f.localGet(scale);
        f.f32x4Mul();
        f.localGet(shift);
        f.f32x4Add();
        f.localSet(v);
        storeWithEpilogue(f, ep, v, res === null ? null : { addr: p, offset: res }, tmp, p, out, lanes);
      };
      forEachUnit(frame, u, () => {
        f.localGet(u);
        f.i32Const(C);
        f.i32RemU();
        f.i32Const(4);
        f.i32Mul();
        f.localTee(c);
        f.v128Load32Splat(ctx.pack(0));
        f.localSet(scale);
        f.localGet(c);
        f.v128Load32Splat(ctx.pack(1));
        f.localSet(shift);
        f.localGet(u);
        f.i32Const(inner * 4);
        f.i32Mul();
        f.localSet(p);
        if (inner >= 4) {
          f.forLoop(
            j,
            0,
            Math.floor(inner / 4),
            1,
            () => {
              vec(4);
              f.addI32(p, 16);
            },
            { atLeastOnce: true },
          );
        }
        if (inner % 4 > 0) vec(inner % 4);
      });
      ctx.mod.addFunction(f, fn);
      return [{ kind: 'wasm', fn, units: N * C, cost: 2 * N * C * inner }, ...after];
    },
  };
}
