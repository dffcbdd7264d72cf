/** A tiny loader for ../shared/golden (format: /work/shared/golden/README.md). Test-local on purpose. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../runtime/tensor.ts';

export const GOLDEN_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/golden');

interface RawTensor {
  shape: number[];
  dtype: string;
  data: string;
}

export interface GoldenLayer {
  name: string;
  op: string;
  inputs?: string[];
  [attr: string]: unknown;
}

export interface GoldenCase {
  id: string;
  kind: 'layer' | 'model' | 'shape_ok' | 'shape_error' | 'train';
  description: string;
  input_shapes: Record<string, number[]>;
  input: Record<string, Tensor>;
  layers: GoldenLayer[];
  params: Record<string, Tensor>;
  output: { y: Tensor };
  output_shape: number[] | null;
  intermediate_shapes?: Record<string, number[]>;
  tolerance: { rtol: number; atol: number };
}

export function decodeTensor(t: RawTensor): Tensor {
  if (t.dtype !== 'float32') throw new Error(`golden: unsupported dtype ${t.dtype}`);
  const bytes = Buffer.from(t.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  if (data.length !== t.shape.reduce((a, b) => a * b, 1)) throw new Error(`golden: tensor size does not match its shape`);
  return { shape: t.shape, data };
}

function decodeAll(obj: Record<string, RawTensor> | undefined): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(obj ?? {}).map(([k, v]) => [k, decodeTensor(v)]));
}

export function loadGolden(id: string): GoldenCase {
  const raw = JSON.parse(readFileSync(path.join(GOLDEN_DIR, `${id}.json`), 'utf8'));
  return {
    ...raw,
    input: decodeAll(raw.input),
    params: decodeAll(raw.params),
    output: raw.output ? { y: decodeTensor(raw.output.y) } : raw.output,
  };
}

/** ids of the cases of the given kinds, sorted (reads only the `kind` field of each file). */
export function goldenIds(kinds: readonly GoldenCase['kind'][]): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((id) => kinds.includes(JSON.parse(readFileSync(path.join(GOLDEN_DIR, `${id}.json`), 'utf8')).kind))
    .sort();
}

/** Index of the first element outside `atol + rtol*|want|`, or -1; NaNs must match NaNs. */
export function firstMismatch(got: Float32Array, want: Float32Array, tol: { rtol: number; atol: number }): number {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w))) return i;
  }
  return -1;
}
