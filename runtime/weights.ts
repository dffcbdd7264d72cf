import type { ParamDerivation, Plan, PlanParam } from '../compiler/3-lower/plan.ts';
import { didYouMean } from '../compiler/diagnostics/suggest.ts';
import { defaultInit, type InitParam } from './io/init.ts';
import { deriveParams } from '../compiler/3-lower/derive-params.ts';
import type { Tensor } from '../compiler/ir/tensor.ts';

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

// PyTorch saves this counter in every BatchNorm's state_dict; inference never reads it
const IGNORED_SUFFIX = '.num_batches_tracked';

/**
 * Checks a state_dict against the plan: every parameter present with its exact shape, and no key
 * that no layer has. Inline values from the .cnn file need no entry. The keys are the model's own
 * (before any folding); the result also holds the tensors folding passes derive from them.
 */
export function bindWeights(
  plan: WeightsPlan,
  tensors: ReadonlyMap<string, Tensor>,
  source = 'the weights file',
): Map<string, Tensor> {
  const owner = owners(plan);
  const needed = plan.params.filter((p) => p.value === null && isSource(p));
  const missing = needed.filter((p) => !tensors.has(p.key));
  if (missing.length) {
    const first = missing[0];
    const o = owner.get(first.key);
    const more =
      missing.length > 1
        ? ` (and ${missing.length - 1} more: ${missing
            .slice(1, 6)
            .map((p) => p.key)
            .join(', ')}${missing.length > 6 ? ', ...' : ''})`
        : '';
    const present = [...tensors.keys()];
    const guess = didYouMean(first.key, present);
    throw new WeightsError(
      'E0401',
      `${source} has no \`${first.key}\`: ${o?.op ?? 'the layer'} \`${o?.layer ?? first.key}\` needs a ${fmt(first.shape)} tensor${more}${guess ? `; did you mean \`${guess}\`?` : ''}`,
    );
  }
  const keys = new Set(plan.params.filter(isSource).map((p) => p.key));
  const unexpected = [...tensors.keys()].filter((k) => !keys.has(k) && !k.endsWith(IGNORED_SUFFIX));
  if (unexpected.length) {
    const guess = didYouMean(unexpected[0], keys);
    throw new WeightsError(
      'E0402',
      `${source} has ${unexpected.length === 1 ? 'a key' : `${unexpected.length} keys`} no layer of \`${plan.model}\` uses: ${unexpected
        .slice(0, 6)
        .map((k) => `\`${k}\``)
        .join(', ')}${unexpected.length > 6 ? ', ...' : ''}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
    );
  }
  const out = new Map<string, Tensor>();
  for (const p of needed) {
    const t = tensors.get(p.key)!;
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      const o = owner.get(p.key);
      throw new WeightsError(
        'E0403',
        `\`${p.key}\` has shape ${fmt(t.shape)} in ${source}, but ${o?.op ?? 'the layer'} \`${o?.layer ?? p.key}\` needs ${fmt(p.shape)}`,
      );
    }
    out.set(p.key, t);
  }
  return withDerived(plan, out);
}

function withDerived(plan: WeightsPlan, sources: Map<string, Tensor>): Map<string, Tensor> {
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
