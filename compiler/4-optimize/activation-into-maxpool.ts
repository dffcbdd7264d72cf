/**
 * activation-into-maxpool: `maxpool(act(x))` becomes maxpool with `act` as its epilogue. A
 * non-decreasing activation commutes with max (padding is -inf and never the maximum), so it runs
 * on the pooled values only: a quarter of them for a 2x2 pool. For the activations fuse-activation
 * could not fold into their producer (a graph input, a concat, a value with other readers).
 */
import type { PlanStep } from '../3-lower/plan.ts';
import { activationOf, isMonotone } from './activations.ts';
import type { PlanPass } from './index.ts';
import { type Fusion, type PlanGraph, fuseAll } from './plan-graph.ts';

export const activationIntoMaxpool: PlanPass = {
  name: 'activation-into-maxpool',
  why: 'act then max-pool equals max-pool then act for a non-decreasing act: do it on the pooled values (after fuse-activation, which saves more)',
  run: (plan) => fuseAll(plan, findActivationBeforePool),
};

function findActivationBeforePool(g: PlanGraph, from: number): Fusion | null {
  const steps = g.plan.steps;
  for (let i = from; i < steps.length; i++) {
    const act = steps[i];
    const activation = activationOf(act);
    if (
      activation === null ||
      !isMonotone(activation) ||
      act.epilogue.residual !== null ||
      act.epilogue.activation !== null
    )
      continue;
    const readers = g.readersOf(act.output);
    if (readers.length !== 1) continue;
    const k = readers[0];
    const pool = steps[k];
    if (
      pool.op !== 'maxpool2d' ||
      pool.epilogue.residual !== null ||
      pool.epilogue.activation !== null ||
      !g.onlyFeeds(act.output, k)
    )
      continue;
    const step: PlanStep = {
      ...pool,
      nodes: [...act.nodes, ...pool.nodes],
      inputs: [act.inputs[0]],
      inputShapes: [act.inputShapes[0]],
      epilogue: { residual: null, activation },
    };
    // it runs where the activation ran: its input was ready there, and every reader of the pool comes later
    return { step, replaced: [k, i], removedBuffers: [act.output] };
  }
  return null;
}
