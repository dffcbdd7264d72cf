/**
 * A plan evaluated on the reference kernels (runtime/reference, the project's oracle): each step's op,
 * then its epilogue (+ residual, then the activation). The codegen suites compare generated kernels
 * with this on hand-built plans: shapes, attributes and epilogues the golden cases lack.
 */
import type { Activation, Plan, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import { add, runOp, type OpParams } from '../../runtime/reference/index.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';

/** An epilogue activation is its op with that op's attrs (`negative_slope` for leaky_relu). */
export function applyActivation(t: Tensor, act: Activation | null): Tensor {
  return act === null ? t : runOp<OpName>(act.kind, act as unknown as OpAttrs[OpName], [t], {});
}

/** One step on the reference: `op(inputs)`, plus `residual` when given, then the step's activation. */
export function referenceStep(step: PlanStep, inputs: Tensor[], params: OpParams, residual: Tensor | null): Tensor {
  const y = runOp(step.op, step.attrs, inputs, params);
  return applyActivation(residual ? add([y, residual]) : y, step.epilogue.activation);
}

/** Runs every step in order; params come from PlanParam.value, else `weights`. Returns the outputs by name. */
export function runPlanOnReference(
  plan: Plan,
  weights: ReadonlyMap<string, Tensor>,
  feeds: Record<string, Tensor>,
): Record<string, Tensor> {
  const param = (key: string): Tensor => {
    const p = plan.params.find((q) => q.key === key);
    const t = p?.value ? tensor(p.shape, p.value) : weights.get(key);
    if (!t) throw new Error(`runPlanOnReference: no value for param '${key}'`);
    return t;
  };
  const buffers = new Map<string, Tensor>(plan.inputs.map((v) => [v.buffer, feeds[v.name]]));
  const read = (id: string): Tensor => {
    const t = buffers.get(id);
    if (!t) throw new Error(`runPlanOnReference: buffer '${id}' is read before it is written`);
    return t;
  };
  for (const s of plan.steps) {
    const params: OpParams = Object.fromEntries(Object.entries(s.params).map(([name, key]) => [name, param(key)]));
    const residual = s.epilogue.residual === null ? null : read(s.epilogue.residual);
    buffers.set(s.output, referenceStep(s, s.inputs.map(read), params, residual));
  }
  return Object.fromEntries(plan.outputs.map((v) => [v.name, read(v.buffer)]));
}
