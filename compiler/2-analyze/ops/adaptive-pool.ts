import type { ArgSpec, OpDef } from './op-def.ts';
import { REQUIRED } from './op-def.ts';
import { requireRank } from './shape-util.ts';

type Adaptive = 'adaptive_avgpool2d' | 'adaptive_maxpool2d';

function adaptiveDef<K extends Adaptive>(className: string, op: K, extra: readonly ArgSpec[]): OpDef<K> {
  return {
    className,
    op,
    args: [{ name: 'output_size', kind: 'output_size', default: REQUIRED, min: 1 }, ...extra],
    arity: { min: 1, max: 1 },
    infer(ctx) {
      const input = ctx.inputs[0];
      if (!requireRank(ctx, input, [4], 'N, C, H, W')) return null;
      const v = ctx.args.value('output_size');
      const pair = Array.isArray(v) ? v : [v, v];
      // None in output_size keeps the input's size along that axis
      const out = [pair[0] ?? input.shape[2], pair[1] ?? input.shape[3]];
      // a symbolic kept size is only shown; attrs reach backends after sizes are bound, when it is a number
      const attrs = {
        output_size: [typeof out[0] === 'number' ? out[0] : 0, typeof out[1] === 'number' ? out[1] : 0] as const,
      };
      return { shape: [input.shape[0], input.shape[1], out[0], out[1]], attrs };
    },
    params: () => [],
    macs: () => 0,
    receptive: () => ({ kind: 'global' }),
  };
}

export const adaptiveAvgPool2d = adaptiveDef('AdaptiveAvgPool2d', 'adaptive_avgpool2d', []);
/** Inference returns no indices, so return_indices must stay False. */
export const adaptiveMaxPool2d = adaptiveDef('AdaptiveMaxPool2d', 'adaptive_maxpool2d', [
  { name: 'return_indices', kind: 'bool', default: false, only: false },
]);
