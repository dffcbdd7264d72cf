import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { didYouMean, editDistance } from '../../compiler/diagnostics/suggest.ts';

const OPS = [
  'Conv2d',
  'MaxPool2d',
  'AvgPool2d',
  'BatchNorm2d',
  'ReLU',
  'LeakyReLU',
  'Linear',
  'Flatten',
  'Dropout',
  'Softmax',
  'Add',
  'Concat',
];
const CONV_ARGS = [
  'in_channels',
  'out_channels',
  'kernel_size',
  'stride',
  'padding',
  'dilation',
  'groups',
  'bias',
  'padding_mode',
];

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('conv2d', 'covn2d')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3); // restricted: no edits inside a transposed pair
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 200 },
    );
  });
});

describe('didYouMean', () => {
  it('prefers a candidate equal up to case', () => {
    expect(didYouMean('conv2D', OPS)).toBe('Conv2d');
    expect(didYouMean('relu', OPS)).toBe('ReLU');
    expect(didYouMean('LINEAR', OPS)).toBe('Linear');
  });

  it('corrects typos and transpositions within the threshold', () => {
    expect(didYouMean('Covn2d', OPS)).toBe('Conv2d');
    expect(didYouMean('MaxPool', OPS)).toBe('MaxPool2d'); // 2 edits, threshold floor(7 / 3) = 2
    expect(didYouMean('Pool', OPS)).toBe(null); // 5 edits from MaxPool2d, threshold 1
  });

  it('applies the threshold max(1, floor(len / 3))', () => {
    expect(didYouMean('kernal_size', CONV_ARGS)).toBe('kernel_size');
    expect(didYouMean('kernel_sz', CONV_ARGS)).toBe('kernel_size'); // 2 edits, threshold 3
    expect(didYouMean('strid', CONV_ARGS)).toBe('stride'); // 1 edit, threshold 1
    expect(didYouMean('strd', CONV_ARGS)).toBe(null); // 2 edits, threshold 1
    expect(didYouMean('bais', CONV_ARGS)).toBe('bias');
    expect(didYouMean('Dense', OPS)).toBe(null);
  });

  it('returns null when there is nothing to suggest', () => {
    expect(didYouMean('x', [])).toBe(null);
    expect(didYouMean('', ['a'])).toBe(null);
    expect(didYouMean('ReLU', ['ReLU'])).toBe(null);
  });

  it('breaks ties the same way whatever the candidate order', () => {
    // `cat` is one edit from each, with the same length: code-unit order decides.
    expect(didYouMean('cat', ['bat', 'hat', 'cut'])).toBe('bat');
    expect(didYouMean('cat', ['cut', 'hat', 'bat'])).toBe('bat');
    // Equal up to case in two ways: the one closer case-sensitively wins.
    expect(didYouMean('Relu', ['RELU', 'ReLU'])).toBe('ReLU');
    expect(didYouMean('Relu', ['ReLU', 'RELU'])).toBe('ReLU');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 6 }),
        (name, cands) => {
          expect(didYouMean(name, [...cands].reverse())).toBe(didYouMean(name, cands));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts any iterable', () => {
    expect(didYouMean('Flaten', new Set(OPS))).toBe('Flatten');
    expect(didYouMean('Flaten', new Map(OPS.map((o) => [o, 1])).keys())).toBe('Flatten');
  });
});
