/**
 * reduce (mean/sum over dims, keepdim either way): the input is read once in order, each element added
 * to its output's float64 accumulator (stride 0 along the reduced dims), then the accumulators are stored.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, sizeOf } from '../emit.ts';
import { stridedLoops, stridesOf } from '../strided.ts';

export function reduceLines(step: PlanStep<'reduce'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const { op, dims } = step.attrs;
  if (dims.length === 0 || !dims.every((d) => d >= 0 && d < shape.length))
    throw new Error(`cpu codegen: reduce dims [${dims.join(', ')}] do not fit [${shape.join(', ')}]`);
  const reduced = new Set(dims);
  const kept = shape.map((n, d) => (reduced.has(d) ? 1 : n));
  const accStrides = stridesOf(kept).map((s, d) => (reduced.has(d) ? 0 : s));
  const n = sizeOf(kept);
  if (sizeOf(step.outputShape) !== n) throw new Error(`cpu codegen: reduce output shape mismatch`);
  const count = sizeOf(dims.map((d) => shape[d]));
  return [
    `const acc = new Float64Array(${int(n)});`,
    ...stridedLoops(
      shape,
      [
        { prefix: 'x', strides: stridesOf(shape) },
        { prefix: 'a', strides: accStrides },
      ],
      ([ix, ia]) => [`acc[${ia}] += ${k.inputs[0]}[${ix}];`],
    ),
    `for (let i = 0; i < ${int(n)}; i++) {`,
    ...indent([
      `let v = ${op === 'mean' ? `acc[i] / ${int(count)}` : 'acc[i]'};`,
      ...epilogueLines(step.epilogue, k, 'i'),
      `${k.out}[i] = v;`,
    ]),
    `}`,
  ];
}
