/**
 * The new reference kernels refuse what PyTorch refuses (or what it would compute from memory it never
 * wrote) with a message naming the problem, instead of returning plausible numbers.
 */
import { describe, expect, it } from 'vitest';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import { type OpParams, runOp } from '../../runtime/reference/index.ts';
import { arange, t } from './helpers.ts';

function refuses<K extends OpName>(op: K, attrs: OpAttrs[K], shapes: number[][], params: OpParams, message: RegExp) {
  expect(() => runOp(op, attrs, shapes.map(arange), params)).toThrow(message);
}

describe('refusals', () => {
  it('binary: shapes that do not broadcast, or one input', () => {
    refuses(
      'binary',
      { op: 'add' },
      [
        [2, 3],
        [2, 4],
      ],
      {},
      /do not broadcast/,
    );
    refuses('binary', { op: 'mul' }, [[2, 3]], {}, /exactly 2 inputs/);
  });

  it('pad: reflect pads reaching the size, circular past one wrap or past what a crop keeps', () => {
    const pad = (pads: [number, number, number, number], mode: OpAttrs['pad']['mode']) => ({ pads, mode, value: 0 });
    refuses(
      'pad',
      pad([4, 0, 0, 0], 'reflect'),
      [[1, 1, 4, 5]],
      {},
      /reflect pads \(4, 0\) must be smaller than the height 4/,
    );
    refuses('pad', pad([0, 0, 0, 5], 'reflect'), [[1, 1, 4, 5]], {}, /smaller than the width 5/);
    refuses('pad', pad([5, 0, 0, 0], 'circular'), [[1, 1, 4, 5]], {}, /must not exceed the height 4/);
    refuses('pad', pad([-2, 3, 0, 0], 'circular'), [[1, 1, 4, 5]], {}, /wrap past the 2 height entries/);
    refuses('pad', pad([-3, -2, 0, 0], 'constant'), [[1, 1, 4, 5]], {}, /leave a negative height/);
    refuses('pad', pad([1, 1, 1, 1], 'constant'), [[5]], {}, /last two dims/);
    // the input ranks torch 1.13 takes for each mode
    refuses('pad', pad([1, 1, 1, 1], 'reflect'), [[4, 5]], {}, /reflect padding of two dims takes a 3-d or 4-d input/);
    refuses('pad', pad([1, 1, 1, 1], 'replicate'), [[1, 2, 1, 4, 5]], {}, /takes a 3-d or 4-d input/);
    refuses('pad', pad([1, 1, 1, 1], 'circular'), [[3, 4, 5]], {}, /circular padding of two dims takes a 4-d input/);
    expect(runOp('pad', pad([1, 1, 1, 1], 'constant'), [arange([4, 5])], {}).shape).toEqual([6, 7]);
  });

  it('data movement: bad permutations, ranges, reshapes, groups', () => {
    refuses('permute', { dims: [0, 0, 1] }, [[2, 3, 4]], {}, /not a permutation/);
    refuses('permute', { dims: [1, 0] }, [[2, 3, 4]], {}, /not a permutation/);
    refuses('slice', { dim: 1, start: 2, end: 4 }, [[2, 3]], {}, /not a range inside size 3/);
    refuses('slice', { dim: 2, start: 0, end: 1 }, [[2, 3]], {}, /out of range/);
    refuses('reshape', { shape: [4, 2] }, [[2, 3]], {}, /does not hold the 6 elements/);
    refuses('reshape', { shape: [-1, 2] }, [[2, 3]], {}, /not concrete/);
    refuses('channel_shuffle', { groups: 4 }, [[1, 6, 2, 2]], {}, /6 channels do not split into 4 groups/);
    refuses('channel_shuffle', { groups: 2 }, [[2, 6]], {}, /at least 3 dims/);
  });

  it('normalisation: dims outside the input, groups that do not divide, missing or misshapen affine params', () => {
    const ln = (begin: number, end: number, affine: boolean) => ({ begin, end, eps: 1e-5, elementwise_affine: affine });
    refuses('layer_norm', ln(1, 4, false), [[2, 3, 4]], {}, /do not fit/);
    refuses('layer_norm', ln(2, 2, false), [[2, 3, 4]], {}, /do not fit/);
    refuses('layer_norm', ln(2, 3, true), [[2, 3, 4]], {}, /missing parameter 'weight'/);
    refuses(
      'layer_norm',
      ln(1, 3, true),
      [[2, 3, 4]],
      { weight: arange([12]), bias: arange([12]) },
      /weight has shape \[12\], expected \[3, 4\]/,
    );
    const gn = { num_groups: 4, num_channels: 6, eps: 1e-5, affine: false };
    refuses('group_norm', gn, [[2, 6, 3]], {}, /6 channels do not split into 4 groups/);
    refuses('group_norm', { ...gn, num_groups: 2 }, [[2, 5, 3]], {}, /num_channels 6/);
  });

  it('reduce: dims must be spelled out, sorted, unique and in range', () => {
    refuses('reduce', { op: 'sum', dims: [], keepdim: false }, [[2, 3]], {}, /not sorted unique dims/);
    refuses('reduce', { op: 'sum', dims: [1, 0], keepdim: false }, [[2, 3]], {}, /not sorted unique dims/);
    refuses('reduce', { op: 'mean', dims: [2], keepdim: false }, [[2, 3]], {}, /not sorted unique dims/);
  });

  it('prelu and parameter: parameter counts and shapes', () => {
    refuses('prelu', { num_parameters: 2 }, [[1, 3, 2]], { weight: arange([2]) }, /neither 1 nor the channel count/);
    refuses(
      'prelu',
      { num_parameters: 3 },
      [[1, 3, 2]],
      { weight: arange([2]) },
      /weight has shape \[2\], expected \[3\]/,
    );
    refuses('parameter', { shape: [2] }, [[2]], { value: t([2], [1, 2]) }, /takes no inputs/);
    refuses('parameter', { shape: [3] }, [], { value: t([2], [1, 2]) }, /value has shape \[2\], expected \[3\]/);
    refuses('parameter', { shape: [2] }, [], {}, /missing parameter 'value'/);
  });

  it('hardtanh with min_val above max_val', () => {
    refuses('hardtanh', { min_val: 1, max_val: 0 }, [[2]], {}, /greater than max_val/);
  });
});
