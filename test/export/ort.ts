/**
 * Test helpers for the ONNX exporter: onnxruntime-node sessions (from bytes or from a file, which
 * external data needs), `cnnc export` in-process, and comparisons in the units the reports use.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { runCli } from '../cli-harness.ts';

type Ort = typeof import('onnxruntime-node');
let ort: Promise<Ort> | null = null;
/** onnxruntime-node, loaded once (the benchmark loads it the same way, bench/engines/ort.ts). */
export function loadOrt(): Promise<Ort> {
  ort ??= import('onnxruntime-node');
  return ort;
}

/** A CPU session on one thread: the machine is shared. */
export async function ortSession(model: Uint8Array | string): Promise<InferenceSession> {
  const o = await loadOrt();
  const options: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  return typeof model === 'string'
    ? o.InferenceSession.create(model, options)
    : o.InferenceSession.create(model, options);
}

/** Runs a session on float32 feeds; the outputs by name, as tensors. */
export async function ortRun(
  session: InferenceSession,
  feeds: Readonly<Record<string, Tensor>>,
): Promise<Map<string, Tensor>> {
  const o = await loadOrt();
  // no prototype: an input may be named `__proto__`
  const inputs: Record<string, OrtTensor> = Object.create(null);
  for (const [name, t] of Object.entries(feeds)) inputs[name] = new o.Tensor('float32', t.data, [...t.shape]);
  const result = await session.run(inputs);
  const out = new Map<string, Tensor>();
  for (const name of session.outputNames) {
    const t = result[name];
    out.set(name, { shape: t.dims.map(Number), data: t.data as Float32Array });
  }
  return out;
}

/** Creates a session, runs it once, releases it. */
export async function runOnnx(
  model: Uint8Array | string,
  feeds: Readonly<Record<string, Tensor>>,
): Promise<Map<string, Tensor>> {
  const session = await ortSession(model);
  try {
    return await ortRun(session, feeds);
  } finally {
    await session.release();
  }
}

/** `cnnc export FILE --format onnx -o OUT ...args`; throws with stderr unless it exits 0. */
export async function exportCli(file: string, out: string, args: readonly string[] = []): Promise<string> {
  const r = await runCli(['export', file, '--format', 'onnx', '-o', out, ...args]);
  if (r.code !== 0) throw new Error(`cnnc export exited ${r.code}:\n${r.stderr}`);
  return r.stderr;
}

/** Rows [from, to) of dim 0 of a tensor. */
export function batchRows(t: Tensor, from: number, to: number): Tensor {
  const row = t.data.length / t.shape[0];
  return { shape: [to - from, ...t.shape.slice(1)], data: t.data.slice(from * row, to * row) };
}

/** The tensor repeated along dim 0 until it has `n` rows (rows cycle), so a batch of 1 becomes any batch. */
export function repeatRows(t: Tensor, n: number): Tensor {
  const row = t.data.length / t.shape[0];
  const data = new Float32Array(n * row);
  for (let i = 0; i < n; i++) data.set(t.data.subarray((i % t.shape[0]) * row, ((i % t.shape[0]) + 1) * row), i * row);
  return { shape: [n, ...t.shape.slice(1)], data };
}

/** Largest |got - want| over finite pairs; Infinity for a length mismatch or a non-finite value that differs. */
export function maxError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    if (Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])) || got[i] === want[i]) continue;
    const d = Math.abs(got[i] - want[i]);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}
