import type { OpAttrs, OpName } from '../ir/attrs.ts';

/**
 * The plan: plain data that codegen reads (and nothing else). Every shape is concrete: symbolic
 * sizes are bound before planning (from `--shape`, or from the inputs at run time).
 */
export interface Plan {
  readonly model: string;
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  /**
   * Every parameter tensor the plan needs at load time: each state_dict entry of the model as written
   * (`derived` absent or null; a weights file is checked against exactly these, even when no step reads
   * one any more because a folding pass replaced it), then the tensors folding passes derive from them.
   */
  readonly params: readonly PlanParam[];
  readonly buffers: readonly PlanBuffer[];
  readonly steps: readonly PlanStep[];
}

export interface PlanValue {
  /** the graph input or output name */
  readonly name: string;
  readonly buffer: string;
  readonly shape: readonly number[];
}

export interface PlanParam {
  /** a state_dict key, or for a derived tensor a key no state_dict has (e.g. `conv1+bn1.weight`) */
  readonly key: string;
  readonly shape: readonly number[];
  /** inline value from the .cnn file or computed by a folding pass; otherwise read from weights */
  readonly value: Float32Array | null;
  /**
   * How a folding pass derives this tensor from state_dict entries at load time
   * (compiler/3-lower/derive-params.ts); absent or null for a state_dict entry itself.
   */
  readonly derived?: ParamDerivation | null;
}

/** A tensor computed from other params when the weights are known. */
export type ParamDerivation = FoldBatchnorm;

/**
 * fold-batchnorm: a conv followed by an eval-mode BatchNorm as one conv. With s = gamma / sqrt(var + eps)
 * per output channel: weight' = weight * s, bias' = (bias - mean) * s + beta.
 */
export interface FoldBatchnorm {
  readonly kind: 'fold_batchnorm';
  /** which of the folded conv's tensors this is */
  readonly role: 'weight' | 'bias';
  /** the folded layers (IR node ids), for messages about their weights */
  readonly conv: string;
  readonly batchnorm: string;
  /** source state_dict keys; null: the conv has no bias (0), the BatchNorm is not affine (gamma 1, beta 0) */
  readonly convWeight: string;
  readonly convBias: string | null;
  readonly bnWeight: string | null;
  readonly bnBias: string | null;
  readonly runningMean: string;
  readonly runningVar: string;
  readonly eps: number;
}

export interface PlanBuffer {
  readonly id: string;
  readonly shape: readonly number[];
  readonly role: 'input' | 'intermediate' | 'output';
}

/** One kernel launch. Fused steps carry an epilogue (activation, residual add). */
export interface PlanStep<K extends OpName = OpName> {
  /** the IR node id(s) this step computes, for names and comments in generated code */
  readonly nodes: readonly string[];
  readonly op: K;
  readonly attrs: OpAttrs[K];
  readonly inputs: readonly string[];
  readonly inputShapes: readonly (readonly number[])[];
  /** param keys in the op's state_dict order (weight, bias, running_mean, running_var) */
  readonly params: Readonly<Record<string, string>>;
  readonly output: string;
  readonly outputShape: readonly number[];
  readonly epilogue: Epilogue;
}

export interface Epilogue {
  /** buffer added elementwise after the op (residual), or null */
  readonly residual: string | null;
  readonly activation: Activation | null;
}

/** An elementwise function without parameters, applied in a kernel's epilogue or as a step of its own. */
export type Activation =
  | { readonly kind: 'relu' }
  | { readonly kind: 'leaky_relu'; readonly negative_slope: number }
  | { readonly kind: 'sigmoid' }
  | { readonly kind: 'tanh' }
  | { readonly kind: 'hardtanh'; readonly min_val: number; readonly max_val: number }
  | { readonly kind: 'hardswish' }
  | { readonly kind: 'hardsigmoid' }
  | { readonly kind: 'silu' }
  | { readonly kind: 'gelu'; readonly approximate: 'none' | 'tanh' }
  | { readonly kind: 'elu'; readonly alpha: number }
  | { readonly kind: 'mish' };
