/**
 * Elementwise kernels: activations, add, and the pure copies (flatten, identity). All of them map flat
 * index i to flat index i, so the epilogue is applied right at the store.
 */
import type { Activation, PlanStep } from '../../../3-lower/plan.ts';
import {
  type KernelNames,
  activationLines,
  epilogueLines,
  epiloguePass,
  hasEpilogue,
  indent,
  int,
  sizeOf,
} from '../emit.ts';

function checkSameSize(step: PlanStep): number {
  const n = sizeOf(step.outputShape);
  for (const s of step.inputShapes) {
    if (sizeOf(s) !== n)
      throw new Error(
        `cpu codegen: ${step.op} input [${s.join(', ')}] does not match output [${step.outputShape.join(', ')}]`,
      );
  }
  return n;
}

function mapLoop(step: PlanStep, k: KernelNames, valueLines: string[]): string[] {
  const n = checkSameSize(step);
  return [
    `for (let i = 0; i < ${int(n)}; i++) {`,
    ...indent(valueLines),
    ...indent(epilogueLines(step.epilogue, k, 'i')),
    `  ${k.out}[i] = v;`,
    `}`,
  ];
}

export function activationOpLines(step: PlanStep, k: KernelNames, act: Activation): string[] {
  return mapLoop(step, k, [`let v = ${k.inputs[0]}[i];`, ...activationLines(act)]);
}

export function addLines(step: PlanStep<'add'>, k: KernelNames): string[] {
  if (k.inputs.length === 0) throw new Error(`cpu codegen: add needs at least one input`);
  return mapLoop(step, k, [`let v = ${k.inputs.map((x) => `${x}[i]`).join(' + ')};`]);
}

/** flatten and identity: the row-major data is unchanged, only the shape differs. */
export function copyLines(step: PlanStep, k: KernelNames): string[] {
  const n = checkSameSize(step);
  if (!hasEpilogue(step.epilogue)) return [`${k.out}.set(${k.inputs[0]});`];
  return [`${k.out}.set(${k.inputs[0]});`, ...epiloguePass(step.epilogue, k, '0', int(n))];
}
