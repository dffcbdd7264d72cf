/**
 * Generated cpu kernels of representative new ops, pinned as a golden file so a change to the emitted text
 * is reviewed as a diff (refresh with UPDATE_GOLDEN=1 after checking it by eye): broadcasting mul as in
 * squeeze-excitation, broadcasting on both sides with a fused residual and relu, LayerNorm over NHWC channels
 * (ConvNeXt) and over the channels of NCHW (LayerNorm2d), a reflect pad that also crops, a mean over H and
 * W, and Linear on a 4-d input with the exact GELU fused (which declares the erf helper).
 */
import { describe, it } from 'vitest';
import { cpuKernelSource } from '../../compiler/5-codegen/cpu/kernel-source.ts';
import type { OpName } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { expectMatchesGoldenFile } from '../golden-file.ts';
import { type OneStep, oneStepPlan } from './single-step.ts';

const zeros = (shape: number[]): Tensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

const STEPS: [string, OneStep<OpName>][] = [
  [
    'se_scale',
    {
      op: 'binary',
      attrs: { op: 'mul' },
      inputShapes: [
        [2, 8, 5, 5],
        [2, 8, 1, 1],
      ],
      outputShape: [2, 8, 5, 5],
    },
  ],
  [
    'both_sides',
    {
      op: 'binary',
      attrs: { op: 'add' },
      inputShapes: [
        [2, 1, 5],
        [1, 3, 1],
      ],
      outputShape: [2, 3, 5],
      residual: true,
      activation: { kind: 'relu' },
    },
  ],
  [
    'convnext_norm',
    {
      op: 'layer_norm',
      attrs: { begin: 3, end: 4, eps: 1e-6, elementwise_affine: true },
      inputShapes: [[1, 4, 4, 8]],
      outputShape: [1, 4, 4, 8],
      params: { weight: zeros([8]), bias: zeros([8]) },
    },
  ],
  [
    'layer_norm_2d',
    {
      op: 'layer_norm',
      attrs: { begin: 1, end: 2, eps: 1e-6, elementwise_affine: true },
      inputShapes: [[1, 6, 3, 4]],
      outputShape: [1, 6, 3, 4],
      params: { weight: zeros([6]), bias: zeros([6]) },
    },
  ],
  [
    'reflect_crop',
    {
      op: 'pad',
      attrs: { pads: [2, 1, -1, 3], mode: 'reflect', value: 0 },
      inputShapes: [[1, 3, 4, 5]],
      outputShape: [1, 3, 7, 7],
    },
  ],
  [
    'spatial_mean',
    {
      op: 'reduce',
      attrs: { op: 'mean', dims: [2, 3], keepdim: true },
      inputShapes: [[2, 3, 4, 5]],
      outputShape: [2, 3, 1, 1],
    },
  ],
  [
    'mlp_gelu',
    {
      op: 'linear',
      attrs: { in_features: 8, out_features: 6, bias: true },
      inputShapes: [[1, 2, 2, 8]],
      outputShape: [1, 2, 2, 6],
      params: { weight: zeros([6, 8]), bias: zeros([6]) },
      activation: { kind: 'gelu', approximate: 'none' },
    },
  ],
];

describe('golden generated kernels of the new ops', () => {
  it('match test/__golden__/artifacts/kernels/new-ops.cpu.js', () => {
    const text = STEPS.map(([name, s]) => `${cpuKernelSource(oneStepPlan(s).plan.steps[0], name)}\n`).join('\n');
    expectMatchesGoldenFile(text, 'artifacts/kernels/new-ops.cpu.js');
  });
});
