/**
 * Gradients of conv2d and linear. conv2d walks the forward's loops once more and scatters each output
 * gradient back through the same source-pixel maps (padSource), so reflect, replicate and circular
 * padding send it to the input pixels the padded values were read from, as autograd through F.pad does.
 */
import type { Conv2dAttrs, LinearAttrs } from '../../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { expectShape, fail, nchw } from '../checks.ts';
import { conv2d, padSource } from '../conv2d.ts';
import { linear } from '../linear.ts';
import { fromF64 } from './util.ts';

export interface WeightGrads {
  input: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
}

export function conv2dGrad(
  x: Tensor,
  g: Tensor,
  attrs: Conv2dAttrs,
  weight: Tensor,
  need: { input: boolean; weight: boolean; bias: boolean },
): WeightGrads {
  // the forward checks every attribute and shape (and gives the output shape g must have)
  const y = conv2d(x, attrs, weight, attrs.bias ? tensor([attrs.out_channels]) : undefined);
  expectShape(g, y.shape, 'conv2d', 'gradOutput');
  const [N, C, H, W] = nchw(x, 'conv2d');
  const [, OC, OH, OW] = y.shape;
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [dh, dw] = attrs.dilation;
  const [top, , left] = attrs.pads;
  const inPerGroup = C / attrs.groups;
  const outPerGroup = OC / attrs.groups;
  const rowSrc = Array.from({ length: H + attrs.pads[0] + attrs.pads[1] }, (_, r) =>
    padSource(r - top, H, attrs.padding_mode),
  );
  const colSrc = Array.from({ length: W + attrs.pads[2] + attrs.pads[3] }, (_, c) =>
    padSource(c - left, W, attrs.padding_mode),
  );
  const gx = new Float64Array(x.data.length);
  const gw = new Float64Array(weight.data.length);
  const gb = new Float64Array(OC);
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const firstIn = Math.floor(oc / outPerGroup) * inPerGroup;
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const gv = g.data[o++];
          gb[oc] += gv;
          for (let icg = 0; icg < inPerGroup; icg++) {
            const plane = (n * C + firstIn + icg) * H * W;
            const wBase = (oc * inPerGroup + icg) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const r = rowSrc[oh * sh + i * dh];
              if (r < 0) continue;
              for (let j = 0; j < kw; j++) {
                const c = colSrc[ow * sw + j * dw];
                if (c < 0) continue;
                gx[plane + r * W + c] += gv * weight.data[wBase + i * kw + j];
                gw[wBase + i * kw + j] += gv * x.data[plane + r * W + c];
              }
            }
          }
        }
      }
    }
  }
  if (need.bias && !attrs.bias) fail('conv2d', 'bias=False has no bias gradient');
  return {
    input: need.input ? fromF64(x.shape, gx) : null,
    weight: need.weight ? fromF64(weight.shape, gw) : null,
    bias: need.bias ? fromF64([OC], gb) : null,
  };
}

/** y = x W^T + b over the last dim: dx = g W, dW = sum over rows of g^T x, db = sum over rows of g. */
export function linearGrad(
  x: Tensor,
  g: Tensor,
  attrs: LinearAttrs,
  weight: Tensor,
  need: { input: boolean; weight: boolean; bias: boolean },
): WeightGrads {
  const y = linear(x, attrs, weight, attrs.bias ? tensor([attrs.out_features]) : undefined);
  expectShape(g, y.shape, 'linear', 'gradOutput');
  if (need.bias && !attrs.bias) fail('linear', 'bias=False has no bias gradient');
  const { in_features: I, out_features: O } = attrs;
  const rows = x.data.length / I;
  const gx = new Float64Array(x.data.length);
  const gw = new Float64Array(O * I);
  const gb = new Float64Array(O);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      const gv = g.data[r * O + o];
      gb[o] += gv;
      for (let i = 0; i < I; i++) {
        gx[r * I + i] += gv * weight.data[o * I + i];
        gw[o * I + i] += gv * x.data[r * I + i];
      }
    }
  }
  return {
    input: need.input ? fromF64(x.shape, gx) : null,
    weight: need.weight ? fromF64([O, I], gw) : null,
    bias: need.bias ? fromF64([O], gb) : null,
  };
}
