/**
 * The generated cpu kernels of the new IR ops against the reference kernels (runtime/reference) and against
 * PyTorch: every case of test/reference/torch_ops.py (the same corners the reference is checked on), each
 * also with a residual and an activation fused into its epilogue; every activation as the epilogue of conv
 * steps (pointwise and direct kernels); and random broadcasting, permutes, slices, pads and reductions.
 */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/3-lower/plan.ts';
import type { OpAttrs, OpName, PadMode } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { broadcastShape, convOutSize, reduceShape, runOp } from '../../runtime/reference/index.ts';
import { compareClose, expectClose, type Tolerance } from '../golden.ts';
import { loadTorchCases } from '../reference/torch-cases.ts';
import { type OneStep, cpuAndReference, maxAbsDiff, prng, randomTensor } from './single-step.ts';

/** Every activation kind, with attributes that exercise it. */
const ACTIVATIONS: Activation[] = [
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.1 },
  { kind: 'sigmoid' },
  { kind: 'tanh' },
  { kind: 'hardtanh', min_val: 0, max_val: 6 },
  { kind: 'hardtanh', min_val: -0.1, max_val: 0.3 },
  { kind: 'hardswish' },
  { kind: 'hardsigmoid' },
  { kind: 'silu' },
  { kind: 'gelu', approximate: 'none' },
  { kind: 'gelu', approximate: 'tanh' },
  { kind: 'elu', alpha: 1.3 },
  { kind: 'mish' },
];

/** Ops whose cpu kernel computes exactly what the reference computes: copies, comparisons, one rounding. */
const EXACT = new Set<OpName>([
  'relu',
  'leaky_relu',
  'hardtanh',
  'hardswish',
  'hardsigmoid',
  'prelu',
  'binary',
  'scalar',
  'reshape',
  'permute',
  'slice',
  'pad',
  'channel_shuffle',
  'adaptive_maxpool2d',
  'parameter',
]);

/**
 * Ops whose value is a float32 before the epilogue (an input element or a constant), so a fused residual add
 * rounds once in both, and a piecewise-linear activation after it keeps the result exact.
 */
const EXACT_BEFORE_EPILOGUE = new Set<OpName>([
  'relu',
  'hardtanh',
  'reshape',
  'permute',
  'slice',
  'pad',
  'channel_shuffle',
  'adaptive_maxpool2d',
  'parameter',
]);

/**
 * Both sides compute in float64 and round once; they differ only in summation order (norms, reduce, linear)
 * and in the erf (below 1e-11 relative), so at most an ulp or so of float32 apart.
 */
const CPU_VS_REFERENCE: Tolerance = { rtol: 3e-7, atol: 1e-12 };

/**
 * With a fused epilogue the cpu kernel adds the residual to its unrounded float64 value, the reference to the
 * op's float32 output, then the activation (slope at most 1.3 here) carries the difference, an ulp of the op's
 * value and of the sum: so up to ~4e-7 of the largest magnitude before the activation, whatever the output.
 * (The activations' own formulas are held to PyTorch's tolerance by the activation op cases above.)
 */
function epilogueTolerance(opOutput: Tensor): Tolerance {
  let scale = 1; // the residual is within [-1, 1]
  for (const v of opOutput.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v) + 1);
  return { rtol: 3e-7, atol: 4e-7 * scale };
}

function check<K extends OpName>(
  s: OneStep<K>,
  feeds: Record<string, Tensor>,
  tol: Tolerance | 'exact',
  what: string,
): Tensor {
  const { got, want } = cpuAndReference(s, feeds);
  expect(got.shape, what).toEqual(s.outputShape);
  if (tol === 'exact') expect(maxAbsDiff(got.data, want.data), what).toBe(0);
  else expectClose(got, want, tol, what);
  return got;
}

const { cases } = loadTorchCases();

describe('every PyTorch case on the generated cpu kernels', () => {
  cases.forEach((c, n) => {
    const feeds = Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t]));
    const step: OneStep<OpName> = {
      op: c.op,
      attrs: c.attrs,
      inputShapes: c.inputs.map((t) => t.shape),
      outputShape: c.output.shape,
      params: c.params,
    };
    it(`${c.name}: equals the reference and PyTorch`, () => {
      const got = check(step, feeds, EXACT.has(c.op) ? 'exact' : CPU_VS_REFERENCE, c.name);
      expectClose(got, c.output, c.tolerance, `${c.name} against PyTorch`);
    });
    const act = ACTIVATIONS[n % ACTIVATIONS.length];
    it(`${c.name}, + residual then ${act.kind}: equals the reference`, () => {
      const r = randomTensor(c.output.shape, prng(n));
      const exact = EXACT_BEFORE_EPILOGUE.has(c.op) && ['relu', 'hardtanh'].includes(act.kind);
      const tol = exact ? 'exact' : epilogueTolerance(c.output);
      check({ ...step, residual: true, activation: act }, { ...feeds, r }, tol, `${c.name} + ${act.kind}`);
    });
  });
});

describe('every activation as the epilogue of a conv step', () => {
  const conv = (C: number, OC: number, kk: number): OpAttrs['conv2d'] => ({
    in_channels: C,
    out_channels: OC,
    kernel_size: [kk, kk],
    stride: [1, 1],
    pads: [1, 1, 1, 1],
    dilation: [1, 1],
    groups: 1,
    bias: true,
    padding_mode: 'zeros',
  });
  for (const act of ACTIVATIONS) {
    for (const kk of [1, 3]) {
      for (const residual of [false, true]) {
        const label = `${JSON.stringify(act)}, ${kk}x${kk} conv${residual ? ' + residual' : ''}`;
        it(label, () => {
          const rnd = prng(kk * 7 + (residual ? 1 : 0));
          const [N, C, OC, H, W] = [2, 5, 6, 7, 9];
          const x = randomTensor([N, C, H, W], rnd);
          // weights large enough that the outputs span about -30..30: saturation, exp overflow, erf tails
          const w = randomTensor([OC, C, kk, kk], rnd);
          for (let i = 0; i < w.data.length; i++) w.data[i] *= 12 / kk;
          const b = randomTensor([OC], rnd);
          const oh = convOutSize(H, 1, 1, kk, 1, 1);
          const ow = convOutSize(W, 1, 1, kk, 1, 1);
          const out = [N, OC, oh, ow];
          const r = randomTensor(out, rnd);
          const step: OneStep<'conv2d'> = {
            op: 'conv2d',
            attrs: conv(C, OC, kk),
            inputShapes: [x.shape],
            outputShape: out,
            params: { weight: w, bias: b },
            residual,
            activation: act,
          };
          // the conv sums 45 products in another order than the reference: the same ulps of its magnitude
          const convOut = runOp('conv2d', step.attrs, [x], { weight: w, bias: b });
          check(step, residual ? { x0: x, r } : { x0: x }, epilogueTolerance(convOut), label);
        });
      }
    }
  }
});

describe('random configurations against the reference', () => {
  const rnd = prng(2024);
  const pick = (n: number) => Math.floor(rnd() * n);
  const randomShape = (rank: number) => Array.from({ length: rank }, () => 1 + pick(4));

  it('binary with random broadcasting of every kind (ranks 0..5, either or both sides)', () => {
    for (let t = 0; t < 200; t++) {
      const out = randomShape(pick(6));
      // each side: a suffix of the output's dims, some of them set to 1
      const side = () => out.slice(pick(out.length + 1)).map((d) => (rnd() < 0.4 ? 1 : d));
      const a = side();
      const b = side();
      const shape = broadcastShape(a, b);
      const op = (['add', 'sub', 'mul', 'div'] as const)[pick(4)];
      const step: OneStep<'binary'> = { op: 'binary', attrs: { op }, inputShapes: [a, b], outputShape: shape };
      check(step, { x0: randomTensor(a, rnd), x1: randomTensor(b, rnd) }, 'exact', `${op} [${a}] [${b}]`);
    }
  });

  it('permutes of rank 1..6', () => {
    for (let t = 0; t < 100; t++) {
      const shape = randomShape(1 + pick(6));
      const dims = shape.map((_, i) => i).sort(() => rnd() - 0.5);
      const step: OneStep<'permute'> = {
        op: 'permute',
        attrs: { dims },
        inputShapes: [shape],
        outputShape: dims.map((d) => shape[d]),
      };
      check(step, { x0: randomTensor(shape, rnd) }, 'exact', `permute [${shape}] by [${dims}]`);
    }
  });

  it('slices at every position', () => {
    for (let t = 0; t < 100; t++) {
      const shape = randomShape(1 + pick(4)).map((d) => d + 1);
      const dim = pick(shape.length);
      const start = pick(shape[dim]);
      const end = start + 1 + pick(shape[dim] - start);
      const out = shape.map((d, i) => (i === dim ? end - start : d));
      const step: OneStep<'slice'> = {
        op: 'slice',
        attrs: { dim, start, end },
        inputShapes: [shape],
        outputShape: out,
      };
      check(step, { x0: randomTensor(shape, rnd) }, 'exact', `slice [${shape}] dim ${dim} [${start}, ${end})`);
    }
  });

  it('pads in every mode up to each mode limit, negative ones cropping', () => {
    const modes: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];
    for (let t = 0; t < 200; t++) {
      const mode = modes[t % 4];
      const [H, W] = [1 + pick(5), 1 + pick(5)];
      const limit = (n: number) => (mode === 'reflect' ? n - 1 : mode === 'circular' ? n : 6);
      const padPair = (n: number): [number, number] => {
        const a = pick(limit(n) + 1) - (rnd() < 0.3 ? pick(n) : 0);
        const kept = n + Math.min(a, 0);
        const b = pick(Math.min(limit(n), mode === 'circular' ? kept : Infinity) + 1) - (rnd() < 0.3 ? pick(kept) : 0);
        return [a, b];
      };
      const [top, bottom] = padPair(H);
      const [left, right] = padPair(W);
      const pads: [number, number, number, number] = [top, bottom, left, right];
      const fits = (n: number, p: number, q: number) => {
        const kept = n + Math.min(p, 0) + Math.min(q, 0);
        return mode !== 'circular' || (Math.max(p, 0) <= kept && Math.max(q, 0) <= kept && kept > 0);
      };
      if (H + top + bottom < 1 || W + left + right < 1 || !fits(H, top, bottom) || !fits(W, left, right)) continue;
      const shape = [1 + pick(2), 1 + pick(2), H, W];
      const step: OneStep<'pad'> = {
        op: 'pad',
        attrs: { pads, mode, value: 0.25 },
        inputShapes: [shape],
        outputShape: [shape[0], shape[1], H + top + bottom, W + left + right],
      };
      check(step, { x0: randomTensor(shape, rnd) }, 'exact', `${mode} pad [${pads}] of ${H}x${W}`);
    }
  });

  it('reduce mean and sum over random dim sets, keepdim both ways', () => {
    for (let t = 0; t < 100; t++) {
      const shape = randomShape(1 + pick(5));
      const dims = shape.map((_, i) => i).filter(() => rnd() < 0.5);
      if (dims.length === 0) dims.push(pick(shape.length));
      const attrs: OpAttrs['reduce'] = { op: rnd() < 0.5 ? 'mean' : 'sum', dims, keepdim: rnd() < 0.5 };
      const step: OneStep<'reduce'> = {
        op: 'reduce',
        attrs,
        inputShapes: [shape],
        outputShape: reduceShape(shape, attrs),
      };
      check(step, { x0: randomTensor(shape, rnd) }, CPU_VS_REFERENCE, `${attrs.op} [${shape}] over [${dims}]`);
    }
  });
});

describe('tolerance bookkeeping', () => {
  it('the cpu-vs-reference tolerance is tight: a one-ulp change of 1 passes, a 1e-6 change fails', () => {
    const want = new Float32Array([1, 2]);
    expect(compareClose(new Float32Array([1 + 2 ** -23, 2]), want, CPU_VS_REFERENCE).ok).toBe(true);
    expect(compareClose(new Float32Array([1 + 1e-6, 2]), want, CPU_VS_REFERENCE).ok).toBe(false);
  });
});
