/**
 * One-step plans for the IR ops of torchvision's models (activations, prelu, broadcasting binary and
 * scalar ops, data movement, layer/group norm, adaptive max pool, reduce, free parameters), with their
 * corners: every kind of broadcasting, every pad mode with negative and maximal pads, layer_norm over
 * trailing dims and over dim 1, reversed scalar ops, activations at large |x|, and every activation
 * as a step and as the epilogue of conv, linear, batchnorm and the pools. Shared by the gpu.js and
 * wasm suites, which run each case on their backend and compare it with the reference kernels.
 */
import type { Activation, Plan } from '../../compiler/3-lower/plan.ts';
import type { BinaryOp, OpAttrs, OpName, PadMode, Pads } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { type OneStep, oneStepPlan, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { convAttrs } from '../reference/helpers.ts';

export interface OpCase {
  readonly name: string;
  readonly op: OpName;
  readonly plan: Plan;
  readonly weights: Map<string, Tensor>;
  /** x0, x1, ... and r (the residual) */
  readonly feeds: Record<string, Tensor>;
}

/** Every activation kind, with attributes that make each branch of its formula matter. */
export const ACTIVATIONS: readonly Activation[] = [
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.1 },
  { kind: 'sigmoid' },
  { kind: 'tanh' },
  { kind: 'hardtanh', min_val: 0, max_val: 6 },
  { kind: 'hardtanh', min_val: -2.5, max_val: 0.5 },
  { kind: 'hardswish' },
  { kind: 'hardsigmoid' },
  { kind: 'silu' },
  { kind: 'gelu', approximate: 'none' },
  { kind: 'gelu', approximate: 'tanh' },
  { kind: 'elu', alpha: 1 },
  { kind: 'elu', alpha: 0.4 },
  { kind: 'mish' },
];

export function activationName(a: Activation): string {
  const attrs = Object.entries(a)
    .filter(([k]) => k !== 'kind')
    .map(([, v]) => String(v));
  return attrs.length > 0 ? `${a.kind}(${attrs.join(', ')})` : a.kind;
}

/** The activation as the attrs of its own op (the op names are the activation kinds). */
function activationStep(a: Activation): { op: OpName; attrs: OpAttrs[OpName] } {
  const { kind, ...attrs } = a;
  return { op: kind, attrs: attrs as OpAttrs[OpName] };
}

/** Inputs at the corners of every activation: large |x| both ways, the hardtanh/hardswish knees, tiny x. */
export const EXTREMES: readonly number[] = [
  -1e4, -100, -88.5, -50, -30, -20.5, -15, -10, -8, -6, -5, -4, -3, -2.5, -2, -1.5, -1, -0.6, -0.5, -0.49, -0.1, -1e-3,
  -1e-6, -0, 0, 1e-6, 1e-3, 0.1, 0.49, 0.5, 1, 2, 2.999, 3, 3.001, 4, 5, 6, 6.5, 8, 10, 15, 19.99, 20, 20.01, 25, 30,
  50, 88.5, 100, 1e4,
];

interface Builder {
  readonly rnd: () => number;
  /** uniform in [-scale, scale) */
  rand(shape: readonly number[], scale?: number): Tensor;
  add<K extends OpName>(name: string, s: OneStep<K>, inputs?: readonly Tensor[], residual?: Tensor): void;
}

function builder(out: OpCase[], seed: number): Builder {
  const rnd = prng(seed);
  const rand = (shape: readonly number[], scale = 1): Tensor => {
    const t = randomTensor(shape, rnd);
    if (scale !== 1) for (let i = 0; i < t.data.length; i++) t.data[i] *= scale;
    return t;
  };
  return {
    rnd,
    rand,
    add(name, s, inputs, residual) {
      const { plan, weights } = oneStepPlan(s);
      const xs = inputs ?? s.inputShapes.map((shape) => rand(shape));
      const feeds: Record<string, Tensor> = Object.fromEntries(xs.map((t, i) => [`x${i}`, t]));
      if (s.residual) feeds.r = residual ?? rand(s.outputShape);
      out.push({ name, op: s.op, plan, weights, feeds });
    },
  };
}

const tensorOf = (shape: readonly number[], values: readonly number[]): Tensor => ({
  shape: [...shape],
  data: Float32Array.from(values),
});

/** Each activation as a step, on EXTREMES and on random values in [-8, 8). */
export function activationCases(): OpCase[] {
  const out: OpCase[] = [];
  const b = builder(out, 101);
  for (const a of ACTIVATIONS) {
    const { op, attrs } = activationStep(a);
    const x = tensorOf([1, EXTREMES.length], EXTREMES);
    b.add(`${activationName(a)} at extreme inputs`, { op, attrs, inputShapes: [x.shape], outputShape: x.shape }, [x]);
    const shape = [2, 3, 5, 7];
    b.add(`${activationName(a)} on random [-8, 8)`, { op, attrs, inputShapes: [shape], outputShape: shape }, [
      b.rand(shape, 8),
    ]);
  }
  return out;
}

/**
 * Each activation as the epilogue of conv (+ residual), linear, batchnorm and the three pools, on
 * inputs large enough that the outputs reach |x| of about 30.
 */
export function epilogueCases(): OpCase[] {
  const out: OpCase[] = [];
  const b = builder(out, 202);
  for (const activation of ACTIVATIONS) {
    const an = activationName(activation);
    b.add(
      `conv2d + residual, then ${an}`,
      {
        op: 'conv2d',
        attrs: convAttrs({ in_channels: 2, out_channels: 3, kernel_size: [3, 3], pads: [1, 1, 1, 1], bias: true }),
        inputShapes: [[1, 2, 5, 6]],
        outputShape: [1, 3, 5, 6],
        params: { weight: b.rand([3, 2, 3, 3]), bias: b.rand([3]) },
        residual: true,
        activation,
      },
      [b.rand([1, 2, 5, 6], 12)],
      b.rand([1, 3, 5, 6], 4),
    );
    b.add(
      `linear (rank 3), then ${an}`,
      {
        op: 'linear',
        attrs: { in_features: 9, out_features: 5, bias: true },
        inputShapes: [[2, 3, 9]],
        outputShape: [2, 3, 5],
        params: { weight: b.rand([5, 9]), bias: b.rand([5]) },
        activation,
      },
      [b.rand([2, 3, 9], 15)],
    );
    b.add(`batchnorm2d, then ${an}`, {
      op: 'batchnorm2d',
      attrs: { num_features: 3, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true },
      inputShapes: [[2, 3, 4, 5]],
      outputShape: [2, 3, 4, 5],
      params: {
        weight: b.rand([3], 20),
        bias: b.rand([3], 5),
        running_mean: b.rand([3]),
        running_var: tensorOf([3], [0.5, 1, 2]),
      },
      activation,
    });
    b.add(
      `maxpool2d, then ${an}`,
      {
        op: 'maxpool2d',
        attrs: { kernel_size: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: true },
        inputShapes: [[1, 3, 5, 7]],
        outputShape: [1, 3, 3, 4],
        activation,
      },
      [b.rand([1, 3, 5, 7], 30)],
    );
    b.add(
      `avgpool2d, then ${an}`,
      {
        op: 'avgpool2d',
        attrs: {
          kernel_size: [3, 3],
          stride: [2, 2],
          padding: [1, 1],
          ceil_mode: false,
          count_include_pad: false,
          divisor_override: null,
        },
        inputShapes: [[1, 2, 6, 5]],
        outputShape: [1, 2, 3, 3],
        activation,
      },
      [b.rand([1, 2, 6, 5], 30)],
    );
    b.add(
      `adaptive_avgpool2d, then ${an}`,
      {
        op: 'adaptive_avgpool2d',
        attrs: { output_size: [2, 3] },
        inputShapes: [[2, 2, 5, 7]],
        outputShape: [2, 2, 2, 3],
        activation,
      },
      [b.rand([2, 2, 5, 7], 30)],
    );
  }
  return out;
}

/** NumPy broadcasting of every kind: equal shapes, SE blocks both ways, missing leading dims, both sides. */
export const BROADCASTS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [
    [2, 3, 4, 5],
    [2, 3, 4, 5],
  ],
  [
    [2, 3, 4, 5],
    [2, 3, 1, 1],
  ],
  [
    [2, 3, 1, 1],
    [2, 3, 4, 5],
  ],
  [
    [3, 1, 1],
    [2, 3, 4, 5],
  ],
  [[2, 3, 4, 5], [5]],
  [
    [2, 1, 4, 5],
    [2, 3, 1, 1],
  ],
  [[1], [2, 3]],
  [
    [3, 1],
    [1, 4],
  ],
  [
    [2, 3, 4, 5],
    [1, 3, 4, 1],
  ],
  [
    [7, 9],
    [7, 9],
  ],
];

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, k) => {
    const da = a[a.length - n + k] ?? 1;
    const db = b[b.length - n + k] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Values in +-[0.5, 1.5): safe divisors. */
function awayFromZero(b: Builder, shape: readonly number[]): Tensor {
  const t = b.rand(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = Math.sign(t.data[i] || 1) * (0.5 + Math.abs(t.data[i]));
  return t;
}

export function elementwiseCases(): OpCase[] {
  const out: OpCase[] = [];
  const b = builder(out, 303);
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div'];
  for (const [sa, sb] of BROADCASTS) {
    for (const op of ops) {
      const shape = broadcastShape(sa, sb);
      b.add(
        `binary ${op} [${sa}] with [${sb}]`,
        { op: 'binary', attrs: { op }, inputShapes: [sa, sb], outputShape: shape },
        [b.rand(sa, 3), op === 'div' ? awayFromZero(b, sb) : b.rand(sb, 3)],
      );
    }
  }
  b.add(
    'binary mul of one buffer with itself, + residual, then hardswish',
    {
      op: 'binary',
      attrs: { op: 'mul' },
      inputShapes: [
        [2, 3, 4],
        [2, 3, 4],
      ],
      outputShape: [2, 3, 4],
      residual: true,
      activation: { kind: 'hardswish' },
    },
    [b.rand([2, 3, 4], 3), b.rand([2, 3, 4], 3)],
  );
  for (const op of ops) {
    for (const reversed of [false, true]) {
      const x = op === 'div' && reversed ? awayFromZero(b, [2, 3, 5]) : b.rand([2, 3, 5], 4);
      for (const value of [0.5, -3, 1e-3]) {
        b.add(
          `scalar ${reversed ? `${value} ${op} x` : `x ${op} ${value}`}`,
          { op: 'scalar', attrs: { op, value, reversed }, inputShapes: [x.shape], outputShape: x.shape },
          [x],
        );
      }
    }
  }
  b.add(
    'scalar x * 2, then gelu',
    {
      op: 'scalar',
      attrs: { op: 'mul', value: 2, reversed: false },
      inputShapes: [[3, 17]],
      outputShape: [3, 17],
      activation: { kind: 'gelu', approximate: 'none' },
    },
    [b.rand([3, 17], 10)],
  );
  for (const [shape, P] of [
    [[2, 3, 4, 5], 1],
    [[2, 3, 4, 5], 3],
    [[4, 6], 6],
    [[4, 6], 1],
    [[7], 1],
  ] as const) {
    b.add(`prelu ${P} of [${shape}]`, {
      op: 'prelu',
      attrs: { num_parameters: P },
      inputShapes: [shape],
      outputShape: shape,
      params: { weight: b.rand([P], 0.5) },
    });
  }
  b.add('parameter [1, 4, 1, 3]', {
    op: 'parameter',
    attrs: { shape: [1, 4, 1, 3] },
    inputShapes: [],
    outputShape: [1, 4, 1, 3],
    params: { value: b.rand([1, 4, 1, 3]) },
  });
  return out;
}

/** PyTorch's F.pad output size of the last two dims. */
function padded(shape: readonly number[], [t, bo, l, r]: Pads): number[] {
  const s = [...shape];
  s[s.length - 1] += l + r;
  if (s.length >= 2) s[s.length - 2] += t + bo;
  return s;
}

export const PADS: readonly (readonly [PadMode, Pads, readonly number[]])[] = [
  ['constant', [1, 2, 3, 0], [2, 3, 4, 5]],
  ['constant', [-1, 2, -2, 1], [2, 3, 4, 5]],
  ['constant', [-2, -1, -3, -1], [1, 2, 5, 6]],
  ['constant', [0, 0, 2, 2], [3, 4, 5]],
  ['reflect', [3, 3, 4, 4], [2, 3, 4, 5]],
  ['reflect', [1, 0, 0, 2], [3, 4, 5]],
  ['reflect', [-1, 2, 2, -1], [2, 3, 4, 5]],
  ['replicate', [5, 2, 1, 7], [2, 3, 4, 5]],
  ['replicate', [0, 1, 3, 0], [3, 4, 5]],
  ['replicate', [2, -1, -2, 3], [2, 3, 4, 5]],
  ['circular', [4, 4, 5, 5], [2, 3, 4, 5]],
  ['circular', [1, 2, 0, 3], [1, 2, 4, 5]],
  ['circular', [-1, 2, 2, -2], [2, 3, 4, 5]],
  ['circular', [2, -1, -2, 3], [1, 2, 4, 5]],
];

export function movementCases(): OpCase[] {
  const out: OpCase[] = [];
  const b = builder(out, 404);
  for (const [mode, pads, shape] of PADS) {
    for (const value of mode === 'constant' ? [0, -1.5] : [0]) {
      b.add(`pad ${mode} [${pads}] of [${shape}]${value ? ` value ${value}` : ''}`, {
        op: 'pad',
        attrs: { pads, mode, value },
        inputShapes: [shape],
        outputShape: padded(shape, pads),
      });
    }
  }
  for (const [shape, to] of [
    [
      [2, 3, 4],
      [4, 6],
    ],
    [[2, 3, 4], [24]],
    [
      [6, 2],
      [1, 3, 2, 2],
    ],
  ] as const) {
    b.add(`reshape [${shape}] to [${to}]`, {
      op: 'reshape',
      attrs: { shape: to },
      inputShapes: [shape],
      outputShape: to,
    });
  }
  for (const [shape, dims] of [
    [
      [2, 3, 4, 5],
      [0, 2, 3, 1],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 0, 2],
    ],
    [
      [2, 3, 4, 5],
      [0, 1, 3, 2],
    ],
    [
      [5, 7],
      [1, 0],
    ],
    [
      [2, 1, 3],
      [2, 1, 0],
    ],
  ] as const) {
    b.add(`permute [${shape}] by [${dims}]`, {
      op: 'permute',
      attrs: { dims },
      inputShapes: [shape],
      outputShape: dims.map((d) => (shape as readonly number[])[d]),
    });
  }
  for (const [shape, dim, start, end] of [
    [[2, 6, 3, 4], 1, 2, 5],
    [[2, 6, 3, 4], 0, 1, 2],
    [[2, 6, 3, 4], 3, 0, 4],
    [[2, 6, 3, 4], 2, 2, 3],
    [[8, 5], 1, 1, 4],
  ] as const) {
    const o: number[] = [...shape];
    o[dim] = end - start;
    b.add(`slice dim ${dim} ${start}:${end} of [${shape}]`, {
      op: 'slice',
      attrs: { dim, start, end },
      inputShapes: [shape],
      outputShape: o,
    });
  }
  for (const [shape, groups] of [
    [[2, 6, 3, 3], 2],
    [[2, 6, 3, 3], 3],
    [[1, 12, 2, 2], 4],
    [[3, 8, 5], 2],
  ] as const) {
    b.add(`channel_shuffle ${groups} of [${shape}]`, {
      op: 'channel_shuffle',
      attrs: { groups },
      inputShapes: [shape],
      outputShape: shape,
    });
  }
  return out;
}

export function normAndReduceCases(): OpCase[] {
  const out: OpCase[] = [];
  const b = builder(out, 505);
  for (const [shape, begin, end, affine] of [
    [[2, 5, 16], 2, 3, true],
    [[2, 5, 16], 1, 3, true],
    [[2, 4, 3, 5], 1, 4, false],
    [[2, 6, 3, 5], 1, 2, true],
    [[3, 7], 1, 2, false],
    [[2, 3, 4, 5], 3, 4, true],
  ] as const) {
    const normalized = shape.slice(begin, end);
    const x = b.rand(shape, 3);
    // an offset makes the mean matter
    for (let i = 0; i < x.data.length; i++) x.data[i] += 2;
    b.add(
      `layer_norm over [${begin}, ${end}) of [${shape}]${affine ? '' : ' without affine'}`,
      {
        op: 'layer_norm',
        attrs: { begin, end, eps: 1e-5, elementwise_affine: affine },
        inputShapes: [shape],
        outputShape: shape,
        params: affine ? { weight: b.rand(normalized, 2), bias: b.rand(normalized) } : {},
      },
      [x],
    );
  }
  b.add('layer_norm, then gelu', {
    op: 'layer_norm',
    attrs: { begin: 2, end: 3, eps: 1e-6, elementwise_affine: true },
    inputShapes: [[1, 4, 8]],
    outputShape: [1, 4, 8],
    params: { weight: b.rand([8], 3), bias: b.rand([8]) },
    activation: { kind: 'gelu', approximate: 'none' },
  });
  for (const [shape, G, affine] of [
    [[2, 6, 4, 4], 3, true],
    [[2, 6, 4, 4], 1, true],
    [[2, 6, 4, 4], 6, false],
    [[2, 4, 5], 2, true],
  ] as const) {
    b.add(`group_norm ${G} groups of [${shape}]${affine ? '' : ' without affine'}`, {
      op: 'group_norm',
      attrs: { num_groups: G, num_channels: shape[1], eps: 1e-5, affine },
      inputShapes: [shape],
      outputShape: shape,
      params: affine ? { weight: b.rand([shape[1]], 2), bias: b.rand([shape[1]]) } : {},
    });
  }
  for (const [shape, o] of [
    [
      [2, 3, 7, 9],
      [3, 4],
    ],
    [
      [2, 3, 7, 9],
      [1, 1],
    ],
    [
      [1, 2, 5, 6],
      [5, 6],
    ],
    [
      [1, 2, 5, 6],
      [7, 2],
    ],
    [
      [3, 1, 5, 6],
      [2, 4],
    ],
  ] as const) {
    b.add(`adaptive_maxpool2d [${shape}] to [${o}]`, {
      op: 'adaptive_maxpool2d',
      attrs: { output_size: o },
      inputShapes: [shape],
      outputShape: [...shape.slice(0, -2), ...o],
    });
  }
  for (const [shape, dims, op, keepdim] of [
    [[2, 3, 4, 5], [2, 3], 'mean', true],
    [[2, 3, 4, 5], [2, 3], 'mean', false],
    [[2, 3, 4, 5], [1], 'sum', false],
    [[2, 3, 4, 5], [0, 2], 'mean', true],
    [[2, 3, 4, 5], [0, 1, 2, 3], 'sum', false],
    [[4, 6, 9], [2], 'mean', false],
    [[4, 6, 9], [1], 'mean', true],
  ] as const) {
    const outShape = keepdim
      ? shape.map((d, k) => ((dims as readonly number[]).includes(k) ? 1 : d))
      : shape.filter((_, k) => !(dims as readonly number[]).includes(k));
    b.add(`reduce ${op} over [${dims}] of [${shape}]${keepdim ? ' keepdim' : ''}`, {
      op: 'reduce',
      attrs: { op, dims, keepdim },
      inputShapes: [shape],
      outputShape: outShape,
    });
  }
  for (const lead of [[] as number[], [3], [2, 2, 3]]) {
    b.add(`linear on [${[...lead, 6]}]`, {
      op: 'linear',
      attrs: { in_features: 6, out_features: 5, bias: true },
      inputShapes: [[...lead, 6]],
      outputShape: [...lead, 5],
      params: { weight: b.rand([5, 6]), bias: b.rand([5]) },
    });
  }
  return out;
}

/** Every case above. */
export function allOpCases(): OpCase[] {
  return [...activationCases(), ...epilogueCases(), ...elementwiseCases(), ...movementCases(), ...normAndReduceCases()];
}
