/**
 * The contract between the training plan (what the compiler lowers a checked graph to for
 * training) and the kernels that run it: the forward steps in training mode, and one gradient step
 * per forward step that needs one, in reverse order. Plain data, like the forward plan.
 *
 * In training mode a forward step may write tensors the backward pass reads (`saved`): BatchNorm2d's
 * batch mean and inverse standard deviation, a dropout's mask. BatchNorm2d also updates its running
 * statistics and `num_batches_tracked` in place, as PyTorch's training-mode forward does.
 */
import type { OpAttrs, OpName, ParamName } from '../ir/attrs.ts';
import type { PlanStep } from './plan.ts';

/** A forward step run in training mode: what it saves for its gradient, by name, as buffer ids. */
export interface TrainForwardStep<K extends OpName = OpName> extends PlanStep<K> {
  /**
   * batchnorm2d: `mean` [C] and `invstd` [C] of the batch (invstd = 1/sqrt(biased var + eps));
   * identity with a dropout or stochastic depth: `mask` (the output's shape for element dropout,
   * [N, C] for channel dropout, [N] for stochastic depth's rows, [1] for its batch mode), holding
   * the scale each value was multiplied by (0 or 1/(1-p)). Empty for every other op.
   */
  readonly saved: Readonly<Record<string, string>>;
}

/**
 * The gradient of one forward step (vector-Jacobian product): reads what it needs of the forward
 * pass and the gradient of the step's output, writes the gradients of the inputs and parameters it
 * is asked for. Each gradient buffer is written whole (never accumulated into): a value read by
 * several steps gets one gradient buffer per reader, summed by an `accumulate` step.
 */
export interface GradStep<K extends OpName = OpName> {
  readonly kind: 'grad';
  /** the forward node id(s), for messages and generated names */
  readonly nodes: readonly string[];
  readonly op: K;
  readonly attrs: OpAttrs[K];
  /** the forward step's input buffers and their shapes */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly (readonly number[])[];
  /** the forward step's output buffer (relu, sigmoid, ... take their gradient from it) */
  readonly output: string;
  readonly outputShape: readonly number[];
  /** the forward step's parameters: name -> param key (their current values) */
  readonly params: Readonly<Record<string, string>>;
  /** what the forward step saved (TrainForwardStep.saved), by the same names */
  readonly saved: Readonly<Record<string, string>>;
  /** d(loss)/d(output), shaped like the output */
  readonly gradOutput: string;
  /** for each forward input: the buffer to write d(loss)/d(input) into, or null when nothing needs it */
  readonly gradInputs: readonly (string | null)[];
  /** for each parameter the optimizer trains: the buffer to write d(loss)/d(param) into */
  readonly gradParams: Readonly<Partial<Record<ParamName, string>>>;
}

/** The sum of several gradient contributions to one value (a value read by several steps). */
export interface AccumulateStep {
  readonly kind: 'accumulate';
  readonly inputs: readonly string[];
  readonly output: string;
  readonly shape: readonly number[];
}

export type BackwardStep = GradStep | AccumulateStep;

/**
 * The ops whose gradient PyTorch does not define (no backward): a model that needs a gradient
 * through one of them cannot be trained past it.
 */
export const NO_GRADIENT: ReadonlySet<OpName> = new Set<OpName>([]);
