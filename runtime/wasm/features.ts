/**
 * What this engine's WebAssembly supports, probed once by validating tiny modules built with our own
 * encoder: fixed-width SIMD (required by the wasm backend) and relaxed SIMD (f32x4.relaxed_madd,
 * used when present: one FMA instead of a multiply and an add). Node 20 ships relaxed SIMD behind
 * `--experimental-wasm-relaxed-simd`; later versions enable it by default.
 */
import { Func, ModuleBuilder } from '../../compiler/5-codegen/wasm/encoder.ts';

function validates(build: (f: Func) => void): boolean {
  const m = new ModuleBuilder();
  const f = new Func(['v128', 'v128', 'v128'], ['v128']);
  build(f);
  m.addFunction(f, 'f');
  try {
    return WebAssembly.validate(m.toBytes());
  } catch {
    return false;
  }
}

let simd: boolean | undefined;
let relaxed: boolean | undefined;

export function simdSupported(): boolean {
  simd ??=
    typeof WebAssembly === 'object' &&
    validates((f) => {
      f.localGet(0);
      f.localGet(1);
      f.f32x4Add();
    });
  return simd;
}

export function relaxedSimdSupported(): boolean {
  relaxed ??=
    simdSupported() &&
    validates((f) => {
      f.localGet(0);
      f.localGet(1);
      f.localGet(2);
      f.f32x4RelaxedMadd();
    });
  return relaxed;
}
