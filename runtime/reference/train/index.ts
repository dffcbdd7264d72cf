/**
 * Training-mode reference kernels: the forward in training mode (what it saves for the gradient, the
 * running statistics it updates) and the gradient (vector-Jacobian product) of every IR op, with
 * PyTorch 1.13's semantics. Plain and obviously correct, like runtime/reference: the oracle the generated
 * training kernels are tested against. The contract is compiler/3-lower/train-plan.ts.
 *
 * Every gradient is computed in float64 from the float32 tensors it is given and rounded to float32 once,
 * on the store (the tensors' own type: a test that allocates float64 tensors gets float64 gradients).
 */
import type { OpAttrs, OpName, ParamName } from '../../../compiler/ir/attrs.ts';
import { type Tensor, tensor } from '../../../compiler/ir/tensor.ts';
import { expectShape, fail } from '../checks.ts';
import { type OpParams, runOp } from '../index.ts';
import {
  eluGrad,
  geluGrad,
  hardsigmoidGrad,
  hardswishGrad,
  hardtanhGrad,
  leakyReluGrad,
  mishGrad,
  preluGrad,
  reluGrad,
  sigmoidGrad,
  siluGrad,
  tanhGrad,
} from './activations.ts';
import { binaryGrad, scalarGrad } from './arithmetic.ts';
import { batchnorm2dGrad, batchnorm2dTrain } from './batchnorm.ts';
import { conv2dGrad, linearGrad } from './conv-linear.ts';
import { applyDropoutMask, drawDropoutMask, dropoutGrad } from './dropout.ts';
import {
  channelShuffleGrad,
  concatGrad,
  padGrad,
  permuteGrad,
  reduceGrad,
  reshapeGrad,
  sliceGrad,
  softmaxGrad,
} from './layout.ts';
import { groupNormGrad, layerNormGrad } from './norm.ts';
import { adaptiveAvgpool2dGrad, adaptiveMaxpool2dGrad, avgpool2dGrad, maxpool2dGrad } from './pool.ts';

export {
  ALPHA_DROPOUT_ALPHA,
  applyDropoutMask,
  drawDropoutMask,
  dropoutGrad,
  dropoutMaskShape,
  keptScale,
} from './dropout.ts';
export { batchnorm2dGrad, batchnorm2dTrain } from './batchnorm.ts';

export interface TrainState {
  /** the seed of this step's dropout mask (mulberry32; see dropout.ts for the rule) */
  readonly seed: number;
  /** BatchNorm2d's num_batches_tracked before this step (0 when absent) */
  readonly numBatchesTracked?: number;
}

export interface TrainUpdates {
  running_mean?: Tensor;
  running_var?: Tensor;
  numBatchesTracked?: number;
}

export interface TrainForwardResult {
  readonly output: Tensor;
  /** TrainForwardStep.saved's tensors: batchnorm2d `mean`, `invstd`; a dropout's `mask`; else empty */
  readonly saved: Record<string, Tensor>;
  /** batchnorm2d with track_running_stats: the new running statistics; else empty */
  readonly updates: TrainUpdates;
}

/**
 * One op's forward in training mode. It differs from inference (runOp) for batchnorm2d (batch statistics,
 * running statistics updated) and for an identity holding a dropout or stochastic depth (a mask drawn
 * from state.seed). Every other op is runOp with nothing saved.
 */
export function forwardTrain<K extends OpName>(
  op: K,
  attrs: OpAttrs[K],
  inputs: Tensor[],
  params: OpParams,
  state: TrainState,
): TrainForwardResult {
  if (op === 'batchnorm2d') {
    const r = batchnorm2dTrain(
      only('batchnorm2d', inputs),
      attrs as OpAttrs['batchnorm2d'],
      params,
      state.numBatchesTracked,
    );
    return { output: r.output, saved: { mean: r.mean, invstd: r.invstd }, updates: r.updates };
  }
  const training = op === 'identity' ? (attrs as OpAttrs['identity']).training : undefined;
  if (training) {
    const x = only('identity', inputs);
    const mask = drawDropoutMask(training, x.shape, state.seed);
    return { output: applyDropoutMask(x, training, mask), saved: { mask }, updates: {} };
  }
  return { output: runOp(op, attrs, inputs, params), saved: {}, updates: {} };
}

export interface GradTensors {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly params: OpParams;
  /** what forwardTrain saved (by the names TrainForwardStep.saved uses) */
  readonly saved: Readonly<Record<string, Tensor>>;
  readonly gradOutput: Tensor;
}

export interface GradNeed {
  /** one flag per forward input: whether its gradient is wanted */
  readonly inputs: readonly boolean[];
  /** the parameters whose gradients are wanted */
  readonly params: readonly ParamName[];
}

export interface GradResult {
  /** one per forward input: its gradient, or null when not asked for */
  readonly inputs: (Tensor | null)[];
  readonly params: Partial<Record<ParamName, Tensor>>;
}

type GradKernel<K extends OpName> = (attrs: OpAttrs[K], t: GradTensors, need: GradNeed) => GradResult;

function only(op: string, inputs: readonly Tensor[]): Tensor {
  if (inputs.length !== 1) fail(op, `takes exactly 1 input, got ${inputs.length}`);
  return inputs[0];
}

function param(t: GradTensors, op: string, name: ParamName): Tensor {
  return t.params[name] ?? fail(op, `missing parameter '${name}'`);
}

/** The gradient of a one-input op without parameters. */
function unary<K extends OpName>(op: K, f: (a: OpAttrs[K], x: Tensor, t: GradTensors) => Tensor): GradKernel<K> {
  return (a, t, need) => {
    wanted(op, need, []);
    const x = only(op, t.inputs);
    return { inputs: [need.inputs[0] ? f(a, x, t) : null], params: {} };
  };
}

/** Which of the op's trainable params were asked for (a param the op cannot give is an error). */
function wanted(op: string, need: GradNeed, allowed: readonly ParamName[]): Record<string, boolean> {
  const w: Record<string, boolean> = {};
  for (const name of need.params) {
    if (!allowed.includes(name)) {
      fail(op, `has no gradient for '${name}'${name.startsWith('running_') ? ' (a buffer, not trained)' : ''}`);
    }
    w[name] = true;
  }
  return w;
}

function weightBias(r: { input: Tensor | null; weight: Tensor | null; bias: Tensor | null }): GradResult {
  const params: Partial<Record<ParamName, Tensor>> = {};
  if (r.weight) params.weight = r.weight;
  if (r.bias) params.bias = r.bias;
  return { inputs: [r.input], params };
}

const WB: readonly ParamName[] = ['weight', 'bias'];

const gradKernels: { [K in OpName]: GradKernel<K> } = {
  conv2d: (a, t, need) => {
    const w = wanted('conv2d', need, WB);
    const r = conv2dGrad(only('conv2d', t.inputs), t.gradOutput, a, param(t, 'conv2d', 'weight'), {
      input: need.inputs[0],
      weight: !!w.weight,
      bias: !!w.bias,
    });
    return weightBias(r);
  },
  linear: (a, t, need) => {
    const w = wanted('linear', need, WB);
    const r = linearGrad(only('linear', t.inputs), t.gradOutput, a, param(t, 'linear', 'weight'), {
      input: need.inputs[0],
      weight: !!w.weight,
      bias: !!w.bias,
    });
    return weightBias(r);
  },
  batchnorm2d: (a, t, need) => {
    const w = wanted('batchnorm2d', need, WB);
    const { mean, invstd } = t.saved;
    // the flag: saved statistics mean the forward normalised with the batch's (training mode, or
    // track_running_stats=False); without them it used the running statistics (eval mode)
    if ((mean === undefined) !== (invstd === undefined)) fail('batchnorm2d', 'saved needs both mean and invstd');
    const r = batchnorm2dGrad(
      only('batchnorm2d', t.inputs),
      t.gradOutput,
      a,
      t.params,
      mean && invstd ? { mean, invstd } : null,
      { input: need.inputs[0], weight: !!w.weight, bias: !!w.bias },
    );
    return weightBias(r);
  },
  layer_norm: (a, t, need) => {
    const w = wanted('layer_norm', need, WB);
    const r = layerNormGrad(only('layer_norm', t.inputs), t.gradOutput, a, t.params, {
      input: need.inputs[0],
      weight: !!w.weight,
      bias: !!w.bias,
    });
    return weightBias(r);
  },
  group_norm: (a, t, need) => {
    const w = wanted('group_norm', need, WB);
    const r = groupNormGrad(only('group_norm', t.inputs), t.gradOutput, a, t.params, {
      input: need.inputs[0],
      weight: !!w.weight,
      bias: !!w.bias,
    });
    return weightBias(r);
  },
  prelu: (a, t, need) => {
    const w = wanted('prelu', need, ['weight']);
    const r = preluGrad(only('prelu', t.inputs), t.gradOutput, a, param(t, 'prelu', 'weight'), {
      input: need.inputs[0],
      weight: !!w.weight,
    });
    return { inputs: [r.input], params: r.weight ? { weight: r.weight } : {} };
  },
  parameter: (_a, t, need) => {
    wanted('parameter', need, ['value']);
    if (t.inputs.length !== 0) fail('parameter', `takes no inputs, got ${t.inputs.length}`);
    const value = param(t, 'parameter', 'value');
    return {
      inputs: [],
      params: need.params.includes('value') ? { value: reshapeGrad(value.shape, t.gradOutput) } : {},
    };
  },
  maxpool2d: unary('maxpool2d', (a, x, t) => maxpool2dGrad(x, t.gradOutput, a)),
  avgpool2d: unary('avgpool2d', (a, x, t) => avgpool2dGrad(x, t.gradOutput, a)),
  adaptive_avgpool2d: unary('adaptive_avgpool2d', (a, x, t) => adaptiveAvgpool2dGrad(x, t.gradOutput, a)),
  adaptive_maxpool2d: unary('adaptive_maxpool2d', (a, x, t) => adaptiveMaxpool2dGrad(x, t.gradOutput, a)),
  relu: unary('relu', (_a, x, t) => reluGrad(x, t.output, t.gradOutput)),
  leaky_relu: unary('leaky_relu', (a, x, t) => leakyReluGrad(x, t.output, t.gradOutput, a)),
  sigmoid: unary('sigmoid', (_a, x, t) => sigmoidGrad(x, t.output, t.gradOutput)),
  tanh: unary('tanh', (_a, x, t) => tanhGrad(x, t.output, t.gradOutput)),
  hardtanh: unary('hardtanh', (a, x, t) => hardtanhGrad(x, t.output, t.gradOutput, a)),
  hardswish: unary('hardswish', (_a, x, t) => hardswishGrad(x, t.output, t.gradOutput)),
  hardsigmoid: unary('hardsigmoid', (_a, x, t) => hardsigmoidGrad(x, t.output, t.gradOutput)),
  silu: unary('silu', (_a, x, t) => siluGrad(x, t.output, t.gradOutput)),
  gelu: unary('gelu', (a, x, t) => geluGrad(x, t.output, t.gradOutput, a)),
  elu: unary('elu', (a, x, t) => eluGrad(x, t.output, t.gradOutput, a)),
  mish: unary('mish', (_a, x, t) => mishGrad(x, t.output, t.gradOutput)),
  softmax: unary('softmax', (a, _x, t) => softmaxGrad(t.output, t.gradOutput, a)),
  scalar: unary('scalar', (a, x, t) => scalarGrad(x, t.gradOutput, a)),
  flatten: unary('flatten', (_a, x, t) => reshapeGrad(x.shape, t.gradOutput)),
  reshape: unary('reshape', (_a, x, t) => reshapeGrad(x.shape, t.gradOutput)),
  identity: unary('identity', (a, x, t) => {
    if (!a.training) return reshapeGrad(x.shape, t.gradOutput);
    const mask = t.saved.mask ?? fail('identity', `a ${a.training.kind} needs its saved mask`);
    return dropoutGrad(t.gradOutput, a.training, mask);
  }),
  permute: unary('permute', (a, x, t) => permuteGrad(x, t.gradOutput, a)),
  slice: unary('slice', (a, x, t) => sliceGrad(x, t.gradOutput, a)),
  pad: unary('pad', (a, x, t) => padGrad(x, t.gradOutput, a)),
  channel_shuffle: unary('channel_shuffle', (a, x, t) => channelShuffleGrad(x, t.gradOutput, a)),
  reduce: unary('reduce', (a, x, t) => reduceGrad(x, t.gradOutput, a)),
  binary: (a, t, need) => {
    wanted('binary', need, []);
    if (t.inputs.length !== 2) fail('binary', `takes exactly 2 inputs, got ${t.inputs.length}`);
    return { inputs: binaryGrad(t.inputs[0], t.inputs[1], t.gradOutput, a, need.inputs), params: {} };
  },
  add: (_a, t, need) => {
    wanted('add', need, []);
    if (t.inputs.length < 2) fail('add', `needs at least 2 inputs, got ${t.inputs.length}`);
    for (const x of t.inputs) expectShape(x, t.gradOutput.shape, 'add', 'input');
    return { inputs: t.inputs.map((x, i) => (need.inputs[i] ? reshapeGrad(x.shape, t.gradOutput) : null)), params: {} };
  },
  concat: (a, t, need) => {
    wanted('concat', need, []);
    const pieces = concatGrad(t.inputs, t.gradOutput, a);
    return { inputs: pieces.map((p, i) => (need.inputs[i] ? p : null)), params: {} };
  },
};

/** An accumulate step (train-plan.ts): the elementwise sum of a value's gradient contributions, in float64. */
export function accumulateGrads(inputs: readonly Tensor[]): Tensor {
  if (inputs.length < 1) fail('accumulate', 'needs at least one gradient');
  for (const t of inputs) expectShape(t, inputs[0].shape, 'accumulate', 'gradient');
  const out = tensor(inputs[0].shape);
  for (let i = 0; i < out.data.length; i++) {
    let s = 0;
    for (const t of inputs) s += t.data[i];
    out.data[i] = s;
  }
  return out;
}

/**
 * The gradient of one op: d(loss)/d(input) for each input whose `need.inputs` flag is set (null for the
 * others) and d(loss)/d(param) for each name in `need.params`, from the forward's tensors and
 * d(loss)/d(output). batchnorm2d's gradient flows through the batch statistics when `t.saved` has `mean`
 * and `invstd` (the training-mode forward, or track_running_stats=False), and treats the running
 * statistics as constants when saved is empty (an eval-mode forward with track_running_stats).
 */
export function gradOp<K extends OpName>(op: K, attrs: OpAttrs[K], t: GradTensors, need: GradNeed): GradResult {
  const kernel: GradKernel<K> | undefined = gradKernels[op];
  if (!kernel) fail(String(op), 'unknown op');
  if (need.inputs.length !== t.inputs.length) {
    fail(String(op), `need.inputs has ${need.inputs.length} flags for ${t.inputs.length} inputs`);
  }
  return kernel(attrs, t, need);
}
