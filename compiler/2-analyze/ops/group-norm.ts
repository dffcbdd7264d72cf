import { diag } from '../../diagnostics/diagnostic.ts';
import type { GroupNormAttrs } from '../../ir/attrs.ts';
import { dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { divisors, symbolicCheck, wrongRank } from './checks.ts';
import { callWithArg } from './shape-util.ts';

/** nn.GroupNorm: statistics over groups of num_channels/num_groups channels and all later dims. */
export const groupNorm: OpDef<'group_norm'> = {
  className: 'GroupNorm',
  op: 'group_norm',
  args: [
    { name: 'num_groups', kind: 'int', default: REQUIRED, min: 1 },
    { name: 'num_channels', kind: 'int', default: REQUIRED, min: 1 },
    { name: 'eps', kind: 'float', default: 1e-5 },
    { name: 'affine', kind: 'bool', default: true },
  ],
  arity: { min: 1, max: 1 },
  check(args, report) {
    const g = args.value('num_groups') as number;
    const c = args.value('num_channels') as number;
    if (c % g === 0) return;
    report(
      diag(
        'ChannelGroups',
        `GroupNorm num_channels must be divisible by num_groups: ${c} is not divisible by ${g}`,
        args.span('num_groups'),
        `num_groups=${g}`,
      )
        .label(args.span('num_channels'), `num_channels=${c}`)
        .note('PyTorch raises ValueError: num_channels must be divisible by num_groups')
        .help(`choose num_groups among the divisors of ${c}: ${divisors(c).join(', ')}`),
    );
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    const rank = input.shape.length;
    if (rank < 2)
      return wrongRank(
        ctx,
        input,
        'an input of at least 2 dimensions (N, C, ...)',
        rank === 1
          ? 'Dimension out of range (expected to be in range of [-1, 0], but got 1)'
          : 'Dimension specified as 0 but tensor has no dimensions',
      );
    const g = ctx.args.value('num_groups') as number;
    const want = ctx.args.value('num_channels') as number;
    const affine = ctx.args.value('affine') as boolean;
    const c = input.shape[1];
    const attrs = (channels: number): GroupNormAttrs => ({
      num_groups: g,
      num_channels: channels,
      eps: ctx.args.value('eps') as number,
      affine,
    });
    if (!isKnown(c)) {
      symbolicCheck(
        ctx,
        affine ? `${dimToString(c)} equals num_channels=${want}` : `${dimToString(c)} channels divide into ${g} groups`,
        ctx.spans.call,
        input,
      );
      return { shape: input.shape, attrs: attrs(want) };
    }
    const source = `${c} channels are produced here${input.channelSource.id !== input.id ? ` (and kept up to \`${input.id}\`)` : ''}`;
    if (c % g !== 0) {
      ctx.report(
        diag(
          'ChannelGroups',
          `GroupNorm \`${ctx.id}\`: the ${c} channels of \`${input.id}\` do not divide into num_groups=${g}`,
          ctx.args.span('num_groups'),
          `${c} % ${g} = ${c % g}`,
        )
          .label(input.channelSource.span, source)
          .note(
            `PyTorch would fail at run time: Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeToString(input.shape)} and num_groups=${g}`,
          )
          .help(
            `the input needs ${want} channels, or num_groups among the divisors of ${c}: ${divisors(c).join(', ')}`,
          ),
      );
      return null;
    }
    // without affine there is no weight, and PyTorch normalises any channel count that divides
    if (affine && c !== want) {
      const fixed = callWithArg(ctx, 'num_channels', String(c));
      ctx.report(
        diag(
          'ChannelMismatch',
          `GroupNorm \`${ctx.id}\` expects ${want} channels, but \`${input.id}\` produces ${c}`,
          ctx.args.span('num_channels'),
          `expects ${want}`,
        )
          .label(input.channelSource.span, source)
          .note(`input of \`${ctx.id}\` has shape ${shapeToString(input.shape)}`)
          .note(
            `PyTorch would fail at run time: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [${want}] and input of shape ${shapeToString(input.shape)}`,
          )
          .help(fixed && c % g === 0 ? `write \`${fixed}\`` : `set num_channels=${c}`),
      );
      // the shape does not depend on it: checking goes on
      return { shape: input.shape, attrs: attrs(want) };
    }
    return { shape: input.shape, attrs: attrs(c) };
  },
  params: (a) =>
    a.affine
      ? [
          { name: 'weight', shape: [a.num_channels] },
          { name: 'bias', shape: [a.num_channels] },
        ]
      : [],
  macs: () => 0,
  receptive: () => SAME_RF,
};
