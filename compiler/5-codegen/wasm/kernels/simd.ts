/**
 * Instruction idioms shared by the kernels: multiply-add, the fused epilogue (residual add, then
 * relu / leaky relu) on a vector or a scalar, and partial-vector stores for row tails.
 */
import type { Activation, Epilogue } from '../../../4-plan/plan.ts';
import type { Func, Local } from '../encoder.ts';

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

/** Activations computed inside wasm; the others (sigmoid, tanh) run as a JavaScript pass afterwards. */
export function wasmActivation(act: Activation | null): boolean {
  return act === null || act.kind === 'relu' || act.kind === 'leaky_relu';
}

/**
 * Applies `act` to the f32x4 on top of the stack, matching the CPU kernels lane by lane:
 * relu is `v < 0 ? 0 : v` (keeps NaN and -0), which is exactly pmax(v, 0);
 * leaky relu is `v < 0 ? v * s : v` as a bitselect. `tmp` is a v128 scratch local.
 */
export function vecActivation(f: Func, act: Activation | null, tmp: Local): void {
  if (act === null) return;
  if (act.kind === 'relu') {
    f.f32x4Const(0);
    f.f32x4Pmax();
    return;
  }
  if (act.kind === 'leaky_relu') {
    f.localTee(tmp);
    f.f32x4Const(act.negative_slope);
    f.f32x4Mul();
    f.localGet(tmp);
    f.localGet(tmp);
    f.f32x4Const(0);
    f.f32x4Lt();
    f.v128Bitselect();
    return;
  }
  throw new Error(`wasm codegen: activation ${act.kind} is not computed in wasm`);
}

/**
 * The epilogue on an f32 value held in local `v` (f32): v += residual (loaded from `resAddr` + offset
 * if given), then the activation. Leaves the result in `v`.
 */
export function scalarEpilogue(f: Func, ep: Epilogue, v: Local, res: { addr: Local; offset: number } | null): void {
  if (res !== null) {
    f.localGet(v);
    f.localGet(res.addr);
    f.f32Load(res.offset);
    f.f32Add();
    f.localSet(v);
  }
  const act = ep.activation;
  if (act === null) return;
  if (act.kind === 'relu') {
    // select(0, v, v < 0)
    f.f32Const(0);
    f.localGet(v);
    f.localGet(v);
    f.f32Const(0);
    f.f32Lt();
    f.select();
    f.localSet(v);
    return;
  }
  if (act.kind === 'leaky_relu') {
    f.localGet(v);
    f.f32Const(act.negative_slope);
    f.f32Mul();
    f.localGet(v);
    f.localGet(v);
    f.f32Const(0);
    f.f32Lt();
    f.select();
    f.localSet(v);
    return;
  }
  throw new Error(`wasm codegen: activation ${act.kind} is not computed in wasm`);
}

/**
 * The epilogue on v128 local `acc`: acc += residual vector at `res.addr + res.offset`, then the
 * activation; the result is left on the stack (ready for v128.store).
 */
export function vecEpilogue(f: Func, ep: Epilogue, acc: Local, res: { addr: Local; offset: number } | null, tmp: Local): void {
  f.localGet(acc);
  if (res !== null) {
    f.localGet(res.addr);
    f.v128Load(res.offset);
    f.f32x4Add();
  }
  vecActivation(f, ep.activation, tmp);
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
