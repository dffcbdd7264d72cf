/**
 * ONNX external data: a protobuf message cannot pass 2 GiB, so a model whose weights would take it
 * there keeps them in a file beside it (`model.onnx.data`), each TensorProto naming its `location`,
 * `offset` and `length` there. Small tensors stay inline, as onnx.save's size_threshold does.
 */
import { type OnnxInitializer, rawBytes } from './onnx-proto.ts';

/** Weights above this many bytes in all go to the external file: 2 GiB less room for the graph itself. */
export const DEFAULT_EXTERNAL_ABOVE = 2 ** 31 - 2 ** 26;
/** Tensors below this many bytes stay inline (onnx's own default size_threshold). */
const INLINE_BELOW = 1024;
/** Offsets in the data file are multiples of this, so a runtime may map each tensor straight from the file. */
const ALIGN = 4096;

export interface ExternalData {
  /** the file name written into each tensor's `location`, relative to the model file */
  readonly location: string;
  /** the file's contents, in order (tensor bytes and the zero padding between them) */
  readonly chunks: readonly Uint8Array[];
  readonly bytes: number;
}

/** The initializers as written, and the external file when their bytes in all exceed `above`. */
export function placeInitializers(
  initializers: readonly OnnxInitializer[],
  above: number,
  location: string,
): { initializers: OnnxInitializer[]; external: ExternalData | null } {
  const total = initializers.reduce((n, t) => n + t.data.byteLength, 0);
  if (total <= above) return { initializers: [...initializers], external: null };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const placed = initializers.map((t) => {
    if (t.data.byteLength < INLINE_BELOW) return t;
    const start = Math.ceil(offset / ALIGN) * ALIGN;
    if (start > offset) chunks.push(new Uint8Array(start - offset));
    chunks.push(rawBytes(t.data));
    offset = start + t.data.byteLength;
    return { ...t, external: { location, offset: start } };
  });
  return { initializers: placed, external: { location, chunks, bytes: offset } };
}
