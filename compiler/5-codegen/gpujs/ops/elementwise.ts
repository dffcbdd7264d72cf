import { activationOf } from '../../../3-lower/activation-of.ts';
import type { PlanStep } from '../../../3-lower/plan.ts';
import type { BinaryOp } from '../../../ir/attrs.ts';
import { activationLines } from '../epilogue.ts';
import { emitDecode, num, shapeText, sizeOf, type KernelWriter } from '../kernel-writer.ts';
import { broadcastStrides, emitStridedIndex } from './strided.ts';

type ActivationOp =
  | 'relu'
  | 'leaky_relu'
  | 'sigmoid'
  | 'tanh'
  | 'hardtanh'
  | 'hardswish'
  | 'hardsigmoid'
  | 'silu'
  | 'gelu'
  | 'elu'
  | 'mish';

/** An activation as an op of its own: the same statements as the epilogue form. */
export function emitActivationOp(w: KernelWriter, step: PlanStep<ActivationOp>): void {
  const act = activationOf(step);
  if (act === null) throw new Error(`${step.op} is not an activation`);
  const attrs = Object.entries(act).filter(([k]) => k !== 'kind');
  if (attrs.length > 0) w.comment(attrs.map(([k, v]) => `${k} ${v}`).join(', '));
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  w.line(`let v = ${x}[i];`);
  for (const l of activationLines(act)) w.line(l);
}

/** PReLU: x < 0 ? weight[c] * x : x, c the index along dim 1 (one weight for every channel when num_parameters is 1). */
export function emitPrelu(w: KernelWriter, step: PlanStep<'prelu'>): void {
  const P = step.attrs.num_parameters;
  const shape = step.inputShapes[0];
  w.comment(`num_parameters ${P}`);
  if (P !== 1 && (shape.length < 2 || shape[1] !== P))
    throw new Error(`prelu with ${P} parameters needs ${P} channels (dim 1), the input is ${shapeText(shape)}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = w.param('weight');
  w.line('const i = this.thread.x;');
  let c = '0';
  if (P !== 1) {
    emitDecode(w, 'i', [
      ['n', shape[0]],
      ['c', P],
      ['s', sizeOf(shape.slice(2))],
    ]);
    c = 'c';
  }
  w.line(`let v = ${x}[i];`);
  // `v < 0` keeps NaN and zeros as they are, like torch.prelu
  w.line(`if (v < 0) { v = ${weight}[${c}] * v; }`);
}

const OPERATOR: Readonly<Record<BinaryOp, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/** a op b with NumPy broadcasting: each input is read through its broadcast strides (0 where it repeats). */
export function emitBinary(w: KernelWriter, step: PlanStep<'binary'>): void {
  const out = step.outputShape;
  const [sa, sb] = step.inputShapes;
  if (step.inputs.length !== 2) throw new Error(`binary ${step.op} takes 2 inputs, got ${step.inputs.length}`);
  w.comment(`${step.attrs.op}, ${shapeText(sa)} with ${shapeText(sb)}`);
  const a = w.arg('a', 'buffer', step.inputs[0]);
  const b = w.arg('b', 'buffer', step.inputs[1]);
  w.line('const i = this.thread.x;');
  const [ia, ib] = emitStridedIndex(w, 'i', out, [
    { strides: broadcastStrides(sa, out) },
    { strides: broadcastStrides(sb, out) },
  ]);
  w.line(`let v = ${a}[${ia}] ${OPERATOR[step.attrs.op]} ${b}[${ib}];`);
}

/** x op value, or value op x when reversed; the value rounded to float32 first, as PyTorch does. */
export function emitScalar(w: KernelWriter, step: PlanStep<'scalar'>): void {
  const { op, value, reversed } = step.attrs;
  w.comment(reversed ? `${value} ${op} x` : `x ${op} ${value}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  const c = num(Math.fround(value));
  // value / x is reciprocal(x) * value in PyTorch (Tensor.__rtruediv__)
  if (reversed && op === 'div') w.line(`let v = (1 / ${x}[i]) * ${c};`);
  else w.line(`let v = ${reversed ? `${c} ${OPERATOR[op]} ${x}[i]` : `${x}[i] ${OPERATOR[op]} ${c}`};`);
}

/** A free parameter: its value, element by element. */
export function emitParameter(w: KernelWriter, step: PlanStep<'parameter'>): void {
  if (sizeOf(step.attrs.shape) !== sizeOf(step.outputShape))
    throw new Error(`parameter of shape ${shapeText(step.attrs.shape)} written as ${shapeText(step.outputShape)}`);
  const value = w.param('value');
  w.line('const i = this.thread.x;');
  w.line(`let v = ${value}[i];`);
}

/** flatten, identity and reshape: same elements in the same row-major order, so a copy. */
export function emitCopy(w: KernelWriter, step: PlanStep<'flatten' | 'identity' | 'reshape'>): void {
  if (sizeOf(step.inputShapes[0]) !== sizeOf(step.outputShape))
    throw new Error(`${step.op} from ${shapeText(step.inputShapes[0])} to ${shapeText(step.outputShape)}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  w.line(`let v = ${x}[i];`);
}

/** Elementwise sum of inputs of one shape. */
export function emitAdd(w: KernelWriter, step: PlanStep<'add'>): void {
  const out = step.outputShape.join(',');
  step.inputShapes.forEach((s, k) => {
    if (s.join(',') !== out) {
      throw new Error(
        `add input ${k} has shape [${s.join(', ')}], the output [${step.outputShape.join(', ')}]; broadcasting is not supported`,
      );
    }
  });
  const xs = step.inputs.map((b, k) => w.arg(`x${k}`, 'buffer', b));
  w.line('const i = this.thread.x;');
  w.line(`let v = ${xs.map((x) => `${x}[i]`).join(' + ')};`);
}
