/**
 * Binding a plan's parameters to arrays, shared by the runtimes that take a plan and a weights map
 * (runtime/cpu/run-plan.ts, runtime/wasm/executor.ts), with the shape checks' wording.
 */
import type { Plan } from '../compiler/3-lower/plan.ts';
import { sizeOf, type Tensor } from '../compiler/ir/tensor.ts';

/** Param arrays by key: an inline or folded PlanParam.value wins over the weights; every other param must be in them. */
export function bindParams(
  plan: Pick<Plan, 'params'>,
  weights: ReadonlyMap<string, Tensor>,
): Record<string, Float32Array> {
  const params: Record<string, Float32Array> = Object.create(null);
  for (const p of plan.params) {
    let data: Float32Array;
    if (p.value !== null) data = p.value;
    else {
      const w = weights.get(p.key);
      if (w === undefined)
        throw new Error(
          `missing parameter "${p.key}" (shape ${formatShape(p.shape)}): not inline and not in the weights`,
        );
      if (!sameShape(w.shape, p.shape))
        throw new Error(
          `parameter "${p.key}": expected shape ${formatShape(p.shape)}, the weights have ${formatShape(w.shape)}`,
        );
      data = w.data;
    }
    if (data.length !== sizeOf(p.shape))
      throw new Error(`parameter "${p.key}": ${data.length} values for shape ${formatShape(p.shape)}`);
    params[p.key] = data;
  }
  return params;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[2, 3]`, as the runtimes' error messages write shapes. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
