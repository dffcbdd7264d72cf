import type { Plan } from '../compiler/4-plan/plan.ts';
import { didYouMean } from '../compiler/diagnostics/suggest.ts';
import { defaultInit, type InitParam } from './io/init.ts';
import type { Tensor } from './tensor.ts';

/** A weights problem, with the catalogue code the CLI prints. */
export class WeightsError extends Error {
  constructor(
    readonly code: 'E0401' | 'E0402' | 'E0403' | 'E0404',
    message: string,
  ) {
    super(message);
  }
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
const CLASS: Record<string, string> = { conv2d: 'Conv2d', linear: 'Linear', batchnorm2d: 'BatchNorm2d' };

interface Owner {
  readonly layer: string;
  readonly op: string;
}

function owners(plan: Plan): Map<string, Owner> {
  const out = new Map<string, Owner>();
  for (const step of plan.steps) for (const key of Object.values(step.params)) out.set(key, { layer: step.nodes[0], op: CLASS[step.op] ?? step.op });
  return out;
}

// PyTorch saves this counter in every BatchNorm's state_dict; inference never reads it
const IGNORED_SUFFIX = '.num_batches_tracked';

/**
 * Checks a state_dict against the plan: every parameter present with its exact shape, and no key
 * that no layer has. Inline values from the .cnn file need no entry.
 */
export function bindWeights(plan: Plan, tensors: ReadonlyMap<string, Tensor>, source = 'the weights file'): Map<string, Tensor> {
  const owner = owners(plan);
  const needed = plan.params.filter((p) => p.value === null);
  const missing = needed.filter((p) => !tensors.has(p.key));
  if (missing.length) {
    const first = missing[0];
    const o = owner.get(first.key);
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more: ${missing.slice(1, 6).map((p) => p.key).join(', ')}${missing.length > 6 ? ', ...' : ''})` : '';
    const present = [...tensors.keys()];
    const guess = didYouMean(first.key, present);
    throw new WeightsError('E0401', `${source} has no \`${first.key}\`: ${o?.op ?? 'the layer'} \`${o?.layer ?? first.key}\` needs a ${fmt(first.shape)} tensor${more}${guess ? `; did you mean \`${guess}\`?` : ''}`);
  }
  const keys = new Set(plan.params.map((p) => p.key));
  const unexpected = [...tensors.keys()].filter((k) => !keys.has(k) && !k.endsWith(IGNORED_SUFFIX));
  if (unexpected.length) {
    const guess = didYouMean(unexpected[0], keys);
    throw new WeightsError('E0402', `${source} has ${unexpected.length === 1 ? 'a key' : `${unexpected.length} keys`} no layer of \`${plan.model}\` uses: ${unexpected.slice(0, 6).map((k) => `\`${k}\``).join(', ')}${unexpected.length > 6 ? ', ...' : ''}${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
  }
  const out = new Map<string, Tensor>();
  for (const p of needed) {
    const t = tensors.get(p.key)!;
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      const o = owner.get(p.key);
      throw new WeightsError('E0403', `\`${p.key}\` has shape ${fmt(t.shape)} in ${source}, but ${o?.op ?? 'the layer'} \`${o?.layer ?? p.key}\` needs ${fmt(p.shape)}`);
    }
    out.set(p.key, t);
  }
  return out;
}

/** PyTorch's default initialisation for every parameter, seeded (for running without weights). */
export function initialWeights(plan: Plan, seed: number): Map<string, Tensor> {
  const params: InitParam[] = [];
  for (const step of plan.steps) {
    if (step.op !== 'conv2d' && step.op !== 'linear' && step.op !== 'batchnorm2d') continue;
    for (const [name, key] of Object.entries(step.params)) {
      const p = plan.params.find((x) => x.key === key);
      if (p && p.value === null) params.push({ key, name: name as InitParam['name'], shape: p.shape, op: step.op });
    }
  }
  // inline values are complete on their own; a bias written inline still needs its weight's fan-in
  return defaultInit(params, seed);
}
