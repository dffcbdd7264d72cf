/**
 * What a generated module needs at load time besides its kernels: reading and checking weights.
 * Bundled into each generated module by runtime/module-support/bundle.ts, so a built
 * module imports nothing for the CPU backend.
 */
import { readCheckpoint } from '../io/checkpoint.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import type { WeightsTensor } from '../weights.ts';

export { bindWeights, initialWeights } from '../weights.ts';

export type WeightsOption =
  | string
  | Uint8Array
  | ArrayBuffer
  | ReadonlyMap<string, WeightsTensor>
  | Readonly<Record<string, WeightsTensor>>;

/**
 * Weights as tensors by key: the bytes of a weights file (safetensors or torch.save's .pt/.pth, told
 * apart by content), a path to one (Node only), or tensors as they are.
 */
export async function resolveWeights(w: WeightsOption | undefined): Promise<ReadonlyMap<string, WeightsTensor> | null> {
  if (w === undefined || w === null) return null;
  if (typeof w === 'string') {
    const fs = await import('node:fs/promises');
    return readCheckpoint(new Uint8Array(await fs.readFile(w)), w).tensors;
  }
  if (w instanceof Uint8Array) return readCheckpoint(w, 'the weights').tensors;
  if (w instanceof ArrayBuffer) return readCheckpoint(new Uint8Array(w), 'the weights').tensors;
  if (w instanceof Map) return w;
  return new Map(Object.entries(w as Record<string, WeightsTensor>));
}

/** Checks feeds against the declared input shapes; returns the data arrays by input name. */
export function checkFeeds(
  inputs: Readonly<Record<string, readonly number[]>>,
  feeds: Record<string, Tensor>,
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = Object.create(null);
  if (!feeds || typeof feeds !== 'object') throw new TypeError('run() takes an object of inputs, e.g. run({ x })');
  for (const [name, shape] of Object.entries(inputs)) {
    const t = Object.hasOwn(feeds, name) ? feeds[name] : undefined;
    if (!t) throw new Error(`missing input "${name}" of shape [${shape.join(', ')}]`);
    const got = Array.from(t.shape ?? []);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new Error(
        `input "${name}" has shape [${got.join(', ')}], but this module was built for [${shape.join(', ')}] (rebuild with cnnc build --shape ${name}=${got.join(',')})`,
      );
    }
    if (!(t.data instanceof Float32Array) || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(`input "${name}" needs a Float32Array of ${shape.reduce((a, b) => a * b, 1)} values`);
    }
    out[name] = t.data;
  }
  for (const name of Object.keys(feeds))
    if (!Object.hasOwn(inputs, name))
      throw new Error(`unknown input "${name}" (inputs: ${Object.keys(inputs).join(', ')})`);
  return out;
}
