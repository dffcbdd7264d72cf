/**
 * Bilinear resize of planar (C, H, W) float data with PyTorch's conventions:
 * F.interpolate(x, size, mode='bilinear', align_corners=False, antialias=False), which is also
 * torchvision's Resize(antialias=False) on a float tensor. Pixel centres are aligned, sources left of
 * the first centre clamp to it, and downscaling does not average (no antialiasing).
 */
export function resizeBilinear(
  data: Float32Array,
  channels: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  if (data.length !== channels * height * width)
    throw new Error(`resizeBilinear: ${data.length} values do not fill ${channels}x${height}x${width}`);
  if (outHeight < 1 || outWidth < 1) throw new Error(`resizeBilinear: cannot resize to ${outHeight}x${outWidth}`);
  if (outHeight === height && outWidth === width) return data.slice();
  const rows = taps(height, outHeight);
  const cols = taps(width, outWidth);
  const out = new Float32Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; c++) {
    const src = c * height * width;
    const dst = c * outHeight * outWidth;
    for (let y = 0; y < outHeight; y++) {
      const r = rows[y];
      const top = src + r.i0 * width;
      const bottom = src + r.i1 * width;
      for (let x = 0; x < outWidth; x++) {
        const k = cols[x];
        const upper = k.w0 * data[top + k.i0] + k.w1 * data[top + k.i1];
        const lower = k.w0 * data[bottom + k.i0] + k.w1 * data[bottom + k.i1];
        out[dst + y * outWidth + x] = r.w0 * upper + r.w1 * lower;
      }
    }
  }
  return out;
}

interface Tap {
  i0: number;
  i1: number;
  w0: number;
  w1: number;
}

/** For each output index, the two source indices and their weights (PyTorch's area_pixel_compute_source_index). */
function taps(inSize: number, outSize: number): Tap[] {
  const scale = inSize / outSize;
  const out: Tap[] = [];
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const w1 = src - i0;
    out.push({ i0, i1, w0: 1 - w1, w1 });
  }
  return out;
}
