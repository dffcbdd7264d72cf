/** activation-into-maxpool: act then max-pool runs as max-pool with the act as epilogue, when they commute. */
import { describe, expect, it } from 'vitest';
import { PASS_NAMES } from '../../compiler/4-optimize/index.ts';
import { expectSameNumbers, kernels, only, planOf } from './helpers.ts';

const PASS = only('activation-into-maxpool');
const model = (body: string) => `model M {\n  input x: [2, 3, 7, 7]\n${body}\n}\n`;

describe('activation-into-maxpool folds', () => {
  it.each([
    ['ReLU()', 'relu'],
    ['LeakyReLU(0.3)', 'leaky_relu'],
    ['Sigmoid()', 'sigmoid'],
    ['Tanh()', 'tanh'],
  ])('%s on a graph input into a padded, dilated, ceil-mode max-pool', async (act, kind) => {
    const src = model(`  a: ${act}
  p: MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)
  output p`);
    const { fused } = await expectSameNumbers(src, PASS, 21);
    expect(kernels(fused)).toEqual([`maxpool2d(a+p)[${kind}]`]);
    expect(fused.steps[0].inputs).toEqual(['x']);
    expect(fused.buffers.map((b) => b.id)).toEqual(['x', 'p']);
  });

  it('conv, ReLU, max-pool: with fuse-activation off the ReLU goes into the pool instead', async () => {
    const src = model(`  c: Conv2d(3, 4, 3)
  r: ReLU()
  p: MaxPool2d(2)
  output p`);
    const { fused } = await expectSameNumbers(
      src,
      { disable: PASS_NAMES.filter((n) => n !== 'activation-into-maxpool') },
      22,
    );
    expect(kernels(fused)).toEqual(['conv2d(c)', 'maxpool2d(r+p)[relu]']);
    // all passes on: fuse-activation runs first and takes it into the conv
    expect(kernels(planOf(src))).toEqual(['conv2d(c+r)[relu]', 'maxpool2d(p)']);
  });
});

describe('activation-into-maxpool does not fold', () => {
  it('into an average pool (an activation does not commute with a mean)', () => {
    const src = model(`  a: ReLU()
  p: AvgPool2d(2)
  output p`);
    expect(kernels(planOf(src, PASS))).toEqual(['relu(a)', 'avgpool2d(p)']);
  });

  it('a LeakyReLU with a negative slope (not monotone)', async () => {
    const src = model(`  a: LeakyReLU(-0.5)
  p: MaxPool2d(2)
  output p`);
    const { fused } = await expectSameNumbers(src, PASS, 23);
    expect(kernels(fused)).toEqual(['leaky_relu(a)', 'maxpool2d(p)']);
  });

  it('when the activation is a model output or has another reader', () => {
    const out = model(`  a: ReLU()
  p: MaxPool2d(2)
  output a, p`);
    expect(kernels(planOf(out, PASS))).toEqual(['relu(a)', 'maxpool2d(p)']);
    const two = model(`  a: ReLU()
  p: MaxPool2d(2)
  q: MaxPool2d(3, stride=2) <- a
  output p, q`);
    expect(kernels(planOf(two, PASS))).toEqual(['relu(a)', 'maxpool2d(p)', 'maxpool2d(q)']);
  });
});
