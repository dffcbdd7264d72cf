import { diag } from '../../diagnostics/diagnostic.ts';
import type { PreluAttrs } from '../../ir/attrs.ts';
import { dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type OpDef, SAME_RF } from './op-def.ts';
import { symbolicCheck, wrongRank } from './checks.ts';
import { callWithArg } from './shape-util.ts';

/** PreluAttrs plus the slope default initialisation fills the weight with (an extra field for the initialiser). */
export type PreluOwnAttrs = PreluAttrs & { readonly init: number };

/**
 * PReLU: one learnt slope, or one per channel (dim 1; a 1-D input counts as one channel). PyTorch
 * makes any num_parameters >= 0 and checks it against the input when the layer runs.
 */
export const prelu: OpDef<'prelu'> = {
  className: 'PReLU',
  op: 'prelu',
  args: [
    { name: 'num_parameters', kind: 'int', default: 1, min: 0 },
    { name: 'init', kind: 'float', default: 0.25 },
  ],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    const n = ctx.args.value('num_parameters') as number;
    const attrs: PreluOwnAttrs = { num_parameters: n, init: ctx.args.value('init') as number };
    if (n === 1) return { shape: input.shape, attrs };
    const rank = input.shape.length;
    if (rank === 0)
      return wrongRank(ctx, input, 'an input of at least 1 dimension', 'Not allow zero-dim input tensor.');
    const c = rank === 1 ? 1 : input.shape[1];
    if (!isKnown(c)) {
      symbolicCheck(ctx, `${dimToString(c)} equals num_parameters=${n}`, ctx.args.span('num_parameters'), input);
      return { shape: input.shape, attrs };
    }
    if (c !== n) {
      const fixed = callWithArg(ctx, 'num_parameters', String(c));
      ctx.report(
        diag(
          'ChannelMismatch',
          `PReLU \`${ctx.id}\` has ${n} parameters, but \`${input.id}\` has ${c} channel${c === 1 ? '' : 's'}`,
          ctx.args.span('num_parameters'),
          `${n} parameters`,
        )
          .label(
            rank === 1 ? input.span : input.channelSource.span,
            rank === 1 ? `1-D ${shapeToString(input.shape)}: one channel` : `${c} channels are produced here`,
          )
          .note('num_parameters must be 1 (one slope for all) or the channel count (dim 1)')
          .note(
            `PyTorch would fail at run time: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${c}.`,
          )
          .help(fixed ? `write \`${fixed}\` (or PReLU() for one shared slope)` : `set num_parameters=${c}`),
      );
      // the shape does not depend on it: checking goes on
    }
    return { shape: input.shape, attrs };
  },
  params: (a) => [{ name: 'weight', shape: [a.num_parameters] }],
  macs: () => 0,
  receptive: () => SAME_RF,
};
