import { emitDecode, lin, type KernelWriter } from '../kernel-writer.ts';

/** A tensor read through the output's coordinates: its element stride along each output dim, and an offset. */
export interface StridedSource {
  readonly strides: readonly number[];
  readonly offset?: number;
}

/** Row-major element strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k];
  }
  return strides;
}

/**
 * Strides of `shape` broadcast to `out` (right-aligned, NumPy rules): 0 along every dim the source
 * has size 1 or lacks, so each output coordinate reads the one element it repeats.
 */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = rowMajorStrides(shape);
  const lead = out.length - shape.length;
  if (lead < 0) throw new Error(`shape [${shape.join(', ')}] has more dims than [${out.join(', ')}]`);
  return out.map((d, k) => {
    const j = k - lead;
    if (j < 0 || shape[j] === 1) return 0;
    if (shape[j] !== d) throw new Error(`shape [${shape.join(', ')}] does not broadcast to [${out.join(', ')}]`);
    return own[j];
  });
}

/**
 * Emits the decode of the flat index `index` over the dims `sizes` (row-major) and returns, for each
 * source, its flat index as an expression: offset + sum of coordinate * stride. Dims of size 1 are
 * dropped and neighbours that every source walks contiguously are merged first, so each remaining
 * dim costs one division (through idiv: exact under GPU float division) and a plain copy none.
 */
export function emitStridedIndex(
  w: KernelWriter,
  index: string,
  sizes: readonly number[],
  sources: readonly StridedSource[],
  prefix = 'd',
  indent = 1,
): string[] {
  let dims = sizes.map((size, k) => ({ size, strides: sources.map((s) => s.strides[k]) })).filter((d) => d.size !== 1);
  const merged: typeof dims = [];
  for (const d of dims) {
    const prev = merged.at(-1);
    const contiguous = prev?.strides.every((s, j) => s === d.strides[j] * d.size) ?? false;
    if (prev && contiguous) merged[merged.length - 1] = { size: prev.size * d.size, strides: d.strides };
    else merged.push(d);
  }
  dims = merged;
  const names = dims.length === 1 ? [index] : dims.map((_, k) => `${prefix}${k}`);
  if (dims.length > 1)
    emitDecode(
      w,
      index,
      dims.map((d, k) => [names[k], d.size]),
      indent,
    );
  return sources.map((s, j) =>
    lin(
      dims.map((d, k) => [d.strides[j], names[k]] as const),
      s.offset ?? 0,
    ),
  );
}
