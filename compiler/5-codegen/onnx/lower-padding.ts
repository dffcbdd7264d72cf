/**
 * Padding of the last two dims as PyTorch does it, for F.pad (every mode, negative pads crop) and for
 * a Conv2d's padding_mode. Reflect and replicate pad the input first and crop after (PyTorch's
 * kernels index the original input, so a reflection may reach rows a crop removes); circular crops
 * first and then wraps what is left, as PyTorch's _pad_circular does, and is a Concat of slices
 * (ONNX Pad has no wrap mode before opset 19).
 */
import type { Pads, PadMode } from '../../ir/attrs.ts';
import type { OnnxGraph } from './graph-builder.ts';

const ONNX_MODE: Record<Exclude<PadMode, 'circular'>, string> = {
  constant: 'constant',
  reflect: 'reflect',
  replicate: 'edge',
};

/**
 * Pads `x` (shape `shape`) by [top, bottom, left, right] on its last two dims, writing `out`.
 * `value` fills constant mode.
 */
export function emitPadding(
  g: OnnxGraph,
  x: string,
  shape: readonly number[],
  pads: Pads,
  mode: PadMode,
  value: number,
  out: string,
): string {
  const rank = shape.length;
  const [top, bottom, left, right] = pads;
  const grow: Pads = [Math.max(top, 0), Math.max(bottom, 0), Math.max(left, 0), Math.max(right, 0)];
  const crop: Pads = [Math.max(-top, 0), Math.max(-bottom, 0), Math.max(-left, 0), Math.max(-right, 0)];
  const grows = grow.some((p) => p > 0);
  const crops = crop.some((p) => p > 0);
  if (!grows && !crops) return g.node('Identity', [x], out);
  const h = shape[rank - 2];
  const w = shape[rank - 1];
  if (mode === 'circular') {
    const cropped = crops ? cropTo(g, x, rank, [h, w], crop, grows ? g.fresh(`${out}:cropped`) : out) : x;
    if (!grows) return cropped;
    const ch = h - crop[0] - crop[1];
    const cw = w - crop[2] - crop[3];
    const rows = wrap(g, cropped, rank - 2, ch, grow[0], grow[1], grow[2] + grow[3] > 0 ? g.fresh(`${out}:rows`) : out);
    return grow[2] + grow[3] > 0 ? wrap(g, rows, rank - 1, cw, grow[2], grow[3], out) : rows;
  }
  let padded = x;
  if (grows) {
    const spec = new Array<number>(2 * rank).fill(0);
    spec[rank - 2] = grow[0];
    spec[rank - 1] = grow[2];
    spec[2 * rank - 2] = grow[1];
    spec[2 * rank - 1] = grow[3];
    const inputs = [x, g.int64s(spec)];
    if (mode === 'constant' && value !== 0) inputs.push(g.scalar(value));
    padded = g.node('Pad', inputs, crops ? g.fresh(`${out}:padded`) : out, { mode: ONNX_MODE[mode] });
  }
  if (!crops) return padded;
  return cropTo(g, padded, rank, [h + grow[0] + grow[1], w + grow[2] + grow[3]], crop, out);
}

/** Removes [top, bottom, left, right] rows and columns from the last two dims (sized `hw`). */
function cropTo(g: OnnxGraph, x: string, rank: number, hw: readonly number[], crop: Pads, out: string): string {
  const [top, bottom, left, right] = crop;
  const starts = g.int64s([top, left]);
  const ends = g.int64s([hw[0] - bottom, hw[1] - right]);
  return g.node('Slice', [x, starts, ends, g.int64s([rank - 2, rank - 1])], out);
}

/** Circular padding along one axis of size n: the last `before` entries in front, the first `after` behind. */
function wrap(g: OnnxGraph, x: string, axis: number, n: number, before: number, after: number, out: string): string {
  if (before === 0 && after === 0) return g.node('Identity', [x], out);
  const parts: string[] = [];
  if (before > 0) parts.push(g.slice(x, axis, n - before, n, `${out}:wrap_before`));
  parts.push(x);
  if (after > 0) parts.push(g.slice(x, axis, 0, after, `${out}:wrap_after`));
  return g.node('Concat', parts, out, { axis });
}
