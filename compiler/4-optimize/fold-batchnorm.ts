/**
 * fold-batchnorm: conv2d followed by an eval-mode BatchNorm2d becomes one conv2d. BatchNorm with
 * running statistics is a per-channel affine map y = x*s + (beta - mean*s), s = gamma/sqrt(var+eps), so
 * it folds into the conv's weight and bias: w' = w*s, b' = (b - mean)*s + beta. The weights are known
 * only at load time, so the plan gets two derived params (PlanParam.derived) that compiler/3-lower/derive-params.ts
 * computes from the original state_dict entries, which stay in the plan for checking the weights file.
 */
import type { FoldBatchnorm, PlanParam, PlanStep } from '../3-lower/plan.ts';
import { deriveValue } from '../3-lower/derive-params.ts';
import type { PlanPass } from './index.ts';
import { type Fusion, PassInvariantError, type PlanGraph, fuseAll } from './plan-graph.ts';

const NAME = 'fold-batchnorm';

export const foldBatchnorm: PlanPass = {
  name: NAME,
  why: 'a BatchNorm after a conv is a per-channel scale and shift: fold it into the conv weights (before the fusions, so they see one conv)',
  run: (plan) => fuseAll(plan, findFold),
};

function findFold(g: PlanGraph, from: number): Fusion | null {
  const steps = g.plan.steps;
  for (let i = from; i < steps.length; i++) {
    const bn = steps[i] as PlanStep<'batchnorm2d'>;
    // without running statistics BatchNorm normalises with the batch's own: not a fixed affine map
    if (bn.op !== 'batchnorm2d' || !bn.attrs.track_running_stats) continue;
    const j = g.producerOf(bn.inputs[0]);
    if (j === undefined) continue;
    const conv = steps[j] as PlanStep<'conv2d'>;
    if (conv.op !== 'conv2d' || conv.epilogue.residual !== null || conv.epilogue.activation !== null) continue;
    if (!g.onlyFeeds(conv.output, i)) continue;
    return fold(g, conv, j, bn, i);
  }
  return null;
}

function fold(g: PlanGraph, conv: PlanStep<'conv2d'>, j: number, bn: PlanStep<'batchnorm2d'>, i: number): Fusion {
  const oc = conv.attrs.out_channels;
  if (bn.attrs.num_features !== oc)
    throw new PassInvariantError(NAME, bn, `${bn.attrs.num_features} features after a conv with ${oc} output channels`);
  const key = (name: string): string | null => bn.params[name] ?? null;
  const convWeight = conv.params.weight;
  const runningMean = key('running_mean');
  const runningVar = key('running_var');
  if (!convWeight || !runningMean || !runningVar)
    throw new PassInvariantError(NAME, bn, 'the conv weight or the running statistics have no param key');
  const recipe = {
    kind: 'fold_batchnorm',
    conv: conv.nodes.join(' + '),
    batchnorm: bn.nodes.join(' + '),
    convWeight,
    convBias: conv.attrs.bias ? (conv.params.bias ?? null) : null,
    bnWeight: bn.attrs.affine ? key('weight') : null,
    bnBias: bn.attrs.affine ? key('bias') : null,
    runningMean,
    runningVar,
    eps: bn.attrs.eps,
  } as const;
  const nodes = [...conv.nodes, ...bn.nodes];
  const weightShape = g.plan.params.find((p) => p.key === convWeight)?.shape;
  if (!weightShape || weightShape[0] !== oc)
    throw new PassInvariantError(NAME, conv, `weight \`${convWeight}\` is not a param of shape [${oc}, ...]`);
  const derived = (role: FoldBatchnorm['role'], shape: readonly number[]): PlanParam => {
    const d: FoldBatchnorm = { ...recipe, role };
    return { key: `${nodes.join('+')}.${role}`, shape, value: inlineFold(g, d, shape), derived: d };
  };
  const weight = derived('weight', weightShape);
  const bias = derived('bias', [oc]);
  const step: PlanStep<'conv2d'> = {
    ...conv,
    nodes,
    attrs: { ...conv.attrs, bias: true },
    params: { weight: weight.key, bias: bias.key },
    output: bn.output,
    outputShape: bn.outputShape,
    // whatever an earlier pass fused after the BatchNorm still runs after the folded conv
    epilogue: bn.epilogue,
  };
  return { step, replaced: [j, i], removedBuffers: [conv.output], newParams: [weight, bias] };
}

/** When every source is written inline in the .cnn file the folded values are known now. */
function inlineFold(g: PlanGraph, d: FoldBatchnorm, shape: readonly number[]): Float32Array | null {
  const sources = [d.convWeight, d.convBias, d.bnWeight, d.bnBias, d.runningMean, d.runningVar].filter(
    (k): k is string => k !== null,
  );
  return sources.every((k) => g.inlineValue(k) !== undefined) ? deriveValue(d, shape, (k) => g.inlineValue(k)) : null;
}
