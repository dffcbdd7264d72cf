import type { LeakyReluAttrs, NoAttrs } from '../../ir/attrs.ts';
import { type OpDef, SAME_RF } from './op-def.ts';

type Elementwise = 'relu' | 'sigmoid' | 'tanh' | 'identity';

const NONE = {} as NoAttrs;

function elementwise<K extends Elementwise>(className: string, op: K, args: OpDef['args'] = []): OpDef<K> {
  return {
    className,
    op,
    args,
    arity: { min: 1, max: 1 },
    infer: (ctx) => ({ shape: ctx.inputs[0].shape, attrs: NONE as never }),
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const relu = elementwise('ReLU', 'relu', [{ name: 'inplace', kind: 'bool', default: false }]);
export const sigmoid = elementwise('Sigmoid', 'sigmoid');
export const tanh = elementwise('Tanh', 'tanh');
export const identity = elementwise('Identity', 'identity');
/** Dropout is the identity at inference, which is all cnnc runs. */
export const dropout = elementwise('Dropout', 'identity', [
  { name: 'p', kind: 'float', default: 0.5 },
  { name: 'inplace', kind: 'bool', default: false },
]);

export const leakyRelu: OpDef<'leaky_relu'> = {
  className: 'LeakyReLU',
  op: 'leaky_relu',
  args: [
    { name: 'negative_slope', kind: 'float', default: 0.01 },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const attrs: LeakyReluAttrs = { negative_slope: ctx.args.value('negative_slope') as number };
    return { shape: ctx.inputs[0].shape, attrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};
