/**
 * A small WebAssembly binary emitter: just the sections, types and instructions cnnc's kernels use
 * (MVP integer/float ops, structured control flow, bulk memory, 128-bit SIMD and the relaxed-SIMD
 * multiply-add). No toolchain is needed at run time; the module bytes are built here and handed to
 * `WebAssembly.compile`.
 *
 * Instructions are appended to a `Func` in stack-machine order, e.g.
 *   f.localGet(a); f.v128Load(16); f.localGet(b); f.f32x4Add(); ...
 * Nothing here type-checks the operand stack; `WebAssembly.validate` does (the tests validate every
 * generated module).
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
/** Block type "no result". */
const EMPTY_BLOCK = 0x40;

/** A growable byte buffer with the LEB128 encodings the binary format uses. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b & 0xff;
  }

  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
  }

  /** Unsigned LEB128 (u32). */
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`wasm encoder: ${v} is not a u32`);
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
  }

  /** Signed LEB128 of a 32-bit integer (i32.const takes any value in [-2^31, 2^32), wrapped). */
  s32(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw new Error(`wasm encoder: ${v} is not an i32`);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  f32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }

  name(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** Appends another writer's bytes prefixed by their length (a section or function body). */
  sized(w: ByteWriter): void {
    this.u32(w.length);
    this.bytes(w.toBytes());
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

/** A local variable (or parameter) index, typed only for readability. */
export type Local = number & { readonly __local?: true };

/** Memory access: byte offset added to the address operand, and log2 of the alignment hint. */
function memarg(w: ByteWriter, offset: number, align: number): void {
  if (offset < 0) throw new Error(`wasm encoder: negative memory offset ${offset}`);
  w.u32(align);
  w.u32(offset);
}

/** One function: its signature, locals and body. */
export class Func {
  readonly code = new ByteWriter();
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** The i-th parameter as a local. */
  param(i: number): Local {
    if (i < 0 || i >= this.params.length) throw new Error(`wasm encoder: no parameter ${i}`);
    return i;
  }

  /** A new local of the given type (zero-initialised on every call, as wasm specifies). */
  local(t: ValType): Local {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  // ---- control flow -------------------------------------------------------------------------
  /** `block ... end`; `br(0)` inside jumps past the end. */
  block(body: () => void): void {
    this.op(0x02);
    this.code.byte(EMPTY_BLOCK);
    this.depth++;
    body();
    this.depth--;
    this.op(0x0b);
  }

  /** `loop ... end`; `br(0)` inside jumps back to the start. */
  loop(body: () => void): void {
    this.op(0x03);
    this.code.byte(EMPTY_BLOCK);
    this.depth++;
    body();
    this.depth--;
    this.op(0x0b);
  }

  /** `if ... [else ...] end` on the i32 on the stack. */
  if(then: () => void, otherwise?: () => void): void {
    this.op(0x04);
    this.code.byte(EMPTY_BLOCK);
    this.depth++;
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    this.depth--;
    this.op(0x0b);
  }

  br(depth: number): void {
    this.op(0x0c);
    this.code.u32(depth);
  }

  brIf(depth: number): void {
    this.op(0x0d);
    this.code.u32(depth);
  }

  return(): void {
    this.op(0x0f);
  }

  /** `call` of the module's function with this index (as ModuleBuilder.addFunction returned it). */
  call(funcIndex: number): void {
    this.op(0x10);
    this.code.u32(funcIndex);
  }

  drop(): void {
    this.op(0x1a);
  }

  /** `select` (for i32/f32 operands). */
  select(): void {
    this.op(0x1b);
  }

  /**
   * `for (i = start; i < end; i += step) body()` over i32 values given as constants or locals.
   * With `atLeastOnce` the test sits at the bottom only (the caller knows the range is non-empty).
   */
  forLoop(
    i: Local,
    start: number | Local,
    end: number | Local,
    step: number,
    body: () => void,
    opts: { startIsLocal?: boolean; endIsLocal?: boolean; atLeastOnce?: boolean } = {},
  ): void {
    const push = (v: number | Local, isLocal: boolean | undefined) => (isLocal ? this.localGet(v) : this.i32Const(v));
    push(start, opts.startIsLocal);
    this.localSet(i);
    const inner = () =>
      this.loop(() => {
        body();
        this.localGet(i);
        this.i32Const(step);
        this.i32Add();
        this.localTee(i);
        push(end, opts.endIsLocal);
        this.i32LtS();
        this.brIf(0);
      });
    if (opts.atLeastOnce) {
      inner();
      return;
    }
    this.block(() => {
      this.localGet(i);
      push(end, opts.endIsLocal);
      this.i32GeS();
      this.brIf(0);
      inner();
    });
  }

  // ---- locals and constants -----------------------------------------------------------------
  localGet(l: Local): void {
    this.op(0x20);
    this.code.u32(l);
  }

  localSet(l: Local): void {
    this.op(0x21);
    this.code.u32(l);
  }

  localTee(l: Local): void {
    this.op(0x22);
    this.code.u32(l);
  }

  i32Const(v: number): void {
    this.op(0x41);
    this.code.s32(v);
  }

  f32Const(v: number): void {
    this.op(0x43);
    this.code.f32(v);
  }

  /** local = value (an i32 constant). */
  setI32(l: Local, v: number): void {
    this.i32Const(v);
    this.localSet(l);
  }

  /** local += constant (i32). */
  addI32(l: Local, v: number): void {
    if (v === 0) return;
    this.localGet(l);
    this.i32Const(v);
    this.i32Add();
    this.localSet(l);
  }

  // ---- scalar memory ------------------------------------------------------------------------
  i32Load(offset = 0): void {
    this.mem(0x28, offset, 2);
  }

  f32Load(offset = 0): void {
    this.mem(0x2a, offset, 2);
  }

  i32Store(offset = 0): void {
    this.mem(0x36, offset, 2);
  }

  f32Store(offset = 0): void {
    this.mem(0x38, offset, 2);
  }

  /** memory.copy(dst, src, n) with the three i32 operands on the stack (bulk memory). */
  memoryCopy(): void {
    this.op(0xfc);
    this.code.u32(10);
    this.code.byte(0);
    this.code.byte(0);
  }

  /** memory.fill(dst, byteValue, n). */
  memoryFill(): void {
    this.op(0xfc);
    this.code.u32(11);
    this.code.byte(0);
  }

  // ---- i32 arithmetic -----------------------------------------------------------------------
  i32Eqz(): void {
    this.op(0x45);
  }
  i32Eq(): void {
    this.op(0x46);
  }
  i32Ne(): void {
    this.op(0x47);
  }
  i32LtS(): void {
    this.op(0x48);
  }
  i32LtU(): void {
    this.op(0x49);
  }
  i32GtS(): void {
    this.op(0x4a);
  }
  i32GtU(): void {
    this.op(0x4b);
  }
  i32LeS(): void {
    this.op(0x4c);
  }
  i32LeU(): void {
    this.op(0x4d);
  }
  i32GeS(): void {
    this.op(0x4e);
  }
  i32GeU(): void {
    this.op(0x4f);
  }
  i32Add(): void {
    this.op(0x6a);
  }
  i32Sub(): void {
    this.op(0x6b);
  }
  i32Mul(): void {
    this.op(0x6c);
  }
  i32DivS(): void {
    this.op(0x6d);
  }
  i32DivU(): void {
    this.op(0x6e);
  }
  i32RemS(): void {
    this.op(0x6f);
  }
  i32RemU(): void {
    this.op(0x70);
  }
  i32And(): void {
    this.op(0x71);
  }
  i32Or(): void {
    this.op(0x72);
  }
  i32Shl(): void {
    this.op(0x74);
  }
  i32ShrU(): void {
    this.op(0x76);
  }

  // ---- f32 arithmetic -----------------------------------------------------------------------
  f32Lt(): void {
    this.op(0x5d);
  }
  f32Gt(): void {
    this.op(0x5e);
  }
  f32Ne(): void {
    this.op(0x5c);
  }
  f32Add(): void {
    this.op(0x92);
  }
  f32Sub(): void {
    this.op(0x93);
  }
  f32Mul(): void {
    this.op(0x94);
  }
  f32Div(): void {
    this.op(0x95);
  }

  // ---- SIMD (0xFD prefix) -------------------------------------------------------------------
  v128Load(offset = 0, align = 4): void {
    this.simdMem(0x00, offset, align);
  }

  /** Loads one f32 and splats it to all four lanes. */
  v128Load32Splat(offset = 0): void {
    this.simdMem(0x09, offset, 2);
  }

  /** Loads 8 bytes into the low half, zeroing the high half. */
  v128Load64Zero(offset = 0): void {
    this.simdMem(0x5d, offset, 3);
  }

  v128Store(offset = 0, align = 4): void {
    this.simdMem(0x0b, offset, align);
  }

  /** Stores lane `lane` (0..3) of an f32x4 / i32x4. */
  v128Store32Lane(offset: number, lane: number): void {
    this.simdMem(0x5a, offset, 2);
    this.code.byte(lane);
  }

  /** Stores the 64-bit lane `lane` (0..1): two consecutive f32 lanes. */
  v128Store64Lane(offset: number, lane: number): void {
    this.simdMem(0x5b, offset, 3);
    this.code.byte(lane);
  }

  v128Const(bytes: ArrayLike<number>): void {
    if (bytes.length !== 16) throw new Error('wasm encoder: v128.const takes 16 bytes');
    this.simd(0x0c);
    this.code.bytes(bytes);
  }

  /** v128.const of four f32 lanes. */
  f32x4Const(a: number, b = a, c = a, d = a): void {
    const buf = new Uint8Array(16);
    const dv = new DataView(buf.buffer);
    [a, b, c, d].forEach((v, i) => dv.setFloat32(i * 4, v, true));
    this.v128Const(buf);
  }

  /** i8x16.shuffle with 16 lane indices into the concatenation of the two operands. */
  i8x16Shuffle(lanes: readonly number[]): void {
    if (lanes.length !== 16 || lanes.some((l) => !(l >= 0 && l < 32)))
      throw new Error('wasm encoder: bad shuffle lanes');
    this.simd(0x0d);
    this.code.bytes(lanes);
  }

  /** Shuffle of f32 lanes (each 0..7, 4..7 from the second operand). */
  f32x4Shuffle(a: number, b: number, c: number, d: number): void {
    this.i8x16Shuffle([a, b, c, d].flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]));
  }

  f32x4Splat(): void {
    this.simd(0x13);
  }

  f32x4ExtractLane(lane: number): void {
    this.simd(0x1f);
    this.code.byte(lane);
  }

  f32x4ReplaceLane(lane: number): void {
    this.simd(0x20);
    this.code.byte(lane);
  }

  f32x4Eq(): void {
    this.simd(0x41);
  }
  f32x4Ne(): void {
    this.simd(0x42);
  }
  f32x4Lt(): void {
    this.simd(0x43);
  }
  f32x4Gt(): void {
    this.simd(0x44);
  }
  v128Not(): void {
    this.simd(0x4d);
  }
  v128And(): void {
    this.simd(0x4e);
  }
  v128AndNot(): void {
    this.simd(0x4f);
  }
  v128Or(): void {
    this.simd(0x50);
  }
  /** 1 if any bit of the v128 is set, else 0. */
  v128AnyTrue(): void {
    this.simd(0x53);
  }
  /** bitselect(a, b, mask): bits of a where mask is 1, of b elsewhere. */
  v128Bitselect(): void {
    this.simd(0x52);
  }
  f32x4Neg(): void {
    this.simd(0xe1);
  }
  f32x4Add(): void {
    this.simd(0xe4);
  }
  f32x4Sub(): void {
    this.simd(0xe5);
  }
  f32x4Mul(): void {
    this.simd(0xe6);
  }
  f32x4Div(): void {
    this.simd(0xe7);
  }
  /** IEEE-style min/max: NaN if either lane is NaN, -0 < +0. */
  f32x4Min(): void {
    this.simd(0xe8);
  }
  f32x4Max(): void {
    this.simd(0xe9);
  }
  /** pmin(a, b) = b < a ? b : a (one instruction on x86). */
  f32x4Pmin(): void {
    this.simd(0xea);
  }
  /** pmax(a, b) = a < b ? b : a (one instruction on x86; keeps a when either is NaN... see callers). */
  f32x4Pmax(): void {
    this.simd(0xeb);
  }
  /** relaxed_madd(a, b, c) = a * b + c, fused or not (relaxed SIMD). */
  f32x4RelaxedMadd(): void {
    this.simd(0x105);
  }

  /** Raw single-byte opcode (for ops without a helper). */
  op(byte: number): void {
    this.code.byte(byte);
  }

  private simd(opcode: number): void {
    this.code.byte(0xfd);
    this.code.u32(opcode);
  }

  private mem(opcode: number, offset: number, align: number): void {
    this.code.byte(opcode);
    memarg(this.code, offset, align);
  }

  private simdMem(opcode: number, offset: number, align: number): void {
    this.simd(opcode);
    memarg(this.code, offset, align);
  }

  /** The function body as the code section wants it: locals (run-length encoded) then code, `end`. */
  body(): ByteWriter {
    if (this.depth !== 0) throw new Error('wasm encoder: unbalanced blocks');
    const w = new ByteWriter();
    const runs: [ValType, number][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[0] === t) last[1]++;
      else runs.push([t, 1]);
    }
    w.u32(runs.length);
    for (const [t, n] of runs) {
      w.u32(n);
      w.byte(VALTYPE[t]);
    }
    w.bytes(this.code.toBytes());
    w.byte(0x0b);
    return w;
  }
}

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** in 64 KiB pages */
  readonly minPages: number;
  readonly maxPages: number;
  readonly shared: boolean;
}

/** A module: one imported memory, functions (exported by name or not). */
export class ModuleBuilder {
  private readonly funcs: { f: Func; exportName: string | null }[] = [];
  private memory: MemoryImport | null = null;

  importMemory(m: MemoryImport): void {
    this.memory = m;
  }

  /** Adds a function; returns its index (for `call`). */
  addFunction(f: Func, exportName: string | null): number {
    if (exportName !== null && this.funcs.some((e) => e.exportName === exportName))
      throw new Error(`wasm encoder: duplicate export ${exportName}`);
    this.funcs.push({ f, exportName });
    return this.funcs.length - 1;
  }

  /** Exported function names, in the order they were added. */
  exportNames(): string[] {
    return this.funcs.flatMap((e) => (e.exportName === null ? [] : [e.exportName]));
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter();
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, fill: (w: ByteWriter) => void) => {
      const w = new ByteWriter();
      fill(w);
      out.byte(id);
      out.sized(w);
    };

    // one type per distinct signature
    const sigKey = (f: Func) => `${f.params.join(',')}->${f.results.join(',')}`;
    const types = new Map<string, Func>();
    for (const { f } of this.funcs) if (!types.has(sigKey(f))) types.set(sigKey(f), f);
    const typeIndex = new Map([...types.keys()].map((k, i) => [k, i]));
    section(1, (w) => {
      w.u32(types.size);
      for (const f of types.values()) {
        w.byte(0x60);
        w.u32(f.params.length);
        for (const p of f.params) w.byte(VALTYPE[p]);
        w.u32(f.results.length);
        for (const r of f.results) w.byte(VALTYPE[r]);
      }
    });
    if (this.memory) {
      const m = this.memory;
      section(2, (w) => {
        w.u32(1);
        w.name(m.module);
        w.name(m.name);
        w.byte(0x02);
        w.byte(m.shared ? 0x03 : 0x01);
        w.u32(m.minPages);
        w.u32(m.maxPages);
      });
    }
    section(3, (w) => {
      w.u32(this.funcs.length);
      for (const { f } of this.funcs) w.u32(typeIndex.get(sigKey(f))!);
    });
    const exported = this.funcs
      .map((e, i) => [e.exportName, i] as const)
      .filter((e): e is readonly [string, number] => e[0] !== null);
    section(7, (w) => {
      w.u32(exported.length);
      for (const [name, i] of exported) {
        w.name(name);
        w.byte(0x00);
        w.u32(i);
      }
    });
    section(10, (w) => {
      w.u32(this.funcs.length);
      for (const { f } of this.funcs) w.sized(f.body());
    });
    return out.toBytes();
  }
}
