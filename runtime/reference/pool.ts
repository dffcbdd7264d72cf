import type { AvgPool2dAttrs, MaxPool2dAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { fail, nchw, requireOutputSize } from './checks.ts';

/**
 * PyTorch's pooling_output_shape: floor (or ceil) of (in + 2p - d(k-1) - 1)/s, plus 1; in ceil mode the
 * last window is dropped when it would start inside the right padding.
 */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= n + p) out -= 1;
  return out;
}

function checkPoolPadding(op: string, k: readonly [number, number], p: readonly [number, number]): void {
  // PyTorch: "pad should be at most half of effective kernel size"
  if (p[0] * 2 > k[0] || p[1] * 2 > k[1])
    fail(op, `padding [${p.join(', ')}] exceeds half the kernel [${k.join(', ')}]`);
}

/** nn.MaxPool2d forward: padding counts as -inf, NaN wins (as in PyTorch's CPU kernel). */
export function maxpool2d(x: Tensor, attrs: MaxPool2dAttrs): Tensor {
  const [N, C, H, W] = nchw(x, 'maxpool2d');
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [ph, pw] = attrs.padding;
  const [dh, dw] = attrs.dilation;
  checkPoolPadding('maxpool2d', attrs.kernel_size, attrs.padding);
  const OH = poolOutSize(H, kh, sh, ph, dh, attrs.ceil_mode);
  const OW = poolOutSize(W, kw, sw, pw, dw, attrs.ceil_mode);
  requireOutputSize(OH, 'maxpool2d', 'output height');
  requireOutputSize(OW, 'maxpool2d', 'output width');

  const out = tensor([N, C, OH, OW]);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = -Infinity;
        for (let i = 0; i < kh; i++) {
          const r = oh * sh - ph + i * dh;
          if (r < 0 || r >= H) continue;
          for (let j = 0; j < kw; j++) {
            const c = ow * sw - pw + j * dw;
            if (c < 0 || c >= W) continue;
            const v = x.data[base + r * W + c];
            if (v > best || Number.isNaN(v)) best = v;
          }
        }
        out.data[o++] = best;
      }
    }
  }
  return out;
}

/**
 * nn.AvgPool2d forward, following PyTorch's CPU avg_pool2d kernel: the window is first clipped to the
 * padded input (that size is the count_include_pad divisor), then to the real input (the other divisor).
 */
export function avgpool2d(x: Tensor, attrs: AvgPool2dAttrs): Tensor {
  const [N, C, H, W] = nchw(x, 'avgpool2d');
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [ph, pw] = attrs.padding;
  checkPoolPadding('avgpool2d', attrs.kernel_size, attrs.padding);
  if (attrs.divisor_override !== null && attrs.divisor_override === 0)
    fail('avgpool2d', 'divisor_override must be non-zero');
  const OH = poolOutSize(H, kh, sh, ph, 1, attrs.ceil_mode);
  const OW = poolOutSize(W, kw, sw, pw, 1, attrs.ceil_mode);
  requireOutputSize(OH, 'avgpool2d', 'output height');
  requireOutputSize(OW, 'avgpool2d', 'output width');

  const out = tensor([N, C, OH, OW]);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let h0 = oh * sh - ph;
        let w0 = ow * sw - pw;
        let h1 = Math.min(h0 + kh, H + ph);
        let w1 = Math.min(w0 + kw, W + pw);
        const poolSize = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, H);
        w1 = Math.min(w1, W);
        // a window lying wholly in padding leaves its output 0, as PyTorch does
        if (h0 >= h1 || w0 >= w1) {
          out.data[o++] = 0;
          continue;
        }
        let sum = 0;
        for (let r = h0; r < h1; r++) {
          for (let c = w0; c < w1; c++) sum += x.data[base + r * W + c];
        }
        const divisor = attrs.divisor_override ?? (attrs.count_include_pad ? poolSize : (h1 - h0) * (w1 - w0));
        out.data[o++] = sum / divisor;
      }
    }
  }
  return out;
}
