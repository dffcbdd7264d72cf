import type { OpAttrs, OpName } from '../ir/attrs.ts';

/**
 * The plan: plain data that codegen reads (and nothing else). Every shape is concrete: symbolic
 * sizes are bound before planning (from `--shape`, or from the inputs at run time).
 */
export interface Plan {
  readonly model: string;
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  /** every parameter tensor any step reads, by state_dict key (after folding passes: derived keys) */
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
  readonly key: string;
  readonly shape: readonly number[];
  /** inline value from the .cnn file or computed by a folding pass; otherwise read from weights */
  readonly value: Float32Array | null;
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

export type Activation =
  | { readonly kind: 'relu' }
  | { readonly kind: 'leaky_relu'; readonly negative_slope: number }
  | { readonly kind: 'sigmoid' }
  | { readonly kind: 'tanh' };
