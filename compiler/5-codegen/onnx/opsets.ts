/**
 * The ONNX opsets the exporter writes, and what changes between them. Below 13 Softmax meant
 * something else (it flattened from `axis` on) and Split/Squeeze took attributes: 13 is the floor.
 */

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

/** The IR version each opset shipped with (ONNX 1.8 .. 1.16), which every runtime of that opset reads. */
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

export function irVersionOf(opset: number): number {
  const v = IR_VERSION[opset];
  if (v === undefined) throw new Error(`onnx: no IR version known for opset ${opset}`);
  return v;
}

export function isSupportedOpset(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_OPSET && n <= MAX_OPSET;
}

/** Where each op (or form of it) first exists, for the choices the lowering makes. */
export const SINCE = {
  /** HardSwish */
  hardSwish: 14,
  /** LayerNormalization */
  layerNorm: 17,
  /** Mish */
  mish: 18,
  /** ReduceMean/ReduceMax take `axes` as an input rather than an attribute (ReduceSum did so from 13) */
  reduceAxesInput: 18,
  /** Gelu, with approximate 'none' | 'tanh' */
  gelu: 20,
} as const;
