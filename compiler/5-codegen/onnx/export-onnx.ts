/**
 * Plan -> ONNX model (opset 13), weights as initializers. Used to hand the very same network and
 * weights to ONNX runtimes (the benchmark's peers). Values keep the plan's names: graph inputs and
 * buffers by id, parameters by state_dict key.
 */
import type { Activation, Plan, PlanStep } from '../../3-lower/plan.ts';
import type { OpName } from '../../ir/attrs.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { encodeModel, type OnnxInitializer, type OnnxNode } from './onnx-proto.ts';

export const ONNX_OPSET = 13;
// IR version 7 is what opset 13 shipped with (ONNX 1.8); every current runtime reads it
const IR_VERSION = 7;

/** The plan uses something this exporter has no ONNX form for (the message says what). */
export class OnnxExportError extends Error {}

export interface OnnxExportOptions {
  readonly producerVersion?: string;
}

class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly taken = new Set<string>();

  constructor(names: Iterable<string>) {
    for (const n of names) this.taken.add(n);
  }

  /** A fresh value name derived from `base`, unused by the plan and by earlier temporaries. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  node(opType: string, inputs: readonly string[], output: string, attrs?: OnnxNode['attrs']): string {
    this.nodes.push({ opType, inputs, outputs: [output], name: this.fresh(`${opType}:${output}`), attrs });
    return output;
  }

  floats(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data });
    return name;
  }

  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }
}

/**
 * Encodes the plan as an ONNX ModelProto. `weights` supplies every param a step reads that has no
 * inline value (derived ones included: runtime/weights.ts bindWeights/initialWeights add them).
 */
export function exportOnnx(
  plan: Plan,
  weights: ReadonlyMap<string, Tensor>,
  options: OnnxExportOptions = {},
): Uint8Array {
  const b = new Builder([
    ...plan.buffers.map((x) => x.id),
    ...plan.params.map((p) => p.key),
    ...plan.inputs.map((i) => i.name),
    ...plan.outputs.map((o) => o.name),
  ]);
  // after folding, the plan also lists the folded layers' own tensors, which no step reads any more
  const read = new Set(plan.steps.flatMap((s) => Object.values(s.params)));
  for (const p of plan.params) {
    if (!read.has(p.key)) continue;
    const data = p.value ?? weights.get(p.key)?.data;
    if (!data) throw new OnnxExportError(`no value for parameter \`${p.key}\``);
    b.initializers.push({ name: p.key, dims: p.shape, data });
  }
  const bufferShape = new Map(plan.buffers.map((x) => [x.id, x.shape]));
  // a step may read a buffer under another shape (a view left by elide-copies): reshape it first
  const view = (buffer: string, shape: readonly number[]): string => {
    const own = bufferShape.get(buffer);
    if (!own) throw new OnnxExportError(`buffer \`${buffer}\` is read but not declared in the plan`);
    return sameShape(own, shape)
      ? buffer
      : b.node('Reshape', [buffer, b.int64s(`${buffer}:shape`, shape)], b.fresh(`${buffer}:view`));
  };
  for (const step of plan.steps) {
    const inputs = step.inputs.map((x, i) => view(x, step.inputShapes[i]));
    const residual = step.epilogue.residual === null ? null : view(step.epilogue.residual, step.outputShape);
    emitStep(b, { ...step, inputs, epilogue: { ...step.epilogue, residual } });
  }
  // graph outputs take the user's names and shapes: an Identity or Reshape where the buffer differs
  for (const o of plan.outputs) {
    if (!sameShape(bufferShape.get(o.buffer) ?? o.shape, o.shape))
      b.node('Reshape', [o.buffer, b.int64s(`${o.name}:shape`, o.shape)], o.name);
    else if (o.name !== o.buffer) b.node('Identity', [o.buffer], o.name);
  }
  for (const i of plan.inputs) {
    if (i.name !== i.buffer)
      throw new OnnxExportError(
        `input \`${i.name}\` lives in buffer \`${i.buffer}\`; the exporter expects them to match`,
      );
  }
  return encodeModel({
    irVersion: IR_VERSION,
    opset: ONNX_OPSET,
    producerName: 'cnnc',
    producerVersion: options.producerVersion ?? '0.1.0',
    graphName: plan.model,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: plan.inputs.map((i) => ({ name: i.name, dims: i.shape })),
    outputs: plan.outputs.map((o) => ({ name: o.name, dims: o.shape })),
  });
}

const PAD_MODE: Record<string, string> = { reflect: 'reflect', replicate: 'edge' };

function emitStep(b: Builder, step: PlanStep): void {
  const { residual, activation } = step.epilogue;
  const hasEpilogue = residual !== null || activation !== null;
  // the op writes a temporary when an epilogue follows, so the step's buffer holds the final value
  let value = emitOp(b, step, hasEpilogue ? b.fresh(`${step.output}:op`) : step.output);
  if (residual !== null)
    value = b.node('Add', [value, residual], activation ? b.fresh(`${step.output}:sum`) : step.output);
  if (activation !== null) emitActivation(b, activation, value, step.output);
}

function emitActivation(b: Builder, a: Activation, input: string, output: string): string {
  switch (a.kind) {
    case 'relu':
      return b.node('Relu', [input], output);
    case 'leaky_relu':
      return b.node('LeakyRelu', [input], output, { alpha: { float: a.negative_slope } });
    case 'sigmoid':
      return b.node('Sigmoid', [input], output);
    case 'tanh':
      return b.node('Tanh', [input], output);
    default:
      throw new OnnxExportError(`no ONNX form for the activation ${a.kind} yet`);
  }
}

function pair<T>(p: readonly [T, T]): T[] {
  return [p[0], p[1]];
}

function emitOp(b: Builder, step: PlanStep, out: string): string {
  const op: OpName = step.op;
  const x = step.inputs[0];
  switch (op) {
    case 'conv2d': {
      const a = (step as PlanStep<'conv2d'>).attrs;
      const [top, bottom, left, right] = a.pads;
      let input = x;
      let pads = [top, left, bottom, right];
      if (a.padding_mode !== 'zeros' && pads.some((p) => p > 0)) {
        const mode = PAD_MODE[a.padding_mode];
        if (!mode)
          throw new OnnxExportError(
            `conv \`${step.nodes[0]}\`: padding_mode '${a.padding_mode}' has no ONNX opset ${ONNX_OPSET} form`,
          );
        // ONNX Pad takes [x1_begin, x2_begin, ..., x1_end, x2_end] over all four NCHW axes
        const padSpec = b.int64s(`${step.output}:pads`, [0, 0, top, left, 0, 0, bottom, right]);
        input = b.node('Pad', [x, padSpec], b.fresh(`${step.output}:padded`), { mode });
        pads = [0, 0, 0, 0];
      }
      const inputs = [input, step.params.weight];
      if (step.params.bias) inputs.push(step.params.bias);
      return b.node('Conv', inputs, out, {
        kernel_shape: pair(a.kernel_size),
        strides: pair(a.stride),
        pads,
        dilations: pair(a.dilation),
        group: a.groups,
      });
    }
    case 'maxpool2d': {
      const a = (step as PlanStep<'maxpool2d'>).attrs;
      return b.node('MaxPool', [x], out, {
        kernel_shape: pair(a.kernel_size),
        strides: pair(a.stride),
        pads: [a.padding[0], a.padding[1], a.padding[0], a.padding[1]],
        dilations: pair(a.dilation),
        ceil_mode: a.ceil_mode ? 1 : 0,
      });
    }
    case 'avgpool2d': {
      const a = (step as PlanStep<'avgpool2d'>).attrs;
      if (a.divisor_override !== null)
        throw new OnnxExportError(`avgpool \`${step.nodes[0]}\`: divisor_override has no ONNX AveragePool form`);
      return b.node('AveragePool', [x], out, {
        kernel_shape: pair(a.kernel_size),
        strides: pair(a.stride),
        pads: [a.padding[0], a.padding[1], a.padding[0], a.padding[1]],
        ceil_mode: a.ceil_mode ? 1 : 0,
        count_include_pad: a.count_include_pad ? 1 : 0,
      });
    }
    case 'adaptive_avgpool2d': {
      const a = (step as PlanStep<'adaptive_avgpool2d'>).attrs;
      const [h, w] = step.inputShapes[0].slice(2);
      const [oh, ow] = a.output_size;
      if (oh === 1 && ow === 1) return b.node('GlobalAveragePool', [x], out);
      // equal bins: an ordinary average pool; uneven bins have no single ONNX op
      if (h % oh !== 0 || w % ow !== 0)
        throw new OnnxExportError(`adaptive avgpool \`${step.nodes[0]}\`: ${h}x${w} -> ${oh}x${ow} has uneven bins`);
      const k = [h / oh, w / ow];
      return b.node('AveragePool', [x], out, { kernel_shape: k, strides: k });
    }
    case 'batchnorm2d': {
      const a = (step as PlanStep<'batchnorm2d'>).attrs;
      const c = a.num_features;
      if (!step.params.running_mean || !step.params.running_var) {
        throw new OnnxExportError(
          `batchnorm \`${step.nodes[0]}\`: without running statistics it normalises with batch statistics, which ONNX BatchNormalization (inference) does not do`,
        );
      }
      const scale = step.params.weight ?? b.floats(`${step.output}:scale`, [c], new Float32Array(c).fill(1));
      const shift = step.params.bias ?? b.floats(`${step.output}:shift`, [c], new Float32Array(c));
      return b.node('BatchNormalization', [x, scale, shift, step.params.running_mean, step.params.running_var], out, {
        epsilon: { float: a.eps },
      });
    }
    case 'relu':
      return emitActivation(b, { kind: 'relu' }, x, out);
    case 'leaky_relu':
      return emitActivation(
        b,
        { kind: 'leaky_relu', negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope },
        x,
        out,
      );
    case 'sigmoid':
      return emitActivation(b, { kind: 'sigmoid' }, x, out);
    case 'tanh':
      return emitActivation(b, { kind: 'tanh' }, x, out);
    case 'flatten':
      // the output shape is concrete, so a Reshape to it covers any start_dim/end_dim
      return b.node('Reshape', [x, b.int64s(`${step.output}:shape`, step.outputShape)], out);
    case 'linear': {
      const w = step.params.weight;
      if (step.inputShapes[0].length === 2) {
        const inputs = [x, w];
        if (step.params.bias) inputs.push(step.params.bias);
        return b.node('Gemm', inputs, out, { transB: 1 });
      }
      // rank > 2: x @ W^T over the last axis
      const wt = b.node('Transpose', [w], b.fresh(`${w}:T`), { perm: [1, 0] });
      const prod = b.node('MatMul', [x, wt], step.params.bias ? b.fresh(`${step.output}:matmul`) : out);
      return step.params.bias ? b.node('Add', [prod, step.params.bias], out) : prod;
    }
    case 'softmax':
      return b.node('Softmax', [x], out, { axis: (step as PlanStep<'softmax'>).attrs.dim });
    case 'add':
      return b.node(step.inputs.length === 2 ? 'Add' : 'Sum', step.inputs, out);
    case 'concat':
      return b.node('Concat', step.inputs, out, { axis: (step as PlanStep<'concat'>).attrs.dim });
    case 'identity':
      return b.node('Identity', [x], out);
    default:
      throw new OnnxExportError(`no ONNX form for op ${op} yet`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
