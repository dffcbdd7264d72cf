import type { ParameterAttrs } from '../../ir/attrs.ts';
import { type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf } from './arg-values.ts';

/**
 * ParameterAttrs plus the value default initialisation fills it with when no weights are given (an
 * extra field for the runtime's initialiser; a trained model's weights file always has the tensor).
 */
export type ParameterOwnAttrs = ParameterAttrs & { readonly fill: number };

/**
 * A free parameter tensor (nn.Parameter, e.g. ConvNeXt's layer_scale): no inputs; its value, whose
 * state_dict key is the node's id itself, is the output.
 */
export const parameter: OpDef<'parameter'> = {
  className: 'Parameter',
  op: 'parameter',
  args: [
    { name: 'shape', kind: 'int_or_ints', default: REQUIRED, min: 1 },
    { name: 'fill', kind: 'float', default: 0.0 },
  ],
  arity: { min: 0, max: 0 },
  infer(ctx) {
    const shape = intsOf(ctx.args.value('shape'));
    const attrs: ParameterOwnAttrs = { shape, fill: ctx.args.value('fill') as number };
    return { shape, attrs };
  },
  params: (a) => [{ name: 'value', shape: a.shape, ownKey: true }],
  macs: () => 0,
  receptive: () => SAME_RF,
};
