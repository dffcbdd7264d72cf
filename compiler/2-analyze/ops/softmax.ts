import type { SoftmaxAttrs } from '../../ir/attrs.ts';
import { type OpDef, SAME_RF } from './op-def.ts';
import { resolveDim } from './dims.ts';

export const softmax: OpDef<'softmax'> = {
  className: 'Softmax',
  op: 'softmax',
  args: [{ name: 'dim', kind: 'int', default: null, nullable: true }],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    const rank = input.shape.length;
    const given = ctx.args.value('dim') as number | null;
    // PyTorch's implicit dim (deprecated): 0 for ranks 0, 1 and 3, else 1
    const dim = given ?? (rank === 0 || rank === 1 || rank === 3 ? 0 : 1);
    const resolved = resolveDim(ctx, 'dim', dim, input);
    if (resolved === null) return null;
    const attrs: SoftmaxAttrs = { dim: resolved };
    return { shape: input.shape, attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};
