import { exportOnnx } from '../../compiler/5-codegen/onnx/index.ts';
import type { Workload } from '../workloads.ts';

const cache = new WeakMap<Workload, Uint8Array>();

/** The workload's plan and weights as an ONNX model (written by cnnc's exporter), once per workload. */
export function onnxModelOf(w: Workload): Uint8Array {
  let bytes = cache.get(w);
  if (!bytes) {
    // the benchmark's workloads are far below 2 GiB: the weights are always inline
    bytes = exportOnnx(w.plan, w.weights).model;
    cache.set(w, bytes);
  }
  return bytes;
}
