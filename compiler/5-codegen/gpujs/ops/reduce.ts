import type { PlanStep } from '../../../3-lower/plan.ts';
import { sizeOf, type KernelWriter } from '../kernel-writer.ts';
import { emitStridedIndex, rowMajorStrides } from './strided.ts';

/**
 * mean / sum over `dims`: the thread's output index gives the kept coordinates; a loop with a literal
 * bound walks the reduced ones (decoded from the loop counter, merged where they are contiguous).
 */
export function emitReduce(w: KernelWriter, step: PlanStep<'reduce'>): void {
  const { op, dims, keepdim } = step.attrs;
  const shape = step.inputShapes[0];
  const own = rowMajorStrides(shape);
  const reduced = new Set(dims);
  const kept = shape.map((_, k) => k).filter((k) => !reduced.has(k));
  const count = sizeOf(dims.map((d) => shape[d]));
  w.comment(`${op} over dims [${dims.join(', ')}], keepdim ${keepdim}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  const [base] = emitStridedIndex(
    w,
    'i',
    kept.map((k) => shape[k]),
    [{ strides: kept.map((k) => own[k]) }],
  );
  w.line(`const base = ${base};`);
  w.line('let total = 0;');
  w.line(`for (let k = 0; k < ${count}; k++) {`);
  const [at] = emitStridedIndex(
    w,
    'k',
    dims.map((d) => shape[d]),
    [{ strides: dims.map((d) => own[d]) }],
    'r',
    2,
  );
  w.line(`total += ${x}[base + ${at}];`, 2);
  w.line('}');
  w.line(op === 'mean' ? `let v = total / ${count};` : 'let v = total;');
}
