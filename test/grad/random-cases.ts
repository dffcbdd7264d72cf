/**
 * Random small cases for every op (fast-check arbitraries), shared by the finite-difference test (which
 * runs them in float64: it mocks `tensor`) and the cpu kernel test (float32). Tensors are made with
 * `tensor` from compiler/ir/tensor.ts, so they take whichever precision that allocates. Inputs keep 0.01
 * or more from every kink (relu's 0, hardtanh's bounds, +-3), and max pools see distinct values 0.01 or
 * more apart, so neither a small step nor float32 rounding crosses a kink or reorders a window.
 */
import fc from 'fast-check';
import type { OpAttrs, OpName, PadMode, PaddingMode, ParamName } from '../../compiler/ir/attrs.ts';
import { sizeOf, type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import { mulberry32 } from '../../runtime/io/prng.ts';
import { convOutSize, type OpParams, poolOutSize } from '../../runtime/reference/index.ts';

/** A tensor of `tensor`'s precision holding `values`. */
export function f64(shape: readonly number[], values: ArrayLike<number>): Tensor {
  const t = tensor(shape);
  t.data.set(values);
  return t;
}

/** Uniform values in [lo, hi), each at least `gap` from every kink. */
function values(n: number, rnd: () => number, lo = -2, hi = 2, kinks: readonly number[] = [], gap = 0.01): number[] {
  return Array.from({ length: n }, () => {
    let v = lo + (hi - lo) * rnd();
    for (const k of kinks) if (Math.abs(v - k) < gap) v = k + (v < k ? -gap : gap);
    return v;
  });
}

export function randomT(
  shape: readonly number[],
  rnd: () => number,
  lo = -2,
  hi = 2,
  kinks: readonly number[] = [],
): Tensor {
  return f64(shape, values(sizeOf(shape), rnd, lo, hi, kinks));
}

/** Distinct values 0.01 or more apart, in random order (no ties for the max pools). */
export function distinctT(shape: readonly number[], rnd: () => number): Tensor {
  const n = sizeOf(shape);
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.01 + 0.003 * rnd());
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [v[i], v[j]] = [v[j], v[i]];
  }
  return f64(shape, v);
}

export interface RandomCase {
  readonly label: string;
  readonly op: OpName;
  readonly attrs: OpAttrs[OpName];
  readonly inputs: Tensor[];
  readonly params: OpParams;
  readonly trainable: ParamName[];
  /** batchnorm2d: 'eval' runs the inference forward (running statistics) and saves nothing */
  readonly mode?: 'train' | 'eval';
  /** the unrounded float64 formula, for the forwards that round per value to float32 */
  readonly forward?: (x: Tensor) => Tensor;
  readonly seed: number;
}

const seed = fc.integer({ min: 0, max: 0x7fffffff });
const size = (min: number, max: number) => fc.integer({ min, max });

const convCase = fc
  .record({
    n: size(1, 2),
    groups: size(1, 2),
    cg: size(1, 2),
    ocg: size(1, 2),
    h: size(3, 6),
    w: size(3, 6),
    k: fc.tuple(size(1, 3), size(1, 3)),
    stride: fc.tuple(size(1, 2), size(1, 2)),
    dilation: fc.tuple(size(1, 2), size(1, 2)),
    pads: fc.tuple(size(0, 2), size(0, 2), size(0, 2), size(0, 2)),
    mode: fc.constantFrom<PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
    seed,
  })
  .filter(
    (a) =>
      convOutSize(a.h, a.pads[0], a.pads[1], a.k[0], a.stride[0], a.dilation[0]) >= 1 &&
      convOutSize(a.w, a.pads[2], a.pads[3], a.k[1], a.stride[1], a.dilation[1]) >= 1,
  )
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const C = a.groups * a.cg;
    const OC = a.groups * a.ocg;
    const attrs: OpAttrs['conv2d'] = {
      in_channels: C,
      out_channels: OC,
      kernel_size: a.k,
      stride: a.stride,
      pads: a.pads,
      dilation: a.dilation,
      groups: a.groups,
      bias: a.bias,
      padding_mode: a.mode,
    };
    const params: OpParams = { weight: randomT([OC, a.cg, ...a.k], rnd) };
    if (a.bias) params.bias = randomT([OC], rnd);
    return {
      label: `conv2d ${JSON.stringify(attrs)}`,
      op: 'conv2d',
      attrs,
      inputs: [randomT([a.n, C, a.h, a.w], rnd)],
      params,
      trainable: a.bias ? ['weight', 'bias'] : ['weight'],
      seed: a.seed,
    };
  });

const linearCase = fc
  .record({ lead: fc.array(size(1, 3), { maxLength: 2 }), i: size(1, 5), o: size(1, 4), bias: fc.boolean(), seed })
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const params: OpParams = { weight: randomT([a.o, a.i], rnd) };
    if (a.bias) params.bias = randomT([a.o], rnd);
    return {
      label: `linear [${a.lead}, ${a.i}] -> ${a.o}`,
      op: 'linear',
      attrs: { in_features: a.i, out_features: a.o, bias: a.bias },
      inputs: [randomT([...a.lead, a.i], rnd)],
      params,
      trainable: a.bias ? ['weight', 'bias'] : ['weight'],
      seed: a.seed,
    };
  });

const window = fc.record({
  n: size(1, 2),
  c: size(1, 2),
  h: size(2, 7),
  w: size(2, 7),
  k: fc.tuple(size(1, 3), size(1, 3)),
  stride: fc.tuple(size(1, 3), size(1, 3)),
  dilation: fc.tuple(size(1, 2), size(1, 2)),
  ceil: fc.boolean(),
  padFraction: fc.tuple(fc.boolean(), fc.boolean()),
  include: fc.boolean(),
  divisor: fc.option(size(1, 5)),
  seed,
});

const maxpoolCase = window
  .map((a) => ({ ...a, padding: [a.padFraction[0] ? a.k[0] >> 1 : 0, a.padFraction[1] ? a.k[1] >> 1 : 0] as const }))
  .filter(
    (a) =>
      poolOutSize(a.h, a.k[0], a.stride[0], a.padding[0], a.dilation[0], a.ceil) >= 1 &&
      poolOutSize(a.w, a.k[1], a.stride[1], a.padding[1], a.dilation[1], a.ceil) >= 1,
  )
  .map((a): RandomCase => {
    const attrs = { kernel_size: a.k, stride: a.stride, padding: a.padding, dilation: a.dilation, ceil_mode: a.ceil };
    return {
      label: `maxpool2d ${JSON.stringify(attrs)} on ${a.h}x${a.w}`,
      op: 'maxpool2d',
      attrs,
      inputs: [distinctT([a.n, a.c, a.h, a.w], mulberry32(a.seed))],
      params: {},
      trainable: [],
      seed: a.seed,
    };
  });

const avgpoolCase = window
  .map((a) => ({ ...a, padding: [a.padFraction[0] ? a.k[0] >> 1 : 0, a.padFraction[1] ? a.k[1] >> 1 : 0] as const }))
  .filter(
    (a) =>
      poolOutSize(a.h, a.k[0], a.stride[0], a.padding[0], 1, a.ceil) >= 1 &&
      poolOutSize(a.w, a.k[1], a.stride[1], a.padding[1], 1, a.ceil) >= 1,
  )
  .map((a): RandomCase => {
    const attrs = {
      kernel_size: a.k,
      stride: a.stride,
      padding: a.padding,
      ceil_mode: a.ceil,
      count_include_pad: a.include,
      divisor_override: a.divisor,
    };
    return {
      label: `avgpool2d ${JSON.stringify(attrs)} on ${a.h}x${a.w}`,
      op: 'avgpool2d',
      attrs,
      inputs: [randomT([a.n, a.c, a.h, a.w], mulberry32(a.seed))],
      params: {},
      trainable: [],
      seed: a.seed,
    };
  });

const adaptiveCase = fc
  .record({ h: size(1, 7), w: size(1, 7), oh: size(1, 5), ow: size(1, 5), max: fc.boolean(), seed })
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const shape = [2, 2, a.h, a.w];
    return {
      label: `adaptive ${a.max ? 'max' : 'avg'} ${a.h}x${a.w} -> ${a.oh}x${a.ow}`,
      op: a.max ? 'adaptive_maxpool2d' : 'adaptive_avgpool2d',
      attrs: { output_size: [a.oh, a.ow] },
      inputs: [a.max ? distinctT(shape, rnd) : randomT(shape, rnd)],
      params: {},
      trainable: [],
      seed: a.seed,
    };
  });

const normCase = fc
  .record({
    kind: fc.constantFrom('batchnorm2d', 'batchnorm2d eval', 'layer_norm', 'group_norm'),
    n: size(1, 3),
    groups: size(1, 3),
    cg: size(1, 2),
    h: size(1, 3),
    w: size(2, 3),
    affine: fc.boolean(),
    track: fc.boolean(),
    span: fc.tuple(size(0, 3), size(1, 4)),
    seed,
  })
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const C = a.groups * a.cg;
    const shape = [a.n, C, a.h, a.w];
    const x = randomT(shape, rnd, -1, 3);
    const trainable: ParamName[] = a.affine ? ['weight', 'bias'] : [];
    if (a.kind === 'layer_norm') {
      const begin = Math.min(a.span[0], 3);
      const end = Math.max(begin + 1, Math.min(a.span[1], 4));
      const ps = shape.slice(begin, end);
      return {
        label: `layer_norm [${begin}, ${end}) of [${shape}]`,
        op: 'layer_norm',
        attrs: { begin, end, eps: 1e-5, elementwise_affine: a.affine },
        inputs: [x],
        params: a.affine ? { weight: randomT(ps, rnd), bias: randomT(ps, rnd) } : {},
        trainable,
        seed: a.seed,
      };
    }
    const affineParams = a.affine ? { weight: randomT([C], rnd), bias: randomT([C], rnd) } : {};
    if (a.kind === 'group_norm') {
      return {
        label: `group_norm ${a.groups} groups of [${shape}]`,
        op: 'group_norm',
        attrs: { num_groups: a.groups, num_channels: C, eps: 1e-5, affine: a.affine },
        inputs: [x],
        params: affineParams,
        trainable,
        seed: a.seed,
      };
    }
    const evalMode = a.kind === 'batchnorm2d eval';
    const track = evalMode || a.track;
    const running = track ? { running_mean: randomT([C], rnd), running_var: randomT([C], rnd, 0.5, 2) } : {};
    return {
      label: `${a.kind} [${shape}] affine ${a.affine} track ${track}`,
      op: 'batchnorm2d',
      attrs: { num_features: C, eps: 1e-5, momentum: 0.1, affine: a.affine, track_running_stats: track },
      inputs: [a.n * a.h * a.w > 1 || evalMode ? x : randomT([2, C, a.h, a.w], rnd, -1, 3)],
      params: { ...affineParams, ...running },
      trainable,
      mode: evalMode ? 'eval' : 'train',
      seed: a.seed,
    };
  });

/** Each activation with the kinks its inputs keep away from, and its attributes. */
export const ACTIVATIONS: { op: OpName; attrs: OpAttrs[OpName]; kinks: number[]; forward?: (v: number) => number }[] = [
  { op: 'relu', attrs: {}, kinks: [0] },
  { op: 'leaky_relu', attrs: { negative_slope: 0.1 }, kinks: [0] },
  { op: 'sigmoid', attrs: {}, kinks: [] },
  { op: 'tanh', attrs: {}, kinks: [] },
  { op: 'hardtanh', attrs: { min_val: -1, max_val: 1 }, kinks: [-1, 1] },
  { op: 'hardtanh', attrs: { min_val: 0, max_val: 6 }, kinks: [0, 6] },
  { op: 'hardswish', attrs: {}, kinks: [-3, 3], forward: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6 },
  { op: 'hardsigmoid', attrs: {}, kinks: [-3, 3], forward: (v) => Math.min(Math.max(v + 3, 0), 6) / 6 },
  { op: 'silu', attrs: {}, kinks: [] },
  { op: 'gelu', attrs: { approximate: 'none' }, kinks: [] },
  { op: 'gelu', attrs: { approximate: 'tanh' }, kinks: [] },
  { op: 'elu', attrs: { alpha: 1.3 }, kinks: [0] },
  { op: 'mish', attrs: {}, kinks: [] },
];

export function mapped(x: Tensor, f: (v: number) => number): Tensor {
  return f64(x.shape, Array.from(x.data, f));
}

const activationCase = fc
  .record({ which: size(0, ACTIVATIONS.length - 1), n: size(1, 40), seed })
  .map((a): RandomCase => {
    const act = ACTIVATIONS[a.which];
    const f = act.forward;
    return {
      label: `${act.op} ${JSON.stringify(act.attrs)}`,
      op: act.op,
      attrs: act.attrs,
      inputs: [randomT([a.n], mulberry32(a.seed), -8, 8, act.kinks)],
      params: {},
      trainable: [],
      forward: f ? (x) => mapped(x, f) : undefined,
      seed: a.seed,
    };
  });

const preluCase = fc.record({ c: size(1, 3), per: fc.boolean(), rank: size(1, 4), seed }).map((a): RandomCase => {
  const rnd = mulberry32(a.seed);
  const shape = [2, a.c, 3, 2].slice(0, a.rank);
  const channels = a.rank >= 2 ? a.c : 1;
  const P = a.per ? channels : 1;
  return {
    label: `prelu ${P} on [${shape}]`,
    op: 'prelu',
    attrs: { num_parameters: P },
    inputs: [randomT(shape, rnd, -2, 2, [0])],
    params: { weight: randomT([P], rnd) },
    trainable: ['weight'],
    seed: a.seed,
  };
});

/** A shape and another that broadcasts with it: each dim kept, set to 1 or dropped from the left. */
const binaryCase = fc
  .record({
    shape: fc.array(size(1, 3), { minLength: 0, maxLength: 4 }),
    ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    drop: size(0, 4),
    swap: fc.boolean(),
    op: fc.constantFrom('add', 'sub', 'mul', 'div') as fc.Arbitrary<'add' | 'sub' | 'mul' | 'div'>,
    seed,
  })
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const other = a.shape.map((d, i) => (a.ones[i] ? 1 : d)).slice(Math.min(a.drop, a.shape.length));
    const [sa, sb] = a.swap ? [other, a.shape] : [a.shape, other];
    const b = randomT(sb, rnd, -2, 2);
    if (a.op === 'div')
      for (let i = 0; i < b.data.length; i++) b.data[i] = Math.sign(b.data[i] || 1) * (0.5 + Math.abs(b.data[i]));
    return {
      label: `binary ${a.op} [${sa}] [${sb}]`,
      op: 'binary',
      attrs: { op: a.op },
      inputs: [randomT(sa, rnd), b],
      params: {},
      trainable: [],
      seed: a.seed,
    };
  });

const scalarCase = fc
  .record({
    op: fc.constantFrom('add', 'sub', 'mul', 'div') as fc.Arbitrary<'add' | 'sub' | 'mul' | 'div'>,
    value: fc.constantFrom(0.5, -2.5, 3, 1.25),
    reversed: fc.boolean(),
    seed,
  })
  .map((a): RandomCase => {
    const x = randomT([3, 4], mulberry32(a.seed), 0.5, 2);
    const c = Math.fround(a.value);
    // the reference's `c / x` rounds 1/x to float32 (PyTorch's reciprocal-then-multiply)
    const rdiv = a.reversed && a.op === 'div' ? (t: Tensor) => mapped(t, (v) => c / v) : undefined;
    return {
      label: `scalar ${a.reversed ? `${a.value} ${a.op} x` : `x ${a.op} ${a.value}`}`,
      op: 'scalar',
      attrs: a,
      inputs: [x],
      params: {},
      trainable: [],
      forward: rdiv,
      seed: a.seed,
    };
  });

const PAD_MODES: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

const movementCase = fc
  .record({
    kind: fc.constantFrom(
      'reshape',
      'flatten',
      'identity',
      'permute',
      'slice',
      'pad',
      'channel_shuffle',
      'concat',
      'add',
      'softmax',
      'reduce',
      'parameter',
    ),
    shape: fc.tuple(size(1, 3), size(1, 4), size(2, 4), size(2, 4)),
    pick: fc.array(size(0, 1000), { minLength: 5, maxLength: 5 }),
    seed,
  })
  .map((a): RandomCase => {
    const rnd = mulberry32(a.seed);
    const shape = [...a.shape];
    const x = randomT(shape, rnd);
    const [p0, p1, p2, p3, p4] = a.pick;
    const base = { inputs: [x], params: {}, trainable: [] as ParamName[], seed: a.seed };
    switch (a.kind) {
      case 'reshape':
        return { ...base, label: 'reshape', op: 'reshape', attrs: { shape: [sizeOf(shape)] } };
      case 'flatten': {
        const s = p0 % 4;
        const e = s + (p1 % (4 - s));
        return { ...base, label: `flatten ${s}..${e}`, op: 'flatten', attrs: { start_dim: s, end_dim: e } };
      }
      case 'identity':
        return { ...base, label: 'identity', op: 'identity', attrs: {} };
      case 'permute': {
        const dims = [0, 1, 2, 3].sort(() => rnd() - 0.5);
        return { ...base, label: `permute ${dims}`, op: 'permute', attrs: { dims } };
      }
      case 'slice': {
        const dim = p0 % 4;
        const start = p1 % shape[dim];
        const end = start + 1 + (p2 % (shape[dim] - start));
        return { ...base, label: `slice ${dim} [${start}, ${end})`, op: 'slice', attrs: { dim, start, end } };
      }
      case 'pad': {
        const mode = PAD_MODES[p0 % 4];
        const [H, W] = [shape[2], shape[3]];
        // in range for every mode: reflect pads < size, crops leave at least one row and column
        const one = (n: number, p: number) => (p % n) - (mode === 'constant' ? (p >> 4) % n : 0);
        const pads = [one(H, p1), one(H, p2), one(W, p3), one(W, p4)] as const;
        const ok = H + pads[0] + pads[1] >= 1 && W + pads[2] + pads[3] >= 1;
        const safe = ok ? pads : ([0, 0, 0, 0] as const);
        return { ...base, label: `pad ${mode} ${safe}`, op: 'pad', attrs: { pads: safe, mode, value: 0.5 } };
      }
      case 'channel_shuffle': {
        const divisors = [1, 2, 3, 4].filter((d) => shape[1] % d === 0);
        const groups = divisors[p0 % divisors.length];
        return { ...base, label: `channel_shuffle ${groups}`, op: 'channel_shuffle', attrs: { groups } };
      }
      case 'concat': {
        const dim = p0 % 4;
        const other = [...shape];
        other[dim] = 1 + (p1 % 3);
        return { ...base, inputs: [x, randomT(other, rnd)], label: `concat ${dim}`, op: 'concat', attrs: { dim } };
      }
      case 'add':
        return { ...base, inputs: [x, randomT(shape, rnd), randomT(shape, rnd)], label: 'add', op: 'add', attrs: {} };
      case 'softmax':
        return { ...base, label: `softmax ${p0 % 4}`, op: 'softmax', attrs: { dim: p0 % 4 } };
      case 'reduce': {
        const dims = [0, 1, 2, 3].filter((d) => (p0 >> d) & 1);
        const attrs = {
          op: p1 % 2 ? 'mean' : 'sum',
          dims: dims.length ? dims : [p2 % 4],
          keepdim: p3 % 2 === 0,
        } as const;
        return { ...base, label: `reduce ${JSON.stringify(attrs)}`, op: 'reduce', attrs };
      }
      case 'parameter':
        return {
          ...base,
          inputs: [],
          params: { value: x },
          trainable: ['value'],
          label: 'parameter',
          op: 'parameter',
          attrs: { shape },
        };
    }
  });

const dropoutCase = fc
  .record({
    p: fc.constantFrom(0, 0.2, 0.5, 0.9, 1),
    which: size(0, 5),
    seed,
  })
  .map((a): RandomCase => {
    const training = [
      { kind: 'dropout', p: a.p, variant: 'element' },
      { kind: 'dropout', p: a.p, variant: 'channel' },
      { kind: 'dropout', p: a.p, variant: 'alpha' },
      { kind: 'dropout', p: a.p, variant: 'feature_alpha' },
      { kind: 'stochastic_depth', p: a.p, mode: 'row' },
      { kind: 'stochastic_depth', p: a.p, mode: 'batch' },
    ][a.which] as NonNullable<OpAttrs['identity']['training']>;
    return {
      label: `identity ${JSON.stringify(training)}`,
      op: 'identity',
      attrs: { training },
      inputs: [randomT([3, 2, 2, 3], mulberry32(a.seed))],
      params: {},
      trainable: [],
      seed: a.seed,
    };
  });

export const FAMILIES: [string, fc.Arbitrary<RandomCase>][] = [
  ['conv2d (groups, stride, dilation, asymmetric pads, every padding mode)', convCase],
  ['linear on ranks 1 to 3', linearCase],
  ['maxpool2d (dilation, padding, ceil_mode)', maxpoolCase],
  ['avgpool2d (ceil_mode, count_include_pad, divisor_override)', avgpoolCase],
  ['adaptive avg and max pools', adaptiveCase],
  ['batchnorm2d (training and eval), layer_norm, group_norm', normCase],
  ['every activation', activationCase],
  ['prelu', preluCase],
  ['binary with broadcasting', binaryCase],
  ['scalar, both sides', scalarCase],
  ['data movement, softmax, reduce, parameter', movementCase],
  ['dropouts and stochastic depth (a fixed mask)', dropoutCase],
];
