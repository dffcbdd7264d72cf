import type { ParamDerivation, Plan, PlanParam } from '../compiler/3-lower/plan.ts';
import { didYouMean } from '../compiler/diagnostics/suggest.ts';
import { defaultInit, type InitParam } from './io/init.ts';
import { lossyProblem } from './io/safetensors.ts';
import {
  isIntegerDtype,
  isStoredTensor,
  type StoredDtype,
  type StoredTensor,
  storedIntegerAt,
  storedToFloat32,
  TORCH_DTYPE_NAMES,
} from './io/stored-tensor.ts';
import { deriveParams } from '../compiler/3-lower/derive-params.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';

/** The catalogue codes of weights problems (compiler/diagnostics/catalogue.ts). */
export type WeightsErrorCode = 'E0401' | 'E0402' | 'E0403' | 'E0404' | 'E0411' | 'E0412';

/** A weights problem, with the catalogue code the CLI prints and, where one is to blame, the layer. */
export class WeightsError extends Error {
  constructor(
    readonly code: WeightsErrorCode,
    message: string,
    /** the IR node id of the layer that owns the key (its spans locate it in the .cnn file) */
    readonly node?: string,
    /** the state_dict key at fault */
    readonly key?: string,
  ) {
    super(message);
  }
}

export interface BindOptions {
  /** keys no layer uses are ignored instead of refused (E0402) */
  readonly allowExtraKeys?: boolean;
}

/**
 * The bound parameters by key (float32, derived tensors included), plus what the weights held that
 * inference does not read but training will write back.
 */
export class BoundWeights extends Map<string, Tensor> {
  /** each BatchNorm's `<bn>.num_batches_tracked`, by that key, as its exact integer */
  readonly numBatchesTracked = new Map<string, number>();
  /** keys no layer uses, ignored because allowExtraKeys was set */
  readonly ignoredKeys: string[] = [];
}

/** A weights entry: float32 values (given in JS, or read by readSafetensors) or the bytes a file stores. */
export type WeightsTensor = Tensor | StoredTensor;

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
const CLASS: Record<string, string> = { conv2d: 'Conv2d', linear: 'Linear', batchnorm2d: 'BatchNorm2d' };

interface Owner {
  readonly layer: string;
  readonly op: string;
}

/** The plan as far as weights need it (a generated module keeps only this much). */
type WeightsPlan = Pick<Plan, 'model' | 'params'> & {
  readonly steps: readonly Pick<Plan['steps'][number], 'nodes' | 'op' | 'params'>[];
};

function owners(plan: WeightsPlan): Map<string, Owner> {
  const out = new Map<string, Owner>();
  for (const step of plan.steps)
    for (const key of Object.values(step.params)) out.set(key, { layer: step.nodes[0], op: CLASS[step.op] ?? step.op });
  // a folded layer's own keys are no step's any more; its derivation still names the layer
  for (const p of plan.params) {
    for (const s of p.derived ? sourcesOf(p.derived) : []) out.set(s.key, s.owner);
  }
  return out;
}

/** The state_dict entries (inline or from the weights file); derived tensors are not among them. */
const isSource = (p: PlanParam): boolean => !p.derived;

/** The source tensors a derivation reads, with the layer and PyTorch parameter name of each. */
function sourcesOf(d: ParamDerivation): { key: string; owner: Owner; name: InitParam['name']; op: InitParam['op'] }[] {
  const conv = { layer: d.conv, op: 'Conv2d' };
  const bn = { layer: d.batchnorm, op: 'BatchNorm2d' };
  const all = [
    { key: d.convWeight, owner: conv, name: 'weight', op: 'conv2d' },
    { key: d.convBias, owner: conv, name: 'bias', op: 'conv2d' },
    { key: d.bnWeight, owner: bn, name: 'weight', op: 'batchnorm2d' },
    { key: d.bnBias, owner: bn, name: 'bias', op: 'batchnorm2d' },
    { key: d.runningMean, owner: bn, name: 'running_mean', op: 'batchnorm2d' },
    { key: d.runningVar, owner: bn, name: 'running_var', op: 'batchnorm2d' },
  ] as const;
  return all.filter((s): s is (typeof all)[number] & { key: string } => s.key !== null);
}

// PyTorch saves this counter in every BatchNorm that tracks running statistics; inference never reads it
const BATCHES_TRACKED = '.num_batches_tracked';
// DataParallel and DistributedDataParallel save the wrapped model's keys under this prefix
const DATA_PARALLEL_PREFIX = 'module.';

const list = (keys: readonly string[], max = 6) =>
  `${keys
    .slice(0, max)
    .map((k) => `\`${k}\``)
    .join(', ')}${keys.length > max ? ', ...' : ''}`;

/**
 * Checks a state_dict against the plan: every parameter present with its exact shape, and no key
 * that no layer has (unless allowExtraKeys); a BatchNorm's `num_batches_tracked` must be a 0-dim
 * integer tensor. Inline values from the .cnn file need no entry. Stored tensors become float32 here
 * (integers only when exact). The keys are the model's own (before any folding); the result also
 * holds the tensors folding passes derive from them.
 */
export function bindWeights(
  plan: WeightsPlan,
  tensors: ReadonlyMap<string, WeightsTensor>,
  source = 'the weights file',
  options: BindOptions = {},
): BoundWeights {
  const owner = owners(plan);
  const needed = plan.params.filter((p) => p.value === null && isSource(p));
  const missing = needed.filter((p) => !tensors.has(p.key));
  if (missing.length) {
    const first = missing[0];
    const o = owner.get(first.key);
    const more =
      missing.length > 1
        ? ` (and ${missing.length - 1} more: ${list(
            missing.slice(1).map((p) => p.key),
            5,
          )})`
        : '';
    const present = [...tensors.keys()];
    const guess = didYouMean(first.key, present);
    throw new WeightsError(
      'E0401',
      `${source} has no \`${first.key}\`: ${o?.op ?? 'the layer'} \`${o?.layer ?? first.key}\` needs a ${fmt(first.shape)} tensor${more}${guess ? `; did you mean \`${guess}\`?` : ''}${dataParallelHint(plan, present)}`,
      o?.layer,
      first.key,
    );
  }
  const keys = new Set(plan.params.filter(isSource).map((p) => p.key));
  const batchNorms = trackingBatchNorms(plan, owner);
  const out = new BoundWeights();
  const unexpected: string[] = [];
  for (const [key, t] of tensors) {
    if (keys.has(key)) continue;
    const bn = key.endsWith(BATCHES_TRACKED) ? batchNorms.get(key.slice(0, -BATCHES_TRACKED.length)) : undefined;
    if (bn) out.numBatchesTracked.set(key, batchesTracked(key, t, bn, source));
    else unexpected.push(key);
  }
  if (unexpected.length && !options.allowExtraKeys) {
    const guess = didYouMean(unexpected[0], keys);
    throw new WeightsError(
      'E0402',
      `${source} has ${unexpected.length === 1 ? 'a key' : `${unexpected.length} keys`} no layer of \`${plan.model}\` uses: ${list(unexpected)}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
      undefined,
      unexpected[0],
    );
  }
  out.ignoredKeys.push(...unexpected);
  for (const p of needed) {
    const t = tensors.get(p.key)!;
    const o = owner.get(p.key);
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new WeightsError(
        'E0403',
        `\`${p.key}\` has shape ${fmt(t.shape)} in ${source}, but ${o?.op ?? 'the layer'} \`${o?.layer ?? p.key}\` needs ${fmt(p.shape)}`,
        o?.layer,
        p.key,
      );
    }
    out.set(p.key, { shape: t.shape, data: floatData(p.key, t, source, o) });
  }
  for (const [key, t] of deriveParams(plan, out)) out.set(key, t);
  return out;
}

/** A tensor's values as float32: stored integers must be exact. */
function floatData(key: string, t: WeightsTensor, source: string, o: Owner | undefined): Float32Array {
  if (!isStoredTensor(t)) return t.data;
  const converted = storedToFloat32(t);
  if ('data' in converted) return converted.data;
  throw new WeightsError(
    'E0411',
    `\`${key}\` in ${source}: ${lossyProblem(t.dtype, converted.lossy)}, and ${o?.op ?? 'the layer'} \`${o?.layer ?? key}\` computes in float32`,
    o?.layer,
    key,
  );
}

/** BatchNorm layers that track running statistics (their running_mean is a plan key), by key prefix. */
function trackingBatchNorms(plan: WeightsPlan, owner: Map<string, Owner>): Map<string, Owner> {
  const out = new Map<string, Owner>();
  for (const p of plan.params) {
    if (!p.key.endsWith('.running_mean')) continue;
    const o = owner.get(p.key);
    if (o) out.set(p.key.slice(0, -'.running_mean'.length), o);
  }
  return out;
}

/** The exact count a BatchNorm's num_batches_tracked holds; it must be a 0-dim integer tensor. */
function batchesTracked(key: string, t: WeightsTensor, bn: Owner, source: string): number {
  if (t.shape.length !== 0)
    throw new WeightsError(
      'E0403',
      `\`${key}\` has shape ${fmt(t.shape)} in ${source}, but ${bn.op} \`${bn.layer}\` saves it as a 0-dim tensor (shape [])`,
      bn.layer,
      key,
    );
  const dtype: StoredDtype = isStoredTensor(t) ? t.dtype : ((t as { dtype?: StoredDtype }).dtype ?? 'F32');
  if (!isIntegerDtype(dtype))
    throw new WeightsError(
      'E0411',
      `\`${key}\` is ${TORCH_DTYPE_NAMES[dtype]} in ${source}, but ${bn.op} \`${bn.layer}\` counts batches in an integer tensor (torch.long)`,
      bn.layer,
      key,
    );
  const value = isStoredTensor(t) ? storedIntegerAt(t, 0) : t.data[0];
  if (value === null || !Number.isSafeInteger(value))
    throw new WeightsError('E0411', `\`${key}\` in ${source} holds a count beyond 2^53`, bn.layer, key);
  return value;
}

/** A hint for a state_dict saved from a DataParallel/DDP wrapper: every key under `module.`. */
function dataParallelHint(plan: WeightsPlan, present: readonly string[]): string {
  if (!present.length || !present.every((k) => k.startsWith(DATA_PARALLEL_PREFIX))) return '';
  if (plan.params.some((p) => p.key.startsWith(DATA_PARALLEL_PREFIX))) return '';
  return `; every key in the file starts with \`${DATA_PARALLEL_PREFIX}\` (saved from DataParallel or DistributedDataParallel): save \`model.module.state_dict()\` instead, or strip the prefix: \`{k.removeprefix('module.'): v for k, v in sd.items()}\``;
}

function withDerived<M extends Map<string, Tensor>>(plan: WeightsPlan, sources: M): M {
  for (const [key, t] of deriveParams(plan, sources)) sources.set(key, t);
  return sources;
}

/**
 * PyTorch's default initialisation for every parameter, seeded (for running without weights), plus
 * the tensors folding passes derive from them.
 */
export function initialWeights(plan: WeightsPlan, seed: number): Map<string, Tensor> {
  const byKey = new Map(plan.params.map((p) => [p.key, p]));
  const params = new Map<string, InitParam>();
  const add = (key: string, name: InitParam['name'], op: InitParam['op']) => {
    const p = byKey.get(key);
    // inline values are complete on their own; a bias written inline still needs its weight's fan-in
    if (p && p.value === null && isSource(p) && !params.has(key)) params.set(key, { key, name, shape: p.shape, op });
  };
  for (const step of plan.steps) {
    if (step.op !== 'conv2d' && step.op !== 'linear' && step.op !== 'batchnorm2d') continue;
    for (const [name, key] of Object.entries(step.params)) add(key, name as InitParam['name'], step.op);
  }
  // the layers a pass folded away initialise exactly as if they were still there
  for (const p of plan.params) for (const s of p.derived ? sourcesOf(p.derived) : []) add(s.key, s.name, s.op);
  return withDerived(plan, defaultInit([...params.values()], seed));
}
