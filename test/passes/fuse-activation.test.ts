/** fuse-activation: an activation into its producer's epilogue, for each producer kind, and where it must not. */
import { describe, expect, it } from 'vitest';
import { expectSameNumbers, kernels, only, planOf } from './helpers.ts';

const PASS = only('fuse-activation');
const model = (body: string, input = '[2, 3, 6, 6]') => `model M {\n  input x: ${input}\n${body}\n}\n`;

describe('fuse-activation fuses', () => {
  it.each([
    ['conv2d', 'c: Conv2d(3, 4, 3)', 'ReLU()', 'conv2d(c+a)[relu]'],
    ['batchnorm2d', 'c: BatchNorm2d(3)', 'LeakyReLU(0.2)', 'batchnorm2d(c+a)[leaky_relu]'],
    [
      'batchnorm2d without running stats',
      'c: BatchNorm2d(3, track_running_stats=False)',
      'Tanh()',
      'batchnorm2d(c+a)[tanh]',
    ],
    ['maxpool2d', 'c: MaxPool2d(2, ceil_mode=True)', 'Sigmoid()', 'maxpool2d(c+a)[sigmoid]'],
    ['avgpool2d', 'c: AvgPool2d(3, stride=2, padding=1)', 'Tanh()', 'avgpool2d(c+a)[tanh]'],
    ['adaptive_avgpool2d', 'c: AdaptiveAvgPool2d((2, 3))', 'ReLU()', 'adaptive_avgpool2d(c+a)[relu]'],
    ['add', 'c: Add() <- x, x', 'ReLU()', 'add(c+a)[relu]'],
  ])('%s', async (_, producer, act, expected) => {
    const src = model(`  ${producer}\n  a: ${act}\n  output a`);
    const { fused } = await expectSameNumbers(src, PASS, 11);
    expect(kernels(fused)).toEqual([expected]);
    expect(fused.steps[0].output).toBe('a');
    expect(fused.outputs[0].buffer).toBe('a');
  });

  it('linear + sigmoid, after a flatten', async () => {
    const src = model(`  f: Flatten()
  fc: Linear(108, 5)
  s: Sigmoid()
  output s`);
    const { fused } = await expectSameNumbers(src, PASS, 12);
    expect(kernels(fused)).toEqual(['flatten(f)', 'linear(fc+s)[sigmoid]']);
  });

  it('the epilogue names and order of every fused kernel are exact', () => {
    const src = model(`  c: Conv2d(3, 4, 3)
  a: LeakyReLU(0.1)
  p: MaxPool2d(2)
  b: ReLU()
  output b`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(c+a)[leaky_relu]', 'maxpool2d(p+b)[relu]']);
    expect(planOf(src, PASS).steps[0].epilogue.activation).toEqual({ kind: 'leaky_relu', negative_slope: 0.1 });
  });
});

describe('fuse-activation does not fuse', () => {
  it('when the producer output is a model output', () => {
    const src = model(`  c: Conv2d(3, 4, 3)
  a: ReLU()
  output c, a`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(c)', 'relu(a)']);
  });

  it('when the producer output has two readers', async () => {
    const src = model(`  c: Conv2d(3, 4, 3)
  a: ReLU() <- c
  b: Sigmoid() <- c
  s: Add() <- a, b
  output s`);
    const { fused } = await expectSameNumbers(src, PASS, 13);
    expect(kernels(fused)).toEqual(['conv2d(c)', 'relu(a)', 'sigmoid(b)', 'add(s)']);
  });

  it('after a graph input, a concat or a softmax, or twice into one kernel', () => {
    const src = model(`  a: ReLU() <- x
  cat: Concat(dim=1) <- a, x
  b: Tanh()
  sm: Softmax(dim=1)
  d: Sigmoid()
  c: Conv2d(6, 2, 1) <- d
  e: ReLU()
  f: Sigmoid()
  output f`);
    expect(kernels(planOf(src, PASS))).toEqual([
      'relu(a)',
      'concat(cat)',
      'tanh(b)',
      'softmax(sm)',
      'sigmoid(d)',
      'conv2d(c+e)[relu]',
      'sigmoid(f)',
    ]);
  });
});
