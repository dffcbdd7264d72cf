/** The checkpoints PyTorch writes for these tests (make_checkpoints.py), made once per test file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredTensor } from '../../runtime/io/stored-tensor.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

const SCRIPT = fileURLToPath(new URL('./make_checkpoints.py', import.meta.url));

export interface Checkpoints {
  readonly dir: string;
  /** the path of a file the script wrote */
  at(name: string): string;
  /** its bytes */
  bytes(name: string): Uint8Array;
}

/** Runs make_checkpoints.py into a fresh temporary folder (removed when the file's tests end). */
export function makeCheckpoints(prefix: string): Checkpoints {
  const dir = tempDir(prefix);
  runPython(SCRIPT, [dir]);
  const at = (name: string) => join(dir, name);
  return { dir, at, bytes: (name) => new Uint8Array(readFileSync(at(name))) };
}

/** What make_checkpoints.py's dtypes.json says of each tensor. */
export interface ExpectedTensor {
  readonly dtype: string;
  readonly shape: number[];
  /** the values as float32 (PyTorch's .to(torch.float32)), "nan", "inf", "-inf"; absent for the lossy ones */
  readonly float32?: (number | 'nan' | 'inf' | '-inf')[];
  /** exact values of integer tensors */
  readonly ints?: number[];
}

/** A value of ExpectedTensor.float32 as a number. */
export const expectedNumber = (v: number | string): number =>
  v === 'nan'
    ? Number.NaN
    : v === 'inf'
      ? Number.POSITIVE_INFINITY
      : v === '-inf'
        ? Number.NEGATIVE_INFINITY
        : Math.fround(Number(v));

/** A safetensors file of stored tensors (any dtype), in the given order, header padded to 8 bytes. */
export function safetensorsOf(tensors: Iterable<[string, StoredTensor]>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [key, t] of tensors) {
    header[key] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    parts.push(t.bytes);
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stored tensor of little-endian int64 values. */
export function int64Tensor(shape: number[], values: readonly (number | bigint)[]): StoredTensor {
  return { dtype: 'I64', shape, bytes: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) };
}
