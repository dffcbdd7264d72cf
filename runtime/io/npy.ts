/**
 * Reading and writing NumPy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
 * hardened against hostile input. Everything read is converted to float32.
 *
 * Layout: magic "\x93NUMPY", major and minor version bytes, header length (u16 LE for 1.0, u32 LE for
 * 2.0 and 3.0), a Python dict literal {'descr', 'fortran_order', 'shape'} padded with spaces and '\n',
 * then the raw array data.
 */
import { type Tensor, sizeOf } from '../../compiler/ir/tensor.ts';
import { float32ToLittleEndianBytes, halfBitsToFloat } from './float-bits.ts';
import { type PyValue, PyLiteralError, parsePythonLiteral } from './python-literal.ts';
import { TensorFileError } from './tensor-file-error.ts';

export { TensorFileError } from './tensor-file-error.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ARRAY_ALIGN = 64;
/** NumPy leaves room in the header so the first axis can grow to this many digits in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Kind = 'f' | 'i' | 'u' | 'bool';
interface Dtype {
  readonly kind: Kind;
  readonly size: number;
  readonly littleEndian: boolean;
}

const SUPPORTED =
  "'<f2', '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8', '|b1' (and the '>' big-endian forms)";

/** Reads an .npy file as a float32 tensor in C (row-major) order. Throws TensorFileError on malformed input. */
export function readNpy(bytes: Uint8Array, source = 'array file'): Tensor {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem);
  };

  if (bytes.length < 10) fail(`file is too short (${bytes.length} bytes) to be an .npy file`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('bad magic: an .npy file starts with "\\x93NUMPY"');
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail(`file is too short (${bytes.length} bytes) to hold the header length`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerStart + headerLength > bytes.length) {
    fail(`header length ${headerLength} is larger than the file (${bytes.length} bytes)`);
  }

  let headerText = '';
  try {
    // Versions 1.0 and 2.0 store the header as latin1, 3.0 as UTF-8.
    headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(
      bytes.subarray(headerStart, headerStart + headerLength),
    );
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: PyValue = null;
  try {
    header = parsePythonLiteral(headerText);
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    fail(`header is not a Python dict literal (${e.message})`);
  }
  if (header === null || typeof header !== 'object' || header.kind !== 'dict') {
    fail("header is not a Python dict literal with keys 'descr', 'fortran_order' and 'shape'");
  }
  const entries = (header as { entries: ReadonlyMap<string, PyValue> }).entries;
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!entries.has(key)) fail(`header dict is missing '${key}'`);
  }
  for (const key of entries.keys()) {
    if (!['descr', 'fortran_order', 'shape'].includes(key)) fail(`header dict has an unexpected key '${key}'`);
  }

  const dtype = parseDescr(entries.get('descr')!, fail);
  const fortranOrder = entries.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') fail("'fortran_order' must be True or False");
  const shape = parseShape(entries.get('shape')!, fail);

  const count = shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) fail(`shape (${shape.join(', ')}) has too many elements`);
  const needed = count * dtype.size;
  const dataStart = headerStart + headerLength;
  const available = bytes.length - dataStart;
  if (available !== needed) {
    const which = available < needed ? 'shorter' : 'longer';
    fail(
      `data is ${which} than the shape needs: shape (${shape.join(', ')}) of ${describeDtype(dtype)} needs ${needed} bytes, the file has ${available}`,
    );
  }

  const fileOrder = decode(new DataView(bytes.buffer, bytes.byteOffset + dataStart, needed), dtype, count);
  const data = fortranOrder && shape.length > 1 ? fortranToC(fileOrder, shape) : fileOrder;
  return { shape, data };
}

function parseDescr(descr: PyValue, fail: (p: string) => never): Dtype {
  if (typeof descr !== 'string') {
    const structured = descr !== null && typeof descr === 'object' && descr.kind === 'list';
    return fail(
      structured
        ? "structured (record) dtypes are not supported; 'descr' must be a simple type string"
        : "'descr' must be a string",
    );
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  if (m && (m[2] === 'O' || m[2] === 'V')) {
    fail(`${m[2] === 'O' ? 'object' : 'void'} dtype '${descr}' is not supported (object arrays need Python pickle)`);
  }
  const order = m?.[1] ?? '';
  const size = m && m[3] !== '' ? Number(m[3]) : m?.[2] === '?' ? 1 : NaN;
  let kind: Kind | undefined;
  if (m?.[2] === 'f' && [2, 4, 8].includes(size)) kind = 'f';
  else if ((m?.[2] === 'i' || m?.[2] === 'u') && [1, 2, 4, 8].includes(size)) kind = m![2] as Kind;
  else if ((m?.[2] === 'b' || m?.[2] === '?') && size === 1) kind = 'bool';
  if (kind === undefined) return fail(`unsupported dtype '${descr}' (supported: ${SUPPORTED})`);
  if (order === '|' && size > 1) fail(`dtype '${descr}' has no byte order but ${size}-byte elements`);
  const littleEndian = order === '>' ? false : order === '<' ? true : HOST_IS_LITTLE_ENDIAN;
  return { kind, size, littleEndian };
}

function parseShape(shape: PyValue, fail: (p: string) => never): number[] {
  if (shape === null || typeof shape !== 'object' || shape.kind !== 'tuple') {
    return fail("'shape' must be a tuple of non-negative integers");
  }
  return shape.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) {
      return fail(
        `'shape' must be a tuple of non-negative integers (found ${typeof d === 'bigint' ? String(d) : 'a non-integer'})`,
      );
    }
    return Number(d);
  });
}

function describeDtype(d: Dtype): string {
  const order = d.size === 1 ? '|' : d.littleEndian ? '<' : '>';
  return `'${order}${d.kind === 'bool' ? 'b' : d.kind}${d.size}'`;
}

/** Converts `count` elements, already checked to fit the view, to float32. */
function decode(view: DataView, d: Dtype, count: number): Float32Array {
  const out = new Float32Array(count);
  const le = d.littleEndian;
  const read = readerFor(view, d);
  for (let i = 0; i < count; i++) out[i] = read(i * d.size, le);
  return out;
}

function readerFor(view: DataView, d: Dtype): (at: number, le: boolean) => number {
  switch (`${d.kind}${d.size}`) {
    case 'f2':
      return (at, le) => halfBitsToFloat(view.getUint16(at, le));
    case 'f4':
      return (at, le) => view.getFloat32(at, le);
    // Storing into a Float32Array rounds to nearest, ties to even.
    case 'f8':
      return (at, le) => view.getFloat64(at, le);
    case 'i1':
      return (at) => view.getInt8(at);
    case 'i2':
      return (at, le) => view.getInt16(at, le);
    case 'i4':
      return (at, le) => view.getInt32(at, le);
    case 'i8':
      return (at, le) => bigIntToFloat32(view.getBigInt64(at, le));
    case 'u1':
      return (at) => view.getUint8(at);
    case 'u2':
      return (at, le) => view.getUint16(at, le);
    case 'u4':
      return (at, le) => view.getUint32(at, le);
    case 'u8':
      return (at, le) => bigIntToFloat32(view.getBigUint64(at, le));
    default:
      return (at) => (view.getUint8(at) !== 0 ? 1 : 0); // bool
  }
}

/**
 * A 64-bit integer rounded once to the nearest float32 (ties to even), as NumPy's astype(float32) does.
 * Going through Number first would round twice, which is wrong for some values above 2^53.
 */
export function bigIntToFloat32(v: bigint): number {
  const negative = v < 0n;
  const a = negative ? -v : v;
  if (a <= 2n ** 53n) return Math.fround(negative ? -Number(a) : Number(a));
  const shift = BigInt(a.toString(2).length - 24);
  let mantissa = a >> shift;
  const rest = a - (mantissa << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa += 1n;
  const value = Number(mantissa) * 2 ** Number(shift);
  return negative ? -value : value;
}

/** Reorders column-major (first axis fastest) data into row-major order. */
function fortranToC(src: Float32Array, shape: readonly number[]): Float32Array {
  const out = new Float32Array(src.length);
  const rank = shape.length;
  const cStrides = new Array<number>(rank);
  let stride = 1;
  for (let k = rank - 1; k >= 0; k--) {
    cStrides[k] = stride;
    stride *= shape[k];
  }
  const index = new Array<number>(rank).fill(0);
  let c = 0;
  for (let f = 0; f < src.length; f++) {
    out[c] = src[f];
    // Advance the multi-index with axis 0 fastest, keeping the C offset in step.
    for (let k = 0; k < rank; k++) {
      index[k]++;
      c += cStrides[k];
      if (index[k] < shape[k]) break;
      c -= cStrides[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

/** Writes a float32 tensor as NumPy would (`np.save`): '<f4', C order, header aligned to 64 bytes. */
export function writeNpy(t: Tensor): Uint8Array {
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TensorFileError('npy writer', `shape [${t.shape.join(', ')}] must hold non-negative integers`);
  }
  if (t.data.length !== sizeOf(t.shape)) {
    throw new TensorFileError(
      'npy writer',
      `data has ${t.data.length} elements, shape [${t.shape.join(', ')}] needs ${sizeOf(t.shape)}`,
    );
  }
  const shapeRepr = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (t.shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(t.shape[0]).length));

  // Version 1.0 unless the header outgrows its 16-bit length, as NumPy does.
  const paddingFor = (prefix: number): number => ARRAY_ALIGN - ((prefix + dict.length + 1) % ARRAY_ALIGN);
  const major = dict.length + 1 + paddingFor(10) <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  const headerLength = dict.length + 1 + paddingFor(prefix);
  const body = float32ToLittleEndianBytes(t.data);
  const out = new Uint8Array(prefix + headerLength + body.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  // The header is pure ASCII, so one byte per character.
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.fill(0x20, prefix + dict.length, prefix + headerLength - 1);
  out[prefix + headerLength - 1] = 0x0a;
  out.set(body, prefix + headerLength);
  return out;
}
