import type { AdaptiveAvgPool2dAttrs } from '../../ir/attrs.ts';
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
    // a symbolic kept size is only shown; attrs reach backends after sizes are bound, when it is a number
    const attrs: AdaptiveAvgPool2dAttrs = {
      output_size: [typeof out[0] === 'number' ? out[0] : 0, typeof out[1] === 'number' ? out[1] : 0],
    };
    return { shape: [input.shape[0], input.shape[1], out[0], out[1]], attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => ({ kind: 'global' }),
};
