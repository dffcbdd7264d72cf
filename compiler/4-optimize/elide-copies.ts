/**
 * elide-copies: flatten, reshape (view, unflatten) and identity (also Dropout, the identity at
 * inference) only copy the data;
 * row-major order is the same, only the shape differs. Their readers read the input buffer instead,
 * each with the shape it expects (steps carry their own inputShapes), and the copy step goes away.
 * A copy that is a model output becomes an alias: the output names the input buffer and keeps its
 * own shape, unless that buffer is a graph input or another output (the caller would get one array
 * twice), in which case the copy stays.
 */
import type { Plan, PlanStep } from '../3-lower/plan.ts';
import type { PlanPass } from './index.ts';
import { PassInvariantError, PlanGraph } from './plan-graph.ts';

const NAME = 'elide-copies';

export const elideCopies: PlanPass = {
  name: NAME,
  why: 'flatten, reshape and identity copy bytes without changing them: read their input buffer instead (first, so the steps around them can fuse)',
  run(plan) {
    let current = plan;
    for (let i = findCopy(current); i >= 0; i = findCopy(current)) current = elide(current, i);
    return current;
  },
};

const isCopy = (s: PlanStep): boolean =>
  (s.op === 'flatten' || s.op === 'reshape' || s.op === 'identity') &&
  s.epilogue.residual === null &&
  s.epilogue.activation === null;

function findCopy(plan: Plan): number {
  const g = new PlanGraph(plan);
  return plan.steps.findIndex((s) => isCopy(s) && (!g.isOutput(s.output) || canReturn(g, s.inputs[0])));
}

/** A copy's input can be returned in its place when it is a buffer the plan alone owns and returns nowhere else. */
function canReturn(g: PlanGraph, buffer: string): boolean {
  return !g.isInput(buffer) && !g.isOutput(buffer) && g.producerOf(buffer) !== undefined;
}

function elide(plan: Plan, index: number): Plan {
  const copy = plan.steps[index];
  const from = copy.output;
  const to = copy.inputs[0];
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (size(copy.inputShapes[0]) !== size(copy.outputShape))
    throw new PassInvariantError(NAME, copy, 'a copy that changes the number of elements');
  const swap = (b: string) => (b === from ? to : b);
  const steps = plan.steps
    .filter((_, i) => i !== index)
    .map((s) =>
      s.inputs.includes(from) || s.epilogue.residual === from
        ? {
            ...s,
            inputs: s.inputs.map(swap),
            epilogue: { ...s.epilogue, residual: s.epilogue.residual === null ? null : swap(s.epilogue.residual) },
          }
        : s,
    );
  const returned = plan.outputs.some((o) => o.buffer === from);
  return {
    ...plan,
    steps,
    // an output keeps its name and shape; only the buffer it is read from changes
    outputs: plan.outputs.map((o) => (o.buffer === from ? { ...o, buffer: to } : o)),
    buffers: plan.buffers
      .filter((b) => b.id !== from)
      .map((b) => (b.id === to && returned ? { ...b, role: 'output' as const } : b)),
  };
}
