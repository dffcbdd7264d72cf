import { diag } from '../../diagnostics/diagnostic.ts';
import type { FlattenAttrs } from '../../ir/attrs.ts';
import { mul, type Dim } from '../../ir/dim.ts';
import type { OpDef } from './op-def.ts';
import { resolveDim } from './dims.ts';

export const flatten: OpDef<'flatten'> = {
  className: 'Flatten',
  op: 'flatten',
  args: [
    { name: 'start_dim', kind: 'int', default: 1 },
    { name: 'end_dim', kind: 'int', default: -1 },
  ],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    const start = resolveDim(ctx, 'start_dim', ctx.args.value('start_dim') as number, input);
    const end = resolveDim(ctx, 'end_dim', ctx.args.value('end_dim') as number, input);
    if (start === null || end === null) return null;
    if (start > end) {
      ctx.report(
        diag(
          'DimOutOfRange',
          `Flatten \`${ctx.id}\`: start_dim ${start} comes after end_dim ${end}`,
          ctx.args.span('start_dim'),
          'start after end',
        ).note('PyTorch would fail at run time: flatten() has invalid args: start_dim cannot come after end_dim'),
      );
      return null;
    }
    const s = input.shape;
    const merged = s.slice(start, end + 1).reduce<Dim>((a, d) => mul(a, d), 1);
    const attrs: FlattenAttrs = { start_dim: start, end_dim: end };
    return { shape: [...s.slice(0, start), merged, ...s.slice(end + 1)], attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => ({ kind: 'same' }),
};
