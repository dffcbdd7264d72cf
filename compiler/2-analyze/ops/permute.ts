import { diag } from '../../diagnostics/diagnostic.ts';
import type { ChannelShuffleAttrs, PermuteAttrs } from '../../ir/attrs.ts';
import { dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf, pyList } from './arg-values.ts';
import { divisors, symbolicCheck, wrongRank } from './checks.ts';
import { resolveDim, resolveDimList } from './dims.ts';

/** torchvision.ops.misc.Permute: output dim i is input dim dims[i]; dims is a permutation of range(rank). */
export const permute: OpDef<'permute'> = {
  className: 'Permute',
  op: 'permute',
  args: [{ name: 'dims', kind: 'ints', default: REQUIRED }],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    const given = intsOf(ctx.args.value('dims'));
    const rank = input.shape.length;
    if (given.length !== rank) {
      return wrongRank(
        ctx,
        input,
        `a ${given.length}-D input (dims=${pyList(given)} orders ${given.length} dimensions)`,
        `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${rank} is not equal to len(dims) = ${given.length}`,
        `list each of the ${rank} dimensions once, e.g. dims=${pyList(Array.from({ length: rank }, (_, i) => i))}`,
      );
    }
    const dims = resolveDimList(ctx, 'dims', given, input, () => 'permute(): duplicate dims are not allowed.');
    if (!dims) return null;
    const attrs: PermuteAttrs = { dims };
    return { shape: dims.map((d) => input.shape[d]), attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};

/** cnnc's class for `x.transpose(dim0, dim1)` / `torch.transpose`: a permute that swaps two dims. */
export const transpose: OpDef<'permute'> = {
  className: 'Transpose',
  op: 'permute',
  args: [
    { name: 'dim0', kind: 'int', default: REQUIRED },
    { name: 'dim1', kind: 'int', default: REQUIRED },
  ],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    // PyTorch lets a 0-D tensor be transposed with dims 0 / -1: nothing moves
    const scalarOk = (d: unknown) => d === 0 || d === -1;
    if (input.shape.length === 0 && scalarOk(ctx.args.value('dim0')) && scalarOk(ctx.args.value('dim1')))
      return { shape: input.shape, attrs: { dims: [] } };
    const a = resolveDim(ctx, 'dim0', ctx.args.value('dim0') as number, input);
    const b = resolveDim(ctx, 'dim1', ctx.args.value('dim1') as number, input);
    if (a === null || b === null) return null;
    const dims = input.shape.map((_, i) => (i === a ? b : i === b ? a : i));
    const attrs: PermuteAttrs = { dims };
    return { shape: dims.map((d) => input.shape[d]), attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};

/** nn.ChannelShuffle: [N, g*k, ...] viewed as [N, g, k, ...], dims 1 and 2 swapped, flattened back. */
export const channelShuffle: OpDef<'channel_shuffle'> = {
  className: 'ChannelShuffle',
  op: 'channel_shuffle',
  args: [{ name: 'groups', kind: 'int', default: REQUIRED }],
  arity: { min: 1, max: 1 },
  check(args, report) {
    const g = args.value('groups') as number;
    if (g >= 1) return;
    report(
      diag(
        'InvalidArgumentValue',
        `ChannelShuffle argument \`groups\` must be at least 1, but is ${g}`,
        args.span('groups'),
        'must be >= 1',
      ).note(
        `PyTorch would fail at run time: Number of groups to divide channels in must be positive. Value of groups:${g}`,
      ),
    );
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    const groups = ctx.args.value('groups') as number;
    if (input.shape.length <= 2) {
      return wrongRank(
        ctx,
        input,
        'an input of more than 2 dimensions (N, C, ...)',
        `channel_shuffle expects input with > 2 dims, but got input with sizes ${shapeToString(input.shape)}`,
      );
    }
    const c = input.shape[1];
    if (!isKnown(c))
      symbolicCheck(ctx, `${dimToString(c)} channels divide into ${groups} groups`, ctx.spans.call, input);
    else if (c % groups !== 0) {
      const ok = divisors(c);
      ctx.report(
        diag(
          'ChannelGroups',
          `ChannelShuffle \`${ctx.id}\`: ${c} channels do not divide into groups=${groups}`,
          ctx.args.span('groups'),
          `${c} % ${groups} = ${c % groups}`,
        )
          .label(input.channelSource.span, `${c} channels are produced here`)
          .note(
            `PyTorch would fail at run time: Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`,
          )
          .help(`use groups among the divisors of ${c}: ${ok.join(', ')}`),
      );
      return null;
    }
    const attrs: ChannelShuffleAttrs = { groups };
    return { shape: input.shape, attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};
