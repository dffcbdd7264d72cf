/** elide-copies: flatten, identity and Dropout become buffer aliases; outputs keep their names and shapes. */
import { describe, expect, it } from 'vitest';
import { expectSameNumbers, kernels, only, planOf } from './helpers.ts';

const PASS = only('elide-copies');
const model = (body: string) => `model M {\n  input x: [2, 3, 4, 4]\n${body}\n}\n`;

describe('elide-copies removes', () => {
  it('a flatten between a pool and a linear: the linear reads the pool buffer', async () => {
    const src = model(`  p: MaxPool2d(2)
  f: Flatten()
  fc: Linear(12, 5)
  output fc`);
    const { fused } = await expectSameNumbers(src, PASS, 31);
    expect(kernels(fused)).toEqual(['maxpool2d(p)', 'linear(fc)']);
    expect(fused.steps[1].inputs).toEqual(['p']);
    expect(fused.steps[1].inputShapes).toEqual([[2, 12]]);
    expect(fused.buffers.map((b) => b.id)).toEqual(['x', 'p', 'fc']);
  });

  it('identity and Dropout, also as a residual operand and on a graph input', async () => {
    const src = model(`  i: Identity()
  d: Dropout(0.5)
  c: Conv2d(3, 3, 3, padding=1)
  s: Add() <- c, i
  output s`);
    const { fused } = await expectSameNumbers(src, PASS, 32);
    expect(kernels(fused)).toEqual(['conv2d(c)', 'add(s)']);
    expect(fused.steps[0].inputs).toEqual(['x']);
    expect(fused.steps[1].inputs).toEqual(['c', 'x']);
    // with every pass on, the copies going away lets the add fuse into the conv
    expect(kernels(planOf(src))).toEqual(['conv2d(c+s)[+x]']);
  });

  it('a flatten that is a model output: the output names the pooled buffer and keeps its own shape', async () => {
    const src = model(`  p: AvgPool2d(2)
  f: Flatten()
  output f`);
    const { fused } = await expectSameNumbers(src, PASS, 33);
    expect(kernels(fused)).toEqual(['avgpool2d(p)']);
    expect(fused.outputs).toEqual([{ name: 'f', buffer: 'p', shape: [2, 12] }]);
    expect(fused.buffers.find((b) => b.id === 'p')?.role).toBe('output');
  });
});

describe('elide-copies keeps the copy', () => {
  it('when the output would be a graph input (the caller must not get its own feed back)', async () => {
    const src = model(`  f: Flatten()
  output f`);
    const { fused } = await expectSameNumbers(src, PASS, 34);
    expect(kernels(fused)).toEqual(['flatten(f)']);
  });

  it('when the input is returned too (one array must not be two outputs)', async () => {
    const src = model(`  p: MaxPool2d(2)
  f: Flatten()
  output p, f`);
    const { fused } = await expectSameNumbers(src, PASS, 35);
    expect(kernels(fused)).toEqual(['maxpool2d(p)', 'flatten(f)']);
  });
});
