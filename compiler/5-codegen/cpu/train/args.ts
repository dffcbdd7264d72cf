/**
 * The argument lists of the generated training kernels and the JavaScript names they are declared with.
 *
 * A gradient kernel is `function fn(...gradients, gy, ...inputs, out, ...params, ...saved)`, in this order
 * (`gradKernelArgs`): the gradient buffers it writes (each written whole, never accumulated into): first
 * d(input) for every input whose GradStep.gradInputs entry is not null, in input order, then d(param) for
 * every entry of GradStep.gradParams in the order weight, bias, value; then d(output), every forward input,
 * the forward output, every param (in GradStep.params' key order) and every saved tensor (in
 * GradStep.saved's key order). All are Float32Arrays; a kernel reads only what its op needs.
 *
 * A training-mode forward kernel (`trainForwardKernelArgs`) is `function fn(out, ...saved, ...inputs,
 * ...params[, seed][, state])`: the output, the saved tensors it writes (TrainForwardStep.saved's key order),
 * the inputs, the params (key order), then for a dropout or stochastic depth the mask's `seed` (a number,
 * taken as a uint32), and for batchnorm2d with track_running_stats a `state` object
 * `{ numBatchesTracked: number }`. That BatchNorm2d kernel updates its running_mean and running_var param
 * arrays in place and increments state.numBatchesTracked, as PyTorch's training-mode forward does.
 */
import type { GradStep, TrainForwardStep } from '../../../3-lower/train-plan.ts';
import type { ParamName } from '../../../ir/attrs.ts';
import { safeIdentifier } from '../escape.ts';

export type GradKernelArg =
  | { readonly kind: 'gradInput'; readonly index: number; readonly buffer: string }
  | { readonly kind: 'gradParam'; readonly name: ParamName; readonly buffer: string }
  | { readonly kind: 'gradOutput'; readonly buffer: string }
  | { readonly kind: 'input'; readonly index: number; readonly buffer: string }
  | { readonly kind: 'output'; readonly buffer: string }
  | { readonly kind: 'param'; readonly name: string; readonly key: string }
  | { readonly kind: 'saved'; readonly name: string; readonly buffer: string };

export type TrainForwardKernelArg =
  | { readonly kind: 'out'; readonly buffer: string }
  | { readonly kind: 'saved'; readonly name: string; readonly buffer: string }
  | { readonly kind: 'input'; readonly index: number; readonly buffer: string }
  | { readonly kind: 'param'; readonly name: string; readonly key: string }
  /** a number: the dropout mask's seed */
  | { readonly kind: 'seed' }
  /** an object { numBatchesTracked: number }, updated in place */
  | { readonly kind: 'state' };

/** The order gradient params are passed in. running_mean and running_var are buffers: they have none. */
export const GRAD_PARAM_ORDER: readonly ParamName[] = ['weight', 'bias', 'value'];

function gradParamNames(step: GradStep): ParamName[] {
  for (const name of Object.keys(step.gradParams)) {
    if (!(GRAD_PARAM_ORDER as readonly string[]).includes(name)) {
      throw new Error(`cpu codegen: ${step.op} has no gradient for param ${JSON.stringify(name)}`);
    }
  }
  return GRAD_PARAM_ORDER.filter((n) => step.gradParams[n] !== undefined);
}

export function gradKernelArgs(step: GradStep): GradKernelArg[] {
  const args: GradKernelArg[] = [];
  step.gradInputs.forEach((buffer, index) => {
    if (buffer !== null) args.push({ kind: 'gradInput', index, buffer });
  });
  for (const name of gradParamNames(step)) args.push({ kind: 'gradParam', name, buffer: step.gradParams[name]! });
  args.push({ kind: 'gradOutput', buffer: step.gradOutput });
  step.inputs.forEach((buffer, index) => args.push({ kind: 'input', index, buffer }));
  args.push({ kind: 'output', buffer: step.output });
  for (const [name, key] of Object.entries(step.params)) args.push({ kind: 'param', name, key });
  for (const [name, buffer] of Object.entries(step.saved)) args.push({ kind: 'saved', name, buffer });
  return args;
}

/** Whether a training-mode forward of this step takes a seed (a dropout or stochastic depth). */
export function takesSeed(step: TrainForwardStep): boolean {
  return step.op === 'identity' && (step as TrainForwardStep<'identity'>).attrs.training !== undefined;
}

/** Whether it takes BatchNorm2d's state object (num_batches_tracked). */
export function takesState(step: TrainForwardStep): boolean {
  return step.op === 'batchnorm2d' && (step as TrainForwardStep<'batchnorm2d'>).attrs.track_running_stats;
}

export function trainForwardKernelArgs(step: TrainForwardStep): TrainForwardKernelArg[] {
  const args: TrainForwardKernelArg[] = [{ kind: 'out', buffer: step.output }];
  for (const [name, buffer] of Object.entries(step.saved)) args.push({ kind: 'saved', name, buffer });
  step.inputs.forEach((buffer, index) => args.push({ kind: 'input', index, buffer }));
  for (const [name, key] of Object.entries(step.params)) args.push({ kind: 'param', name, key });
  if (takesSeed(step)) args.push({ kind: 'seed' });
  if (takesState(step)) args.push({ kind: 'state' });
  return args;
}

/**
 * The identifiers of a gradient kernel's arguments. Kernel bodies use only short lower-case locals that
 * never start with `g_`, `p_`, `s_`, `gx` or `in` followed by a digit, so none can clash with these.
 */
export interface GradNames {
  /** per forward input: the identifier of its gradient, or null when not asked for */
  readonly gradInputs: readonly (string | null)[];
  readonly gradParams: Readonly<Partial<Record<ParamName, string>>>;
  readonly gradOutput: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly params: Readonly<Record<string, string>>;
  readonly saved: Readonly<Record<string, string>>;
}

export function gradNames(step: GradStep): GradNames {
  const used = new Set<string>(['gy', 'out']);
  const gradInputs = step.gradInputs.map((b, i) => (b === null ? null : safeIdentifier(`gx${i}`, used)));
  const gradParams: Partial<Record<ParamName, string>> = {};
  for (const name of gradParamNames(step)) gradParams[name] = safeIdentifier(`g_${name}`, used);
  const inputs = step.inputs.map((_, i) => safeIdentifier(`in${i}`, used));
  const params: Record<string, string> = {};
  for (const name of Object.keys(step.params)) params[name] = safeIdentifier(`p_${name}`, used);
  const saved: Record<string, string> = {};
  for (const name of Object.keys(step.saved)) saved[name] = safeIdentifier(`s_${name}`, used);
  return { gradInputs, gradParams, gradOutput: 'gy', inputs, output: 'out', params, saved };
}

/** The identifiers in gradKernelArgs order. */
export function gradParamList(step: GradStep, k: GradNames): string[] {
  return gradKernelArgs(step).map((a) => {
    switch (a.kind) {
      case 'gradInput':
        return k.gradInputs[a.index]!;
      case 'gradParam':
        return k.gradParams[a.name]!;
      case 'gradOutput':
        return k.gradOutput;
      case 'input':
        return k.inputs[a.index];
      case 'output':
        return k.output;
      case 'param':
        return k.params[a.name];
      case 'saved':
        return k.saved[a.name];
    }
  });
}
