import { diag } from '../../diagnostics/diagnostic.ts';
import type { LayerNormAttrs } from '../../ir/attrs.ts';
import { type Dim, dimsEqual, dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type ArgSpec, type BoundArgs, type InferCtx, type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf, pyList } from './arg-values.ts';
import { symbolicCheck, wrongRank } from './checks.ts';
import { callWithArg } from './shape-util.ts';

const ARGS: readonly ArgSpec[] = [
  { name: 'normalized_shape', kind: 'int_or_ints', default: REQUIRED, min: 1 },
  { name: 'eps', kind: 'float', default: 1e-5 },
  { name: 'elementwise_affine', kind: 'bool', default: true },
];

/**
 * LayerNormAttrs plus the parameters' shape, which [begin, end) alone does not give params() (an
 * extra field: backends read the sizes from the input).
 */
export type LayerNormOwnAttrs = LayerNormAttrs & { readonly normalized_shape: readonly number[] };

function attrsOf(args: BoundArgs, begin: number, end: number, shape: readonly number[]): LayerNormOwnAttrs {
  return {
    begin,
    end,
    eps: args.value('eps') as number,
    elementwise_affine: args.value('elementwise_affine') as boolean,
    normalized_shape: shape,
  };
}

function layerNormParams(a: LayerNormAttrs) {
  const shape = (a as LayerNormOwnAttrs).normalized_shape;
  return a.elementwise_affine
    ? [
        { name: 'weight' as const, shape },
        { name: 'bias' as const, shape },
      ]
    : [];
}

/** The edit that makes normalized_shape the given sizes, written as the user wrote it (int, tuple or list). */
function withShape(ctx: InferCtx, sizes: readonly Dim[]): string | null {
  const s = ctx.args.spanned('normalized_shape');
  if (!s || !sizes.every(isKnown)) return null;
  const text = ctx.text(s.span).trim();
  const inner = sizes.join(', ');
  const written =
    sizes.length === 1 && !s.items
      ? inner
      : text.startsWith('[')
        ? `[${inner}]`
        : `(${inner}${sizes.length === 1 ? ',' : ''})`;
  return callWithArg(ctx, 'normalized_shape', written);
}

/** PyTorch's run-time message for a normalized_shape the input does not end with. */
function pytorchMessage(shape: readonly number[], input: readonly Dim[]): string {
  return `Given normalized_shape=${pyList(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size${shapeToString(input)}`;
}

/** nn.LayerNorm: normalises over the trailing dims, which must equal normalized_shape. */
export const layerNorm: OpDef<'layer_norm'> = {
  className: 'LayerNorm',
  op: 'layer_norm',
  args: ARGS,
  arity: { min: 1, max: 1 },
  check(args, report) {
    if (intsOf(args.value('normalized_shape')).length > 0) return;
    report(
      diag(
        'InvalidArgumentValue',
        'LayerNorm argument `normalized_shape` is empty',
        args.span('normalized_shape'),
        'no sizes',
      )
        .note(
          'PyTorch would fail at run time: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []',
        )
        .help('give the sizes of the trailing dims to normalise, e.g. LayerNorm(768)'),
    );
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    const ns = intsOf(ctx.args.value('normalized_shape'));
    const rank = input.shape.length;
    const k = ns.length;
    const tail = input.shape.slice(Math.max(0, rank - k));
    const bad = rank < k || tail.some((d, i) => dimsEqual(d, ns[i]) === false);
    if (bad) {
      const fixed = rank >= k ? withShape(ctx, tail) : null;
      ctx.report(
        diag(
          'NormalizedShapeMismatch',
          `LayerNorm \`${ctx.id}\` normalises over ${pyList(ns)}, but \`${input.id}\` is ${shapeToString(input.shape)}${rank < k ? ` (${rank}-D)` : `, ending in ${shapeToString(tail)}`}`,
          ctx.args.span('normalized_shape'),
          `expects [*, ${ns.join(', ')}]`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note('normalized_shape must equal the last dimensions of the input')
          .note(`PyTorch would fail at run time: ${pytorchMessage(ns, input.shape)}`)
          .help(
            fixed
              ? `write \`${fixed}\``
              : `give at most ${rank} size${rank === 1 ? '' : 's'}, the last dims of the input`,
          ),
      );
      // the output keeps the input's shape, so checking goes on when the ranks allow it
      return rank < k ? null : { shape: input.shape, attrs: attrsOf(ctx.args, rank - k, rank, ns) };
    }
    const undecided = tail.findIndex((d, i) => dimsEqual(d, ns[i]) === null);
    if (undecided >= 0)
      symbolicCheck(
        ctx,
        `${dimToString(tail[undecided])} equals ${ns[undecided]}`,
        ctx.args.span('normalized_shape'),
        input,
      );
    return { shape: input.shape, attrs: attrsOf(ctx.args, rank - k, rank, ns) };
  },
  params: layerNormParams,
  macs: () => 0,
  receptive: () => SAME_RF,
};

/**
 * torchvision.models.convnext.LayerNorm2d: a LayerNorm over the channels of an NCHW tensor (it
 * permutes to NHWC, normalises the last dim, and permutes back).
 */
export const layerNorm2d: OpDef<'layer_norm'> = {
  className: 'LayerNorm2d',
  op: 'layer_norm',
  args: ARGS,
  arity: { min: 1, max: 1 },
  check(args, report) {
    const n = intsOf(args.value('normalized_shape')).length;
    if (n === 1) return;
    report(
      diag(
        'InvalidArgumentValue',
        `LayerNorm2d argument \`normalized_shape\` must be the channel count (one size), but has ${n} sizes`,
        args.span('normalized_shape'),
        `${n} sizes`,
      )
        .note(
          n === 0
            ? 'PyTorch would fail at run time: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []'
            : 'with more sizes PyTorch normalises the trailing dims of the NHWC tensor; cnnc takes LayerNorm2d over the channels only',
        )
        .help('give the number of channels, e.g. LayerNorm2d(96)'),
    );
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    const rank = input.shape.length;
    if (rank !== 4)
      return wrongRank(
        ctx,
        input,
        'a 4-D input (N, C, H, W)',
        `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${rank} is not equal to len(dims) = 4`,
      );
    const [want] = intsOf(ctx.args.value('normalized_shape'));
    const [n, c, h, w] = input.shape;
    if (isKnown(c) && c !== want) {
      const fixed = withShape(ctx, [c]);
      ctx.report(
        diag(
          'ChannelMismatch',
          `LayerNorm2d \`${ctx.id}\` expects ${want} channels, but \`${input.id}\` produces ${c}`,
          ctx.args.span('normalized_shape'),
          `expects ${want}`,
        )
          .label(
            input.channelSource.span,
            `${c} channels are produced here${input.channelSource.id !== input.id ? ` (and kept up to \`${input.id}\`)` : ''}`,
          )
          .note(`input of \`${ctx.id}\` has shape ${shapeToString(input.shape)}`)
          .note(`PyTorch would fail at run time: ${pytorchMessage([want], [n, h, w, c])}`)
          .help(fixed ? `write \`${fixed}\`` : `set normalized_shape=${c}`),
      );
    } else if (!isKnown(c))
      symbolicCheck(ctx, `${dimToString(c)} equals ${want}`, ctx.args.span('normalized_shape'), input);
    return { shape: input.shape, attrs: attrsOf(ctx.args, 1, 2, [want]) };
  },
  params: layerNormParams,
  macs: () => 0,
  receptive: () => SAME_RF,
};
