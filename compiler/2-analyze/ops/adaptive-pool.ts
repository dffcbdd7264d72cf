import type { AdaptiveAvgPool2dAttrs } from '../../ir/attrs.ts';
import { diag } from '../../diagnostics/diagnostic.ts';
import type { OpDef } from './op-def.ts';
import { REQUIRED } from './op-def.ts';
import { requireRank } from './shape-util.ts';

export const adaptiveAvgPool2d: OpDef<'adaptive_avgpool2d'> = {
  className: 'AdaptiveAvgPool2d',
  op: 'adaptive_avgpool2d',
  args: [{ name: 'output_size', kind: 'output_size', default: REQUIRED, min: 1 }],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
    const v = ctx.args.value('output_size');
    const pair = Array.isArray(v) ? v : [v, v];
    // None in output_size keeps the input's size along that axis
    const out = [pair[0] ?? input.shape[2], pair[1] ?? input.shape[3]];
    if (typeof out[0] !== 'number' || typeof out[1] !== 'number') {
      ctx.report(
        diag('UnknownChannels', `AdaptiveAvgPool2d \`${ctx.id}\`: output_size None keeps a symbolic size, which cannot be compiled`, ctx.args.span('output_size'), 'symbolic size')
          .help('give both output sizes as numbers'),
      );
      return null;
    }
    const attrs: AdaptiveAvgPool2dAttrs = { output_size: [out[0] as number, out[1] as number] };
    return { shape: [input.shape[0], input.shape[1], out[0], out[1]], attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => ({ kind: 'global' }),
};
