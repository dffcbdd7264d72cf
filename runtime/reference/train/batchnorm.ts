/**
 * BatchNorm2d in training mode, forward and gradient, as PyTorch 1.13's CPU kernels (batch_norm_cpu,
 * batch_norm_backward_cpu): statistics per channel over N, H, W in float64, the biased variance to
 * normalise, the unbiased one for running_var.
 */
import type { BatchNorm2dAttrs } from '../../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../../compiler/ir/tensor.ts';
import { batchStats, type BatchNormParams } from '../batchnorm.ts';
import { expectShape, fail, nchw, requireParam } from '../checks.ts';

export interface BatchNormTrainResult {
  readonly output: Tensor;
  /** the batch mean and 1/sqrt(biased var + eps), each [C] */
  readonly mean: Tensor;
  readonly invstd: Tensor;
  /** present when track_running_stats: the new running statistics and num_batches_tracked */
  readonly updates: { running_mean?: Tensor; running_var?: Tensor; numBatchesTracked?: number };
}

function affineParams(attrs: BatchNorm2dAttrs, params: BatchNormParams, C: number) {
  if (!attrs.affine) return { weight: null, bias: null };
  const weight = requireParam(params.weight, 'batchnorm2d', 'weight');
  const bias = requireParam(params.bias, 'batchnorm2d', 'bias');
  expectShape(weight, [C], 'batchnorm2d', 'weight');
  expectShape(bias, [C], 'batchnorm2d', 'bias');
  return { weight, bias };
}

/**
 * The training-mode forward: normalises with the batch's statistics and, with track_running_stats,
 * updates running = (1 - f) * running + f * stat where f is the momentum, or with momentum None
 * 1/num_batches_tracked after incrementing it (a cumulative average); running_var takes the unbiased
 * batch variance. Without track_running_stats nothing is updated.
 */
export function batchnorm2dTrain(
  x: Tensor,
  attrs: BatchNorm2dAttrs,
  params: BatchNormParams,
  numBatchesTracked: number | undefined,
): BatchNormTrainResult {
  const [N, C, H, W] = nchw(x, 'batchnorm2d');
  if (C !== attrs.num_features) fail('batchnorm2d', `input has ${C} channels, num_features is ${attrs.num_features}`);
  const count = N * H * W;
  // PyTorch: "Expected more than 1 value per channel when training"
  if (count <= 1)
    fail('batchnorm2d', `training needs more than 1 value per channel, got input [${x.shape.join(', ')}]`);
  const { weight, bias } = affineParams(attrs, params, C);
  const { mean, variance } = batchStats(x);
  const invstd = mean.map((_, c) => 1 / Math.sqrt(variance[c] + attrs.eps));

  const output = tensor(x.shape);
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = invstd[c] * (weight ? weight.data[c] : 1);
      const shift = bias ? bias.data[c] : 0;
      const base = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) output.data[base + i] = (x.data[base + i] - mean[c]) * scale + shift;
    }
  }

  const updates: BatchNormTrainResult['updates'] = {};
  if (attrs.track_running_stats) {
    const rm = requireParam(params.running_mean, 'batchnorm2d', 'running_mean');
    const rv = requireParam(params.running_var, 'batchnorm2d', 'running_var');
    expectShape(rm, [C], 'batchnorm2d', 'running_mean');
    expectShape(rv, [C], 'batchnorm2d', 'running_var');
    const tracked = (numBatchesTracked ?? 0) + 1;
    const f = attrs.momentum ?? 1 / tracked;
    const runningMean = tensor([C]);
    const runningVar = tensor([C]);
    for (let c = 0; c < C; c++) {
      runningMean.data[c] = f * mean[c] + (1 - f) * rm.data[c];
      runningVar.data[c] = f * ((variance[c] * count) / (count - 1)) + (1 - f) * rv.data[c];
    }
    updates.running_mean = runningMean;
    updates.running_var = runningVar;
    updates.numBatchesTracked = tracked;
  }
  return { output, mean: tensor([C], toData(mean)), invstd: tensor([C], toData(invstd)), updates };
}

function toData(values: Float64Array): Float32Array {
  const t = tensor([values.length]);
  t.data.set(values);
  return t.data;
}

export interface BatchNormGrads {
  input: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
}

/**
 * The gradient of BatchNorm2d. With `stats` (the forward's saved batch mean and invstd: training mode,
 * or track_running_stats=False in any mode) the gradient flows through the batch statistics:
 * dx = (g - mean(g) - xhat * mean(g * xhat)) * invstd * weight. Without them (eval mode with running
 * statistics) mean and invstd are running_mean and 1/sqrt(running_var + eps), which are constants:
 * dx = g * invstd * weight. Either way dweight = sum(g * xhat), dbias = sum(g) over N, H, W.
 */
export function batchnorm2dGrad(
  x: Tensor,
  g: Tensor,
  attrs: BatchNorm2dAttrs,
  params: BatchNormParams,
  stats: { mean: Tensor; invstd: Tensor } | null,
  need: { input: boolean; weight: boolean; bias: boolean },
): BatchNormGrads {
  const [N, C, H, W] = nchw(x, 'batchnorm2d');
  expectShape(g, x.shape, 'batchnorm2d', 'gradOutput');
  const { weight } = affineParams(attrs, params, C);
  let mean: ArrayLike<number>;
  let invstd: ArrayLike<number>;
  if (stats) {
    expectShape(stats.mean, [C], 'batchnorm2d', 'saved mean');
    expectShape(stats.invstd, [C], 'batchnorm2d', 'saved invstd');
    mean = stats.mean.data;
    invstd = stats.invstd.data;
  } else {
    if (!attrs.track_running_stats)
      fail('batchnorm2d', 'without track_running_stats the gradient needs the saved mean and invstd');
    const rm = requireParam(params.running_mean, 'batchnorm2d', 'running_mean');
    const rv = requireParam(params.running_var, 'batchnorm2d', 'running_var');
    mean = rm.data;
    invstd = Array.from(rv.data, (v) => 1 / Math.sqrt(v + attrs.eps));
  }
  const plane = H * W;
  const count = N * plane;
  const gx = need.input ? tensor(x.shape) : null;
  const gw = need.weight ? tensor([C]) : null;
  const gb = need.bias ? tensor([C]) : null;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    let dot = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) {
        sum += g.data[base + i];
        dot += (x.data[base + i] - mean[c]) * g.data[base + i];
      }
    }
    if (gw) gw.data[c] = dot * invstd[c];
    if (gb) gb.data[c] = sum;
    if (!gx) continue;
    const w = weight ? weight.data[c] : 1;
    const k = stats ? (dot * invstd[c] * invstd[c]) / count : 0;
    const gradMean = stats ? sum / count : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) {
        const d = x.data[base + i] - mean[c];
        gx.data[base + i] = (g.data[base + i] - gradMean - d * k) * invstd[c] * w;
      }
    }
  }
  return { input: gx, weight: gw, bias: gb };
}
