/** Parameter arrays by plan param key, for the wasm runtime. */
import type { Plan } from '../../compiler/4-plan/plan.ts';
import { sizeOf, type Tensor } from '../tensor.ts';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** An inline or folded PlanParam.value wins over the weights; every other param must be in them. */
export function bindParams(plan: Pick<Plan, 'params'>, weights: ReadonlyMap<string, Tensor>): Record<string, Float32Array> {
  const params: Record<string, Float32Array> = Object.create(null);
  for (const p of plan.params) {
    let data: Float32Array;
    if (p.value !== null) data = p.value;
    else {
      const w = weights.get(p.key);
      if (w === undefined) throw new Error(`missing parameter "${p.key}" (shape ${fmt(p.shape)}): not inline and not in the weights`);
      if (!sameShape(w.shape, p.shape)) throw new Error(`parameter "${p.key}": expected shape ${fmt(p.shape)}, the weights have ${fmt(w.shape)}`);
      data = w.data;
    }
    if (data.length !== sizeOf(p.shape)) throw new Error(`parameter "${p.key}": ${data.length} values for shape ${fmt(p.shape)}`);
    params[p.key] = data;
  }
  return params;
}
