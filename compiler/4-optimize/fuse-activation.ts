/**
 * fuse-activation: an activation whose input is produced by a conv, linear, BatchNorm, add, binary or
 * scalar op, or pooling step (and read by nothing else) runs as that step's epilogue: applied to each
 * value just before it is stored, instead of in a second kernel over the whole tensor.
 */
import type { OpName } from '../ir/attrs.ts';
import type { PlanStep } from '../3-lower/plan.ts';
import { activationOf } from './activations.ts';
import type { PlanPass } from './index.ts';
import { type Fusion, type PlanGraph, PassInvariantError, fuseAll, sameShape } from './plan-graph.ts';

const NAME = 'fuse-activation';

/** Producers whose kernels on every backend apply an epilogue to each output value. */
const PRODUCERS: ReadonlySet<OpName> = new Set<OpName>([
  'conv2d',
  'linear',
  'batchnorm2d',
  'add',
  'maxpool2d',
  'avgpool2d',
  'adaptive_avgpool2d',
  // elementwise with broadcasting: every backend's kernel applies the epilogue at each output element
  'binary',
  'scalar',
]);

export const fuseActivation: PlanPass = {
  name: NAME,
  why: 'an activation is a second pass over the tensor: apply it in the producing kernel (after fuse-residual, so it lands after the residual add)',
  run: (plan) => fuseAll(plan, findActivation),
};

function findActivation(g: PlanGraph, from: number): Fusion | null {
  const steps = g.plan.steps;
  for (let i = from; i < steps.length; i++) {
    const act = steps[i];
    const activation = activationOf(act);
    if (activation === null || act.epilogue.residual !== null || act.epilogue.activation !== null) continue;
    const j = g.producerOf(act.inputs[0]);
    if (j === undefined) continue;
    const producer = steps[j];
    if (!PRODUCERS.has(producer.op) || producer.epilogue.activation !== null || !g.onlyFeeds(producer.output, i))
      continue;
    if (!sameShape(producer.outputShape, act.outputShape))
      throw new PassInvariantError(
        NAME,
        act,
        `output [${act.outputShape.join(', ')}] differs from its input [${producer.outputShape.join(', ')}]`,
      );
    const step: PlanStep = {
      ...producer,
      nodes: [...producer.nodes, ...act.nodes],
      output: act.output,
      outputShape: act.outputShape,
      epilogue: { residual: producer.epilogue.residual, activation },
    };
    return { step, replaced: [j, i], removedBuffers: [producer.output] };
  }
  return null;
}
