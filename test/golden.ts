/**
 * Loads the PyTorch golden cases in ../shared/golden (see its README.md) and compares tensors with
 * their tolerance. Shared by every test suite that checks numbers against PyTorch.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type Tensor } from '../compiler/ir/tensor.ts';

/** Absolute path of the golden folder (the repo's sibling `shared/golden`), with a trailing slash. */
export const GOLDEN_DIR = fileURLToPath(new URL('../../shared/golden/', import.meta.url));

export type GoldenKind = 'layer' | 'model' | 'shape_ok' | 'shape_error' | 'train';

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** One entry of `layers`, with PyTorch's attribute names (`padding` may be [h,w], "same" or "valid"). */
export interface GoldenLayer {
  readonly name: string;
  readonly op: string;
  readonly inputs?: readonly string[];
  readonly [attr: string]: unknown;
}

export interface GoldenTrain {
  readonly target: Tensor;
  readonly targetKernel: Tensor;
  readonly loss: string;
  readonly optimizer: string;
  readonly lr: number;
  readonly steps: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** losses[i] is the loss of step i+1, before that step's update */
  readonly losses: readonly number[];
  readonly finalLoss: number;
  readonly finalParams: Readonly<Record<string, Tensor>>;
}

export interface GoldenError {
  readonly layer: string;
  readonly torch_exception: 'RuntimeError' | 'ValueError';
  readonly torch_message: string;
}

export interface GoldenCase {
  readonly id: string;
  readonly kind: GoldenKind;
  readonly description: string;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  /** graph input tensors by name; empty for shape_ok / shape_error */
  readonly input: Readonly<Record<string, Tensor>>;
  readonly layers: readonly GoldenLayer[];
  /** parameters by state_dict key */
  readonly params: Readonly<Record<string, Tensor>>;
  /** `output.y`, or null when the case has no data */
  readonly output: Tensor | null;
  readonly outputShape: readonly number[] | null;
  readonly intermediateShapes: Readonly<Record<string, readonly number[]>> | null;
  readonly tolerance: Tolerance | null;
  readonly train: GoldenTrain | null;
  readonly error: GoldenError | null;
  /** the parsed JSON as is, for fields not modelled here */
  readonly raw: Record<string, unknown>;
}

interface TensorJson {
  shape: number[];
  dtype: string;
  data: string;
}

/** Decodes `{shape, dtype: "float32", data: base64 little-endian}` into a Tensor. */
export function decodeTensor(json: TensorJson): Tensor {
  if (json.dtype !== 'float32') throw new Error(`golden tensor dtype ${json.dtype} is not float32`);
  const bytes = Buffer.from(json.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  return tensor(json.shape, data);
}

function decodeAll(obj: Record<string, TensorJson> | undefined): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(obj ?? {}).map(([k, v]) => [k, decodeTensor(v)]));
}

/** Case ids (file names without `.json`), sorted; optionally only those of the given kind(s). */
export function listGoldenCases(kind?: GoldenKind | readonly GoldenKind[]): string[] {
  const ids = readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  if (kind === undefined) return ids;
  const kinds = new Set(typeof kind === 'string' ? [kind] : kind);
  return ids.filter((id) => kinds.has(readRaw(id).kind as GoldenKind));
}

const rawCache = new Map<string, Record<string, unknown>>();

function readRaw(id: string): Record<string, unknown> {
  let raw = rawCache.get(id);
  if (!raw) {
    raw = JSON.parse(readFileSync(`${GOLDEN_DIR}${id}.json`, 'utf8')) as Record<string, unknown>;
    rawCache.set(id, raw);
  }
  return raw;
}

export function loadGoldenCase(id: string): GoldenCase {
  // the JSON layout is the README's; fields are copied through with light renaming
  // biome-ignore lint/suspicious/noExplicitAny: untyped JSON whose layout the README gives; fields are checked as they are read
  const raw = readRaw(id) as any;
  const train = raw.train
    ? {
        target: decodeTensor(raw.train.target.y),
        targetKernel: decodeTensor(raw.train.target_kernel),
        loss: raw.train.loss,
        optimizer: raw.train.optimizer,
        lr: raw.train.lr,
        steps: raw.train.steps,
        momentum: raw.train.momentum,
        weightDecay: raw.train.weight_decay,
        losses: raw.losses,
        finalLoss: raw.final_loss,
        finalParams: decodeAll(raw.final_params),
      }
    : null;
  return {
    id: raw.id,
    kind: raw.kind,
    description: raw.description,
    inputShapes: raw.input_shapes,
    input: decodeAll(raw.input),
    layers: raw.layers,
    params: decodeAll(raw.params),
    output: raw.output ? decodeTensor(raw.output.y) : null,
    outputShape: raw.output_shape ?? null,
    intermediateShapes: raw.intermediate_shapes ?? null,
    tolerance: raw.tolerance ?? null,
    train,
    error: raw.error ?? null,
    raw,
  };
}

/** A case's params (or any key -> tensor record) as the Map that runGraph and the runtimes take. */
export function weightsOf(params: Readonly<Record<string, Tensor>>): Map<string, Tensor> {
  return new Map(Object.entries(params));
}

export interface CloseReport {
  readonly ok: boolean;
  /** elements outside tolerance */
  readonly bad: number;
  /** flat index of the element furthest outside (or closest to) its tolerance; -1 for empty tensors */
  readonly worstIndex: number;
  readonly worstGot: number;
  readonly worstWant: number;
  /** |got - want| / (atol + rtol*|want|) at the worst element: ok means <= 1 everywhere */
  readonly worstRatio: number;
}

/** Elementwise `|got - want| <= atol + rtol*|want|`; NaN only matches NaN. Shapes are not checked here. */
export function compareClose(got: Float32Array, want: Float32Array, tol: Tolerance): CloseReport {
  let bad = 0;
  let worstIndex = -1;
  let worstRatio = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    let ratio: number;
    if (Number.isNaN(w) || Number.isNaN(g)) ratio = Number.isNaN(w) && Number.isNaN(g) ? 0 : Infinity;
    else if (g === w)
      ratio = 0; // equal infinities too
    else ratio = Math.abs(g - w) / (tol.atol + tol.rtol * Math.abs(w));
    if (Number.isNaN(ratio)) ratio = Infinity;
    if (ratio > 1) bad++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  return {
    ok: bad === 0 && got.length === want.length,
    bad,
    worstIndex,
    worstGot: worstIndex >= 0 ? got[worstIndex] : NaN,
    worstWant: worstIndex >= 0 ? want[worstIndex] : NaN,
    worstRatio: Math.max(worstRatio, 0),
  };
}

/** Row-major multi-index of a flat index, e.g. [0, 2, 3, 1]. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}

/** Asserts equal shapes and elementwise closeness; on failure names the worst element. */
export function expectClose(got: Tensor, want: Tensor, tol: Tolerance, what = 'tensor'): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.data.length, `${what}: element count`).toBe(want.data.length);
  const r = compareClose(got.data, want.data, tol);
  const at = `[${unravel(r.worstIndex, want.shape).join(', ')}]`;
  const allowed = tol.atol + tol.rtol * Math.abs(r.worstWant);
  expect(
    r.ok,
    `${what}: ${r.bad} of ${want.data.length} elements outside atol ${tol.atol} + rtol ${tol.rtol}*|want|; ` +
      `worst at ${at}: got ${r.worstGot}, want ${r.worstWant}, |diff| ${Math.abs(r.worstGot - r.worstWant)} > ${allowed}`,
  ).toBe(true);
}
