/** softmax over attrs.dim: subtract the max, exponentiate, normalise (like torch, stable for large inputs). */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, lin, sizeOf } from '../emit.ts';

export function softmaxLines(step: PlanStep<'softmax'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const dim = step.attrs.dim;
  if (!(dim >= 0 && dim < shape.length)) throw new Error(`cpu codegen: softmax dim ${dim} out of range`);
  const outer = sizeOf(shape.slice(0, dim));
  const size = shape[dim];
  const inner = sizeOf(shape.slice(dim + 1));
  const X = k.inputs[0];
  const at = (t: string) => lin('base', t, inner);
  return [
    `const e = new Float64Array(${int(size)});`,
    `for (let q = 0; q < ${int(outer)}; q++) {`,
    `  for (let r = 0; r < ${int(inner)}; r++) {`,
    `    const base = ${lin(lin('', 'q', size * inner), 'r', 1)};`,
    `    let m = -Infinity;`,
    `    for (let j = 0; j < ${int(size)}; j++) { const t = ${X}[${at('j')}]; if (t > m || t !== t) m = t; }`,
    `    let sum = 0;`,
    `    for (let j = 0; j < ${int(size)}; j++) { const t = Math.exp(${X}[${at('j')}] - m); e[j] = t; sum += t; }`,
    `    for (let j = 0; j < ${int(size)}; j++) {`,
    `      const o = ${at('j')};`,
    `      let v = e[j] / sum;`,
    ...indent(epilogueLines(step.epilogue, k, 'o'), '      '),
    `      ${k.out}[o] = v;`,
    `    }`,
    `  }`,
    `}`,
  ];
}
