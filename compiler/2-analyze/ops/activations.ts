import { showText } from '../../1-parse/escape.ts';
import { diag } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/suggest.ts';
import type { OpAttrs, OpName } from '../../ir/attrs.ts';
import { type ArgSpec, type BoundArgs, type OpDef, SAME_RF } from './op-def.ts';

const INPLACE: ArgSpec = { name: 'inplace', kind: 'bool', default: false };

/** An op of one input that keeps its shape (any rank) and has no parameters; `attrs` reads its arguments. */
export function sameShape<K extends OpName>(
  className: string,
  op: K,
  args: readonly ArgSpec[],
  attrs: (args: BoundArgs) => OpAttrs[K],
): OpDef<K> {
  return {
    className,
    op,
    args,
    arity: { min: 1, max: 1 },
    infer: (ctx) => ({ shape: ctx.inputs[0].shape, attrs: attrs(ctx.args) }),
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

const none = () => ({}) as Record<string, never>;

export const relu = sameShape('ReLU', 'relu', [INPLACE], none);
export const sigmoid = sameShape('Sigmoid', 'sigmoid', [], none);
export const tanh = sameShape('Tanh', 'tanh', [], none);
export const identity = sameShape('Identity', 'identity', [], none);
export const leakyRelu = sameShape(
  'LeakyReLU',
  'leaky_relu',
  [{ name: 'negative_slope', kind: 'float', default: 0.01 }, INPLACE],
  (a) => ({ negative_slope: a.value('negative_slope') as number }),
);

// torchvision's activations
/** ReLU6 is PyTorch's Hardtanh(0, 6). */
export const relu6 = sameShape('ReLU6', 'hardtanh', [INPLACE], () => ({ min_val: 0, max_val: 6 }));
export const hardswish = sameShape('Hardswish', 'hardswish', [INPLACE], none);
export const hardsigmoid = sameShape('Hardsigmoid', 'hardsigmoid', [INPLACE], none);
export const silu = sameShape('SiLU', 'silu', [INPLACE], none);
export const mish = sameShape('Mish', 'mish', [INPLACE], none);
export const elu = sameShape('ELU', 'elu', [{ name: 'alpha', kind: 'float', default: 1.0 }, INPLACE], (a) => ({
  alpha: a.value('alpha') as number,
}));

/** Hardtanh's bounds; the deprecated min_value / max_value, when given, replace them (as in PyTorch). */
function bounds(a: BoundArgs): { min: number; max: number; minName: string; maxName: string } {
  const minValue = a.value('min_value') as number | null;
  const maxValue = a.value('max_value') as number | null;
  return {
    min: minValue ?? (a.value('min_val') as number),
    max: maxValue ?? (a.value('max_val') as number),
    minName: minValue === null ? 'min_val' : 'min_value',
    maxName: maxValue === null ? 'max_val' : 'max_value',
  };
}

export const hardtanh: OpDef<'hardtanh'> = {
  ...sameShape(
    'Hardtanh',
    'hardtanh',
    [
      { name: 'min_val', kind: 'float', default: -1.0 },
      { name: 'max_val', kind: 'float', default: 1.0 },
      INPLACE,
      { name: 'min_value', kind: 'float', default: null, nullable: true },
      { name: 'max_value', kind: 'float', default: null, nullable: true },
    ],
    (a) => {
      const b = bounds(a);
      return { min_val: b.min, max_val: b.max };
    },
  ),
  check(args, report) {
    const b = bounds(args);
    if (b.max > b.min) return;
    report(
      diag(
        'InvalidArgumentValue',
        `Hardtanh needs ${b.maxName} greater than ${b.minName}, but ${b.maxName}=${b.max} and ${b.minName}=${b.min}`,
        args.span(b.maxName),
        `not above ${b.minName}`,
      )
        .label(args.given(b.minName) ? args.span(b.minName) : undefined, `${b.minName}=${b.min}`)
        .note('PyTorch raises AssertionError: its check `self.max_val > self.min_val` fails')
        .help(
          b.max < b.min
            ? `swap them: Hardtanh(min_val=${b.max}, max_val=${b.min})`
            : `give a ${b.maxName} above ${b.min}`,
        ),
    );
  },
};

const APPROXIMATIONS = ['none', 'tanh'] as const;

export const gelu: OpDef<'gelu'> = {
  ...sameShape('GELU', 'gelu', [{ name: 'approximate', kind: 'string', default: 'none' }], (a) => ({
    approximate: a.value('approximate') as 'none' | 'tanh',
  })),
  check(args, report) {
    const v = args.value('approximate') as string;
    if ((APPROXIMATIONS as readonly string[]).includes(v)) return;
    const guess = didYouMean(v.toLowerCase(), APPROXIMATIONS) ?? (v.toLowerCase() === 'none' ? 'none' : null);
    report(
      diag(
        'InvalidArgumentValue',
        `GELU argument \`approximate\` must be 'none' or 'tanh', but is '${showText(v, 64)}'`,
        args.span('approximate'),
        'not an approximation',
      )
        .note('PyTorch would fail at run time: approximate argument must be either none or tanh.')
        .help(guess ? `did you mean approximate='${guess}'?` : "use approximate='none' (exact) or 'tanh'"),
    );
  },
};
