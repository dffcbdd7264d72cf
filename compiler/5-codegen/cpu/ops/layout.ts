/**
 * Data movement: permute, slice and channel shuffle as loops over the output reading the input through
 * static strides (reshape is a plain copy, elementwise.ts). The epilogue is applied at the store.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, sizeOf } from '../emit.ts';
import { stridedLoops, stridesOf } from '../strided.ts';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** out[i] = in[src], walking the output in order and the input with `inStrides` from `base`. */
function gather(step: PlanStep, k: KernelNames, sizes: readonly number[], inStrides: readonly number[], base = 0) {
  return stridedLoops(
    sizes,
    [
      { prefix: 'o', strides: stridesOf(sizes) },
      { prefix: 'x', strides: inStrides, base },
    ],
    ([io, ix]) => [`let v = ${k.inputs[0]}[${ix}];`, ...epilogueLines(step.epilogue, k, io), `${k.out}[${io}] = v;`],
  );
}

export function permuteLines(step: PlanStep<'permute'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const { dims } = step.attrs;
  const out = dims.map((d) => shape[d]);
  if (dims.length !== shape.length || !sameShape(out, step.outputShape) || new Set(dims).size !== dims.length)
    throw new Error(`cpu codegen: permute dims [${dims.join(', ')}] do not fit [${shape.join(', ')}]`);
  const strides = stridesOf(shape);
  return gather(
    step,
    k,
    out,
    dims.map((d) => strides[d]),
  );
}

export function sliceLines(step: PlanStep<'slice'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const { dim, start, end } = step.attrs;
  const out = shape.map((n, d) => (d === dim ? end - start : n));
  if (
    !(dim >= 0 && dim < shape.length && start >= 0 && start <= end && end <= shape[dim]) ||
    !sameShape(out, step.outputShape)
  )
    throw new Error(`cpu codegen: slice [${start}, ${end}) of dim ${dim} does not fit [${shape.join(', ')}]`);
  const strides = stridesOf(shape);
  return gather(step, k, out, strides, start * strides[dim]);
}

/** Output channel j*g + i is input channel i*k + j: loops over [N, k, g, rest] with the input's strides. */
export function channelShuffleLines(step: PlanStep<'channel_shuffle'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  const g = step.attrs.groups;
  if (shape.length < 2 || shape[1] % g !== 0 || !sameShape(shape, step.outputShape))
    throw new Error(`cpu codegen: channel_shuffle of [${shape.join(', ')}] into ${g} groups`);
  const [N, C] = shape;
  const per = C / g;
  const rest = sizeOf(shape.slice(2));
  return gather(step, k, [N, per, g, rest], [C * rest, rest, per * rest, 1]);
}
