/**
 * A symbolic batch stays dynamic for the ops whose lowering writes shapes (reshape, channel_shuffle,
 * group_norm, LayerNorm over any dims, PReLU, pads, reductions, ...): each is built as a one-step plan
 * at batch 1 with its probe at batch 2 (as `cnnc export` compiles it), exported once, and run in
 * onnxruntime-node at batch 1 and 3 against cnnc's cpu backend at those batches. Ops whose class is
 * not registered in the language yet are built as plans directly, as test/cpu-codegen does.
 */
import { describe, expect, it } from 'vitest';
import type { OpName } from '../../compiler/ir/attrs.ts';
import { exportOnnx } from '../../compiler/5-codegen/onnx/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { oneStepPlan, type OneStep, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { expectClose } from '../golden.ts';
import { maxError, ortRun, ortSession } from './ort.ts';

type AtBatch = (n: number) => OneStep<OpName>;

const w = (shape: number[], seed: number) => randomTensor(shape, prng(seed));

const CASES: [string, AtBatch][] = [
  [
    'reshape [N,3,4,5] -> [N,60]',
    (n) => ({ op: 'reshape', attrs: { shape: [n, 60] }, inputShapes: [[n, 3, 4, 5]], outputShape: [n, 60] }),
  ],
  [
    'reshape folding the batch: [N,3,4,5] -> [3N,20]',
    (n) => ({ op: 'reshape', attrs: { shape: [3 * n, 20] }, inputShapes: [[n, 3, 4, 5]], outputShape: [3 * n, 20] }),
  ],
  [
    'flatten [N,3,4,5] from dim 1',
    (n) => ({ op: 'flatten', attrs: { start_dim: 1, end_dim: 3 }, inputShapes: [[n, 3, 4, 5]], outputShape: [n, 60] }),
  ],
  [
    'channel_shuffle groups 3',
    (n) => ({ op: 'channel_shuffle', attrs: { groups: 3 }, inputShapes: [[n, 6, 3, 4]], outputShape: [n, 6, 3, 4] }),
  ],
  [
    'group_norm 2 groups, affine',
    (n) => ({
      op: 'group_norm',
      attrs: { num_groups: 2, num_channels: 6, eps: 1e-5, affine: true },
      inputShapes: [[n, 6, 3, 4]],
      outputShape: [n, 6, 3, 4],
      params: { weight: w([6], 1), bias: w([6], 2) },
    }),
  ],
  [
    'LayerNorm2d (dims [1, 2) of NCHW)',
    (n) => ({
      op: 'layer_norm',
      attrs: { begin: 1, end: 2, eps: 1e-6, elementwise_affine: true },
      inputShapes: [[n, 6, 3, 4]],
      outputShape: [n, 6, 3, 4],
      params: { weight: w([6], 3), bias: w([6], 4) },
    }),
  ],
  [
    'layer_norm over the last dim',
    (n) => ({
      op: 'layer_norm',
      attrs: { begin: 3, end: 4, eps: 1e-5, elementwise_affine: true },
      inputShapes: [[n, 4, 4, 8]],
      outputShape: [n, 4, 4, 8],
      params: { weight: w([8], 5), bias: w([8], 6) },
    }),
  ],
  [
    'prelu per channel',
    (n) => ({
      op: 'prelu',
      attrs: { num_parameters: 3 },
      inputShapes: [[n, 3, 4, 5]],
      outputShape: [n, 3, 4, 5],
      params: { weight: w([3], 7) },
    }),
  ],
  [
    'pad circular with a crop',
    (n) => ({
      op: 'pad',
      attrs: { pads: [-1, 2, 1, 3], mode: 'circular', value: 0 },
      inputShapes: [[n, 3, 4, 5]],
      outputShape: [n, 3, 5, 9],
    }),
  ],
  [
    'pad reflect with a crop',
    (n) => ({
      op: 'pad',
      attrs: { pads: [2, -1, -2, 3], mode: 'reflect', value: 0 },
      inputShapes: [[n, 3, 4, 5]],
      outputShape: [n, 3, 5, 6],
    }),
  ],
  [
    'permute NCHW -> NHWC',
    (n) => ({ op: 'permute', attrs: { dims: [0, 2, 3, 1] }, inputShapes: [[n, 3, 4, 5]], outputShape: [n, 4, 5, 3] }),
  ],
  [
    'permute moving the batch last',
    (n) => ({ op: 'permute', attrs: { dims: [1, 2, 3, 0] }, inputShapes: [[n, 3, 4, 5]], outputShape: [3, 4, 5, n] }),
  ],
  [
    'reduce mean over H, W',
    (n) => ({
      op: 'reduce',
      attrs: { op: 'mean', dims: [2, 3], keepdim: false },
      inputShapes: [[n, 3, 4, 5]],
      outputShape: [n, 3],
    }),
  ],
  [
    'reduce sum over the batch',
    (n) => ({
      op: 'reduce',
      attrs: { op: 'sum', dims: [0], keepdim: true },
      inputShapes: [[n, 3, 4, 5]],
      outputShape: [1, 3, 4, 5],
    }),
  ],
  [
    'slice channels',
    (n) => ({
      op: 'slice',
      attrs: { dim: 1, start: 1, end: 3 },
      inputShapes: [[n, 4, 3, 3]],
      outputShape: [n, 2, 3, 3],
    }),
  ],
  [
    'binary with a broadcast per-channel tensor',
    (n) => ({
      op: 'binary',
      attrs: { op: 'mul' },
      inputShapes: [
        [n, 3, 4, 5],
        [3, 1, 1],
      ],
      outputShape: [n, 3, 4, 5],
    }),
  ],
  [
    'scalar, reversed',
    (n) => ({
      op: 'scalar',
      attrs: { op: 'sub', value: 2.5, reversed: true },
      inputShapes: [[n, 3, 4]],
      outputShape: [n, 3, 4],
    }),
  ],
  [
    'adaptive max pool, uneven bins',
    (n) => ({
      op: 'adaptive_maxpool2d',
      attrs: { output_size: [3, 2] },
      inputShapes: [[n, 3, 7, 5]],
      outputShape: [n, 3, 3, 2],
    }),
  ],
  [
    'linear on rank 3',
    (n) => ({
      op: 'linear',
      attrs: { in_features: 5, out_features: 4, bias: true },
      inputShapes: [[n, 3, 5]],
      outputShape: [n, 3, 4],
      params: { weight: w([4, 5], 8), bias: w([4], 9) },
    }),
  ],
  [
    'concat of two batched inputs, + residual then gelu',
    (n) => ({
      op: 'concat',
      attrs: { dim: 1 },
      inputShapes: [
        [n, 2, 3, 3],
        [n, 1, 3, 3],
      ],
      outputShape: [n, 3, 3, 3],
      residual: true,
      activation: { kind: 'gelu', approximate: 'tanh' },
    }),
  ],
];

/** Feeds for every graph input of the plan, dim 0 the batch unless the input has no batch (x1 of binary). */
function feedsFor(plan: ReturnType<typeof oneStepPlan>['plan'], seed: number): Record<string, Tensor> {
  return Object.fromEntries(plan.inputs.map((i, k) => [i.name, randomTensor(i.shape, prng(seed * 10 + k))]));
}

describe('a symbolic batch stays dynamic, op by op', () => {
  for (const [name, at] of CASES) {
    it(`${name}: one export runs at batch 1 and 3`, async () => {
      const base = oneStepPlan(at(1));
      const probe = oneStepPlan(at(2));
      const result = exportOnnx(base.plan, base.weights, {
        batch: { plan: probe.plan, symbols: [{ name: 'N', base: 1, probe: 2 }] },
      });
      expect(result.dynamicDims).toContain('input x0: N');
      const session = await ortSession(result.model);
      try {
        for (const batch of [1, 3]) {
          const { plan, weights } = oneStepPlan(at(batch));
          const feeds = feedsFor(plan, batch);
          const want = createCpuExecutor(plan, weights).run(feeds).y;
          const got = (await ortRun(session, feeds)).get('y')!;
          expectClose(got, want, { rtol: 1e-5, atol: 1e-5 }, `${name} at batch ${batch}`);
          expect(maxError(got.data, want.data)).toBeLessThan(1e-4);
        }
      } finally {
        await session.release();
      }
    });
  }

  it('refuses a step whose attributes follow the batch (narrow(0, 0, N)), naming the layer', () => {
    const at = (n: number) =>
      oneStepPlan({ op: 'slice', attrs: { dim: 0, start: 0, end: n }, inputShapes: [[n + 1, 3]], outputShape: [n, 3] });
    const base = at(1);
    expect(() =>
      exportOnnx(base.plan, base.weights, { batch: { plan: at(2).plan, symbols: [{ name: 'N', base: 1, probe: 2 }] } }),
    ).toThrow(/`layer` \(slice\): its attributes depend on the batch size/);
  });
});
