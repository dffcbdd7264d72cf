/**
 * The functional forms a `forward` uses (`F.relu(x)`, `torch.cat((a, b), 1)`, `x.chunk(2, dim=1)`),
 * each mapped to the op class that computes it. A form has its own Python signature (positional
 * order and defaults differ from the class: `F.max_pool2d` puts ceil_mode before return_indices,
 * `torch.flatten` starts at dim 0), so each entry lists its parameters and the op argument each binds.
 */
import type { Value } from './value.ts';

export interface FunctionalForm {
  /** the op class (a key of OPS) that computes it */
  readonly op: string;
  /** what the leading positional arguments are: one tensor, or one tuple/list of tensors (`torch.cat`) */
  readonly tensors: 'one' | 'list';
  /** the Python parameters after the tensors, in order: [its name, the op argument it binds, or null: accepted and ignored] */
  readonly params: readonly (readonly [string, string | null])[];
  /** defaults of the functional form that differ from the op's */
  readonly defaults?: Readonly<Record<string, Value>>;
  /** `x.view(2, -1)`: every positional argument after the tensor is one item of this op argument */
  readonly varargs?: string;
  /** several tensors come out (Chunk, Split): unpack them `a, b = x.chunk(2, 1)` */
  readonly multi?: boolean;
}

const INPLACE = ['inplace', null] as const;

const act = (op: string, ...params: (readonly [string, string | null])[]): FunctionalForm => ({
  op,
  tensors: 'one',
  params: [...params, INPLACE],
});

/** `F.<name>` (also `nn.functional.<name>` and `torch.nn.functional.<name>`). */
const FUNCTIONAL: Readonly<Record<string, FunctionalForm>> = {
  relu: act('ReLU'),
  relu6: act('ReLU6'),
  hardtanh: act('Hardtanh', ['min_val', 'min_val'], ['max_val', 'max_val']),
  hardswish: act('Hardswish'),
  hardsigmoid: act('Hardsigmoid'),
  silu: act('SiLU'),
  mish: act('Mish'),
  elu: act('ELU', ['alpha', 'alpha']),
  leaky_relu: act('LeakyReLU', ['negative_slope', 'negative_slope']),
  gelu: { op: 'GELU', tensors: 'one', params: [['approximate', 'approximate']] },
  sigmoid: { op: 'Sigmoid', tensors: 'one', params: [] },
  tanh: { op: 'Tanh', tensors: 'one', params: [] },
  softmax: {
    op: 'Softmax',
    tensors: 'one',
    params: [
      ['dim', 'dim'],
      ['_stacklevel', null],
      ['dtype', null],
    ],
  },
  dropout: {
    op: 'Dropout',
    tensors: 'one',
    params: [['p', 'p'], ['training', null], INPLACE],
  },
  dropout2d: {
    op: 'Dropout2d',
    tensors: 'one',
    params: [['p', 'p'], ['training', null], INPLACE],
  },
  max_pool2d: {
    op: 'MaxPool2d',
    tensors: 'one',
    params: [
      ['kernel_size', 'kernel_size'],
      ['stride', 'stride'],
      ['padding', 'padding'],
      ['dilation', 'dilation'],
      ['ceil_mode', 'ceil_mode'],
      ['return_indices', 'return_indices'],
    ],
  },
  avg_pool2d: {
    op: 'AvgPool2d',
    tensors: 'one',
    params: [
      ['kernel_size', 'kernel_size'],
      ['stride', 'stride'],
      ['padding', 'padding'],
      ['ceil_mode', 'ceil_mode'],
      ['count_include_pad', 'count_include_pad'],
      ['divisor_override', 'divisor_override'],
    ],
  },
  adaptive_avg_pool2d: { op: 'AdaptiveAvgPool2d', tensors: 'one', params: [['output_size', 'output_size']] },
  adaptive_max_pool2d: {
    op: 'AdaptiveMaxPool2d',
    tensors: 'one',
    params: [
      ['output_size', 'output_size'],
      ['return_indices', 'return_indices'],
    ],
  },
  channel_shuffle: { op: 'ChannelShuffle', tensors: 'one', params: [['groups', 'groups']] },
};

const flatten: FunctionalForm = {
  op: 'Flatten',
  tensors: 'one',
  params: [
    ['start_dim', 'start_dim'],
    ['end_dim', 'end_dim'],
  ],
  defaults: { start_dim: 0 },
};
const cat: FunctionalForm = { op: 'Concat', tensors: 'list', params: [['dim', 'dim']], defaults: { dim: 0 } };
const chunk: FunctionalForm = {
  op: 'Chunk',
  tensors: 'one',
  params: [
    ['chunks', 'chunks'],
    ['dim', 'dim'],
  ],
  defaults: { dim: 0 },
  multi: true,
};
const split: FunctionalForm = {
  op: 'Split',
  tensors: 'one',
  params: [
    ['split_size_or_sections', 'split_size_or_sections'],
    ['dim', 'dim'],
  ],
  defaults: { dim: 0 },
  multi: true,
};
const reduce = (op: string): FunctionalForm => ({
  op,
  tensors: 'one',
  params: [
    ['dim', 'dim'],
    ['keepdim', 'keepdim'],
    ['dtype', null],
  ],
  defaults: { dim: null },
});
const transpose: FunctionalForm = {
  op: 'Transpose',
  tensors: 'one',
  params: [
    ['dim0', 'dim0'],
    ['dim1', 'dim1'],
  ],
};
const narrow: FunctionalForm = {
  op: 'Narrow',
  tensors: 'one',
  params: [
    ['dim', 'dim'],
    ['start', 'start'],
    ['length', 'length'],
  ],
};
const unflatten: FunctionalForm = {
  op: 'Unflatten',
  tensors: 'one',
  params: [
    ['dim', 'dim'],
    ['sizes', 'unflattened_size'],
  ],
};

/** `torch.<name>` */
const TORCH: Readonly<Record<string, FunctionalForm>> = {
  relu: FUNCTIONAL.relu,
  sigmoid: FUNCTIONAL.sigmoid,
  tanh: FUNCTIONAL.tanh,
  softmax: FUNCTIONAL.softmax,
  max_pool2d: FUNCTIONAL.max_pool2d,
  channel_shuffle: FUNCTIONAL.channel_shuffle,
  flatten,
  cat,
  concat: cat,
  concatenate: cat,
  chunk,
  split,
  mean: reduce('Mean'),
  sum: reduce('Sum'),
  transpose,
  narrow,
  unflatten,
  reshape: { op: 'Reshape', tensors: 'one', params: [['shape', 'shape']] },
  permute: { op: 'Permute', tensors: 'one', params: [['dims', 'dims']] },
};

/** `x.<name>(...)` on a tensor. */
const METHODS: Readonly<Record<string, FunctionalForm>> = {
  relu: FUNCTIONAL.relu,
  sigmoid: FUNCTIONAL.sigmoid,
  tanh: FUNCTIONAL.tanh,
  softmax: FUNCTIONAL.softmax,
  flatten,
  chunk,
  split,
  mean: reduce('Mean'),
  sum: reduce('Sum'),
  transpose,
  narrow,
  unflatten,
  view: { op: 'View', tensors: 'one', params: [], varargs: 'shape' },
  reshape: { op: 'Reshape', tensors: 'one', params: [], varargs: 'shape' },
  permute: { op: 'Permute', tensors: 'one', params: [], varargs: 'dims' },
};

/** Methods that return the tensor itself: no node. */
export const IDENTITY_METHODS: ReadonlySet<string> = new Set(['contiguous', 'clone', 'detach', 'float']);

/** Arithmetic by name: `torch.add(a, b)`, `x.mul(s)`: the same as the operators. */
export const ARITHMETIC: Readonly<Record<string, '+' | '-' | '*' | '/'>> = {
  add: '+',
  sub: '-',
  subtract: '-',
  mul: '*',
  multiply: '*',
  div: '/',
  divide: '/',
  true_divide: '/',
};

const PREFIXES: readonly (readonly [string, Readonly<Record<string, FunctionalForm>>])[] = [
  ['torch.nn.functional.', FUNCTIONAL],
  ['nn.functional.', FUNCTIONAL],
  ['F.', FUNCTIONAL],
  ['torch.', TORCH],
];

/** The form for a dotted function name (`F.relu`, `torch.cat`), or undefined. */
export function functionalForm(path: string): FunctionalForm | undefined {
  for (const [prefix, table] of PREFIXES) {
    if (path.startsWith(prefix)) {
      const name = path.slice(prefix.length);
      return Object.hasOwn(table, name) ? table[name] : undefined;
    }
  }
  return undefined;
}

/** The form for `x.<name>(...)`, or undefined. */
export function methodForm(name: string): FunctionalForm | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
}

/** Every dotted name the functional forms answer to, for did-you-mean suggestions. */
export function functionalNames(): string[] {
  return [
    ...Object.keys(FUNCTIONAL).map((n) => `F.${n}`),
    ...Object.keys(TORCH).map((n) => `torch.${n}`),
    ...Object.keys(ARITHMETIC).map((n) => `torch.${n}`),
  ];
}

/** Every method name, for did-you-mean suggestions. */
export function methodNames(): string[] {
  return [...Object.keys(METHODS), ...IDENTITY_METHODS, ...Object.keys(ARITHMETIC)];
}
