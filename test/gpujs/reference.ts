/** Plain-JS reference implementations (float64 accumulation) for tests beyond the golden cases. */
import type { Tensor } from '../../runtime/tensor.ts';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function randomTensor(shape: readonly number[], seed: number, scale = 1): Tensor {
  const rnd = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, () => rnd() * 2 * scale) };
}

/** Zero-padded conv2d, stride 1, symmetric padding p, groups 1. */
export function refConv2d(x: Tensor, w: Tensor, b: Float32Array | null, p: number): Float32Array {
  const [N, C, H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const OH = H + 2 * p - KH + 1;
  const OW = W + 2 * p - KW + 1;
  const y = new Float32Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let acc = b ? b[o] : 0;
          for (let c = 0; c < C; c++)
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh - p + kh;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow - p + kw;
                if (iw < 0 || iw >= W) continue;
                acc += x.data[((n * C + c) * H + ih) * W + iw] * w.data[((o * C + c) * KH + kh) * KW + kw];
              }
            }
          y[((n * O + o) * OH + oh) * OW + ow] = acc;
        }
  return y;
}

export function refLinear(x: Tensor, w: Tensor, b: Float32Array | null): Float32Array {
  const F = x.shape[x.shape.length - 1];
  const O = w.shape[0];
  const rows = x.data.length / F;
  const y = new Float32Array(rows * O);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < O; o++) {
      let acc = b ? b[o] : 0;
      for (let k = 0; k < F; k++) acc += x.data[r * F + k] * w.data[o * F + k];
      y[r * O + o] = acc;
    }
  return y;
}

/** softmax along `dim` */
export function refSoftmax(x: Tensor, dim: number): Float32Array {
  const outer = x.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const D = x.shape[dim];
  const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const y = new Float32Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let s = 0; s < inner; s++) {
      const at = (d: number) => (o * D + d) * inner + s;
      let m = -Infinity;
      for (let d = 0; d < D; d++) m = Math.max(m, x.data[at(d)]);
      let sum = 0;
      for (let d = 0; d < D; d++) sum += Math.exp(x.data[at(d)] - m);
      for (let d = 0; d < D; d++) y[at(d)] = Math.exp(x.data[at(d)] - m) / sum;
    }
  return y;
}

/** BatchNorm2d with batch statistics (biased variance), no affine. */
export function refBatchStatsNorm(x: Tensor, eps: number): Float32Array {
  const [N, C, H, W] = x.shape;
  const y = new Float32Array(x.data.length);
  for (let c = 0; c < C; c++) {
    const idx: number[] = [];
    for (let n = 0; n < N; n++) for (let s = 0; s < H * W; s++) idx.push((n * C + c) * H * W + s);
    const mean = idx.reduce((a, k) => a + x.data[k], 0) / idx.length;
    const variance = idx.reduce((a, k) => a + (x.data[k] - mean) ** 2, 0) / idx.length;
    for (const k of idx) y[k] = (x.data[k] - mean) / Math.sqrt(variance + eps);
  }
  return y;
}
