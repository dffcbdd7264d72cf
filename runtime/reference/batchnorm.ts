import type { BatchNorm2dAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { expectShape, fail, nchw } from './checks.ts';

export interface BatchNormParams {
  weight?: Tensor;
  bias?: Tensor;
  running_mean?: Tensor;
  running_var?: Tensor;
}

/** Per-channel mean and biased variance over N, H, W (what BatchNorm2d uses without running stats). */
export function batchStats(x: Tensor): { mean: Float64Array; variance: Float64Array } {
  const [N, C, H, W] = nchw(x, 'batchnorm2d');
  const count = N * H * W;
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * H * W;
      for (let i = 0; i < H * W; i++) sum += x.data[base + i];
    }
    const m = sum / count;
    let sq = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * H * W;
      for (let i = 0; i < H * W; i++) sq += (x.data[base + i] - m) ** 2;
    }
    mean[c] = m;
    variance[c] = sq / count;
  }
  return { mean, variance };
}

/**
 * nn.BatchNorm2d forward in eval mode: y = (x - mean) / sqrt(var + eps) * weight + bias.
 * With track_running_stats=false PyTorch normalises by the batch's own statistics even in eval.
 */
export function batchnorm2d(x: Tensor, attrs: BatchNorm2dAttrs, params: BatchNormParams): Tensor {
  const [N, C, H, W] = nchw(x, 'batchnorm2d');
  if (C !== attrs.num_features) fail('batchnorm2d', `input has ${C} channels, num_features is ${attrs.num_features}`);
  for (const name of ['weight', 'bias', 'running_mean', 'running_var'] as const) {
    const needed = name === 'weight' || name === 'bias' ? attrs.affine : attrs.track_running_stats;
    const t = params[name];
    if (needed && !t) fail('batchnorm2d', `missing parameter '${name}'`);
    if (needed && t) expectShape(t, [C], 'batchnorm2d', name);
  }

  let mean: ArrayLike<number>;
  let variance: ArrayLike<number>;
  if (attrs.track_running_stats) {
    mean = params.running_mean!.data;
    variance = params.running_var!.data;
  } else {
    if (N * H * W <= 1) fail('batchnorm2d', 'batch statistics need more than one value per channel');
    ({ mean, variance } = batchStats(x));
  }

  const out = tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = (attrs.affine ? params.weight!.data[c] : 1) / Math.sqrt(variance[c] + attrs.eps);
      const shift = attrs.affine ? params.bias!.data[c] : 0;
      const base = (n * C + c) * H * W;
      for (let i = 0; i < H * W; i++) out.data[base + i] = (x.data[base + i] - mean[c]) * scale + shift;
    }
  }
  return out;
}
