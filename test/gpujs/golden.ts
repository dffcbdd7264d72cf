import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../runtime/tensor.ts';

/** ../shared/golden relative to the repository root (read-only reference cases made with PyTorch). */
export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/golden');

export interface GoldenTensorJson {
  readonly shape: number[];
  readonly dtype: 'float32';
  readonly data: string;
}

export interface GoldenLayer {
  readonly name: string;
  readonly op: string;
  readonly inputs?: string[];
  readonly [attr: string]: unknown;
}

export interface GoldenCase {
  readonly id: string;
  readonly kind: 'layer' | 'model' | 'shape_ok' | 'shape_error' | 'train';
  readonly input_shapes: Record<string, number[]>;
  readonly input?: Record<string, GoldenTensorJson>;
  readonly layers: GoldenLayer[];
  readonly params?: Record<string, GoldenTensorJson>;
  readonly output?: { y: GoldenTensorJson };
  readonly output_shape: number[] | null;
  readonly intermediate_shapes?: Record<string, number[]>;
  readonly tolerance?: { rtol: number; atol: number };
}

/** base64 little-endian float32 -> Tensor */
export function decodeTensor(t: GoldenTensorJson): Tensor {
  const bytes = Buffer.from(t.data, 'base64');
  const data = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < data.length; k++) data[k] = view.getFloat32(k * 4, true);
  return { shape: t.shape, data };
}

export function loadGoldenCases(kinds: readonly GoldenCase['kind'][]): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as GoldenCase)
    .filter((c) => kinds.includes(c.kind));
}

/** Indices where |got - want| > atol + rtol*|want| (or the value is not finite), first few only. */
export function toleranceFailures(got: Float32Array, want: Float32Array, tol: { rtol: number; atol: number }, limit = 5): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} != ${want.length}`];
  for (let k = 0; k < want.length && bad.length < limit; k++) {
    const ok = Math.abs(got[k] - want[k]) <= tol.atol + tol.rtol * Math.abs(want[k]);
    if (!ok) bad.push(`[${k}] got ${got[k]}, want ${want[k]}`);
  }
  return bad;
}
