/** Data movement: every output element is one input element, found through strides or a fold of the index. */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, lin, num, shapeText, sizeOf, type KernelWriter } from '../kernel-writer.ts';
import { emitStridedIndex, rowMajorStrides } from './strided.ts';

/** permute: output dim k walks input dim dims[k]. */
export function emitPermute(w: KernelWriter, step: PlanStep<'permute'>): void {
  const dims = step.attrs.dims;
  const inShape = step.inputShapes[0];
  w.comment(`dims [${dims.join(', ')}]`);
  const own = rowMajorStrides(inShape);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  const [at] = emitStridedIndex(w, 'i', step.outputShape, [{ strides: dims.map((d) => own[d]) }]);
  w.line(`let v = ${x}[${at}];`);
}

/** narrow: input[..., start:end, ...] along dim. */
export function emitSlice(w: KernelWriter, step: PlanStep<'slice'>): void {
  const { dim, start, end } = step.attrs;
  const inShape = step.inputShapes[0];
  w.comment(`dim ${dim}, ${start}:${end}`);
  if (step.outputShape[dim] !== end - start)
    throw new Error(`slice ${start}:${end} of dim ${dim} gives ${shapeText(step.outputShape)}`);
  const own = rowMajorStrides(inShape);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  const [at] = emitStridedIndex(w, 'i', step.outputShape, [{ strides: own, offset: start * own[dim] }]);
  w.line(`let v = ${x}[${at}];`);
}

/** nn.ChannelShuffle: output channel kk * g + gg is input channel gg * k + kk (k = C / g). */
export function emitChannelShuffle(w: KernelWriter, step: PlanStep<'channel_shuffle'>): void {
  const g = step.attrs.groups;
  const shape = step.inputShapes[0];
  const [N, C] = shape;
  const k = C / g;
  if (!Number.isInteger(k)) throw new Error(`channel_shuffle: ${g} groups do not divide ${C} channels`);
  const inner = sizeOf(shape.slice(2));
  w.comment(`groups ${g}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  const [at] = emitStridedIndex(w, 'i', [N, k, g, inner], [{ strides: [C * inner, inner, k * inner, 1] }]);
  w.line(`let v = ${x}[${at}];`);
}

/**
 * F.pad of the last two dims. Each output position maps to input (oh - top, ow - left); constant mode
 * reads the fill value outside the input (a negative pad crops: those positions are never outside),
 * reflect and replicate fold the position back inside the input as F.pad does (reflect pads < size).
 * Circular pads wrap around what is left after the negative pads crop (PyTorch crops first), so the
 * period there is the cropped size.
 */
export function emitPad(w: KernelWriter, step: PlanStep<'pad'>): void {
  const { pads, mode, value } = step.attrs;
  const shape = step.inputShapes[0];
  const H = shape.length >= 2 ? shape[shape.length - 2] : 1;
  const W = shape[shape.length - 1];
  const [top, bottom, left, right] = pads;
  const OH = step.outputShape.length >= 2 ? step.outputShape[step.outputShape.length - 2] : 1;
  const OW = step.outputShape[step.outputShape.length - 1];
  if (OH !== H + top + bottom || OW !== W + left + right)
    throw new Error(`pad [${pads.join(', ')}] of ${shapeText(shape)} gives ${shapeText(step.outputShape)}`);
  const planes = sizeOf(shape) / (H * W);
  w.comment(`pads [${pads.join(', ')}], mode ${mode}${mode === 'constant' ? `, value ${value}` : ''}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['p', planes],
    ['oh', OH],
    ['ow', OW],
  ]);
  if (mode === 'circular') {
    circularIndex(w, 'ih', 'oh', H, top, bottom);
    circularIndex(w, 'iw', 'ow', W, left, right);
  } else {
    const decl = mode === 'constant' ? 'const' : 'let';
    w.line(`${decl} ih = ${lin([[1, 'oh']], -top)};`);
    w.line(`${decl} iw = ${lin([[1, 'ow']], -left)};`);
  }
  if (mode === 'constant') {
    w.line(`let v = ${num(value)};`);
    w.line(`if (ih >= 0 && ih < ${H} && iw >= 0 && iw < ${W}) { v = ${x}[p * ${H * W} + ih * ${W} + iw]; }`);
    return;
  }
  if (mode === 'reflect' || mode === 'replicate') {
    foldInside(w, 'ih', H, mode);
    foldInside(w, 'iw', W, mode);
  }
  w.line(`let v = ${x}[p * ${H * W} + ih * ${W} + iw];`);
}

/** Statements that move index `v` along a dim of `size` back inside, as reflect or replicate padding does. */
function foldInside(w: KernelWriter, v: string, size: number, mode: 'reflect' | 'replicate'): void {
  if (mode === 'reflect') {
    w.line(`if (${v} < 0) { ${v} = -${v}; }`);
    w.line(`if (${v} > ${size - 1}) { ${v} = ${2 * (size - 1)} - ${v}; }`);
  } else {
    w.line(`if (${v} < 0) { ${v} = 0; }`);
    w.line(`if (${v} > ${size - 1}) { ${v} = ${size - 1}; }`);
  }
}

/**
 * `v` = the input index of output position `o` under circular padding: the kept range [start, start + L)
 * of the input (negative pads crop it), wrapped with period L (PyTorch allows pads up to L).
 */
function circularIndex(w: KernelWriter, v: string, o: string, size: number, before: number, after: number): void {
  const start = Math.max(0, -before);
  const L = size - start - Math.max(0, -after);
  if (L < 1) throw new Error(`circular pads [${before}, ${after}] crop away a dim of ${size}`);
  w.line(`let ${v} = ${lin([[1, o]], -Math.max(before, 0))};`);
  w.line(`if (${v} < 0) { ${v} = ${v} + ${L}; }`);
  w.line(`if (${v} > ${L - 1}) { ${v} = ${v} - ${L}; }`);
  if (start > 0) w.line(`${v} = ${v} + ${start};`);
}
