/**
 * The generated training kernels (compiler/5-codegen/cpu/train) against the training reference kernels
 * (runtime/reference/train) and PyTorch: every case of torch_grads.py, BatchNorm2d's training forward over
 * two steps (running statistics updated in place), the dropouts' seeded masks, random cases of every op,
 * and convs large enough for every blocking path.
 *
 * cpu vs reference: both compute in float64 and round once to float32; they differ only in summation order,
 * so they agree to about an ulp of float32 (rtol 1e-6, with atol 1e-9 for sums that cancel to near 0).
 */
import { describe, expect, it } from 'vitest';
import type { GradStep } from '../../compiler/3-lower/train-plan.ts';
import { cpuAccumulateKernelSource } from '../../compiler/5-codegen/cpu/train/accumulate-source.ts';
import { gradKernelArgs, trainForwardKernelArgs } from '../../compiler/5-codegen/cpu/train/args.ts';
import { cpuTrainForwardKernelSource } from '../../compiler/5-codegen/cpu/train/forward-source.ts';
import { cpuGradKernelSource } from '../../compiler/5-codegen/cpu/train/grad-source.ts';
import type {
  Conv2dAttrs,
  OpAttrs,
  OpName,
  PaddingMode,
  ParamName,
  TrainingIdentity,
} from '../../compiler/ir/attrs.ts';
import { type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import { conv2d, type OpParams, runOp } from '../../runtime/reference/index.ts';
import {
  accumulateGrads,
  drawDropoutMask,
  forwardTrain,
  gradOp,
  keptScale,
} from '../../runtime/reference/train/index.ts';
import { expectClose, type Tolerance } from '../golden.ts';
import { fuzz } from '../fuzz/fuzz-config.ts';
import { runGradKernel, runTrainForwardKernel, type StepTensors } from './kernel-harness.ts';
import { FAMILIES, type RandomCase, randomT } from './random-cases.ts';
import { loadTorchGrads } from './torch-grads.ts';

const CPU_VS_REFERENCE: Tolerance = { rtol: 1e-6, atol: 1e-9 };

const { grads, batchnorm, dropout } = loadTorchGrads();

/** Runs the cpu gradient kernel and the reference on the same tensors; checks every gradient asked for. */
function expectSameGradients(
  label: string,
  op: OpName,
  attrs: OpAttrs[OpName],
  t: StepTensors,
  need: { inputs: readonly boolean[]; params: readonly ParamName[] },
  torch?: { inputs: (Tensor | null)[]; params: Partial<Record<ParamName, Tensor>>; tolerance: Tolerance },
): void {
  const want = gradOp<OpName>(op, attrs, t, need);
  const got = runGradKernel<OpName>(op, attrs, t, need);
  want.inputs.forEach((w, i) => {
    if (w === null) expect(got.inputs[i], `${label}: input ${i} not asked for`).toBeNull();
    else expectClose(got.inputs[i]!, w, CPU_VS_REFERENCE, `${label}: d input ${i}`);
    const p = torch?.inputs[i];
    if (p) expectClose(got.inputs[i]!, p, torch!.tolerance, `${label}: d input ${i} vs PyTorch`);
  });
  for (const name of need.params) {
    expectClose(got.params[name]!, want.params[name]!, CPU_VS_REFERENCE, `${label}: d ${name}`);
    const p = torch?.params[name];
    if (p) expectClose(got.params[name]!, p, torch!.tolerance, `${label}: d ${name} vs PyTorch`);
  }
}

describe('cpu gradient kernels on the PyTorch cases', () => {
  for (const c of grads) {
    it(c.name, () => {
      const fwd =
        c.op === 'batchnorm2d'
          ? { output: runOp<OpName>(c.op, c.attrs, c.inputs, c.params), saved: {} }
          : forwardTrain<OpName>(c.op, c.attrs, c.inputs, c.params, { seed: 0 });
      const t = { inputs: c.inputs, output: fwd.output, params: c.params, saved: fwd.saved, gradOutput: c.gradOutput };
      expectSameGradients(c.name, c.op, c.attrs, t, c.need, { ...c.grads, tolerance: c.tolerance });
    });
  }
});

describe('cpu BatchNorm2d training kernels against PyTorch and the reference, two steps', () => {
  for (const c of batchnorm) {
    it(c.name, () => {
      let params: OpParams = { ...c.params };
      let tracked = c.numBatchesTracked;
      c.steps.forEach((s, step) => {
        const at = `${c.name}, step ${step + 1}`;
        const C = c.attrs.num_features;
        const run = runTrainForwardKernel(
          'batchnorm2d',
          c.attrs,
          [s.input],
          params,
          s.input.shape,
          { mean: [C], invstd: [C] },
          0,
          tracked,
        );
        const ref = forwardTrain('batchnorm2d', c.attrs, [s.input], params, { seed: 0, numBatchesTracked: tracked });
        expectClose(run.output, ref.output, CPU_VS_REFERENCE, `${at}: output vs reference`);
        expectClose(run.output, s.output, c.tolerance, `${at}: output vs PyTorch`);
        expectClose(run.saved.mean, s.mean, c.tolerance, `${at}: saved mean`);
        expectClose(run.saved.invstd, s.invstd, c.tolerance, `${at}: saved invstd`);
        if (c.attrs.track_running_stats) {
          expectClose(run.params.running_mean!, s.running_mean!, c.tolerance, `${at}: running_mean`);
          expectClose(run.params.running_var!, s.running_var!, c.tolerance, `${at}: running_var`);
          expectClose(run.params.running_mean!, ref.updates.running_mean!, CPU_VS_REFERENCE, `${at}: running_mean`);
          expectClose(run.params.running_var!, ref.updates.running_var!, CPU_VS_REFERENCE, `${at}: running_var`);
          expect(run.state.numBatchesTracked).toBe(s.numBatchesTracked);
        }
        const need = { inputs: [true], params: (c.attrs.affine ? ['weight', 'bias'] : []) as ParamName[] };
        const t = { inputs: [s.input], output: run.output, params, saved: run.saved, gradOutput: s.gradOutput };
        const torch = {
          inputs: [s.gradInput],
          params: c.attrs.affine ? { weight: s.gradWeight!, bias: s.gradBias! } : {},
          tolerance: c.tolerance,
        };
        expectSameGradients(at, 'batchnorm2d', c.attrs, t, need, torch);
        params = run.params;
        tracked = run.state.numBatchesTracked;
      });
    });
  }
});

describe('cpu dropout kernels', () => {
  const kinds: TrainingIdentity[] = [
    { kind: 'dropout', p: 0.3, variant: 'element' },
    { kind: 'dropout', p: 0.5, variant: 'channel' },
    { kind: 'dropout', p: 0.2, variant: 'alpha' },
    { kind: 'dropout', p: 0.4, variant: 'feature_alpha' },
    { kind: 'stochastic_depth', p: 0.5, mode: 'row' },
    { kind: 'stochastic_depth', p: 0.5, mode: 'batch' },
    { kind: 'dropout', p: 0, variant: 'element' },
    { kind: 'dropout', p: 1, variant: 'alpha' },
    { kind: 'stochastic_depth', p: 1, mode: 'row' },
  ];
  for (const training of kinds) {
    it(`${JSON.stringify(training)}: the mask and output of the reference, for several seeds`, () => {
      const x = randomT([4, 3, 2, 5], mulberry32(3));
      for (const seed of [0, 1, 0xdeadbeef, 123456789]) {
        const ref = forwardTrain('identity', { training }, [x], {}, { seed });
        const run = runTrainForwardKernel(
          'identity',
          { training },
          [x],
          {},
          x.shape,
          { mask: ref.saved.mask.shape },
          seed,
        );
        expect(run.saved.mask.data).toEqual(drawDropoutMask(training, x.shape, seed).data);
        expectClose(run.output, ref.output, { rtol: 0, atol: 0 }, `seed ${seed}: output`);
        expectSameGradients(
          `seed ${seed}`,
          'identity',
          { training },
          {
            inputs: [x],
            output: run.output,
            params: {},
            saved: run.saved,
            gradOutput: randomT(x.shape, mulberry32(seed)),
          },
          { inputs: [true], params: [] },
        );
      }
    });
  }

  for (const c of dropout) {
    it(`${c.name}: the gradient with PyTorch's mask`, () => {
      const t = c.attrs.training;
      const mask = tensor(
        c.keep.shape,
        c.keep.data.map((k) => (k ? keptScale(t) : 0)),
      );
      const got = runGradKernel(
        'identity',
        c.attrs,
        { inputs: [c.input], output: c.output, params: {}, saved: { mask }, gradOutput: c.gradOutput },
        { inputs: [true], params: [] },
      );
      expectClose(got.inputs[0]!, c.gradInput, c.tolerance, c.name);
    });
  }
});

describe('cpu gradient kernels on random cases of every op', () => {
  for (const [name, arb] of FAMILIES) {
    it(name, () => {
      fuzz(arb, 40, (c: RandomCase) => {
        const fwd =
          c.mode === 'eval'
            ? { output: runOp<OpName>(c.op, c.attrs, c.inputs, c.params), saved: {} }
            : forwardTrain<OpName>(c.op, c.attrs, c.inputs, c.params, { seed: c.seed });
        const g = randomT(fwd.output.shape, mulberry32(c.seed + 1));
        const need = { inputs: c.inputs.map(() => true), params: c.trainable };
        const t = { inputs: c.inputs, output: fwd.output, params: c.params, saved: fwd.saved, gradOutput: g };
        expectSameGradients(c.label, c.op, c.attrs, t, need);
        // and each gradient alone (the kernels skip what is not asked for)
        c.inputs.forEach((_, i) => {
          const one = { inputs: c.inputs.map((_x, j) => j === i), params: [] };
          expectSameGradients(`${c.label} (input ${i} only)`, c.op, c.attrs, t, one);
        });
      });
    });
  }
});

function convAttrs(c: number, oc: number, k: [number, number], s: number, p: number, over: Partial<Conv2dAttrs> = {}) {
  return {
    in_channels: c,
    out_channels: oc,
    kernel_size: k,
    stride: [s, s],
    pads: [p, p, p, p],
    dilation: [1, 1],
    groups: 1,
    bias: true,
    padding_mode: 'zeros' as PaddingMode,
    ...over,
  } as Conv2dAttrs;
}

describe('cpu conv2d gradient: every blocking path', () => {
  const cases: [string, number[], Conv2dAttrs][] = [
    ['3x3, 13 -> 11 channels (blocks 4, 2, 1)', [2, 13, 9, 10], convAttrs(13, 11, [3, 3], 1, 1)],
    ['1x1, 15 -> 13 channels (blocks of 8 x 4)', [2, 15, 6, 5], convAttrs(15, 13, [1, 1], 1, 0)],
    ['1x1 stride 2', [2, 7, 9, 8], convAttrs(7, 5, [1, 1], 2, 0)],
    ['3x3 stride 2 (scatter)', [2, 6, 11, 9], convAttrs(6, 7, [3, 3], 2, 1)],
    ['7x7 stride 2 pad 3 (a kernel row per sweep)', [1, 3, 16, 15], convAttrs(3, 5, [7, 7], 2, 3)],
    ['7x7 stride 1 pad 3 (a kernel row per sweep, gather)', [1, 3, 10, 11], convAttrs(3, 5, [7, 7], 1, 3)],
    ['1x40 (a tap per sweep)', [1, 2, 3, 44], convAttrs(2, 3, [1, 40], 1, 0)],
    ['1x40 stride 2', [1, 2, 3, 47], convAttrs(2, 3, [1, 40], 2, 0)],
    ['depthwise 3x3', [2, 8, 7, 7], convAttrs(8, 8, [3, 3], 1, 1, { groups: 8 })],
    ['depthwise 5x5 stride 2', [2, 6, 11, 11], convAttrs(6, 6, [5, 5], 2, 2, { groups: 6 })],
    ['groups 3, 3x3 dilation 2', [2, 9, 9, 9], convAttrs(9, 6, [3, 3], 1, 2, { groups: 3, dilation: [2, 2] })],
    ['reflect 3x3 (16 channels)', [2, 16, 6, 7], convAttrs(16, 16, [3, 3], 1, 1, { padding_mode: 'reflect' })],
    [
      'circular pads (2, 1, 0, 3)',
      [1, 4, 5, 6],
      convAttrs(4, 3, [3, 3], 1, 0, { pads: [2, 1, 0, 3], padding_mode: 'circular' }),
    ],
    ['replicate stride 2', [2, 5, 8, 7], convAttrs(5, 4, [3, 3], 2, 1, { padding_mode: 'replicate' })],
    ['no bias, asymmetric zero pads', [2, 3, 6, 6], convAttrs(3, 4, [2, 3], 1, 0, { bias: false, pads: [0, 1, 2, 1] })],
  ];
  for (const [name, shape, a] of cases) {
    it(name, () => {
      const rnd = mulberry32(shape.reduce((s, d) => s * 31 + d, 7));
      const x = randomT(shape, rnd);
      const params: OpParams = { weight: randomT([a.out_channels, a.in_channels / a.groups, ...a.kernel_size], rnd) };
      if (a.bias) params.bias = randomT([a.out_channels], rnd);
      const y = conv2d(x, a, params.weight!, params.bias);
      const t = { inputs: [x], output: y, params, saved: {}, gradOutput: randomT(y.shape, rnd) };
      const trainable: ParamName[] = a.bias ? ['weight', 'bias'] : ['weight'];
      expectSameGradients(name, 'conv2d', a, t, { inputs: [true], params: trainable });
      expectSameGradients(`${name}, weight only`, 'conv2d', a, t, { inputs: [false], params: ['weight'] });
    });
  }
});

describe('cpu training kernels: arguments and refusals', () => {
  const step: GradStep<'conv2d'> = {
    kind: 'grad',
    nodes: ['a */ b'],
    op: 'conv2d',
    attrs: convAttrs(2, 3, [3, 3], 1, 1),
    inputs: ['x'],
    inputShapes: [[1, 2, 4, 4]],
    output: 'y',
    outputShape: [1, 3, 4, 4],
    params: { weight: 'conv.weight', bias: 'conv.bias' },
    saved: {},
    gradOutput: 'gy',
    gradInputs: ['gx'],
    gradParams: { bias: 'g.bias', weight: 'g.weight' },
  };

  it('gradKernelArgs: gradients (inputs, then weight, bias, value), d output, inputs, output, params, saved', () => {
    expect(gradKernelArgs(step)).toEqual([
      { kind: 'gradInput', index: 0, buffer: 'gx' },
      { kind: 'gradParam', name: 'weight', buffer: 'g.weight' },
      { kind: 'gradParam', name: 'bias', buffer: 'g.bias' },
      { kind: 'gradOutput', buffer: 'gy' },
      { kind: 'input', index: 0, buffer: 'x' },
      { kind: 'output', buffer: 'y' },
      { kind: 'param', name: 'weight', key: 'conv.weight' },
      { kind: 'param', name: 'bias', key: 'conv.bias' },
    ]);
  });

  it('trainForwardKernelArgs: out, saved, inputs, params, then the seed or the BatchNorm2d state', () => {
    const bn = {
      nodes: ['bn'],
      op: 'batchnorm2d' as const,
      attrs: { num_features: 2, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true },
      inputs: ['x'],
      inputShapes: [[2, 2, 1, 1]],
      params: { weight: 'bn.weight', bias: 'bn.bias', running_mean: 'bn.running_mean', running_var: 'bn.running_var' },
      output: 'y',
      outputShape: [2, 2, 1, 1],
      epilogue: { residual: null, activation: null },
      saved: { mean: 'bn.mean', invstd: 'bn.invstd' },
    };
    expect(trainForwardKernelArgs(bn).map((a) => a.kind)).toEqual([
      'out',
      'saved',
      'saved',
      'input',
      'param',
      'param',
      'param',
      'param',
      'state',
    ]);
    const drop = {
      ...bn,
      op: 'identity' as const,
      attrs: { training: { kind: 'dropout', p: 0.5, variant: 'element' } as const },
      params: {},
      saved: { mask: 'm' },
    };
    expect(trainForwardKernelArgs(drop).map((a) => a.kind)).toEqual(['out', 'saved', 'input', 'seed']);
    expect(() => cpuTrainForwardKernelSource({ ...drop, epilogue: { residual: 'r', activation: null } }, 'k')).toThrow(
      /has an epilogue/,
    );
  });

  it('refuses a gradient for a running statistic and a name that is not an identifier', () => {
    expect(() => cpuGradKernelSource({ ...step, gradParams: { running_mean: 'g' } }, 'k')).toThrow(
      /no gradient for param "running_mean"/,
    );
    expect(() => cpuGradKernelSource(step, 'k(); evil')).toThrow(/not a plain identifier/);
  });

  it('hostile node ids and saved names stay in comments and identifiers', () => {
    const bnStep: GradStep<'batchnorm2d'> = {
      kind: 'grad',
      nodes: ['bn */ throw 1; /*\n'],
      op: 'batchnorm2d',
      attrs: { num_features: 2, eps: 1e-5, momentum: 0.1, affine: false, track_running_stats: false },
      inputs: ['x'],
      inputShapes: [[2, 2, 1, 1]],
      output: 'y',
      outputShape: [2, 2, 1, 1],
      params: {},
      saved: { mean: 'm', invstd: 'i', 'x); throw (1': 'z' },
      gradOutput: 'gy',
      gradInputs: ['gx'],
      gradParams: {},
    };
    const source = cpuGradKernelSource(bnStep, 'k');
    // the node id is in the header comments only, with its comment close and line break defused
    const [first, second] = source.split('\n');
    expect(first).toBe('// gradient of batchnorm2d: bn * / throw 1; /* ');
    expect(second.startsWith('// [2, 2, 1, 1] -> [2, 2, 1, 1]')).toBe(true);
    const kernel = new Function(`"use strict";\n${source}\nreturn k;`)() as (...a: unknown[]) => void;
    const gx = new Float32Array(4);
    const x = Float32Array.from([1, 2, 3, 5]);
    const g = Float32Array.from([1, -1, 2, 0.5]);
    const mean = Float32Array.from([2, 3.5]);
    const invstd = Float32Array.from([1, 2 / 3]);
    expect(() => kernel(gx, g, x, new Float32Array(4), mean, invstd, new Float32Array(1))).not.toThrow();
    expect(Array.from(gx).every(Number.isFinite)).toBe(true);
  });
});

describe('cpu linear gradient with more weights than its float64 accumulator takes', () => {
  it('[2, 2100] -> 2000: d weight summed per weight', () => {
    const rnd = mulberry32(9);
    const attrs = { in_features: 2100, out_features: 2000, bias: true };
    const params = { weight: randomT([2000, 2100], rnd), bias: randomT([2000], rnd) };
    const x = randomT([2, 2100], rnd);
    const t = {
      inputs: [x],
      output: runOp('linear', attrs, [x], params),
      params,
      saved: {},
      gradOutput: randomT([2, 2000], rnd),
    };
    expectSameGradients('big linear', 'linear', attrs, t, { inputs: [true], params: ['weight', 'bias'] });
  });
});

describe('cpu training forward of the other ops is their inference kernel', () => {
  const rnd = mulberry32(21);
  const x = randomT([2, 3, 5, 4], rnd);
  const cases: [OpName, OpAttrs[OpName], OpParams][] = [
    ['conv2d', convAttrs(3, 4, [3, 3], 1, 1), { weight: randomT([4, 3, 3, 3], rnd), bias: randomT([4], rnd) }],
    ['relu', {}, {}],
    ['maxpool2d', { kernel_size: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: false }, {}],
    ['identity', {}, {}],
    ['softmax', { dim: 1 }, {}],
  ];
  for (const [op, attrs, params] of cases) {
    it(op, () => {
      const want = forwardTrain<OpName>(op, attrs, [x], params, { seed: 0 });
      const run = runTrainForwardKernel<OpName>(op, attrs, [x], params, want.output.shape, {}, 0);
      // the inference conv kernel accumulates into its float32 output once per input channel
      expectClose(run.output, want.output, { rtol: 1e-5, atol: 1e-6 }, op);
    });
  }
});

describe('cpu accumulate kernel', () => {
  it('sums the contributions as the reference does', () => {
    const rnd = mulberry32(5);
    const parts = [randomT([3, 4], rnd), randomT([3, 4], rnd), randomT([3, 4], rnd)];
    const source = cpuAccumulateKernelSource(
      { kind: 'accumulate', inputs: ['a', 'b', 'c'], output: 'o', shape: [3, 4] },
      'k',
    );
    const kernel = new Function(`"use strict";\n${source}\nreturn k;`)() as (...a: Float32Array[]) => void;
    const out = new Float32Array(12);
    kernel(out, ...parts.map((p) => p.data));
    expect(out).toEqual(accumulateGrads(parts).data);
  });
});
