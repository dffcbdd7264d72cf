/**
 * Reading and writing safetensors files (https://github.com/huggingface/safetensors), hardened against
 * hostile input: every size and offset is checked against the file before anything is read or allocated.
 *
 * Layout: u64 little-endian header length N, N bytes of UTF-8 JSON header
 * `{key: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`,
 * then the data region; offsets are relative to the start of the data region.
 */
import { type Tensor, sizeOf } from '../../compiler/ir/tensor.ts';
import { float32ToLittleEndianBytes } from './float-bits.ts';
import { findDuplicateJsonKey } from './json-duplicate-keys.ts';
import {
  DTYPE_BYTES,
  type DtypedTensor,
  FLOAT32_EXACT_INTEGER,
  STORED_DTYPES,
  type StoredDtype,
  type StoredTensor,
  isStoredDtype,
  storedToFloat32,
} from './stored-tensor.ts';
import { TensorFileError } from './tensor-file-error.ts';

export { TensorFileError } from './tensor-file-error.ts';

/** Headers beyond this are refused outright (the reference implementation's limit is the same order). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

const SUPPORTED_DTYPES = STORED_DTYPES.join(', ');

interface Entry {
  readonly key: string;
  readonly dtype: StoredDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsContents {
  readonly tensors: Map<string, DtypedTensor>;
  /** The `__metadata__` string map, empty when the file has none. */
  readonly metadata: Record<string, string>;
}

export interface StoredSafetensors {
  /** each tensor's bytes are a view of the file */
  readonly tensors: Map<string, StoredTensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Reads every tensor of a safetensors file as float32 (each remembers its stored dtype; integers
 * must be exact in float32, |v| <= 2^24). Throws TensorFileError on any malformed input.
 */
export function readSafetensors(bytes: Uint8Array, source = 'weights file'): Map<string, DtypedTensor> {
  return readSafetensorsWithMetadata(bytes, source).tensors;
}

/** Like readSafetensors, also returning the `__metadata__` map. */
export function readSafetensorsWithMetadata(bytes: Uint8Array, source = 'weights file'): SafetensorsContents {
  const stored = readStoredSafetensors(bytes, source);
  const tensors = new Map<string, DtypedTensor>();
  for (const [key, t] of stored.tensors) {
    const converted = storedToFloat32(t);
    if ('lossy' in converted) throw new TensorFileError(source, lossyProblem(t.dtype, converted.lossy), key);
    tensors.set(key, { shape: t.shape, data: converted.data, dtype: t.dtype });
  }
  return { tensors, metadata: stored.metadata };
}

/** Why an integer tensor cannot become float32: its first inexact element. */
export function lossyProblem(dtype: StoredDtype, lossy: { index: number; value: string }): string {
  return `${dtype} value ${lossy.value} (element ${lossy.index}) cannot become float32 without loss (integers are exact only up to 2^24 = ${FLOAT32_EXACT_INTEGER})`;
}

/** Reads a safetensors file keeping each tensor's dtype and bytes (views of `bytes`, nothing copied). */
export function readStoredSafetensors(bytes: Uint8Array, source = 'weights file'): StoredSafetensors {
  const fail = (problem: string, key?: string): never => {
    throw new TensorFileError(source, problem, key);
  };

  if (bytes.length < 8) {
    fail(`file is too short (${bytes.length} bytes): a safetensors file starts with an 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${headerLength} is absurd (more than ${MAX_HEADER_BYTES} bytes); not a safetensors file?`);
  }
  const headerBytes = Number(headerLength);
  if (8 + headerBytes > bytes.length) {
    fail(
      `header length ${headerBytes} is larger than the file (${bytes.length} bytes, 8 of them the length itself); the file is truncated or not a safetensors file`,
    );
  }

  let headerText = '';
  try {
    headerText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerBytes));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(`header is not a JSON object (found ${describeJson(header)})`);
  }
  const duplicate = findDuplicateJsonKey(headerText);
  if (duplicate) {
    const where = duplicate.path.length === 0 ? 'the header' : `the header entry "${duplicate.path.join('.')}"`;
    fail(`duplicate key "${duplicate.key}" in ${where} (ambiguous: which one is meant?)`);
  }

  const dataStart = 8 + headerBytes;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === METADATA_KEY) {
      Object.assign(metadata, checkMetadata(value, fail));
    } else {
      entries.push(checkEntry(key, value, dataLength, fail));
    }
  }
  checkCoverage(entries, dataLength, fail);

  const tensors = new Map<string, StoredTensor>();
  for (const entry of entries) {
    const view = bytes.subarray(dataStart + entry.begin, dataStart + entry.end);
    tensors.set(entry.key, { dtype: entry.dtype, shape: entry.shape, bytes: view });
  }
  return { tensors, metadata };
}

type Fail = (problem: string, key?: string) => never;

function checkMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`"${METADATA_KEY}" must be an object of strings (found ${describeJson(value)})`);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`"${METADATA_KEY}" value for "${k}" must be a string (found ${describeJson(v)})`);
    out[k] = v as string;
  }
  return out;
}

/** Validates one tensor entry's fields and its offsets against the data region. */
function checkEntry(key: string, value: unknown, dataLength: number, fail: Fail): Entry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`entry must be an object with dtype, shape and data_offsets (found ${describeJson(value)})`, key);
  }
  const info = value as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(info, field)) fail(`entry is missing "${field}"`, key);
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`"dtype" must be a string (found ${describeJson(dtype)})`, key);
  if (!isStoredDtype(dtype as string)) {
    fail(`unknown or unsupported dtype "${dtype}" (supported: ${SUPPORTED_DTYPES})`, key);
  }
  const elementSize = DTYPE_BYTES[dtype as StoredDtype];
  if (!Array.isArray(shape)) fail(`"shape" must be an array of integers (found ${describeJson(shape)})`, key);
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(
        `shape [${(shape as unknown[]).map(String).join(', ')}] has ${describeDim(d)}; dimensions must be non-negative integers`,
        key,
      );
    }
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    fail(`"data_offsets" must be an array [begin, end] (found ${describeJson(offsets)})`, key);
  }
  const [begin, end] = offsets as unknown[];
  for (const o of [begin, end]) {
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
      fail(`"data_offsets" must be non-negative integers (found ${describeJson(o)})`, key);
    }
  }
  const b = begin as number;
  const e = end as number;
  if (b > e) fail(`data_offsets [${b}, ${e}] have begin > end`, key);
  if (e > dataLength) fail(`data_offsets [${b}, ${e}] are out of range: the data region has ${dataLength} bytes`, key);

  const dims = shape as number[];
  const count = elementCount(dims);
  if (count === undefined || count * elementSize !== e - b) {
    const needs = count === undefined ? 'more than 2^53 elements' : `${count * elementSize} bytes`;
    fail(
      `byte count ${e - b} (data_offsets [${b}, ${e}]) disagrees with shape [${dims.join(', ')}] of ${dtype}, which needs ${needs}`,
      key,
    );
  }
  return { key, dtype: dtype as StoredDtype, shape: [...dims], begin: b, end: e };
}

/** Product of dims, or undefined when it is not a safe integer. */
function elementCount(dims: readonly number[]): number | undefined {
  if (dims.includes(0)) return 0;
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return n;
}

/** Tensors must tile the data region exactly: no overlaps, no holes, no trailing bytes. */
function checkCoverage(entries: readonly Entry[], dataLength: number, fail: Fail): void {
  const sorted = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of sorted) {
    if (entry.begin < covered) {
      fail(
        `data_offsets [${entry.begin}, ${entry.end}] overlap tensor "${previous!.key}" [${previous!.begin}, ${previous!.end}]`,
        entry.key,
      );
    }
    if (entry.begin > covered) {
      fail(
        `bytes ${covered}..${entry.begin} of the data region are not covered by any tensor (a hole; safetensors forbids holes)`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered < dataLength) {
    fail(
      `${dataLength - covered} trailing bytes after the last tensor (data region bytes ${covered}..${dataLength} are not covered by any tensor; safetensors forbids this)`,
    );
  }
}

/**
 * Writes float32 tensors as a safetensors file. Tensors are laid out sorted by key (as the reference
 * implementation does for equal dtypes), and the header is padded with spaces to a multiple of 8 bytes.
 */
export function writeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const source = 'safetensors writer';
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  items.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  // Null prototype: a tensor named "__proto__" must become a plain key, not change the object's prototype.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TensorFileError(source, `metadata value for "${k}" must be a string`);
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const [key, t] of items) {
    if (key === METADATA_KEY)
      throw new TensorFileError(source, `"${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TensorFileError(source, `shape [${t.shape.join(', ')}] must hold non-negative integers`, key);
    }
    if (t.data.length !== sizeOf(t.shape)) {
      throw new TensorFileError(
        source,
        `data has ${t.data.length} elements, shape [${t.shape.join(', ')}] needs ${sizeOf(t.shape)}`,
        key,
      );
    }
    header[key] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  const out = new Uint8Array(8 + json.length + padding + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length + padding), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + json.length + padding);
  let at = 8 + json.length + padding;
  for (const [, t] of items) {
    out.set(float32ToLittleEndianBytes(t.data), at);
    at += t.data.length * 4;
  }
  return out;
}

function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function describeDim(d: unknown): string {
  if (typeof d === 'number' && d < 0) return `a negative dimension ${d}`;
  if (typeof d === 'number') return `a non-integer dimension ${d}`;
  return `a non-integer dimension (${describeJson(d)})`;
}
