/** fold-batchnorm: where it folds, where it must not, the derived params, and weights checking after folding. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { foldBatchnorm } from '../../compiler/4-optimize/fold-batchnorm.ts';
import { PassInvariantError } from '../../compiler/4-optimize/plan-graph.ts';
import { createExecutor, parseBackend } from '../../runtime/backends.ts';
import { deriveParams } from '../../compiler/3-lower/derive-params.ts';
import { compileModel } from '../../runtime/session.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import { bindWeights, initialWeights, WeightsError } from '../../runtime/weights.ts';
import { expectAllClose, expectSameNumbers, kernels, only, planOf, random, runPlan, stateDict } from './helpers.ts';

const PASS = only('fold-batchnorm');

const model = (body: string, input = '[2, 3, 6, 6]') => `model M {\n  input x: ${input}\n${body}\n}\n`;

const CONV_BN = model(`  conv1: Conv2d(3, 4, 3, padding=1)
  bn1: BatchNorm2d(4, eps=0.001)
  relu1: ReLU()
  output relu1`);

describe('fold-batchnorm folds', () => {
  it('conv + BatchNorm into one conv with derived weight and bias, and the numbers stay', async () => {
    const { fused, plain } = await expectSameNumbers(CONV_BN, PASS, 3);
    expect(kernels(plain)).toEqual(['conv2d(conv1)', 'batchnorm2d(bn1)', 'relu(relu1)']);
    expect(kernels(fused)).toEqual(['conv2d(conv1+bn1)', 'relu(relu1)']);
    const conv = fused.steps[0];
    expect(conv.params).toEqual({ weight: 'conv1+bn1.weight', bias: 'conv1+bn1.bias' });
    expect(fused.buffers.map((b) => b.id)).not.toContain('conv1');
    // the model's own state_dict entries stay listed, so a weights file is checked against them
    const sources = fused.params.filter((p) => !p.derived).map((p) => p.key);
    expect(sources).toEqual([
      'conv1.weight',
      'conv1.bias',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
    ]);
    const derived = fused.params.filter((p) => p.derived);
    expect(derived.map((p) => [p.key, p.shape])).toEqual([
      ['conv1+bn1.weight', [4, 3, 3, 3]],
      ['conv1+bn1.bias', [4]],
    ]);
    expect(derived[0].derived).toMatchObject({
      kind: 'fold_batchnorm',
      role: 'weight',
      conv: 'conv1',
      batchnorm: 'bn1',
      convBias: 'conv1.bias',
      eps: 0.001,
    });
  });

  it('a conv without bias gets one; a BatchNorm without affine params uses gamma 1, beta 0', async () => {
    const src = model(`  conv1: Conv2d(3, 4, 3, bias=False)
  bn1: BatchNorm2d(4, affine=False)
  conv2: Conv2d(4, 2, 1)
  bn2: BatchNorm2d(2)
  output bn2`);
    const { fused } = await expectSameNumbers(src, PASS, 5);
    expect(kernels(fused)).toEqual(['conv2d(conv1+bn1)', 'conv2d(conv2+bn2)']);
    expect((fused.steps[0] as { attrs: { bias: boolean } }).attrs.bias).toBe(true);
    expect(fused.params.find((p) => p.key === 'conv1+bn1.bias')?.derived).toMatchObject({
      convBias: null,
      bnWeight: null,
      bnBias: null,
    });
  });

  it('the derived values are w*s and (b - mean)*s + beta with s = gamma/sqrt(var + eps)', () => {
    const src = model(
      `  c: Conv2d(1, 2, 1)
  bn: BatchNorm2d(2, eps=0.5)
  output bn`,
      '[1, 1, 2, 2]',
    );
    const plan = planOf(src, PASS);
    const state = new Map([
      ['c.weight', tensor([2, 1, 1, 1], Float32Array.from([2, -3]))],
      ['c.bias', tensor([2], Float32Array.from([1, 4]))],
      ['bn.weight', tensor([2], Float32Array.from([3, 0.5]))],
      ['bn.bias', tensor([2], Float32Array.from([10, -1]))],
      ['bn.running_mean', tensor([2], Float32Array.from([2, 1]))],
      ['bn.running_var', tensor([2], Float32Array.from([1.5, 3.5]))],
    ]);
    const d = deriveParams(plan, state);
    // s = [3/sqrt(2), 0.5/sqrt(4)] = [2.1213..., 0.25]
    expect([...d.get('c+bn.weight')!.data]).toEqual([Math.fround(2 * (3 / Math.sqrt(2))), Math.fround(-3 * 0.25)]);
    expect([...d.get('c+bn.bias')!.data]).toEqual([
      Math.fround((1 - 2) * (3 / Math.sqrt(2)) + 10),
      Math.fround((4 - 1) * 0.25 - 1),
    ]);
    // bindWeights returns the sources and the derived tensors
    const bound = bindWeights(plan, state);
    expect([...bound.keys()].sort()).toEqual([...state.keys(), 'c+bn.weight', 'c+bn.bias'].sort());
  });

  it('when every source is written inline, the folded values are computed at compile time', async () => {
    const src = model(
      `  c: Conv2d(1, 1, kernel_size=(1, 2), bias=False) { weight = [[1, -1]] }
  bn: BatchNorm2d(1) { weight = [2], bias = [1], running_mean = [0.5], running_var = [3] }
  output bn`,
      '[1, 1, 2, 3]',
    );
    const plan = planOf(src, PASS);
    const w = plan.params.find((p) => p.key === 'c+bn.weight')!;
    const s = 2 / Math.sqrt(3 + 1e-5);
    expect([...w.value!]).toEqual([Math.fround(s), Math.fround(-s)]);
    expect(plan.params.every((p) => p.value !== null)).toBe(true);
    const x = random([1, 1, 2, 3], 9);
    const got = await runPlan(plan, new Map(), { x });
    const want = await runPlan(planOf(src, false), new Map(), { x });
    expectAllClose(got, want);
  });

  it('two BatchNorms after one conv fold one after the other (the second into derived tensors)', async () => {
    const src = model(`  conv1: Conv2d(3, 4, 3, bias=False)
  bn1: BatchNorm2d(4)
  bn2: BatchNorm2d(4, eps=0.1)
  output bn2`);
    const { fused } = await expectSameNumbers(src, PASS, 8);
    expect(kernels(fused)).toEqual(['conv2d(conv1+bn1+bn2)']);
    expect(fused.steps[0].params).toEqual({ weight: 'conv1+bn1+bn2.weight', bias: 'conv1+bn1+bn2.bias' });
    expect(fused.params.find((p) => p.key === 'conv1+bn1+bn2.weight')?.derived).toMatchObject({
      convWeight: 'conv1+bn1.weight',
      convBias: 'conv1+bn1.bias',
      runningVar: 'bn2.running_var',
    });
  });

  it('a residual block with a downsample conv + BN on the shortcut folds both', async () => {
    const src = model(`  conv1: Conv2d(3, 4, 3, stride=2, padding=1, bias=False)
  bn1: BatchNorm2d(4)
  down: Conv2d(3, 4, 1, stride=2, bias=False) <- x
  dbn: BatchNorm2d(4)
  sum: Add() <- bn1, dbn
  out: ReLU()
  output out`);
    const { fused } = await expectSameNumbers(src, PASS, 7);
    expect(kernels(fused)).toEqual(['conv2d(conv1+bn1)', 'conv2d(down+dbn)', 'add(sum)', 'relu(out)']);
  });
});

describe('fold-batchnorm does not fold', () => {
  it('when the conv output is also a model output', () => {
    const src = model(`  conv1: Conv2d(3, 4, 3)
  bn1: BatchNorm2d(4)
  output conv1, bn1`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(conv1)', 'batchnorm2d(bn1)']);
  });

  it('when the conv output has a second reader', () => {
    const src = model(`  conv1: Conv2d(3, 4, 3)
  bn1: BatchNorm2d(4)
  other: ReLU() <- conv1
  sum: Add() <- bn1, other
  output sum`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(conv1)', 'batchnorm2d(bn1)', 'relu(other)', 'add(sum)']);
  });

  it('a BatchNorm without running statistics (it normalises with batch statistics)', async () => {
    const src = model(`  conv1: Conv2d(3, 4, 3)
  bn1: BatchNorm2d(4, track_running_stats=False)
  output bn1`);
    const { fused } = await expectSameNumbers(src, PASS, 2);
    expect(kernels(fused)).toEqual(['conv2d(conv1)', 'batchnorm2d(bn1)']);
  });

  it('a BatchNorm that follows no conv stays a batchnorm step', () => {
    const src = model(`  r: ReLU()
  bn1: BatchNorm2d(3)
  output bn1`);
    const plan = planOf(src, PASS);
    expect(kernels(plan)).toEqual(['relu(r)', 'batchnorm2d(bn1)']);
    expect(plan.params.some((p) => p.derived)).toBe(false);
  });
});

describe('a plan that breaks an invariant', () => {
  it('is a compiler bug: the pass throws an internal error naming the step', () => {
    const plain = planOf(CONV_BN, false);
    const broken = {
      ...plain,
      steps: plain.steps.map((s) =>
        s.op === 'batchnorm2d' ? ({ ...s, attrs: { ...s.attrs, num_features: 5 } } as typeof s) : s,
      ),
    };
    expect(() => foldBatchnorm.run(broken)).toThrowError(PassInvariantError);
    expect(() => foldBatchnorm.run(broken)).toThrow(
      /optimizing pass fold-batchnorm: step `bn1` \(batchnorm2d\): 5 features after a conv with 4 output channels/,
    );
  });
});

describe('weights after folding', () => {
  const plan = planOf(CONV_BN);
  const plain = planOf(CONV_BN, false);

  it('a missing BatchNorm key is still reported against the BatchNorm layer', () => {
    const state = stateDict(plain);
    state.delete('bn1.running_var');
    expect(() => bindWeights(plan, state)).toThrowError(WeightsError);
    expect(() => bindWeights(plan, state)).toThrow(/has no `bn1\.running_var`: BatchNorm2d `bn1` needs a \[4\] tensor/);
  });

  it('a wrong conv shape names the conv; a derived key is not a key the file may have', () => {
    const state = stateDict(plain);
    expect(() => bindWeights(plan, new Map([...state, ['conv1.weight', tensor([4, 3, 1, 1])]]))).toThrow(
      /`conv1\.weight` has shape \[4, 3, 1, 1\].*Conv2d `conv1` needs \[4, 3, 3, 3\]/,
    );
    expect(() => bindWeights(plan, new Map([...state, ['conv1+bn1.weight', tensor([4, 3, 3, 3])]]))).toThrow(
      /no layer of `M` uses: `conv1\+bn1\.weight`/,
    );
  });

  it('default initialisation of a folded model gives the numbers of the unfolded one (same seed)', async () => {
    const initFused = initialWeights(plan, 4);
    const initPlain = initialWeights(plain, 4);
    for (const [k, t] of initPlain) expect([...initFused.get(k)!.data], k).toEqual([...t.data]);
    expect(initFused.has('conv1+bn1.weight')).toBe(true);
    const x = random([2, 3, 6, 6], 1);
    const a = await (await createExecutor(plan, initFused, parseBackend('cpu'))).run({ x });
    const b = await (await createExecutor(plain, initPlain, parseBackend('cpu'))).run({ x });
    expectAllClose(a, b);
  });

  it('the library API binds, derives and runs a folded model', async () => {
    const state = stateDict(plain, 6);
    const x = random([2, 3, 6, 6], 2);
    const fusedModel = await compileModel(CONV_BN, { weights: state });
    const plainModel = await compileModel(CONV_BN, { weights: state, passes: false });
    if (!fusedModel.ok || !plainModel.ok) throw new Error('compileModel failed');
    expect(kernels(fusedModel.compiled.plan!)).toEqual(['conv2d(conv1+bn1+relu1)[relu]']);
    expectAllClose(await fusedModel.model.run({ x }), await plainModel.model.run({ x }));
  });

  it('compile() reports the folding in the pass log', () => {
    const c = compile(CONV_BN, { passes: PASS });
    expect(c.passLog.map((e) => [e.pass, e.before.steps.length, e.after.steps.length])).toEqual([
      ['fold-batchnorm', 3, 2],
    ]);
  });
});
