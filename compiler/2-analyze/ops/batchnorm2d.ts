import { diag } from '../../diagnostics/diagnostic.ts';
import type { BatchNorm2dAttrs } from '../../ir/attrs.ts';
import { dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type ArgSpec, type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { callWithArg, requireRank } from './shape-util.ts';

const TAIL: readonly ArgSpec[] = [
  { name: 'eps', kind: 'float', default: 1e-5 },
  { name: 'momentum', kind: 'float', default: 0.1, nullable: true },
  { name: 'affine', kind: 'bool', default: true },
  { name: 'track_running_stats', kind: 'bool', default: true },
];

function makeDef(className: string, lazy: boolean): OpDef<'batchnorm2d'> {
  return {
    className,
    op: 'batchnorm2d',
    args: lazy ? TAIL : [{ name: 'num_features', kind: 'int', default: REQUIRED, nullable: true, min: 1 }, ...TAIL],
    arity: { min: 1, max: 1 },
    infer(ctx) {
      const input = ctx.inputs[0];
      if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
      const c = input.shape[1];
      // None (or LazyBatchNorm2d) infers num_features from the input
      const given = lazy ? null : (ctx.args.value('num_features') as number | null);
      if (given !== null && isKnown(c) && c !== given) {
        const fixed = callWithArg(ctx, 'num_features', String(c));
        ctx.report(
          diag(
            'ChannelMismatch',
            `${className} \`${ctx.id}\` expects ${given} channels, but \`${input.id}\` produces ${c}`,
            ctx.args.span('num_features'),
            `expects ${given}`,
          )
            .label(
              input.channelSource.span,
              `${c} channels are produced here${input.channelSource.id !== input.id ? ` (and kept up to \`${input.id}\`)` : ''}`,
            )
            .note(`input of \`${ctx.id}\` has shape ${shapeToString(input.shape)}`)
            .note(`PyTorch would fail at run time: running_mean should contain ${c} elements not ${given}`)
            .help(fixed ? `write \`${fixed}\`` : `set num_features=${c}`),
        );
      }
      const features = given ?? c;
      if (!isKnown(features)) {
        ctx.report(
          diag(
            'UnknownChannels',
            `${className} \`${ctx.id}\` cannot infer num_features: the channel count of \`${input.id}\` is the symbol ${dimToString(features)}`,
            ctx.spans.call,
            'num_features unknown',
          )
            .label(input.span, `channels are ${dimToString(features)} here`)
            .help('declare the input with a number of channels, or give num_features'),
        );
        return null;
      }
      const attrs: BatchNorm2dAttrs = {
        num_features: features,
        eps: ctx.args.value('eps') as number,
        momentum: ctx.args.value('momentum') as number | null,
        affine: ctx.args.value('affine') as boolean,
        track_running_stats: ctx.args.value('track_running_stats') as boolean,
      };
      return { shape: input.shape, attrs };
    },
    params: (a) => [
      ...(a.affine
        ? [
            { name: 'weight' as const, shape: [a.num_features] },
            { name: 'bias' as const, shape: [a.num_features] },
          ]
        : []),
      ...(a.track_running_stats
        ? [
            { name: 'running_mean' as const, shape: [a.num_features] },
            { name: 'running_var' as const, shape: [a.num_features] },
          ]
        : []),
    ],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const batchNorm2d = makeDef('BatchNorm2d', false);
export const lazyBatchNorm2d = makeDef('LazyBatchNorm2d', true);
