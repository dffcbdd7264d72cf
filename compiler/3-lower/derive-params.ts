/**
 * Tensors that folding passes derive from the model's own parameters (PlanParam.derived). The plan
 * keeps the recipe; the numbers are computed here once the weights are known (at load time), or by
 * the pass itself when every source is written inline in the .cnn file.
 */
import type { FoldBatchnorm, ParamDerivation, PlanParam } from './plan.ts';
import { type Tensor, tensor } from '../ir/tensor.ts';

/** The values of one source tensor by key (weights file or inline), or undefined when absent. */
export type SourceLookup = (key: string) => Float32Array | undefined;

/**
 * Every derived tensor of the plan that has no value yet, by key. Sources come from the plan's inline
 * values, then `weights` (the checked state_dict), then tensors derived before (a pass may fold into
 * a tensor it derived itself, e.g. two BatchNorms after one conv; params list those first). A missing
 * source is a bug in the caller (bindWeights checks every source first), so it throws.
 */
export function deriveParams(
  plan: { readonly params: readonly PlanParam[] },
  weights: ReadonlyMap<string, Tensor>,
): Map<string, Tensor> {
  const inline = new Map(plan.params.filter((p) => p.value !== null).map((p) => [p.key, p.value!]));
  const out = new Map<string, Tensor>();
  const lookup: SourceLookup = (key) => inline.get(key) ?? weights.get(key)?.data ?? out.get(key)?.data;
  for (const p of plan.params) {
    if (!p.derived || p.value !== null) continue;
    out.set(p.key, tensor(p.shape, deriveValue(p.derived, p.shape, lookup)));
  }
  return out;
}

/** One derived tensor's values (shape `shape`), or throws naming the source that is missing or wrong. */
export function deriveValue(d: ParamDerivation, shape: readonly number[], lookup: SourceLookup): Float32Array {
  switch (d.kind) {
    case 'fold_batchnorm':
      return foldBatchnorm(d, shape, lookup);
  }
}

function foldBatchnorm(d: FoldBatchnorm, shape: readonly number[], lookup: SourceLookup): Float32Array {
  const oc = shape[0];
  const need = (key: string, n: number): Float32Array => {
    const v = lookup(key);
    if (v === undefined) throw new Error(`cannot fold \`${d.batchnorm}\` into \`${d.conv}\`: no values for \`${key}\``);
    if (v.length !== n)
      throw new Error(
        `cannot fold \`${d.batchnorm}\` into \`${d.conv}\`: \`${key}\` has ${v.length} values, expected ${n}`,
      );
    return v;
  };
  const optional = (key: string | null, fill: number): Float32Array =>
    key === null ? new Float32Array(oc).fill(fill) : need(key, oc);
  const gamma = optional(d.bnWeight, 1);
  const variance = need(d.runningVar, oc);
  // s = gamma / sqrt(var + eps), in double precision; each result is rounded to float32 once
  const scale = Array.from({ length: oc }, (_, c) => gamma[c] / Math.sqrt(variance[c] + d.eps));
  if (d.role === 'weight') {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = need(d.convWeight, n);
    const per = n / oc;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = w[i] * scale[Math.floor(i / per)];
    return out;
  }
  const bias = optional(d.convBias, 0);
  const beta = optional(d.bnBias, 0);
  const mean = need(d.runningMean, oc);
  const out = new Float32Array(oc);
  for (let c = 0; c < oc; c++) out[c] = (bias[c] - mean[c]) * scale[c] + beta[c];
  return out;
}
