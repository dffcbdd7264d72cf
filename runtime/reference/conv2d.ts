import type { Conv2dAttrs, PaddingMode } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, nchw, requireOutputSize } from './checks.ts';

/**
 * Where padded coordinate `i` (may be negative or >= n) reads from in an input axis of size n,
 * or -1 for a zero pad. Mirrors torch.nn.functional.pad's reflect/replicate/circular modes.
 */
export function padSource(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect':
      // mirror without repeating the edge: index -1 reads 1, index n reads n-2
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
  }
}

/** PyTorch rejects these pads for the non-zero modes; the index maths above is only valid inside them. */
function checkPadFits(before: number, after: number, n: number, mode: PaddingMode, axis: string): void {
  if (mode === 'reflect' && (before >= n || after >= n)) {
    fail('conv2d', `reflect padding (${before}, ${after}) must be smaller than the input ${axis} ${n}`);
  }
  if (mode === 'circular' && (before > n || after > n)) {
    fail('conv2d', `circular padding (${before}, ${after}) must not exceed the input ${axis} ${n}`);
  }
}

/** conv output size along one axis: floor((in + before + after - d(k-1) - 1)/s) + 1 */
export function convOutSize(n: number, before: number, after: number, k: number, s: number, d: number): number {
  return Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;
}

/**
 * nn.Conv2d forward (cross-correlation) over a full NCHW batch. Weight [out, in/groups, kh, kw],
 * explicit per-side pads filled according to padding_mode.
 */
export function conv2d(x: Tensor, attrs: Conv2dAttrs, weight: Tensor, bias?: Tensor): Tensor {
  const [N, C, H, W] = nchw(x, 'conv2d');
  const { in_channels, out_channels, groups, padding_mode } = attrs;
  const [kh, kw] = attrs.kernel_size;
  const [sh, sw] = attrs.stride;
  const [dh, dw] = attrs.dilation;
  const [top, bottom, left, right] = attrs.pads;
  if (C !== in_channels) fail('conv2d', `input has ${C} channels, in_channels is ${in_channels}`);
  if (in_channels % groups !== 0 || out_channels % groups !== 0) {
    fail('conv2d', `in_channels ${in_channels} and out_channels ${out_channels} must be divisible by groups ${groups}`);
  }
  const inPerGroup = in_channels / groups;
  const outPerGroup = out_channels / groups;
  expectShape(weight, [out_channels, inPerGroup, kh, kw], 'conv2d', 'weight');
  if (attrs.bias) {
    if (!bias) fail('conv2d', 'bias=True but no bias parameter given');
    expectShape(bias, [out_channels], 'conv2d', 'bias');
  }
  checkPadFits(top, bottom, H, padding_mode, 'height');
  checkPadFits(left, right, W, padding_mode, 'width');

  const OH = convOutSize(H, top, bottom, kh, sh, dh);
  const OW = convOutSize(W, left, right, kw, sw, dw);
  requireOutputSize(OH, 'conv2d', 'output height');
  requireOutputSize(OW, 'conv2d', 'output width');

  // source row/column of every padded coordinate, shifted so index 0 is the first padded row
  const rowSrc = Array.from({ length: H + top + bottom }, (_, r) => padSource(r - top, H, padding_mode));
  const colSrc = Array.from({ length: W + left + right }, (_, c) => padSource(c - left, W, padding_mode));

  const out = tensor([N, out_channels, OH, OW]);
  const xd = x.data;
  const wd = weight.data;
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < out_channels; oc++) {
      const firstIn = Math.floor(oc / outPerGroup) * inPerGroup;
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let acc = attrs.bias ? bias!.data[oc] : 0;
          for (let icg = 0; icg < inPerGroup; icg++) {
            const plane = (n * C + firstIn + icg) * H * W;
            const wBase = (oc * inPerGroup + icg) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const r = rowSrc[oh * sh + i * dh];
              if (r < 0) continue;
              for (let j = 0; j < kw; j++) {
                const c = colSrc[ow * sw + j * dw];
                if (c < 0) continue;
                acc += xd[plane + r * W + c] * wd[wBase + i * kw + j];
              }
            }
          }
          out.data[o++] = acc;
        }
      }
    }
  }
  return out;
}
