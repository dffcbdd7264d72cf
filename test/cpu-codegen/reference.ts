/**
 * Naive reference implementations (PyTorch semantics, float64, index-by-index) used to check the
 * generated kernels on shapes and attribute combinations the golden cases do not cover.
 */
import type { OpAttrs } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../runtime/tensor.ts';

const at4 = (s: readonly number[], n: number, c: number, h: number, w: number) => ((n * s[1] + c) * s[2] + h) * s[3] + w;

function padSource(mode: OpAttrs['conv2d']['padding_mode'], i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
  }
}

export function refConv2d(x: Tensor, w: Tensor, b: Tensor | null, a: OpAttrs['conv2d'], outShape: readonly number[]): Float64Array {
  const [N, C, H, W] = x.shape;
  const [, OC, OH, OW] = outShape;
  const [KH, KW] = a.kernel_size;
  const Cg = C / a.groups;
  const OCg = OC / a.groups;
  const y = new Float64Array(N * OC * OH * OW);
  for (let n = 0; n < N; n++)
    for (let oc = 0; oc < OC; oc++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b ? b.data[oc] : 0;
          const g = Math.floor(oc / OCg);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = padSource(a.padding_mode, oh * a.stride[0] - a.pads[0] + kh * a.dilation[0], H);
                const iw = padSource(a.padding_mode, ow * a.stride[1] - a.pads[2] + kw * a.dilation[1], W);
                if (ih < 0 || iw < 0) continue;
                s += x.data[at4(x.shape, n, g * Cg + c, ih, iw)] * w.data[((oc * Cg + c) * KH + kh) * KW + kw];
              }
          y[at4(outShape, n, oc, oh, ow)] = s;
        }
  return y;
}

export function refMaxpool(x: Tensor, a: OpAttrs['maxpool2d'], outShape: readonly number[]): Float64Array {
  const [N, C, H, W] = x.shape;
  const [, , OH, OW] = outShape;
  const y = new Float64Array(N * C * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let m = -Infinity;
          for (let kh = 0; kh < a.kernel_size[0]; kh++)
            for (let kw = 0; kw < a.kernel_size[1]; kw++) {
              const ih = oh * a.stride[0] - a.padding[0] + kh * a.dilation[0];
              const iw = ow * a.stride[1] - a.padding[1] + kw * a.dilation[1];
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) m = Math.max(m, x.data[at4(x.shape, n, c, ih, iw)]);
            }
          y[at4(outShape, n, c, oh, ow)] = m;
        }
  return y;
}

export function refAvgpool(x: Tensor, a: OpAttrs['avgpool2d'], outShape: readonly number[]): Float64Array {
  const [N, C, H, W] = x.shape;
  const [, , OH, OW] = outShape;
  const [ph, pw] = a.padding;
  const y = new Float64Array(N * C * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let sum = 0;
          let inside = 0;
          let padded = 0;
          for (let kh = 0; kh < a.kernel_size[0]; kh++)
            for (let kw = 0; kw < a.kernel_size[1]; kw++) {
              const ih = oh * a.stride[0] - ph + kh;
              const iw = ow * a.stride[1] - pw + kw;
              // taps in the (symmetrically) padded input count for count_include_pad
              if (ih < H + ph && iw < W + pw) padded++;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                sum += x.data[at4(x.shape, n, c, ih, iw)];
                inside++;
              }
            }
          const div = a.divisor_override ?? (a.count_include_pad ? padded : inside);
          y[at4(outShape, n, c, oh, ow)] = inside === 0 ? 0 : sum / div;
        }
  return y;
}

export function refBatchnorm(x: Tensor, a: OpAttrs['batchnorm2d'], p: Record<string, Tensor>): Float64Array {
  const [N, C] = x.shape;
  const inner = x.data.length / (N * C);
  const y = new Float64Array(x.data.length);
  for (let c = 0; c < C; c++) {
    let mean: number;
    let variance: number;
    if (a.track_running_stats) {
      mean = p.running_mean.data[c];
      variance = p.running_var.data[c];
    } else {
      const vals: number[] = [];
      for (let n = 0; n < N; n++) for (let i = 0; i < inner; i++) vals.push(x.data[(n * C + c) * inner + i]);
      mean = vals.reduce((s, v) => s + v, 0) / vals.length;
      variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
    }
    for (let n = 0; n < N; n++)
      for (let i = 0; i < inner; i++) {
        const j = (n * C + c) * inner + i;
        const z = (x.data[j] - mean) / Math.sqrt(variance + a.eps);
        y[j] = a.affine ? z * p.weight.data[c] + p.bias.data[c] : z;
      }
  }
  return y;
}

export function refSoftmax(x: Tensor, dim: number): Float64Array {
  const outer = x.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const size = x.shape[dim];
  const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const y = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const idx = (j: number) => (o * size + j) * inner + i;
      let m = -Infinity;
      for (let j = 0; j < size; j++) m = Math.max(m, x.data[idx(j)]);
      let s = 0;
      for (let j = 0; j < size; j++) s += Math.exp(x.data[idx(j)] - m);
      for (let j = 0; j < size; j++) y[idx(j)] = Math.exp(x.data[idx(j)] - m) / s;
    }
  return y;
}

export function maxAbsDiff(got: Float32Array, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let d = 0;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= d)) d = e;
  }
  return d;
}
