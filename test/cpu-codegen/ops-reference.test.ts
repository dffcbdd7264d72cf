/** The non-conv kernels against naive references, including epilogues and attribute combinations golden lacks. */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/4-plan/plan.ts';
import type { OpAttrs } from '../../compiler/ir/attrs.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { maxAbsDiff, refAvgpool, refBatchnorm, refMaxpool, refSoftmax } from './reference.ts';
import { type OneStep, oneStepPlan, prng, randomTensor } from './single-step.ts';
import type { OpName } from '../../compiler/ir/attrs.ts';

function run<K extends OpName>(s: OneStep<K>, feeds: Record<string, Tensor>): Tensor {
  const { plan, weights } = oneStepPlan(s);
  return createCpuExecutor(plan, weights).run(feeds).y;
}

function poolOut(size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

describe('pool kernels', () => {
  it('maxpool2d on random configurations (dilation, ceil_mode, rectangular)', () => {
    const rnd = prng(3);
    const pick = (n: number) => Math.floor(rnd() * n);
    let ran = 0;
    for (let t = 0; ran < 30; t++) {
      const k: [number, number] = [1 + pick(4), 1 + pick(4)];
      const a: OpAttrs['maxpool2d'] = {
        kernel_size: k, stride: [1 + pick(3), 1 + pick(3)], padding: [pick(Math.floor(k[0] / 2) + 1), pick(Math.floor(k[1] / 2) + 1)],
        dilation: [1 + pick(2), 1 + pick(2)], ceil_mode: rnd() < 0.5,
      };
      const x = randomTensor([1 + pick(2), 1 + pick(3), 3 + pick(8), 3 + pick(8)], rnd);
      const oh = poolOut(x.shape[2], k[0], a.padding[0], a.stride[0], a.dilation[0], a.ceil_mode);
      const ow = poolOut(x.shape[3], k[1], a.padding[1], a.stride[1], a.dilation[1], a.ceil_mode);
      if (oh < 1 || ow < 1) continue;
      const out = [x.shape[0], x.shape[1], oh, ow];
      const y = run({ op: 'maxpool2d', attrs: a, inputShapes: [x.shape], outputShape: out }, { x0: x });
      expect(maxAbsDiff(y.data, refMaxpool(x, a, out)), JSON.stringify(a)).toBe(0);
      ran++;
    }
  });

  it('maxpool2d propagates NaN like torch', () => {
    const x: Tensor = { shape: [1, 1, 2, 2], data: new Float32Array([1, NaN, 3, 2]) };
    const a: OpAttrs['maxpool2d'] = { kernel_size: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: false };
    const y = run({ op: 'maxpool2d', attrs: a, inputShapes: [x.shape], outputShape: [1, 1, 1, 1] }, { x0: x });
    expect(Number.isNaN(y.data[0])).toBe(true);
  });

  it('avgpool2d on random configurations (count_include_pad, divisor_override, ceil_mode)', () => {
    const rnd = prng(4);
    const pick = (n: number) => Math.floor(rnd() * n);
    let ran = 0;
    for (let t = 0; ran < 30; t++) {
      const k: [number, number] = [1 + pick(4), 1 + pick(4)];
      const a: OpAttrs['avgpool2d'] = {
        kernel_size: k, stride: [1 + pick(3), 1 + pick(3)], padding: [pick(Math.floor(k[0] / 2) + 1), pick(Math.floor(k[1] / 2) + 1)],
        ceil_mode: rnd() < 0.5, count_include_pad: rnd() < 0.5, divisor_override: rnd() < 0.2 ? 1 + pick(5) : null,
      };
      const x = randomTensor([1, 1 + pick(3), 3 + pick(8), 3 + pick(8)], rnd);
      const oh = poolOut(x.shape[2], k[0], a.padding[0], a.stride[0], 1, a.ceil_mode);
      const ow = poolOut(x.shape[3], k[1], a.padding[1], a.stride[1], 1, a.ceil_mode);
      if (oh < 1 || ow < 1) continue;
      const out = [x.shape[0], x.shape[1], oh, ow];
      const y = run({ op: 'avgpool2d', attrs: a, inputShapes: [x.shape], outputShape: out }, { x0: x });
      expect(maxAbsDiff(y.data, refAvgpool(x, a, out)), JSON.stringify(a)).toBeLessThan(1e-6);
      ran++;
    }
  });

  it('adaptive_avgpool2d with overlapping bins (5 -> 3) and a fused residual + relu', () => {
    const rnd = prng(5);
    const x = randomTensor([2, 2, 5, 7], rnd);
    const r = randomTensor([2, 2, 3, 4], rnd);
    const y = run(
      { op: 'adaptive_avgpool2d', attrs: { output_size: [3, 4] }, inputShapes: [x.shape], outputShape: [2, 2, 3, 4], residual: true, activation: { kind: 'relu' } },
      { x0: x, r },
    );
    const want = new Float64Array(48);
    for (let q = 0; q < 4; q++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) {
          const [h0, h1] = [Math.floor((i * 5) / 3), Math.ceil(((i + 1) * 5) / 3)];
          const [w0, w1] = [Math.floor((j * 7) / 4), Math.ceil(((j + 1) * 7) / 4)];
          let s = 0;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x.data[q * 35 + h * 7 + w];
          const o = q * 12 + i * 4 + j;
          want[o] = Math.max(0, s / ((h1 - h0) * (w1 - w0)) + r.data[o]);
        }
    expect(maxAbsDiff(y.data, want)).toBeLessThan(1e-6);
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
  const cases: [boolean, boolean][] = [[true, true], [false, true], [true, false], [false, false]];
  for (const [affine, track] of cases) {
    it(`affine=${affine} track_running_stats=${track}${track ? '' : ' (batch statistics)'}`, () => {
      const a: OpAttrs['batchnorm2d'] = { num_features: 3, eps: 1e-5, momentum: 0.1, affine, track_running_stats: track };
      const p: Record<string, Tensor> = {};
      if (affine) Object.assign(p, { weight: params.weight, bias: params.bias });
      if (track) Object.assign(p, { running_mean: params.running_mean, running_var: params.running_var });
      const y = run({ op: 'batchnorm2d', attrs: a, inputShapes: [x.shape], outputShape: x.shape, params: p }, { x0: x });
      expect(maxAbsDiff(y.data, refBatchnorm(x, a, params))).toBeLessThan(1e-5);
    });
  }
});

describe('elementwise, linear, softmax, concat, copies', () => {
  const rnd = prng(8);
  const act = (v: number, a: Activation) =>
    a.kind === 'relu' ? Math.max(v, 0) : a.kind === 'leaky_relu' ? (v < 0 ? v * a.negative_slope : v) : a.kind === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : Math.tanh(v);

  it('activation ops with a fused activation epilogue (relu then leaky, tanh then sigmoid)', () => {
    const x = randomTensor([1, 2, 3, 3], rnd);
    const y1 = run({ op: 'relu', attrs: {}, inputShapes: [x.shape], outputShape: x.shape, activation: { kind: 'leaky_relu', negative_slope: 0.2 } }, { x0: x });
    expect(maxAbsDiff(y1.data, Array.from(x.data, (v) => Math.max(v, 0)))).toBe(0);
    const y2 = run({ op: 'tanh', attrs: {}, inputShapes: [x.shape], outputShape: x.shape, activation: { kind: 'sigmoid' } }, { x0: x });
    expect(maxAbsDiff(y2.data, Array.from(x.data, (v) => act(Math.tanh(v), { kind: 'sigmoid' })))).toBeLessThan(1e-6);
    const y3 = run({ op: 'leaky_relu', attrs: { negative_slope: 0.25 }, inputShapes: [x.shape], outputShape: x.shape }, { x0: x });
    expect(maxAbsDiff(y3.data, Array.from(x.data, (v) => (v < 0 ? v * 0.25 : v)))).toBeLessThan(1e-7);
  });

  it('relu keeps NaN (torch.relu(nan) is nan)', () => {
    const x: Tensor = { shape: [3], data: new Float32Array([NaN, -1, 2]) };
    const y = run({ op: 'relu', attrs: {}, inputShapes: [x.shape], outputShape: x.shape }, { x0: x });
    expect(Array.from(y.data)).toEqual([NaN, 0, 2]);
  });

  it('add of three inputs with residual + tanh epilogue', () => {
    const s = [2, 3, 2, 2];
    const [a, b, c, r] = [0, 1, 2, 3].map(() => randomTensor(s, rnd));
    const y = run({ op: 'add', attrs: {}, inputShapes: [s, s, s], outputShape: s, residual: true, activation: { kind: 'tanh' } }, { x0: a, x1: b, x2: c, r });
    expect(maxAbsDiff(y.data, Array.from(a.data, (v, i) => Math.tanh(v + b.data[i] + c.data[i] + r.data[i])))).toBeLessThan(1e-6);
  });

  it('linear over a 3-d input (7 outputs: a block of 4 and 3 singles), with relu', () => {
    const x = randomTensor([2, 3, 5], rnd);
    const w = randomTensor([7, 5], rnd);
    const b = randomTensor([7], rnd);
    const y = run(
      { op: 'linear', attrs: { in_features: 5, out_features: 7, bias: true }, inputShapes: [x.shape], outputShape: [2, 3, 7], params: { weight: w, bias: b }, activation: { kind: 'relu' } },
      { x0: x },
    );
    const want: number[] = [];
    for (let r = 0; r < 6; r++)
      for (let o = 0; o < 7; o++) {
        let s = b.data[o];
        for (let i = 0; i < 5; i++) s += x.data[r * 5 + i] * w.data[o * 5 + i];
        want.push(Math.max(s, 0));
      }
    expect(y.shape).toEqual([2, 3, 7]);
    expect(maxAbsDiff(y.data, want)).toBeLessThan(1e-5);
  });

  it('linear without bias', () => {
    const x = randomTensor([1, 4], rnd);
    const w = randomTensor([4, 4], rnd);
    const y = run({ op: 'linear', attrs: { in_features: 4, out_features: 4, bias: false }, inputShapes: [x.shape], outputShape: [1, 4], params: { weight: w } }, { x0: x });
    const want = [0, 1, 2, 3].map((o) => [0, 1, 2, 3].reduce((s, i) => s + x.data[i] * w.data[o * 4 + i], 0));
    expect(maxAbsDiff(y.data, want)).toBeLessThan(1e-6);
  });

  for (const dim of [0, 1, 2]) {
    it(`softmax over dim ${dim}`, () => {
      const x = randomTensor([2, 3, 4], rnd);
      x.data[5] = 80; // large values must not overflow
      const y = run({ op: 'softmax', attrs: { dim }, inputShapes: [x.shape], outputShape: x.shape }, { x0: x });
      expect(maxAbsDiff(y.data, refSoftmax(x, dim))).toBeLessThan(1e-6);
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
      const y = run({ op: 'concat', attrs: { dim }, inputShapes: [s1, s2], outputShape: out, activation: { kind: 'relu' } }, { x0: a, x1: b });
      const outer = s1.slice(0, dim).reduce((p, q) => p * q, 1);
      const ca = a.data.length / outer;
      const cb = b.data.length / outer;
      const want: number[] = [];
      for (let o = 0; o < outer; o++) want.push(...a.data.subarray(o * ca, (o + 1) * ca), ...b.data.subarray(o * cb, (o + 1) * cb));
      expect(y.shape).toEqual(out);
      expect(maxAbsDiff(y.data, want.map((v) => Math.max(v, 0)))).toBe(0);
    });
  }

  it('flatten and identity copy the data (identity with a residual epilogue)', () => {
    const x = randomTensor([2, 3, 2, 2], rnd);
    const r = randomTensor([2, 3, 2, 2], rnd);
    const f = run({ op: 'flatten', attrs: { start_dim: 1, end_dim: 3 }, inputShapes: [x.shape], outputShape: [2, 12] }, { x0: x });
    expect(f.shape).toEqual([2, 12]);
    expect(Array.from(f.data)).toEqual(Array.from(x.data));
    const id = run({ op: 'identity', attrs: {}, inputShapes: [x.shape], outputShape: x.shape, residual: true }, { x0: x, r });
    expect(maxAbsDiff(id.data, Array.from(x.data, (v, i) => v + r.data[i]))).toBeLessThan(1e-6);
  });
});
