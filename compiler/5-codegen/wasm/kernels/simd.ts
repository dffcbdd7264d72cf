/**
 * Instruction idioms shared by the kernels: multiply-add, the fused epilogue (residual add, then
 * relu / leaky relu) on a vector or a scalar and its split between wasm and JavaScript, bias splats,
 * and partial-vector stores for row tails.
 */
import type { Activation, Epilogue } from '../../../3-lower/plan.ts';
import type { Func, Local } from '../encoder.ts';
import type { Phase } from '../kernel.ts';

/** Where a residual is read: the address in local `addr` plus a constant byte offset. */
export interface ResidualAt {
  readonly addr: Local;
  readonly offset: number;
}

/** acc = acc + w * b for v128 locals (relaxed_madd when allowed: one FMA on x86). */
export function madd(f: Func, acc: Local, w: Local, b: Local, relaxed: boolean): void {
  f.localGet(w);
  f.localGet(b);
  if (relaxed) {
    f.localGet(acc);
    f.f32x4RelaxedMadd();
  } else {
    f.f32x4Mul();
    f.localGet(acc);
    f.f32x4Add();
  }
  f.localSet(acc);
}

/**
 * One k-step of an M x NV register tile of a GEMM: loads the NV vectors of B (at `b.addr + b.offset`,
 * 16 bytes apart) into `bv`, then for each row m splats A's value (at `a.addr + a.offset + m * a.stride`)
 * into `av` and does acc[m][v] += av * bv[v].
 */
export function tileStep(
  f: Func,
  acc: readonly (readonly Local[])[],
  M: number,
  b: { addr: Local; offset: number },
  bv: readonly Local[],
  a: { addr: Local; offset: number; stride: number },
  av: Local,
  relaxed: boolean,
): void {
  for (let v = 0; v < bv.length; v++) {
    f.localGet(b.addr);
    f.v128Load(b.offset + v * 16, 0);
    f.localSet(bv[v]);
  }
  for (let m = 0; m < M; m++) {
    f.localGet(a.addr);
    f.v128Load32Splat(a.offset + m * a.stride);
    f.localSet(av);
    for (let v = 0; v < bv.length; v++) madd(f, acc[m][v], av, bv[v], relaxed);
  }
}

/**
 * Activations computed inside wasm: those made of compares, min/max, add, mul and div, each step
 * rounded to float32 exactly as the CPU kernels and PyTorch round it. The others (sigmoid, tanh,
 * silu, gelu, elu, mish) run as a JavaScript pass afterwards.
 */
export function wasmActivation(act: Activation | null): boolean {
  if (act === null) return true;
  switch (act.kind) {
    case 'relu':
    case 'leaky_relu':
    case 'hardtanh':
    case 'hardsigmoid':
    case 'hardswish':
      return true;
    default:
      return false;
  }
}

/**
 * The step's epilogue as its wasm kernel applies it (an activation wasm does not compute left out)
 * and the phases that follow the kernel's: one js-activation phase for that activation, or none.
 */
export function splitEpilogue(ep: Epilogue): { inWasm: Epilogue; after: Phase[] } {
  if (wasmActivation(ep.activation)) return { inWasm: ep, after: [] };
  return { inWasm: { ...ep, activation: null }, after: [{ kind: 'js-activation', activation: ep.activation! }] };
}

function notInWasm(act: Activation): never {
  throw new Error(`wasm codegen: activation ${act.kind} is not computed in wasm`);
}

/**
 * Applies `act` to the f32x4 on top of the stack, matching the CPU kernels lane by lane:
 * - relu is `v < 0 ? 0 : v` (keeps NaN and -0), which is exactly pmax(v, 0);
 * - leaky relu is `v < 0 ? v * s : v` as a bitselect;
 * - hardtanh is pmin(pmax(v, lo), hi): pmax(v, c) = v < c ? c : v keeps NaN, as clamp does;
 * - hardsigmoid relu6(v + 3) / 6 and hardswish v * relu6(v + 3) / 6, each operation rounded to
 *   float32 in PyTorch's order (a division, not a multiplication by 1/6).
 * `tmp` is a v128 scratch local.
 */
export function vecActivation(f: Func, act: Activation | null, tmp: Local): void {
  if (act === null) return;
  const clamp = (lo: number, hi: number) => {
    f.f32x4Const(lo);
    f.f32x4Pmax();
    f.f32x4Const(hi);
    f.f32x4Pmin();
  };
  switch (act.kind) {
    case 'relu':
      f.f32x4Const(0);
      f.f32x4Pmax();
      return;
    case 'leaky_relu':
      f.localTee(tmp);
      f.f32x4Const(act.negative_slope);
      f.f32x4Mul();
      f.localGet(tmp);
      f.localGet(tmp);
      f.f32x4Const(0);
      f.f32x4Lt();
      f.v128Bitselect();
      return;
    case 'hardtanh':
      clamp(act.min_val, act.max_val);
      return;
    case 'hardsigmoid':
    case 'hardswish':
      if (act.kind === 'hardswish') f.localTee(tmp);
      f.f32x4Const(3);
      f.f32x4Add();
      clamp(0, 6);
      if (act.kind === 'hardswish') {
        f.localGet(tmp);
        f.f32x4Mul();
      }
      f.f32x4Const(6);
      f.f32x4Div();
      return;
    default:
      notInWasm(act);
  }
}

/** One f32 scratch local per function, for the scalar hardswish. */
const scalarTemps = new WeakMap<Func, Local>();

/**
 * The epilogue on an f32 value held in local `v` (f32): v += residual (loaded from `resAddr` + offset
 * if given), then the activation, lane for lane what vecActivation computes. Leaves the result in `v`.
 */
export function scalarEpilogue(f: Func, ep: Epilogue, v: Local, res: ResidualAt | null): void {
  if (res !== null) {
    f.localGet(v);
    f.localGet(res.addr);
    f.f32Load(res.offset);
    f.f32Add();
    f.localSet(v);
  }
  const act = ep.activation;
  if (act === null) return;
  // x = select(replacement, x, test): `replacement` and `test` push an f32 and an i32
  const replaceIf = (x: Local, replacement: () => void, test: () => void): void => {
    replacement();
    f.localGet(x);
    test();
    f.select();
    f.localSet(x);
  };
  const below = (x: Local, c: number) => () => {
    f.localGet(x);
    f.f32Const(c);
    f.f32Lt();
  };
  const above = (x: Local, c: number) => () => {
    f.f32Const(c);
    f.localGet(x);
    f.f32Lt();
  };
  // pmax(x, lo) then pmin(x, hi), as vecActivation
  const clamp = (x: Local, lo: number, hi: number) => {
    replaceIf(x, () => f.f32Const(lo), below(x, lo));
    replaceIf(x, () => f.f32Const(hi), above(x, hi));
  };
  switch (act.kind) {
    case 'relu':
      replaceIf(v, () => f.f32Const(0), below(v, 0));
      return;
    case 'leaky_relu':
      replaceIf(
        v,
        () => {
          f.localGet(v);
          f.f32Const(act.negative_slope);
          f.f32Mul();
        },
        below(v, 0),
      );
      return;
    case 'hardtanh':
      clamp(v, act.min_val, act.max_val);
      return;
    case 'hardsigmoid':
    case 'hardswish': {
      let h = scalarTemps.get(f);
      if (h === undefined) {
        h = f.local('f32');
        scalarTemps.set(f, h);
      }
      f.localGet(v);
      f.f32Const(3);
      f.f32Add();
      f.localSet(h);
      clamp(h, 0, 6);
      if (act.kind === 'hardswish') f.localGet(v);
      f.localGet(h);
      if (act.kind === 'hardswish') f.f32Mul();
      f.f32Const(6);
      f.f32Div();
      f.localSet(v);
      return;
    }
    default:
      notInWasm(act);
  }
}

/**
 * The epilogue on v128 local `acc`: acc += residual vector at `res.addr + res.offset`, then the
 * activation; the result is left on the stack (ready for v128.store).
 */
export function vecEpilogue(f: Func, ep: Epilogue, acc: Local, res: ResidualAt | null, tmp: Local): void {
  f.localGet(acc);
  if (res !== null) {
    f.localGet(res.addr);
    f.v128Load(res.offset);
    f.f32x4Add();
  }
  vecActivation(f, ep.activation, tmp);
}

/**
 * The epilogue on v128 local `v` (which keeps the result), then a store of its first `lanes` (1..4)
 * lanes at `addr + offset` (see storeLanes).
 */
export function storeWithEpilogue(
  f: Func,
  ep: Epilogue,
  v: Local,
  res: ResidualAt | null,
  tmp: Local,
  addr: Local,
  offset: number,
  lanes: number,
): void {
  vecEpilogue(f, ep, v, res, tmp);
  f.localSet(v);
  storeLanes(f, addr, offset, v, lanes);
}

/** Pushes the f32 at `ptr + offset` splat to four lanes, or four zeros when there is no pointer (no bias). */
export function splatOrZero(f: Func, ptr: Local | null, offset: number): void {
  if (ptr === null) {
    f.f32x4Const(0);
    return;
  }
  f.localGet(ptr);
  f.v128Load32Splat(offset);
}

/**
 * Stores the first `lanes` (1..4) f32 lanes of the v128 in local `v` at `addr + offset`
 * (4: one v128.store; otherwise 64-bit and/or 32-bit lane stores).
 */
export function storeLanes(f: Func, addr: Local, offset: number, v: Local, lanes: number): void {
  if (lanes === 4) {
    f.localGet(addr);
    f.localGet(v);
    f.v128Store(offset);
    return;
  }
  if (lanes >= 2) {
    f.localGet(addr);
    f.localGet(v);
    f.v128Store64Lane(offset, 0);
  }
  if (lanes === 1 || lanes === 3) {
    f.localGet(addr);
    f.localGet(v);
    f.v128Store32Lane(offset + (lanes - 1) * 4, lanes - 1);
  }
}
