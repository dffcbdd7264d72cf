/** The WebAssembly emitter: LEB128 encodings, and small modules that validate and compute what they say. */
import { describe, expect, it } from 'vitest';
import { ByteWriter, Func, ModuleBuilder } from '../../compiler/5-codegen/wasm/encoder.ts';
import { storeLanes } from '../../compiler/5-codegen/wasm/kernels/simd.ts';

const bytes = (fill: (w: ByteWriter) => void) => {
  const w = new ByteWriter();
  fill(w);
  return Array.from(w.toBytes());
};

async function instantiate(m: ModuleBuilder, memory: WebAssembly.Memory) {
  const b = m.toBytes();
  expect(WebAssembly.validate(b)).toBe(true);
  return (await WebAssembly.instantiate(b, { env: { memory } })).instance.exports as Record<
    string,
    (...a: number[]) => number
  >;
}

describe('wasm encoder', () => {
  it('encodes unsigned and signed LEB128 like the spec examples', () => {
    expect(bytes((w) => w.u32(0))).toEqual([0]);
    expect(bytes((w) => w.u32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(bytes((w) => w.u32(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytes((w) => w.s32(-123456))).toEqual([0xc0, 0xbb, 0x78]);
    expect(bytes((w) => w.s32(63))).toEqual([0x3f]);
    expect(bytes((w) => w.s32(64))).toEqual([0xc0, 0x00]);
    expect(bytes((w) => w.s32(-64))).toEqual([0x40]);
    expect(() => bytes((w) => w.u32(-1))).toThrow(/u32/);
  });

  it('builds a SIMD loop that sums floats from an imported memory', async () => {
    const m = new ModuleBuilder();
    m.importMemory({ module: 'env', name: 'memory', minPages: 1, maxPages: 1, shared: false });
    // sum(ptr, n): n a multiple of 4
    const f = new Func(['i32', 'i32'], ['f32']);
    const [ptr, n] = [f.param(0), f.param(1)];
    const i = f.local('i32');
    const acc = f.local('v128');
    f.forLoop(
      i,
      0,
      n,
      1,
      () => {
        f.localGet(acc);
        f.localGet(ptr);
        f.v128Load(0);
        f.f32x4Add();
        f.localSet(acc);
        f.addI32(ptr, 16);
      },
      { endIsLocal: true },
    );
    for (let lane = 0; lane < 4; lane++) {
      f.localGet(acc);
      f.f32x4ExtractLane(lane);
      if (lane > 0) f.f32Add();
    }
    m.addFunction(f, 'sum');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const heap = new Float32Array(memory.buffer);
    for (let k = 0; k < 12; k++) heap[16 + k] = k + 1;
    const ex = await instantiate(m, memory);
    expect(ex.sum(64, 3)).toBe(78);
    expect(ex.sum(64, 0)).toBe(0);
  });

  it('shuffles f32 lanes and stores partial vectors', async () => {
    const m = new ModuleBuilder();
    m.importMemory({ module: 'env', name: 'memory', minPages: 1, maxPages: 1, shared: false });
    for (const lanes of [1, 2, 3, 4]) {
      const f = new Func(['i32'], []);
      const v = f.local('v128');
      f.localGet(f.param(0));
      f.v128Load(0);
      f.localGet(f.param(0));
      f.v128Load(16);
      f.f32x4Shuffle(0, 2, 4, 6);
      f.localSet(v);
      storeLanes(f, f.param(0), 64, v, lanes);
      m.addFunction(f, `even${lanes}`);
    }
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const heap = new Float32Array(memory.buffer);
    const ex = await instantiate(m, memory);
    for (const lanes of [1, 2, 3, 4]) {
      heap.fill(-1);
      heap.set([10, 11, 12, 13, 14, 15, 16, 17], 0);
      ex[`even${lanes}`](0);
      expect(Array.from(heap.subarray(16, 21))).toEqual([10, 12, 14, 16, -1].map((x, k) => (k < lanes ? x : -1)));
    }
  });

  it('refuses unbalanced blocks and duplicate exports', () => {
    const m = new ModuleBuilder();
    const f = new Func([], []);
    m.addFunction(f, 'a');
    expect(() => m.addFunction(new Func([], []), 'a')).toThrow(/duplicate/);
    const g = new Func([], []);
    g.op(0x02);
    (g as unknown as { depth: number }).depth = 1;
    expect(() => g.body()).toThrow(/unbalanced/);
  });
});
