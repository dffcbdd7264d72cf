import { diag } from '../../diagnostics/diagnostic.ts';
import type { PadAttrs, PadMode, Pads } from '../../ir/attrs.ts';
import { add, type Dim, dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type ArgSpec, type BoundArgs, type InferCtx, type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf } from './arg-values.ts';
import { wrongRank } from './checks.ts';

/**
 * PyTorch's message for reflect padding not smaller than the input: F.pad numbers its pad arguments
 * from the last dim (#4 is the width's, #6 the height's) and names the input by its rank.
 */
export function reflectPadMessage(dim: number, rank: number, lo: number, hi: number): string {
  return `Argument #${(rank - 1 - dim) * 2 + 4}: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${dim} of input ${rank}`;
}

/** [top, bottom, left, right] from PyTorch's padding: an int, or (left, right, top, bottom). */
export function padsOf(v: unknown): Pads {
  const p = intsOf(v as number);
  if (p.length === 1) return [p[0], p[0], p[0], p[0]];
  return [p[2], p[3], p[0], p[1]];
}

function checkPadding(className: string, args: BoundArgs, report: InferCtx['report']): void {
  const v = args.value('padding');
  const n = intsOf(v).length;
  if (typeof v === 'number' || n === 4) return;
  report(
    diag(
      'InvalidArgumentValue',
      `${className} argument \`padding\` must be an int or 4 ints (left, right, top, bottom), but has ${n}`,
      args.span('padding'),
      `${n} values`,
    )
      .note(
        n % 2 === 1
          ? 'PyTorch would fail at run time: Padding length must be divisible by 2'
          : `with ${n} values PyTorch pads ${n === 2 ? 'only the last dimension' : `the last ${n / 2} dimensions`}; cnnc's ${className} pads height and width`,
      )
      .help(
        n === 2 ? `write (${intsOf(v).join(', ')}, 0, 0) to pad only the width` : 'give (left, right, top, bottom)',
      ),
  );
}

const AXIS = ['height', 'width'] as const;

/**
 * Output sizes of each padded axis, after PyTorch's own checks for known sizes: reflect padding
 * smaller than the input, and crops (negative padding) that leave something.
 */
function padOut(ctx: InferCtx, mode: PadMode, pads: Pads): [Dim, Dim] | null {
  const input = ctx.inputs[0];
  const rank = input.shape.length;
  const sizes = [input.shape[rank - 2], input.shape[rank - 1]];
  const padSpan = ctx.args.span('padding');
  const formula = (i: number) => {
    const [lo, hi] = [pads[i * 2], pads[i * 2 + 1]];
    const s = sizes[i] as number;
    const names = i === 0 ? 'top + bottom' : 'left + right';
    return `${AXIS[i]}: ${i === 0 ? 'H' : 'W'}_out = ${i === 0 ? 'H' : 'W'} + ${names} = ${s} + ${lo < 0 ? `(${lo})` : lo} + ${hi < 0 ? `(${hi})` : hi} = ${s + lo + hi}`;
  };
  const tooSmall = (i: number, pytorch: string | null, what?: string) => {
    const d = diag(
      'OutputTooSmall',
      `${ctx.className} \`${ctx.id}\`: ${what ?? `the output ${AXIS[i]} would be ${(sizes[i] as number) + pads[i * 2] + pads[i * 2 + 1]}`}`,
      padSpan,
      `crops ${AXIS[i]} to ${(sizes[i] as number) + pads[i * 2] + pads[i * 2 + 1]}`,
    )
      .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
      .note(formula(i))
      .note(
        pytorch
          ? `PyTorch would fail at run time: ${pytorch}`
          : 'PyTorch gives an empty tensor; cnnc has no empty tensors',
      );
    ctx.report(
      d.help(`crop less: negative padding may remove at most ${(sizes[i] as number) - 1} along ${AXIS[i]} in total`),
    );
    return null;
  };
  if (mode === 'reflect') {
    // PyTorch checks the width first
    for (const i of [1, 0]) {
      const s = sizes[i];
      const [lo, hi] = [pads[i * 2], pads[i * 2 + 1]];
      if (!isKnown(s) || (lo < s && hi < s)) continue;
      ctx.report(
        diag(
          'ReflectPadTooBig',
          `${ctx.className} \`${ctx.id}\`: reflect padding ${Math.max(lo, hi)} must be smaller than the input ${AXIS[i]} ${s}`,
          padSpan,
          `pad ${Math.max(lo, hi)} >= ${s}`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note(`PyTorch would fail at run time: ${reflectPadMessage(rank - 2 + i, rank, lo, hi)}`)
          .help(`use padding of at most ${s - 1} along ${AXIS[i]}, or ReplicationPad2d`),
      );
      return null;
    }
  }
  if (!sizes.every(isKnown)) return [add(sizes[0], pads[0] + pads[1]), add(sizes[1], pads[2] + pads[3])];
  const [h, w] = sizes as number[];
  const outs = [h + pads[0] + pads[1], w + pads[2] + pads[3]];
  if (mode === 'constant') {
    // F.pad in constant mode first crops each dim with narrow(), height then width
    for (const i of [0, 1]) {
      let s = sizes[i] as number;
      const [lo, hi] = [pads[i * 2], pads[i * 2 + 1]];
      if (lo < 0) {
        if (-lo > s)
          return tooSmall(
            i,
            `Dimension out of range (expected to be in range of [${-s}, ${s - 1}], but got ${-lo})`,
            `the padding ${lo} crops more than the ${AXIS[i]} ${s} has`,
          );
        s += lo;
      }
      if (hi < 0 && s + hi < 0) return tooSmall(i, `start (0) + length (${s + hi}) exceeds dimension size (${s}).`);
    }
  } else if (outs[0] < 1 && outs[1] < 1) {
    // the two kernels word it differently, spaces included
    const what =
      mode === 'replicate' ? `input (H: ${h}, W: ${w} ) is too small.` : `input (H: ${h}, W: ${w})is too small.`;
    return tooSmall(outs[0] < outs[1] ? 0 : 1, `${what} Calculated output H: ${outs[0]} W: ${outs[1]}`);
  } else {
    const neg = outs.findIndex((o) => o < 0);
    if (neg >= 0) {
      const shape = [...input.shape.slice(0, rank - 2), ...outs].map(dimToString).join(', ');
      return tooSmall(
        neg,
        mode === 'replicate'
          ? `Trying to create tensor with negative dimension ${outs[neg]}: [${shape}]`
          : 'numel: integer multiplication overflow',
      );
    }
  }
  const empty = outs.findIndex((o) => o < 1);
  if (empty >= 0) return tooSmall(empty, null);
  return [outs[0], outs[1]];
}

function padDef(className: string, mode: PadMode, extra: readonly ArgSpec[]): OpDef<'pad'> {
  return {
    className,
    op: 'pad',
    args: [{ name: 'padding', kind: 'int_or_ints', default: REQUIRED }, ...extra],
    arity: { min: 1, max: 1 },
    check: (args, report) => checkPadding(className, args, report),
    infer(ctx) {
      const input = ctx.inputs[0];
      const rank = input.shape.length;
      if (mode === 'constant' ? rank < 2 : rank !== 3 && rank !== 4) {
        return wrongRank(
          ctx,
          input,
          mode === 'constant' ? 'an input of at least 2 dimensions' : 'a 3-D or 4-D input (C, H, W or N, C, H, W)',
          rank < 2
            ? 'Padding length too large'
            : 'Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now',
        );
      }
      const pads = padsOf(ctx.args.value('padding'));
      const hw = padOut(ctx, mode, pads);
      if (!hw) return null;
      const value = mode === 'constant' && className === 'ConstantPad2d' ? (ctx.args.value('value') as number) : 0;
      const attrs: PadAttrs = { pads, mode, value };
      return { shape: [...input.shape.slice(0, rank - 2), hw[0], hw[1]], attrs };
    },
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const zeroPad2d = padDef('ZeroPad2d', 'constant', []);
export const constantPad2d = padDef('ConstantPad2d', 'constant', [{ name: 'value', kind: 'float', default: REQUIRED }]);
export const reflectionPad2d = padDef('ReflectionPad2d', 'reflect', []);
export const replicationPad2d = padDef('ReplicationPad2d', 'replicate', []);
