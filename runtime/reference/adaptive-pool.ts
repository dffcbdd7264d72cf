import type { AdaptiveAvgPool2dAttrs, AdaptiveMaxPool2dAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { nchw, requireOutputSize } from './checks.ts';

/** PyTorch's adaptive bin i of `outSize` over `inSize`: [floor(i*in/out), ceil((i+1)*in/out)). */
export function adaptiveBin(i: number, inSize: number, outSize: number): [number, number] {
  const start = Math.floor((i * inSize) / outSize);
  const end = Math.ceil(((i + 1) * inSize) / outSize);
  return [start, end];
}

/** nn.AdaptiveAvgPool2d forward (global average pooling is output_size [1, 1]). */
export function adaptiveAvgpool2d(x: Tensor, attrs: AdaptiveAvgPool2dAttrs): Tensor {
  const [N, C, H, W] = nchw(x, 'adaptive_avgpool2d');
  const [OH, OW] = attrs.output_size;
  requireOutputSize(OH, 'adaptive_avgpool2d', 'output height');
  requireOutputSize(OW, 'adaptive_avgpool2d', 'output width');
  requireOutputSize(H, 'adaptive_avgpool2d', 'input height');
  requireOutputSize(W, 'adaptive_avgpool2d', 'input width');

  const out = tensor([N, C, OH, OW]);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = adaptiveBin(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1] = adaptiveBin(ow, W, OW);
        let sum = 0;
        for (let r = h0; r < h1; r++) {
          for (let c = w0; c < w1; c++) sum += x.data[base + r * W + c];
        }
        out.data[o++] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return out;
}

/** nn.AdaptiveMaxPool2d forward over the same bins; NaN wins, as in PyTorch's CPU kernel. */
export function adaptiveMaxpool2d(x: Tensor, attrs: AdaptiveMaxPool2dAttrs): Tensor {
  const [N, C, H, W] = nchw(x, 'adaptive_maxpool2d');
  const [OH, OW] = attrs.output_size;
  requireOutputSize(OH, 'adaptive_maxpool2d', 'output height');
  requireOutputSize(OW, 'adaptive_maxpool2d', 'output width');
  requireOutputSize(H, 'adaptive_maxpool2d', 'input height');
  requireOutputSize(W, 'adaptive_maxpool2d', 'input width');

  const out = tensor([N, C, OH, OW]);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = adaptiveBin(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1] = adaptiveBin(ow, W, OW);
        let best = -Infinity;
        for (let r = h0; r < h1; r++) {
          for (let c = w0; c < w1; c++) {
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
