import type { PadAttrs, PadMode } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, showShape } from './checks.ts';

/**
 * For each output index along one axis of size n padded by `before` and `after` (negative crops), the
 * input index it reads, or -1 for the fill value; exactly what torch 1.13's F.pad does, including its limits:
 * - constant: output j reads input j - before when that is inside the input;
 * - reflect (C++ kernel): j - before mirrored at the input's edges without repeating them; pads < n;
 * - replicate (C++ kernel): j - before clamped to the input;
 * - circular (Python `_pad_circular`): the input is cropped first, then wrapped around the cropped part,
 *   at most once (pads <= n). A positive pad longer than the cropped part makes PyTorch read memory it
 *   never wrote, so it is refused.
 */
export function padSources(n: number, before: number, after: number, mode: PadMode, axis: string): number[] {
  const size = n + before + after;
  if (!Number.isInteger(before) || !Number.isInteger(after)) fail('pad', `${axis} pads must be integers`);
  if (size < 0) fail('pad', `pads (${before}, ${after}) leave a negative ${axis} from ${n}`);
  const out = new Array<number>(size);
  switch (mode) {
    case 'constant':
      for (let j = 0; j < size; j++) out[j] = j - before >= 0 && j - before < n ? j - before : -1;
      return out;
    case 'reflect':
      if (before >= n || after >= n)
        fail('pad', `reflect pads (${before}, ${after}) must be smaller than the ${axis} ${n}`);
      for (let j = 0; j < size; j++) {
        const i = j - before;
        out[j] = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
      }
      return out;
    case 'replicate':
      for (let j = 0; j < size; j++) out[j] = Math.min(Math.max(j - before, 0), n - 1);
      return out;
    case 'circular': {
      if (before > n || after > n) fail('pad', `circular pads (${before}, ${after}) must not exceed the ${axis} ${n}`);
      const cropStart = Math.max(-before, 0);
      const kept = n + Math.min(before, 0) + Math.min(after, 0);
      if (Math.max(before, 0) > kept || Math.max(after, 0) > kept) {
        fail('pad', `circular pads (${before}, ${after}) wrap past the ${kept} ${axis} entries the crop keeps`);
      }
      const lead = Math.max(before, 0);
      for (let j = 0; j < size; j++) out[j] = cropStart + ((((j - lead) % kept) + kept) % kept);
      return out;
    }
    default:
      fail('pad', `unknown mode '${String(mode)}'`);
  }
}

/** F.pad over the last two dims with pads [top, bottom, left, right]. */
export function pad(x: Tensor, attrs: PadAttrs): Tensor {
  const rank = x.shape.length;
  if (rank < 2) fail('pad', `pads the last two dims, input ${showShape(x.shape)} has fewer`);
  // torch 1.13's limits: its reflect/replicate kernels take (C, H, W) or (N, C, H, W), circular only the latter
  const ranks = attrs.mode === 'circular' ? [4] : attrs.mode === 'constant' ? null : [3, 4];
  if (ranks && !ranks.includes(rank)) {
    fail('pad', `${attrs.mode} padding of two dims takes a ${ranks.join('-d or ')}-d input, got ${showShape(x.shape)}`);
  }
  const H = x.shape[rank - 2];
  const W = x.shape[rank - 1];
  const [top, bottom, left, right] = attrs.pads;
  const rows = padSources(H, top, bottom, attrs.mode, 'height');
  const cols = padSources(W, left, right, attrs.mode, 'width');
  const planes = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = tensor([...x.shape.slice(0, -2), rows.length, cols.length]);
  const fill = attrs.value;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (const r of rows) {
      for (const c of cols) out.data[o++] = r < 0 || c < 0 ? fill : x.data[(p * H + r) * W + c];
    }
  }
  return out;
}
