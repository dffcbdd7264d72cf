import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzzAsync } from './fuzz-config.ts';
import { validModel } from './model-gen.ts';
import { checkShapesAgainstReference, expectBackendAgrees } from './model-run.ts';

describe('random valid models (cpu)', () => {
  it('generates a variety of layers (the generator is not stuck on one kind)', () => {
    const sources = fc.sample(validModel(), { seed: FUZZ_SEED, numRuns: 100 }).map((m) => m.source);
    for (const op of [
      'Conv2d(',
      'MaxPool2d(',
      'AvgPool2d(',
      'AdaptiveAvgPool2d(',
      'BatchNorm2d(',
      'Add()',
      'Linear(',
      'Softmax(',
      "'same'",
      'ceil_mode=True',
      'groups=',
      'dilation=',
      "padding_mode='reflect'",
      "padding_mode='circular'",
      'count_include_pad=False',
      'divisor_override=',
    ]) {
      expect(
        sources.some((s) => s.includes(op)),
        `no generated model uses ${op}`,
      ).toBe(true);
    }
    expect(sources.some((s) => /Concat|Cat\(/.test(s))).toBe(true);
  });

  it('inferred shapes equal the shapes the reference produces, and the cpu backend agrees with it', async () => {
    let seed = 0;
    await fuzzAsync(validModel(6), 300, async (m) => {
      const c = checkShapesAgainstReference(m, ++seed, 'cpu');
      await expectBackendAgrees(c, 'cpu');
    });
  });
});
