import { diag } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/suggest.ts';
import { showText } from '../../1-parse/escape.ts';
import type { Conv2dAttrs, PaddingMode, Pads } from '../../ir/attrs.ts';
import { type Dim, dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { describeValue } from '../value.ts';
import { type ArgSpec, type BoundArgs, type InferCtx, type OpDef, REQUIRED } from './op-def.ts';
import { AXES, callWithArg, pairOf, requireRank, windowFormula, windowOut } from './shape-util.ts';
import { reflectPadMessage } from './pad2d.ts';

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const;

const TAIL_ARGS: readonly ArgSpec[] = [
  { name: 'kernel_size', kind: 'pair', default: REQUIRED, min: 1 },
  { name: 'stride', kind: 'pair', default: 1, min: 1 },
  { name: 'padding', kind: 'padding', default: 0, min: 0 },
  { name: 'dilation', kind: 'pair', default: 1, min: 1 },
  { name: 'groups', kind: 'int', default: 1, min: 1 },
  { name: 'bias', kind: 'bool', default: true },
  { name: 'padding_mode', kind: 'string', default: 'zeros' },
];

function check(args: BoundArgs, report: InferCtx['report'], lazy: boolean): void {
  const groups = args.value('groups') as number;
  const out = args.value('out_channels') as number;
  const inC = lazy ? null : args.value('in_channels');
  if (typeof inC === 'number' && inC % groups !== 0) {
    report(
      diag(
        'GroupsInChannels',
        `in_channels must be divisible by groups: ${inC} is not divisible by ${groups}`,
        args.span('groups'),
        `groups=${groups}`,
      )
        .label(args.span('in_channels'), `in_channels=${inC}`)
        .note('PyTorch raises ValueError: in_channels must be divisible by groups')
        .help(`choose groups among the divisors of both channel counts: ${commonDivisors(inC, out).join(', ')}`),
    );
  }
  if (out % groups !== 0) {
    report(
      diag(
        'GroupsOutChannels',
        `out_channels must be divisible by groups: ${out} is not divisible by ${groups}`,
        args.span('groups'),
        `groups=${groups}`,
      )
        .label(args.span('out_channels'), `out_channels=${out}`)
        .note('PyTorch raises ValueError: out_channels must be divisible by groups')
        .help(
          typeof inC === 'number'
            ? `choose groups among the divisors of both channel counts: ${commonDivisors(inC, out).join(', ')}`
            : `use an out_channels that is a multiple of ${groups}, e.g. ${Math.ceil(out / groups) * groups}`,
        ),
    );
  }
  const padding = args.value('padding');
  if (typeof padding === 'string') {
    if (padding !== 'same' && padding !== 'valid') {
      const guess = didYouMean(padding, ['same', 'valid']);
      report(
        diag(
          'BadPaddingString',
          `invalid padding string '${showText(padding, 64)}': expected 'same' or 'valid'`,
          args.span('padding'),
          'not a padding',
        )
          .note(
            `PyTorch raises ValueError: Invalid padding string '${showText(padding, 64)}', should be one of {'valid', 'same'}`,
          )
          .help(guess ? `did you mean padding='${guess}'?` : "write padding='same', padding='valid' or a number"),
      );
    } else if (padding === 'same') {
      const stride = pairOf(args.value('stride'));
      if (stride[0] !== 1 || stride[1] !== 1) {
        const k = pairOf(args.value('kernel_size'));
        const d = pairOf(args.value('dilation'));
        const sym = k.map((kk, i) => (d[i] * (kk - 1)) / 2);
        const fix = sym.every((p) => Number.isInteger(p))
          ? `use explicit padding with the stride: padding=${sym[0] === sym[1] ? sym[0] : `(${sym[0]}, ${sym[1]})`}`
          : "use explicit padding instead of padding='same'";
        report(
          diag(
            'SameWithStride',
            `padding='same' is not supported for strided convolutions (stride=${describeValue(args.value('stride'))})`,
            args.span('padding'),
            "'same' needs stride 1",
          )
            .label(args.span('stride'), 'stride is not 1')
            .note("PyTorch raises ValueError: padding='same' is not supported for strided convolutions")
            .help(fix),
        );
      }
    }
  }
  const mode = args.value('padding_mode') as string;
  if (!(PADDING_MODES as readonly string[]).includes(mode)) {
    const guess = didYouMean(mode, PADDING_MODES);
    report(
      diag(
        'BadPaddingMode',
        `padding_mode must be one of 'zeros', 'reflect', 'replicate' or 'circular', but got '${showText(mode, 64)}'`,
        args.span('padding_mode'),
        'unknown padding_mode',
      )
        .note(
          `PyTorch raises ValueError: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${showText(mode, 64)}'`,
        )
        .help(guess ? `did you mean padding_mode='${guess}'?` : "use padding_mode='zeros'"),
    );
  }
}

function commonDivisors(a: number, b: number): number[] {
  const out: number[] = [];
  for (let g = 1; g <= Math.min(a, b); g++) if (a % g === 0 && b % g === 0) out.push(g);
  return out;
}

/** Explicit pads [top, bottom, left, right] from PyTorch's padding argument. */
export function resolvePads(
  padding: unknown,
  kernel: readonly [number, number],
  dilation: readonly [number, number],
): Pads {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    // PyTorch: total d*(k-1); the smaller half before, the extra pixel after
    const th = dilation[0] * (kernel[0] - 1);
    const tw = dilation[1] * (kernel[1] - 1);
    return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  }
  const [ph, pw] = pairOf(padding as number);
  return [ph, ph, pw, pw];
}

function infer(ctx: InferCtx, lazy: boolean) {
  const { args } = ctx;
  const input = ctx.inputs[0];
  if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
  const [n, c, h, w] = input.shape;
  const kernel = pairOf(args.value('kernel_size'));
  const stride = pairOf(args.value('stride'));
  const dilation = pairOf(args.value('dilation'));
  const groups = args.value('groups') as number;
  const out = args.value('out_channels') as number;
  const mode = args.value('padding_mode') as PaddingMode;
  const pads = resolvePads(args.value('padding'), kernel, dilation);

  let inC = lazy ? null : (args.value('in_channels') as number | null);
  // already reported by check(); the weight shape would not be whole
  if (inC !== null && inC % groups !== 0) return null;
  if (inC !== null && isKnown(c) && c !== inC) {
    const fixed = callWithArg(ctx, 'in_channels', String(c));
    ctx.report(
      diag(
        'ChannelMismatch',
        `${ctx.className} \`${ctx.id}\` expects ${inC} input channels, but \`${input.id}\` produces ${c}`,
        args.span('in_channels'),
        `expects ${inC}`,
      )
        .label(
          input.channelSource.span,
          `${c} channels are produced here${input.channelSource.id !== input.id ? ` (and kept up to \`${input.id}\`)` : ''}`,
        )
        .note(`input of \`${ctx.id}\` has shape ${shapeToString(input.shape)}`)
        .note(
          `PyTorch would fail at run time: Given groups=${groups}, weight of size [${out}, ${inC / groups}, ${kernel[0]}, ${kernel[1]}], expected input${shapeToString(input.shape)} to have ${inC} channels, but got ${c} channels instead`,
        )
        .help(fixed ? `write \`${fixed}\`` : `set in_channels=${c}`),
    );
    // the layer's own arguments still fix its output shape, so checking goes on downstream
  }
  if (inC === null) {
    if (!isKnown(c)) {
      ctx.report(
        diag(
          'UnknownChannels',
          `${ctx.className} \`${ctx.id}\` cannot infer in_channels: the channel count of \`${input.id}\` is the symbol ${dimToString(c)}`,
          ctx.spans.call,
          'in_channels unknown',
        )
          .label(input.span, `channels are ${dimToString(c)} here`)
          .help('declare the input with a number of channels, e.g. `input x: [N, 3, H, W]`, or give in_channels'),
      );
      return null;
    }
    inC = c;
    if (inC % groups !== 0) {
      ctx.report(
        diag(
          'GroupsInChannels',
          `in_channels must be divisible by groups: \`${input.id}\` has ${inC} channels, not divisible by groups=${groups}`,
          args.span('groups'),
          `groups=${groups}`,
        )
          .label(input.span, `${inC} channels are produced here`)
          .note('PyTorch raises ValueError: in_channels must be divisible by groups')
          .help(`choose groups among the divisors of both channel counts: ${commonDivisors(inC, out).join(', ')}`),
      );
      return null;
    }
  }

  const sizes: Dim[] = [h, w];
  // F.pad checks the width's padding before the height's
  for (const i of [1, 0]) {
    const size = sizes[i];
    if (
      isKnown(size) &&
      mode !== 'zeros' &&
      !checkPadMode(ctx, mode, size, pads[i * 2], pads[i * 2 + 1], i, input.shape)
    )
      return null;
  }
  const outs: Dim[] = [];
  for (let i = 0; i < 2; i++) {
    const size = sizes[i];
    const lo = pads[i * 2];
    const hi = pads[i * 2 + 1];
    const effective = dilation[i] * (kernel[i] - 1) + 1;
    if (isKnown(size) && size + lo + hi < effective) {
      const [ph, pw] = [h, w].map((s, j) =>
        typeof s === 'number' ? s + pads[j * 2] + pads[j * 2 + 1] : dimToString(s),
      );
      const need = Math.ceil((effective - size) / 2);
      ctx.report(
        diag(
          'KernelLargerThanInput',
          `${ctx.className} \`${ctx.id}\`: kernel ${effective > kernel[i] ? `(dilated to ${effective}) ` : ''}${kernel[0]}x${kernel[1]} is larger than the padded input ${ph}x${pw}`,
          args.span('kernel_size'),
          `${AXES[i]} ${effective} > ${size + lo + hi}`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note(
            `padded ${AXES[i]}: ${size} + ${lo} + ${hi} = ${size + lo + hi}; kernel ${AXES[i]}: dilation*(k-1)+1 = ${dilation[i]}*(${kernel[i]}-1)+1 = ${effective}`,
          )
          .note(
            `PyTorch would fail at run time: Calculated padded input size per channel: (${ph} x ${pw}). Kernel size: (${dilation[0] * (kernel[0] - 1) + 1} x ${dilation[1] * (kernel[1] - 1) + 1}). Kernel size can't be greater than actual input size`,
          )
          .help(
            `use a kernel of at most ${size + lo + hi} along ${AXES[i]}, or padding=${need} (or more) so the padded ${AXES[i]} reaches ${effective}`,
          ),
      );
      return null;
    }
    const o = windowOut(size, lo, hi, kernel[i], stride[i], dilation[i], false);
    if (typeof o === 'number' && o < 1) {
      ctx.report(
        diag(
          'OutputTooSmall',
          `${ctx.className} \`${ctx.id}\`: output ${AXES[i]} would be ${o}`,
          ctx.spans.call,
          `${AXES[i]} ${o}`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note(windowFormula(AXES[i][0].toUpperCase(), size, lo, hi, kernel[i], stride[i], dilation[i], false, o)),
      );
      return null;
    }
    outs.push(o);
  }
  const attrs: Conv2dAttrs = {
    in_channels: inC,
    out_channels: out,
    kernel_size: kernel,
    stride,
    pads,
    dilation,
    groups,
    bias: args.value('bias') as boolean,
    padding_mode: mode,
  };
  return { shape: [n, out, outs[0], outs[1]], attrs };
}

/** PyTorch's limits for non-zero padding modes: reflect needs pad < size, circular pad <= size. */
function checkPadMode(
  ctx: InferCtx,
  mode: PaddingMode,
  size: number,
  lo: number,
  hi: number,
  axis: number,
  shape: readonly Dim[],
): boolean {
  const input = ctx.inputs[0];
  const dim = axis + 2;
  if (mode === 'reflect' && (lo >= size || hi >= size)) {
    ctx.report(
      diag(
        'ReflectPadTooBig',
        `${ctx.className} \`${ctx.id}\`: reflect padding ${Math.max(lo, hi)} must be smaller than the input ${AXES[axis]} ${size}`,
        ctx.args.span('padding'),
        `pad ${Math.max(lo, hi)} >= ${size}`,
      )
        .label(ctx.args.span('padding_mode'), 'reflect padding')
        .label(input.span, `\`${input.id}\` is ${shapeToString(shape)}`)
        .note(`PyTorch would fail at run time: ${reflectPadMessage(dim, shape.length, lo, hi)}`)
        .help(`use padding of at most ${size - 1}, or padding_mode='replicate' or 'zeros'`),
    );
    return false;
  }
  if (mode === 'circular' && (lo > size || hi > size)) {
    ctx.report(
      diag(
        'CircularPadTooBig',
        `${ctx.className} \`${ctx.id}\`: circular padding ${Math.max(lo, hi)} is larger than the input ${AXES[axis]} ${size}`,
        ctx.args.span('padding'),
        `pad ${Math.max(lo, hi)} > ${size}`,
      )
        .label(ctx.args.span('padding_mode'), 'circular padding')
        .label(input.span, `\`${input.id}\` is ${shapeToString(shape)}`)
        .note('PyTorch would fail at run time: Padding value causes wrapping around more than once.')
        .help(`use padding of at most ${size}`),
    );
    return false;
  }
  return true;
}

function makeDef(className: string, lazy: boolean): OpDef<'conv2d'> {
  const channelArgs: ArgSpec[] = lazy
    ? [{ name: 'out_channels', kind: 'int', default: REQUIRED, min: 1 }]
    : [
        { name: 'in_channels', kind: 'int', default: null, nullable: true, min: 1 },
        { name: 'out_channels', kind: 'int', default: REQUIRED, min: 1 },
      ];
  return {
    className,
    op: 'conv2d',
    args: [...channelArgs, ...TAIL_ARGS],
    arity: { min: 1, max: 1 },
    check: (args, report) => check(args, report, lazy),
    infer: (ctx) => infer(ctx, lazy),
    params: (a) => [
      { name: 'weight', shape: [a.out_channels, a.in_channels / a.groups, a.kernel_size[0], a.kernel_size[1]] },
      ...(a.bias ? [{ name: 'bias' as const, shape: [a.out_channels] }] : []),
    ],
    macs: (a, _ins, out) =>
      out.reduce((x, y) => x * y, 1) * (a.in_channels / a.groups) * a.kernel_size[0] * a.kernel_size[1],
    receptive: (a) => ({
      kind: 'window',
      kernel: [a.dilation[0] * (a.kernel_size[0] - 1) + 1, a.dilation[1] * (a.kernel_size[1] - 1) + 1],
      stride: a.stride,
    }),
  };
}

export const conv2d = makeDef('Conv2d', false);
/** PyTorch's LazyConv2d: Conv2d with in_channels inferred. */
export const lazyConv2d = makeDef('LazyConv2d', true);
