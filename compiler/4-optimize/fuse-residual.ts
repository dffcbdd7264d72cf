/**
 * fuse-residual: `add(conv(...), skip)` becomes the conv with `skip` added in its epilogue, so the
 * conv's output never makes a round trip through memory. The conv must feed only the add, and `skip`
 * must already be computed when the conv runs (steps are never reordered; otherwise nothing fuses).
 * A binary add of two tensors of the output's shape (`x + conv(x)` in a value statement) is the same
 * add; float addition is commutative, so the conv may be either operand. sub, mul, div and broadcasts
 * are not an added residual and stay.
 */
import type { PlanStep } from '../3-lower/plan.ts';
import type { PlanPass } from './index.ts';
import { type Fusion, type PlanGraph, fuseAll, sameShape } from './plan-graph.ts';

export const fuseResidual: PlanPass = {
  name: 'fuse-residual',
  why: 'a residual add reads the conv output once more: add the skip in the conv epilogue (before fuse-activation, so a following ReLU folds in after the add)',
  run: (plan) => fuseAll(plan, findResidual),
};

function findResidual(g: PlanGraph, from: number): Fusion | null {
  const steps = g.plan.steps;
  for (let i = from; i < steps.length; i++) {
    const add = steps[i];
    if (!isTwoWayAdd(add) || add.epilogue.residual !== null) continue;
    // of two candidate convs take the later one: the other operand is then surely computed already
    let best: { conv: PlanStep; j: number; skip: string } | null = null;
    for (const k of [0, 1]) {
      const operand = add.inputs[k];
      const skip = add.inputs[1 - k];
      const j = g.producerOf(operand);
      if (j === undefined || operand === skip) continue;
      const conv = steps[j];
      if (conv.op !== 'conv2d' || conv.epilogue.residual !== null || conv.epilogue.activation !== null) continue;
      if (!g.onlyFeeds(operand, i) || !g.readyBefore(skip, j)) continue;
      if (!sameShape(conv.outputShape, add.outputShape) || !sameShape(add.inputShapes[1 - k], add.outputShape))
        continue;
      if (best === null || j > best.j) best = { conv, j, skip };
    }
    if (best === null) continue;
    const step: PlanStep = {
      ...best.conv,
      nodes: [...best.conv.nodes, ...add.nodes],
      output: add.output,
      outputShape: add.outputShape,
      epilogue: { residual: best.skip, activation: add.epilogue.activation },
    };
    return { step, replaced: [best.j, i], removedBuffers: [best.conv.output] };
  }
  return null;
}

/** An add of exactly two operands of one shape: the Add layer, or a binary add without broadcasting. */
function isTwoWayAdd(step: PlanStep): boolean {
  if (step.inputs.length !== 2) return false;
  if (step.op === 'add') return true;
  return (
    step.op === 'binary' &&
    (step as PlanStep<'binary'>).attrs.op === 'add' &&
    step.inputShapes.every((s) => sameShape(s, step.outputShape))
  );
}
