/**
 * Elementwise kernels: activations, prelu, add, and the pure copies (flatten, identity, reshape, parameter).
 * All of them map flat index i to flat index i, so the epilogue is applied right at the store.
 */
import { activationOf as sharedActivationOf } from '../../../3-lower/activation-of.ts';
import type { Activation, PlanStep } from '../../../3-lower/plan.ts';
import {
  type KernelNames,
  activationLines,
  epilogueLines,
  epiloguePass,
  hasEpilogue,
  indent,
  int,
  lin,
  requireParam,
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

/** The activation an activation op computes (the shared mapping; the op is one by construction). */
export function activationOf(step: PlanStep): Activation {
  const act = sharedActivationOf(step);
  if (act === null) throw new Error(`cpu codegen: ${step.op} is not an activation op`);
  return act;
}

/** x > 0 ? x : w[c] * x with one weight, or one per channel (dim 1), as torch.nn.PReLU. */
export function preluLines(step: PlanStep<'prelu'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const P = step.attrs.num_parameters;
  const w = requireParam(step, k, 'weight');
  const C = shape.length >= 2 ? shape[1] : 1;
  if (P !== 1 && P !== C)
    throw new Error(`cpu codegen: prelu num_parameters ${P} does not match [${shape.join(', ')}]`);
  const outer = P === 1 ? 1 : sizeOf(shape.slice(0, 2));
  const inner = sizeOf(shape) / outer;
  return [
    `for (let q = 0; q < ${int(outer)}; q++) {`,
    `  const a = ${P === 1 ? `${w}[0]` : `${w}[q % ${int(C)}]`}, base = ${lin('', 'q', inner)};`,
    `  for (let i = base; i < ${lin('base', 1, inner)}; i++) {`,
    `    const x = ${k.inputs[0]}[i];`,
    `    let v = x > 0 ? x : a * x;`,
    ...indent(epilogueLines(step.epilogue, k, 'i'), '    '),
    `    ${k.out}[i] = v;`,
    `  }`,
    `}`,
  ];
}

/** A free parameter: its value copied to the output. */
export function parameterLines(step: PlanStep<'parameter'>, k: KernelNames): string[] {
  const n = sizeOf(step.outputShape);
  if (step.inputShapes.length !== 0) throw new Error(`cpu codegen: parameter takes no inputs`);
  return [`${k.out}.set(${requireParam(step, k, 'value')});`, ...epiloguePass(step.epilogue, k, '0', int(n))];
}

/** flatten, identity and reshape: the row-major data is unchanged, only the shape differs. */
export function copyLines(step: PlanStep, k: KernelNames): string[] {
  const n = checkSameSize(step);
  if (!hasEpilogue(step.epilogue)) return [`${k.out}.set(${k.inputs[0]});`];
  return [`${k.out}.set(${k.inputs[0]});`, ...epiloguePass(step.epilogue, k, '0', int(n))];
}
