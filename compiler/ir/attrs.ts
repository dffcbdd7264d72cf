/**
 * The normalised attributes of each IR op: the contract between the analyzer (which fills them from
 * PyTorch-style arguments, with defaults applied and 'same'/'valid' resolved) and every backend.
 * Pairs are [height, width]. Padding is explicit per side: [top, bottom, left, right].
 */
export type Pair = readonly [number, number];
export type Pads = readonly [top: number, bottom: number, left: number, right: number];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface Conv2dAttrs {
  readonly in_channels: number;
  readonly out_channels: number;
  readonly kernel_size: Pair;
  readonly stride: Pair;
  readonly pads: Pads;
  readonly dilation: Pair;
  readonly groups: number;
  readonly bias: boolean;
  readonly padding_mode: PaddingMode;
}

export interface MaxPool2dAttrs {
  readonly kernel_size: Pair;
  readonly stride: Pair;
  /** symmetric padding, as PyTorch pools take it */
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceil_mode: boolean;
}

export interface AvgPool2dAttrs {
  readonly kernel_size: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceil_mode: boolean;
  readonly count_include_pad: boolean;
  readonly divisor_override: number | null;
}

export interface AdaptiveAvgPool2dAttrs {
  /** already resolved against the input (None in PyTorch's output_size means "keep that size") */
  readonly output_size: Pair;
}

export interface BatchNorm2dAttrs {
  readonly num_features: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
}

export interface LeakyReluAttrs {
  readonly negative_slope: number;
}

export interface FlattenAttrs {
  /** resolved to non-negative dims of the input */
  readonly start_dim: number;
  readonly end_dim: number;
}

export interface LinearAttrs {
  readonly in_features: number;
  readonly out_features: number;
  readonly bias: boolean;
}

export interface SoftmaxAttrs {
  /** resolved to a non-negative dim of the input */
  readonly dim: number;
}

export interface ConcatAttrs {
  /** resolved to a non-negative dim of the input */
  readonly dim: number;
}

export type NoAttrs = Record<string, never>;

/**
 * What an `identity` node is in training: a dropout (zeroes with probability p and scales the rest
 * by 1/(1-p); `element` per value, `channel` per (sample, channel) as Dropout1d/2d/3d, `alpha` and
 * `feature_alpha` keep the SELU statistics) or torchvision's stochastic depth (drops the whole
 * residual branch per sample, `row`, or for the batch). At inference it is the identity, whatever it holds.
 */
export type TrainingIdentity =
  | {
      readonly kind: 'dropout';
      readonly p: number;
      readonly variant: 'element' | 'channel' | 'alpha' | 'feature_alpha';
    }
  | { readonly kind: 'stochastic_depth'; readonly p: number; readonly mode: 'row' | 'batch' };

/** Identity, Flatten-like copies and, at inference, the dropouts. */
export interface IdentityAttrs {
  readonly training?: TrainingIdentity;
}

/** Hardtanh clamps to [min_val, max_val]; ReLU6 is Hardtanh(0, 6), as in PyTorch. */
export interface HardtanhAttrs {
  readonly min_val: number;
  readonly max_val: number;
}

export interface GeluAttrs {
  /** 'none': x * Phi(x) with the exact erf; 'tanh': PyTorch's tanh approximation */
  readonly approximate: 'none' | 'tanh';
}

export interface EluAttrs {
  readonly alpha: number;
}

/** PReLU: max(0, x) + weight[c] * min(0, x); weight has num_parameters values (1, or one per channel). */
export interface PreluAttrs {
  readonly num_parameters: number;
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** Two tensors combined elementwise with NumPy/PyTorch broadcasting (shapes aligned from the right). */
export interface BinaryAttrs {
  readonly op: BinaryOp;
}

/** A tensor and a constant: `x op value`, or `value op x` when `reversed`. */
export interface ScalarAttrs {
  readonly op: BinaryOp;
  readonly value: number;
  readonly reversed: boolean;
}

/** view / reshape / unflatten: the same row-major data under another shape (no -1 left). */
export interface ReshapeAttrs {
  readonly shape: readonly number[];
}

/** permute / transpose: output dim i is input dim dims[i]. */
export interface PermuteAttrs {
  readonly dims: readonly number[];
}

/** narrow: input[..., start:end, ...] along `dim` (chunk and split become one slice per piece). */
export interface SliceAttrs {
  readonly dim: number;
  readonly start: number;
  readonly end: number;
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * F.pad on the last two dims (ZeroPad2d, ConstantPad2d, ReflectionPad2d, ReplicationPad2d).
 * Pads are [top, bottom, left, right] like Conv2dAttrs.pads; a negative pad crops (constant mode).
 */
export interface PadAttrs {
  readonly pads: Pads;
  readonly mode: PadMode;
  /** the fill value of constant mode */
  readonly value: number;
}

/**
 * Normalises over the dims [begin, end) of the input, separately for every index of the other dims:
 * LayerNorm(normalized_shape) is begin = rank - len(normalized_shape), end = rank; torchvision's
 * LayerNorm2d (over the channels of NCHW) is begin 1, end 2. weight and bias have the normalised dims' shape.
 */
export interface LayerNormAttrs {
  readonly begin: number;
  readonly end: number;
  readonly eps: number;
  readonly elementwise_affine: boolean;
}

export interface GroupNormAttrs {
  readonly num_groups: number;
  readonly num_channels: number;
  readonly eps: number;
  readonly affine: boolean;
}

export interface AdaptiveMaxPool2dAttrs {
  /** already resolved against the input, as AdaptiveAvgPool2dAttrs */
  readonly output_size: Pair;
}

/** nn.ChannelShuffle: [N, g*k, ...] viewed as [N, g, k, ...], dims 1 and 2 swapped, flattened back. */
export interface ChannelShuffleAttrs {
  readonly groups: number;
}

/** x.mean(dims) / x.sum(dims); dims resolved to non-negative, sorted, unique. */
export interface ReduceAttrs {
  readonly op: 'mean' | 'sum';
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

/** A free parameter tensor (nn.Parameter, e.g. ConvNeXt's layer_scale): no input, its value is the output. */
export interface ParameterAttrs {
  readonly shape: readonly number[];
}

/** IR op name -> its attributes. Op names follow ../shared/golden (lower snake case). */
export interface OpAttrs {
  conv2d: Conv2dAttrs;
  maxpool2d: MaxPool2dAttrs;
  avgpool2d: AvgPool2dAttrs;
  adaptive_avgpool2d: AdaptiveAvgPool2dAttrs;
  batchnorm2d: BatchNorm2dAttrs;
  relu: NoAttrs;
  leaky_relu: LeakyReluAttrs;
  sigmoid: NoAttrs;
  tanh: NoAttrs;
  flatten: FlattenAttrs;
  linear: LinearAttrs;
  softmax: SoftmaxAttrs;
  add: NoAttrs;
  concat: ConcatAttrs;
  identity: IdentityAttrs;
  // torchvision's activations (ReLU6 is hardtanh 0..6)
  hardtanh: HardtanhAttrs;
  hardswish: NoAttrs;
  hardsigmoid: NoAttrs;
  silu: NoAttrs;
  gelu: GeluAttrs;
  elu: EluAttrs;
  mish: NoAttrs;
  prelu: PreluAttrs;
  // elementwise with broadcasting
  binary: BinaryAttrs;
  scalar: ScalarAttrs;
  // data movement
  reshape: ReshapeAttrs;
  permute: PermuteAttrs;
  slice: SliceAttrs;
  pad: PadAttrs;
  channel_shuffle: ChannelShuffleAttrs;
  // normalisation, pooling, reduction
  layer_norm: LayerNormAttrs;
  group_norm: GroupNormAttrs;
  adaptive_maxpool2d: AdaptiveMaxPool2dAttrs;
  reduce: ReduceAttrs;
  parameter: ParameterAttrs;
}

export type OpName = keyof OpAttrs;

/**
 * Parameters of each op, in state_dict order, with their shapes. Conv weight is
 * [out, in/groups, kh, kw], Linear weight [out, in] (Linear applies to the last dim of any rank);
 * BatchNorm has weight, bias (if affine), running_mean, running_var (if track_running_stats);
 * LayerNorm and GroupNorm weight, bias (if affine); PReLU weight [num_parameters]. A `parameter`
 * node's one tensor is `value`, whose state_dict key is the node's id itself (`features.1.0.layer_scale`).
 */
export type ParamName = 'weight' | 'bias' | 'running_mean' | 'running_var' | 'value';
