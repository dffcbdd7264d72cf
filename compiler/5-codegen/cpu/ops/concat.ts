/**
 * concat along attrs.dim: for each index over the dims before `dim`, the inputs' contiguous chunks are
 * laid side by side, so each chunk is one typed-array copy.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epiloguePass, int, lin, sizeOf } from '../emit.ts';

export function concatLines(step: PlanStep<'concat'>, k: KernelNames): string[] {
  const dim = step.attrs.dim;
  const outShape = step.outputShape;
  if (!(dim >= 0 && dim < outShape.length)) throw new Error(`cpu codegen: concat dim ${dim} out of range`);
  const outer = sizeOf(outShape.slice(0, dim));
  const rowLen = sizeOf(outShape.slice(dim));
  const lines = [`for (let q = 0; q < ${int(outer)}; q++) {`];
  let offset = 0;
  step.inputShapes.forEach((s, j) => {
    if (s.length !== outShape.length || sizeOf(s.slice(0, dim)) !== outer)
      throw new Error(`cpu codegen: concat input ${j} shape mismatch`);
    const chunk = sizeOf(s.slice(dim));
    const src = lin('', 'q', chunk);
    lines.push(
      `  ${k.out}.set(${k.inputs[j]}.subarray(${src}, ${lin(src, 1, chunk)}), ${lin(lin('', 'q', rowLen), 1, offset)});`,
    );
    offset += chunk;
  });
  if (offset !== rowLen) throw new Error(`cpu codegen: concat inputs do not fill the output along dim ${dim}`);
  lines.push(`}`, ...epiloguePass(step.epilogue, k, '0', int(sizeOf(outShape))));
  return lines;
}
