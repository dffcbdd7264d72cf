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
  identity: NoAttrs;
}

export type OpName = keyof OpAttrs;

/**
 * Parameters of each op, in state_dict order, with their shapes. Conv weight is
 * [out, in/groups, kh, kw], Linear weight [out, in]; BatchNorm has weight, bias (if affine),
 * running_mean, running_var (if track_running_stats).
 */
export type ParamName = 'weight' | 'bias' | 'running_mean' | 'running_var';
