/**
 * A minimal protocol-buffers encoder: just the wire types ONNX models need (varint,
 * length-delimited and fixed32 fields). Messages are built bottom-up: encode a child, then write its bytes as a
 * length-delimited field of the parent.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  /** A varint field (int32, int64, enum, bool); negative numbers take ten bytes, as int64 does. */
  int(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.flushScratch();
    this.push(value);
    return this;
  }

  /** A 32-bit float field (wire type fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.flushScratch();
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  /** An embedded message: the child's bytes, length-prefixed (its chunks are shared, not copied: weights are large). */
  message(field: number, child: ProtoWriter): this {
    child.flushScratch();
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(child.length);
    this.flushScratch();
    for (const c of child.chunks) this.push(c);
    return this;
  }

  /** A packed repeated varint field (e.g. `repeated int64 dims` written packed). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** One entry per value (unpacked), as proto2 `repeated int64` without [packed] expects. */
  repeatedInts(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911)
      throw new Error(`protobuf: bad field number ${field}`);
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: ${value} is not a safe integer`);
    // two's complement in 64 bits for negatives, as protobuf writes int64
    let v = value < 0 ? (1n << 64n) + BigInt(value) : BigInt(value);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      this.scratch.push(byte);
    } while (v > 0n);
  }

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}
