import { diag } from '../../diagnostics/diagnostic.ts';
import type { AvgPool2dAttrs, MaxPool2dAttrs } from '../../ir/attrs.ts';
import { type Dim, dimToString, shapeToString } from '../../ir/dim.ts';
import { type BoundArgs, type InferCtx, type OpDef, REQUIRED } from './op-def.ts';
import { AXES, type Pair, pairOf, requireRank, windowFormula, windowOut } from './shape-util.ts';

interface Window {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceil: boolean;
}

/** PyTorch pools default the stride to the kernel size (stride=None). */
function windowOf(args: BoundArgs, hasDilation: boolean): Window {
  const kernel = pairOf(args.value('kernel_size'));
  const strideArg = args.value('stride');
  return {
    kernel,
    stride: strideArg === null ? kernel : pairOf(strideArg),
    padding: pairOf(args.value('padding')),
    dilation: hasDilation ? pairOf(args.value('dilation')) : [1, 1],
    ceil: args.value('ceil_mode') as boolean,
  };
}

function checkPadding(args: BoundArgs, report: InferCtx['report'], className: string): void {
  const kernel = pairOf(args.value('kernel_size'));
  const padding = pairOf(args.value('padding'));
  for (let i = 0; i < 2; i++) {
    if (padding[i] > Math.floor(kernel[i] / 2)) {
      const fixed = Math.floor(kernel[i] / 2);
      report(
        diag(
          'PoolPadTooBig',
          `${className} padding ${padding[i]} is more than half the kernel size ${kernel[i]} (${AXES[i]})`,
          args.span('padding'),
          `pad ${padding[i]} > ${kernel[i]}/2`,
        )
          .label(args.span('kernel_size'), `kernel_size ${kernel[i]}`)
          .note(
            `PyTorch would fail at run time: pad should be at most half of kernel size, but got pad=${padding[i]} and kernel_size=${kernel[i]}`,
          )
          .help(`use padding of at most ${fixed}, or a kernel of at least ${padding[i] * 2}`),
      );
      return;
    }
  }
}

/** Output H and W of a pool, or null after reporting OutputTooSmall. */
function poolOut(ctx: InferCtx, win: Window): [Dim, Dim] | null {
  const input = ctx.inputs[0];
  const [, c, h, w] = input.shape;
  const outs: Dim[] = [];
  for (let i = 0; i < 2; i++) {
    const size = i === 0 ? h : w;
    const p = win.padding[i];
    outs.push(windowOut(size, p, p, win.kernel[i], win.stride[i], win.dilation[i], win.ceil));
  }
  const bad = outs.findIndex((o) => typeof o === 'number' && o < 1);
  if (bad >= 0) {
    const size = bad === 0 ? h : w;
    const p = win.padding[bad];
    const fmt = (d: Dim) => dimToString(d);
    ctx.report(
      diag(
        'OutputTooSmall',
        `${ctx.className} \`${ctx.id}\`: output ${AXES[bad]} would be ${fmt(outs[bad])}; the window does not fit in \`${input.id}\` ${shapeToString(input.shape)}`,
        ctx.args.span('kernel_size'),
        `window ${win.dilation[bad] * (win.kernel[bad] - 1) + 1} wide`,
      )
        .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
        .note(
          windowFormula(
            AXES[bad][0].toUpperCase(),
            size,
            p,
            p,
            win.kernel[bad],
            win.stride[bad],
            win.dilation[bad],
            win.ceil,
            outs[bad],
          ),
        )
        .note(
          `PyTorch would fail at run time: Given input size: (${fmt(c)}x${fmt(h)}x${fmt(w)}). Calculated output size: (${fmt(c)}x${fmt(outs[0])}x${fmt(outs[1])}). Output size is too small`,
        )
        .help(
          typeof size === 'number'
            ? `use a kernel_size of at most ${Math.max(1, Math.floor((size + 2 * p - 1) / win.dilation[bad]) + 1)}${win.dilation[bad] > 1 ? ' or a smaller dilation' : ''}, or remove a downsampling layer before it`
            : 'give the input a larger size',
        ),
    );
    return null;
  }
  return [outs[0], outs[1]];
}

export const maxPool2d: OpDef<'maxpool2d'> = {
  className: 'MaxPool2d',
  op: 'maxpool2d',
  args: [
    { name: 'kernel_size', kind: 'pair', default: REQUIRED, min: 1 },
    { name: 'stride', kind: 'pair', default: null, nullable: true, min: 1 },
    { name: 'padding', kind: 'pair', default: 0, min: 0 },
    { name: 'dilation', kind: 'pair', default: 1, min: 1 },
    { name: 'return_indices', kind: 'bool', default: false, only: false },
    { name: 'ceil_mode', kind: 'bool', default: false },
  ],
  arity: { min: 1, max: 1 },
  check: (args, report) => checkPadding(args, report, 'MaxPool2d'),
  infer(ctx) {
    const input = ctx.inputs[0];
    if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
    const win = windowOf(ctx.args, true);
    const hw = poolOut(ctx, win);
    if (!hw) return null;
    const attrs: MaxPool2dAttrs = {
      kernel_size: win.kernel,
      stride: win.stride,
      padding: win.padding,
      dilation: win.dilation,
      ceil_mode: win.ceil,
    };
    return { shape: [input.shape[0], input.shape[1], hw[0], hw[1]], attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: (a) => ({
    kind: 'window',
    kernel: [a.dilation[0] * (a.kernel_size[0] - 1) + 1, a.dilation[1] * (a.kernel_size[1] - 1) + 1],
    stride: a.stride,
  }),
};

export const avgPool2d: OpDef<'avgpool2d'> = {
  className: 'AvgPool2d',
  op: 'avgpool2d',
  args: [
    { name: 'kernel_size', kind: 'pair', default: REQUIRED, min: 1 },
    { name: 'stride', kind: 'pair', default: null, nullable: true, min: 1 },
    { name: 'padding', kind: 'pair', default: 0, min: 0 },
    { name: 'ceil_mode', kind: 'bool', default: false },
    { name: 'count_include_pad', kind: 'bool', default: true },
    { name: 'divisor_override', kind: 'int', default: null, nullable: true },
  ],
  arity: { min: 1, max: 1 },
  check(args, report) {
    checkPadding(args, report, 'AvgPool2d');
    if (args.value('divisor_override') === 0) {
      const d = args.spanned('divisor_override');
      report(
        diag(
          'DivisorZero',
          'AvgPool2d divisor_override must not be 0',
          d ? d.span : args.span('divisor_override'),
          'divides by zero',
        )
          .note('PyTorch would fail at run time: divisor must be not zero')
          .help('remove divisor_override, or give a positive divisor'),
      );
    }
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
    const win = windowOf(ctx.args, false);
    const hw = poolOut(ctx, win);
    if (!hw) return null;
    const attrs: AvgPool2dAttrs = {
      kernel_size: win.kernel,
      stride: win.stride,
      padding: win.padding,
      ceil_mode: win.ceil,
      count_include_pad: ctx.args.value('count_include_pad') as boolean,
      divisor_override: ctx.args.value('divisor_override') as number | null,
    };
    return { shape: [input.shape[0], input.shape[1], hw[0], hw[1]], attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: (a) => ({ kind: 'window', kernel: a.kernel_size, stride: a.stride }),
};
