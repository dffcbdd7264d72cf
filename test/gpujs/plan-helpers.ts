/** Small hand-built plans for tests that go beyond the golden cases. */
import type { OpName } from '../../compiler/ir/attrs.ts';
import type { Epilogue, Plan, PlanParam, PlanStep } from '../../compiler/3-lower/plan.ts';

export const NO_EPILOGUE: Epilogue = { residual: null, activation: null };

export function step<K extends OpName>(
  s: Omit<PlanStep<K>, 'epilogue' | 'params'> & Partial<Pick<PlanStep<K>, 'epilogue' | 'params'>>,
): PlanStep {
  return { params: {}, epilogue: NO_EPILOGUE, ...s } as PlanStep;
}

/** A plan whose graph inputs are `inputs` (buffer id = name) and whose output `y` is the last step's output. */
export function planOf(inputs: Record<string, readonly number[]>, steps: PlanStep[], params: PlanParam[] = []): Plan {
  const last = steps[steps.length - 1];
  return {
    model: 'test',
    inputs: Object.entries(inputs).map(([name, shape]) => ({ name, buffer: name, shape })),
    outputs: [{ name: 'y', buffer: last.output, shape: last.outputShape }],
    params,
    buffers: [
      ...Object.entries(inputs).map(([id, shape]) => ({ id, shape, role: 'input' as const })),
      ...steps.map((s, k) => ({
        id: s.output,
        shape: s.outputShape,
        role: k === steps.length - 1 ? ('output' as const) : ('intermediate' as const),
      })),
    ],
    steps,
  };
}
