/**
 * The non-conv kernels against the reference kernels (runtime/reference), including epilogues and
 * attribute combinations golden lacks.
 */
import { describe, expect, it } from 'vitest';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { poolOutSize } from '../../runtime/reference/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { type OneStep, cpuAndReference, maxAbsDiff, oneStepPlan, prng, randomTensor } from './single-step.ts';

/** Largest |cpu - reference| of one step; the cpu output's shape must be the step's. */
function diff<K extends OpName>(s: OneStep<K>, feeds: Record<string, Tensor>): number {
  const { got, want } = cpuAndReference(s, feeds);
  expect(got.shape).toEqual(s.outputShape);
  return maxAbsDiff(got.data, want.data);
}

/** The step's CPU output alone, for values asserted literally. */
function run<K extends OpName>(s: OneStep<K>, feeds: Record<string, Tensor>): Tensor {
  const { plan, weights } = oneStepPlan(s);
  return createCpuExecutor(plan, weights).run(feeds).y;
}

describe('pool kernels', () => {
  it('maxpool2d on random configurations (dilation, ceil_mode, rectangular)', () => {
    const rnd = prng(3);
    const pick = (n: number) => Math.floor(rnd() * n);
    let ran = 0;
    for (let _t = 0; ran < 30; _t++) {
      const k: [number, number] = [1 + pick(4), 1 + pick(4)];
      const a: OpAttrs['maxpool2d'] = {
        kernel_size: k,
        stride: [1 + pick(3), 1 + pick(3)],
        padding: [pick(Math.floor(k[0] / 2) + 1), pick(Math.floor(k[1] / 2) + 1)],
        dilation: [1 + pick(2), 1 + pick(2)],
        ceil_mode: rnd() < 0.5,
      };
      const x = randomTensor([1 + pick(2), 1 + pick(3), 3 + pick(8), 3 + pick(8)], rnd);
      const oh = poolOutSize(x.shape[2], k[0], a.stride[0], a.padding[0], a.dilation[0], a.ceil_mode);
      const ow = poolOutSize(x.shape[3], k[1], a.stride[1], a.padding[1], a.dilation[1], a.ceil_mode);
      if (oh < 1 || ow < 1) continue;
      const out = [x.shape[0], x.shape[1], oh, ow];
      expect(
        diff({ op: 'maxpool2d', attrs: a, inputShapes: [x.shape], outputShape: out }, { x0: x }),
        JSON.stringify(a),
      ).toBe(0);
      ran++;
    }
  });

  it('maxpool2d propagates NaN like torch', () => {
    const x: Tensor = { shape: [1, 1, 2, 2], data: new Float32Array([1, NaN, 3, 2]) };
    const a: OpAttrs['maxpool2d'] = {
      kernel_size: [2, 2],
      stride: [2, 2],
      padding: [0, 0],
      dilation: [1, 1],
      ceil_mode: false,
    };
    const y = run({ op: 'maxpool2d', attrs: a, inputShapes: [x.shape], outputShape: [1, 1, 1, 1] }, { x0: x });
    expect(Number.isNaN(y.data[0])).toBe(true);
  });

  it('avgpool2d on random configurations (count_include_pad, divisor_override, ceil_mode)', () => {
    const rnd = prng(4);
    const pick = (n: number) => Math.floor(rnd() * n);
    let ran = 0;
    for (let _t = 0; ran < 30; _t++) {
      const k: [number, number] = [1 + pick(4), 1 + pick(4)];
      const a: OpAttrs['avgpool2d'] = {
        kernel_size: k,
        stride: [1 + pick(3), 1 + pick(3)],
        padding: [pick(Math.floor(k[0] / 2) + 1), pick(Math.floor(k[1] / 2) + 1)],
        ceil_mode: rnd() < 0.5,
        count_include_pad: rnd() < 0.5,
        divisor_override: rnd() < 0.2 ? 1 + pick(5) : null,
      };
      const x = randomTensor([1, 1 + pick(3), 3 + pick(8), 3 + pick(8)], rnd);
      const oh = poolOutSize(x.shape[2], k[0], a.stride[0], a.padding[0], 1, a.ceil_mode);
      const ow = poolOutSize(x.shape[3], k[1], a.stride[1], a.padding[1], 1, a.ceil_mode);
      if (oh < 1 || ow < 1) continue;
      const out = [x.shape[0], x.shape[1], oh, ow];
      expect(
        diff({ op: 'avgpool2d', attrs: a, inputShapes: [x.shape], outputShape: out }, { x0: x }),
        JSON.stringify(a),
      ).toBeLessThan(1e-6);
      ran++;
    }
  });

  it('adaptive_avgpool2d with overlapping bins (5 -> 3) and a fused residual + relu', () => {
    const rnd = prng(5);
    const x = randomTensor([2, 2, 5, 7], rnd);
    const r = randomTensor([2, 2, 3, 4], rnd);
    const step: OneStep<'adaptive_avgpool2d'> = {
      op: 'adaptive_avgpool2d',
      attrs: { output_size: [3, 4] },
      inputShapes: [x.shape],
      outputShape: [2, 2, 3, 4],
      residual: true,
      activation: { kind: 'relu' },
    };
    expect(diff(step, { x0: x, r })).toBeLessThan(1e-6);
  });
});

describe('batchnorm2d', () => {
  const rnd = prng(6);
  const x = randomTensor([2, 3, 4, 5], rnd);
  const params = {
    weight: randomTensor([3], rnd),
    bias: randomTensor([3], rnd),
    running_mean: randomTensor([3], rnd),
    running_var: { shape: [3], data: new Float32Array([0.5, 1.5, 2]) },
  };
  const cases: [boolean, boolean][] = [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ];
  for (const [affine, track] of cases) {
    it(`affine=${affine} track_running_stats=${track}${track ? '' : ' (batch statistics)'}`, () => {
      const a: OpAttrs['batchnorm2d'] = {
        num_features: 3,
        eps: 1e-5,
        momentum: 0.1,
        affine,
        track_running_stats: track,
      };
      const p: Record<string, Tensor> = {};
      if (affine) Object.assign(p, { weight: params.weight, bias: params.bias });
      if (track) Object.assign(p, { running_mean: params.running_mean, running_var: params.running_var });
      expect(
        diff({ op: 'batchnorm2d', attrs: a, inputShapes: [x.shape], outputShape: x.shape, params: p }, { x0: x }),
      ).toBeLessThan(1e-5);
    });
  }
});

describe('elementwise, linear, softmax, concat, copies', () => {
  const rnd = prng(8);

  it('activation ops with a fused activation epilogue (relu then leaky, tanh then sigmoid)', () => {
    const x = randomTensor([1, 2, 3, 3], rnd);
    expect(
      diff(
        {
          op: 'relu',
          attrs: {},
          inputShapes: [x.shape],
          outputShape: x.shape,
          activation: { kind: 'leaky_relu', negative_slope: 0.2 },
        },
        { x0: x },
      ),
    ).toBe(0);
    expect(
      diff(
        { op: 'tanh', attrs: {}, inputShapes: [x.shape], outputShape: x.shape, activation: { kind: 'sigmoid' } },
        { x0: x },
      ),
    ).toBeLessThan(1e-6);
    expect(
      diff(
        { op: 'leaky_relu', attrs: { negative_slope: 0.25 }, inputShapes: [x.shape], outputShape: x.shape },
        { x0: x },
      ),
    ).toBeLessThan(1e-7);
  });

  it('relu keeps NaN (torch.relu(nan) is nan)', () => {
    const x: Tensor = { shape: [3], data: new Float32Array([NaN, -1, 2]) };
    const y = run({ op: 'relu', attrs: {}, inputShapes: [x.shape], outputShape: x.shape }, { x0: x });
    expect(Array.from(y.data)).toEqual([NaN, 0, 2]);
  });

  it('add of three inputs with residual + tanh epilogue', () => {
    const s = [2, 3, 2, 2];
    const [a, b, c, r] = [0, 1, 2, 3].map(() => randomTensor(s, rnd));
    expect(
      diff(
        { op: 'add', attrs: {}, inputShapes: [s, s, s], outputShape: s, residual: true, activation: { kind: 'tanh' } },
        { x0: a, x1: b, x2: c, r },
      ),
    ).toBeLessThan(1e-6);
  });

  it('linear over a 3-d input (7 outputs: a block of 4 and 3 singles), with relu', () => {
    const x = randomTensor([2, 3, 5], rnd);
    const w = randomTensor([7, 5], rnd);
    const b = randomTensor([7], rnd);
    const step: OneStep<'linear'> = {
      op: 'linear',
      attrs: { in_features: 5, out_features: 7, bias: true },
      inputShapes: [x.shape],
      outputShape: [2, 3, 7],
      params: { weight: w, bias: b },
      activation: { kind: 'relu' },
    };
    expect(diff(step, { x0: x })).toBeLessThan(1e-5);
  });

  it('linear without bias', () => {
    const x = randomTensor([1, 4], rnd);
    const w = randomTensor([4, 4], rnd);
    expect(
      diff(
        {
          op: 'linear',
          attrs: { in_features: 4, out_features: 4, bias: false },
          inputShapes: [x.shape],
          outputShape: [1, 4],
          params: { weight: w },
        },
        { x0: x },
      ),
    ).toBeLessThan(1e-6);
  });

  for (const dim of [0, 1, 2]) {
    it(`softmax over dim ${dim}`, () => {
      const x = randomTensor([2, 3, 4], rnd);
      x.data[5] = 80; // large values must not overflow
      expect(
        diff({ op: 'softmax', attrs: { dim }, inputShapes: [x.shape], outputShape: x.shape }, { x0: x }),
      ).toBeLessThan(1e-6);
    });
  }

  for (const dim of [0, 1, 3]) {
    it(`concat along dim ${dim}`, () => {
      const s1 = [2, 3, 2, 2];
      const s2 = [...s1];
      s2[dim] = 1;
      const a = randomTensor(s1, rnd);
      const b = randomTensor(s2, rnd);
      const out = [...s1];
      out[dim] += 1;
      expect(
        diff(
          { op: 'concat', attrs: { dim }, inputShapes: [s1, s2], outputShape: out, activation: { kind: 'relu' } },
          { x0: a, x1: b },
        ),
      ).toBe(0);
    });
  }

  it('flatten and identity copy the data (identity with a residual epilogue)', () => {
    const x = randomTensor([2, 3, 2, 2], rnd);
    const r = randomTensor([2, 3, 2, 2], rnd);
    const f = run(
      { op: 'flatten', attrs: { start_dim: 1, end_dim: 3 }, inputShapes: [x.shape], outputShape: [2, 12] },
      { x0: x },
    );
    expect(f.shape).toEqual([2, 12]);
    expect(Array.from(f.data)).toEqual(Array.from(x.data));
    expect(
      diff({ op: 'identity', attrs: {}, inputShapes: [x.shape], outputShape: x.shape, residual: true }, { x0: x, r }),
    ).toBeLessThan(1e-6);
  });
});
