import type { LeakyReluAttrs, NoAttrs } from '../../ir/attrs.ts';
import { diag } from '../../diagnostics/diagnostic.ts';
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
/** Dropout is the identity at inference, which is all cnnc runs; PyTorch still refuses a p outside [0, 1]. */
export const dropout: OpDef<'identity'> = {
  ...elementwise('Dropout', 'identity', [
    { name: 'p', kind: 'float', default: 0.5 },
    { name: 'inplace', kind: 'bool', default: false },
  ]),
  check(args, report) {
    const p = args.value('p') as number;
    if (!(p >= 0 && p <= 1)) {
      report(
        diag(
          'InvalidArgumentValue',
          `Dropout argument \`p\` must be between 0 and 1, but is ${p}`,
          args.span('p'),
          'not a probability',
        )
          .note(`PyTorch raises ValueError: dropout probability has to be between 0 and 1, but got ${p}`)
          .help('use a probability such as p=0.5'),
      );
    }
  },
};

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
