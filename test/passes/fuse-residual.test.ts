/** fuse-residual: add(conv, skip) into the conv's epilogue, only where the dataflow allows it. */
import { describe, expect, it } from 'vitest';
import { PASS_NAMES } from '../../compiler/4-optimize/index.ts';
import { expectSameNumbers, kernels, only, planOf } from './helpers.ts';

const PASS = only('fuse-residual');
const model = (body: string) => `model M {\n  input x: [2, 4, 5, 5]\n${body}\n}\n`;

describe('fuse-residual fuses', () => {
  it('add(conv, x) into the conv, writing the add buffer', async () => {
    const src = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- c, x
  output sum`);
    const { fused } = await expectSameNumbers(src, PASS, 1);
    expect(kernels(fused)).toEqual(['conv2d(c+sum)[+x]']);
    expect(fused.steps[0].output).toBe('sum');
    expect(fused.buffers.map((b) => b.id)).toEqual(['x', 'sum']);
  });

  it('the skip may be either operand; of two convs the later one takes the add', async () => {
    const src = model(`  a: Conv2d(4, 4, 3, padding=1) <- x
  b: Conv2d(4, 4, 1) <- x
  sum: Add() <- a, b
  output sum`);
    const { fused } = await expectSameNumbers(src, PASS, 2);
    expect(kernels(fused)).toEqual(['conv2d(a)', 'conv2d(b+sum)[+a]']);
  });

  it('a following ReLU then folds after the add (fuse-activation runs later)', async () => {
    const src = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- x, c
  r: ReLU()
  output r`);
    const { fused } = await expectSameNumbers(
      src,
      { disable: PASS_NAMES.filter((n) => n !== 'fuse-residual' && n !== 'fuse-activation') },
      3,
    );
    expect(kernels(fused)).toEqual(['conv2d(c+sum+r)[+x,relu]']);
  });
});

describe('fuse-residual does not fuse', () => {
  it('when the skip is computed after the conv (steps are not reordered)', async () => {
    const src = model(`  c: Conv2d(4, 4, 3, padding=1) <- x
  later: ReLU() <- x
  sum: Add() <- c, later
  output sum`);
    const { fused } = await expectSameNumbers(src, PASS, 4);
    expect(kernels(fused)).toEqual(['conv2d(c)', 'relu(later)', 'add(sum)']);
  });

  it('when the conv output has another reader', () => {
    const src = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- c, x
  also: ReLU() <- c
  both: Add() <- sum, also
  output both`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(c)', 'add(sum)', 'relu(also)', 'add(both)']);
  });

  it('when the conv output is a model output', () => {
    const src = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- c, x
  output c, sum`);
    expect(kernels(planOf(src, PASS))).toEqual(['conv2d(c)', 'add(sum)']);
  });

  it('an add of three operands, or of a value with itself, or without a conv', () => {
    const three = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- c, x, x
  output sum`);
    expect(kernels(planOf(three, PASS))).toEqual(['conv2d(c)', 'add(sum)']);
    const twice = model(`  c: Conv2d(4, 4, 3, padding=1)
  sum: Add() <- c, c
  output sum`);
    expect(kernels(planOf(twice, PASS))).toEqual(['conv2d(c)', 'add(sum)']);
    const noConv = model(`  r: ReLU()
  sum: Add() <- r, x
  output sum`);
    expect(kernels(planOf(noConv, PASS))).toEqual(['relu(r)', 'add(sum)']);
  });
});
