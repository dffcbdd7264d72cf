/**
 * A tensor as a weights file stores it: its dtype, shape and little-endian row-major bytes (for
 * safetensors and for torch's stored zip entries, a view of the file itself). It becomes float32
 * only where a float parameter needs it, so integer tensors such as BatchNorm's `num_batches_tracked`
 * keep their exact values.
 */
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { bfloat16BitsToFloat, HOST_IS_LITTLE_ENDIAN, halfBitsToFloat } from './float-bits.ts';

/** The dtypes PyTorch writes for real tensors, by their safetensors names. */
export type StoredDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Readonly<Record<StoredDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export const STORED_DTYPES = Object.keys(DTYPE_BYTES) as StoredDtype[];

/** PyTorch's name of each dtype, for messages. */
export const TORCH_DTYPE_NAMES: Readonly<Record<StoredDtype, string>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

export function isStoredDtype(name: string): name is StoredDtype {
  return Object.hasOwn(DTYPE_BYTES, name);
}

export function isIntegerDtype(dtype: StoredDtype): boolean {
  return dtype === 'I64' || dtype === 'I32' || dtype === 'I16' || dtype === 'I8' || dtype === 'U8';
}

export interface StoredTensor {
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  /** exactly `elements(shape) * DTYPE_BYTES[dtype]` bytes, little-endian, row-major */
  readonly bytes: Uint8Array;
}

/** A float32 tensor that remembers the dtype its file stored (readSafetensors returns these). */
export type DtypedTensor = Tensor & { readonly dtype: StoredDtype };

export function isStoredTensor(t: unknown): t is StoredTensor {
  return typeof t === 'object' && t !== null && (t as StoredTensor).bytes instanceof Uint8Array && 'dtype' in t;
}

/** Integers of magnitude up to 2^24 are exactly float32; beyond, some are not. */
export const FLOAT32_EXACT_INTEGER = 2 ** 24;

/** The first element an integer-to-float32 conversion would change. */
export interface LossyElement {
  readonly index: number;
  /** the exact value, in decimal */
  readonly value: string;
}

/**
 * The elements as float32: floats round to nearest (F64 beyond float32 range becomes ±Infinity),
 * F16 and BF16 are exact, BOOL becomes 0/1, and integers must be exact (|v| <= 2^24): the first
 * that is not is returned instead.
 */
export function storedToFloat32(t: StoredTensor): { data: Float32Array } | { lossy: LossyElement } {
  const { bytes, dtype } = t;
  const size = DTYPE_BYTES[dtype];
  const n = bytes.length / size;
  const out = new Float32Array(n);
  if (n === 0) return { data: out };
  if (dtype === 'F32' && HOST_IS_LITTLE_ENDIAN) {
    // one copy, whatever the alignment of the view into the file
    new Uint8Array(out.buffer).set(bytes);
    return { data: out };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfBitsToFloat(view.getUint16(i * 2, true));
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bfloat16BitsToFloat(view.getUint16(i * 2, true));
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = bytes[i] === 0 ? 0 : 1;
      break;
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = bytes[i];
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) {
        const v = view.getInt32(i * 4, true);
        if (Math.abs(v) > FLOAT32_EXACT_INTEGER) return { lossy: { index: i, value: String(v) } };
        out[i] = v;
      }
      break;
    case 'I64':
      for (let i = 0; i < n; i++) {
        const v = int64At(view, i);
        if (v === null || Math.abs(v) > FLOAT32_EXACT_INTEGER)
          return { lossy: { index: i, value: String(view.getBigInt64(i * 8, true)) } };
        out[i] = v;
      }
      break;
  }
  return { data: out };
}

/** Element `i` of an I64 view as a number, or null when it is beyond 2^53 (not exact as a number). */
function int64At(view: DataView, i: number): number | null {
  const lo = view.getUint32(i * 8, true);
  const hi = view.getInt32(i * 8 + 4, true);
  // |hi| < 2^21 keeps hi * 2^32 + lo within the safe integers
  if (hi >= 2 ** 21 || hi < -(2 ** 21)) return null;
  return hi * 2 ** 32 + lo;
}

/**
 * Element `index` of an integer tensor as an exact JS number; null when the dtype is not an integer
 * one or the value is beyond 2^53.
 */
export function storedIntegerAt(t: StoredTensor, index: number): number | null {
  const size = DTYPE_BYTES[t.dtype];
  if (!isIntegerDtype(t.dtype) || index < 0 || (index + 1) * size > t.bytes.length) return null;
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  switch (t.dtype) {
    case 'I64':
      return int64At(view, index);
    case 'I32':
      return view.getInt32(index * 4, true);
    case 'I16':
      return view.getInt16(index * 2, true);
    case 'I8':
      return view.getInt8(index);
    default:
      return view.getUint8(index);
  }
}
