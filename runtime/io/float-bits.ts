/** Exact conversions from the 16-bit float formats to float32, and float32 to bytes. */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits -> float32 value (exact: every half value is representable in float32). */
export function halfBitsToFloat(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) {
    // Zero or subnormal: mant * 2^-24 is exact in float64 and in float32 (it is a normal float32).
    const v = mant * 2 ** -24;
    return sign ? -v : v;
  }
  if (exp === 0x1f) {
    // Infinity or NaN; keep the NaN payload bits.
    u32[0] = sign | 0x7f800000 | (mant << 13);
    return f32[0];
  }
  u32[0] = sign | ((exp + 112) << 23) | (mant << 13);
  return f32[0];
}

/** bfloat16 bits -> float32 value (exact: bfloat16 is the top half of a float32). */
export function bfloat16BitsToFloat(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}

/** True when this machine stores multi-byte numbers little-endian (every platform Node ships on, in practice). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a float32 array, as a fresh Uint8Array. */
export function float32ToLittleEndianBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  if (HOST_IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.length * 4));
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  }
  return out;
}
