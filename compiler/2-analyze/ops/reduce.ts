import type { ReduceAttrs } from '../../ir/attrs.ts';
import type { OpDef, Receptive } from './op-def.ts';
import { REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf } from './arg-values.ts';
import { resolveDimList } from './dims.ts';

const GLOBAL: Receptive = { kind: 'global' };

/**
 * cnnc's classes for `x.mean(dim, keepdim)` and `x.sum(dim, keepdim)`: dim an int or a tuple;
 * None or () reduces every dim (as PyTorch 1.13 does for an empty tuple).
 */
function reduceDef(className: string, op: ReduceAttrs['op']): OpDef<'reduce'> {
  return {
    className,
    op: 'reduce',
    args: [
      { name: 'dim', kind: 'int_or_ints', default: REQUIRED, nullable: true },
      { name: 'keepdim', kind: 'bool', default: false },
    ],
    arity: { min: 1, max: 1 },
    infer(ctx) {
      const input = ctx.inputs[0];
      const rank = input.shape.length;
      const v = ctx.args.value('dim');
      const given = v === null ? [] : intsOf(v);
      const keepdim = ctx.args.value('keepdim') as boolean;
      let dims: number[];
      if (given.length === 0) dims = input.shape.map((_, i) => i);
      // a 0-D tensor takes dim 0 or -1, as PyTorch wraps dims of scalars
      else if (rank === 0 && given.every((d) => d === 0 || d === -1)) dims = [];
      else {
        const resolved = resolveDimList(
          ctx,
          'dim',
          given,
          input,
          (d) => `dim ${d} appears multiple times in the list of dims`,
        );
        if (!resolved) return null;
        dims = resolved;
      }
      const sorted = [...dims].sort((a, b) => a - b);
      const shape = keepdim
        ? input.shape.map((d, i) => (sorted.includes(i) ? 1 : d))
        : input.shape.filter((_, i) => !sorted.includes(i));
      const attrs: ReduceAttrs = { op, dims: sorted, keepdim };
      return { shape, attrs };
    },
    params: () => [],
    macs: () => 0,
    // reducing H or W of an NCHW tensor gives every output the whole spatial input
    receptive: (a) => (a.dims.includes(2) || a.dims.includes(3) ? GLOBAL : SAME_RF),
  };
}

export const mean = reduceDef('Mean', 'mean');
export const sum = reduceDef('Sum', 'sum');
