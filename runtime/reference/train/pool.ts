/**
 * Gradients of the pools, as PyTorch 1.13's CPU kernels (MaxPoolKernel.cpp, AvgPoolKernel.cpp,
 * AdaptiveMaxPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp): each window's gradient goes where the forward took
 * its value from.
 */
import type {
  AdaptiveAvgPool2dAttrs,
  AdaptiveMaxPool2dAttrs,
  AvgPool2dAttrs,
  MaxPool2dAttrs,
} from '../../../compiler/ir/attrs.ts';
import type { Tensor } from '../../../compiler/ir/tensor.ts';
import { adaptiveAvgpool2d, adaptiveBin, adaptiveMaxpool2d } from '../adaptive-pool.ts';
import { expectShape, nchw } from '../checks.ts';
import { avgpool2d, maxpool2d } from '../pool.ts';
import { fromF64 } from './util.ts';

/**
 * The flat index (within its plane) of the element a max window takes, as ATen picks it: the window's
 * in-bounds elements scanned row by row, a value replacing the current one when it is greater or NaN,
 * starting from -inf at the first in-bounds element. So ties (and all -inf windows) go to the first
 * maximal element, and the last NaN wins. -1 when no element is in bounds (a dilated window lying wholly
 * in padding, whose output is -inf: PyTorch's kernel then writes outside the plane; cnnc drops it).
 */
function argmaxOf(
  data: ArrayLike<number>,
  base: number,
  rows: readonly number[],
  cols: readonly number[],
  W: number,
): number {
  let best = -Infinity;
  let at = -1;
  for (const r of rows) {
    for (const c of cols) {
      const v = data[base + r * W + c];
      if (at < 0) at = r * W + c;
      if (v > best || Number.isNaN(v)) {
        best = v;
        at = r * W + c;
      }
    }
  }
  return at;
}

/** Window taps start, start + d, ... (k of them) that fall inside [0, n). */
function taps(start: number, k: number, d: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const r = start + i * d;
    if (r >= 0 && r < n) out.push(r);
  }
  return out;
}

export function maxpool2dGrad(x: Tensor, g: Tensor, attrs: MaxPool2dAttrs): Tensor {
  const y = maxpool2d(x, attrs);
  expectShape(g, y.shape, 'maxpool2d', 'gradOutput');
  const [N, C, H, W] = nchw(x, 'maxpool2d');
  const [, , OH, OW] = y.shape;
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [ph, pw] = attrs.padding;
  const [dh, dw] = attrs.dilation;
  const gx = new Float64Array(x.data.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const rows = taps(oh * sh - ph, kh, dh, H);
      for (let ow = 0; ow < OW; ow++) {
        const at = argmaxOf(x.data, base, rows, taps(ow * sw - pw, kw, dw, W), W);
        const gv = g.data[o++];
        if (at >= 0) gx[base + at] += gv;
      }
    }
  }
  return fromF64(x.shape, gx);
}

/** Each window's gradient divided by the divisor the forward used, spread over the window's in-bounds elements. */
export function avgpool2dGrad(x: Tensor, g: Tensor, attrs: AvgPool2dAttrs): Tensor {
  const y = avgpool2d(x, attrs);
  expectShape(g, y.shape, 'avgpool2d', 'gradOutput');
  const [N, C, H, W] = nchw(x, 'avgpool2d');
  const [, , OH, OW] = y.shape;
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [ph, pw] = attrs.padding;
  const gx = new Float64Array(x.data.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const gv = g.data[o++];
        // the forward's window: clipped to the padded input (count_include_pad's divisor), then to the input
        let h0 = oh * sh - ph;
        let w0 = ow * sw - pw;
        let h1 = Math.min(h0 + kh, H + ph);
        let w1 = Math.min(w0 + kw, W + pw);
        const poolSize = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, H);
        w1 = Math.min(w1, W);
        if (h0 >= h1 || w0 >= w1) continue;
        const divisor = attrs.divisor_override ?? (attrs.count_include_pad ? poolSize : (h1 - h0) * (w1 - w0));
        for (let r = h0; r < h1; r++) {
          for (let c = w0; c < w1; c++) gx[base + r * W + c] += gv / divisor;
        }
      }
    }
  }
  return fromF64(x.shape, gx);
}

export function adaptiveAvgpool2dGrad(x: Tensor, g: Tensor, attrs: AdaptiveAvgPool2dAttrs): Tensor {
  const y = adaptiveAvgpool2d(x, attrs);
  expectShape(g, y.shape, 'adaptive_avgpool2d', 'gradOutput');
  const [N, C, H, W] = nchw(x, 'adaptive_avgpool2d');
  const [OH, OW] = attrs.output_size;
  const gx = new Float64Array(x.data.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = adaptiveBin(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1] = adaptiveBin(ow, W, OW);
        const share = g.data[o++] / ((h1 - h0) * (w1 - w0));
        for (let r = h0; r < h1; r++) {
          for (let c = w0; c < w1; c++) gx[base + r * W + c] += share;
        }
      }
    }
  }
  return fromF64(x.shape, gx);
}

export function adaptiveMaxpool2dGrad(x: Tensor, g: Tensor, attrs: AdaptiveMaxPool2dAttrs): Tensor {
  const y = adaptiveMaxpool2d(x, attrs);
  expectShape(g, y.shape, 'adaptive_maxpool2d', 'gradOutput');
  const [N, C, H, W] = nchw(x, 'adaptive_maxpool2d');
  const [OH, OW] = attrs.output_size;
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  const gx = new Float64Array(x.data.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const rows = range(...adaptiveBin(oh, H, OH));
      for (let ow = 0; ow < OW; ow++) {
        const at = argmaxOf(x.data, base, rows, range(...adaptiveBin(ow, W, OW)), W);
        gx[base + at] += g.data[o++];
      }
    }
  }
  return fromF64(x.shape, gx);
}
