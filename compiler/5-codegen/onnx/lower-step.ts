/**
 * One plan step as ONNX nodes: the op, then its fused epilogue (residual add, activation). The
 * step's output buffer name holds the final value. Every shape written into the graph comes from
 * reshapeTarget, so a size that depends on the batch is never baked in.
 */
import type { Activation, PlanStep } from '../../3-lower/plan.ts';
import type { OpName } from '../../ir/attrs.ts';
import { reshapeTarget, sameAttrs, varying } from './batch-shapes.ts';
import { OnnxExportError, type OnnxGraph } from './graph-builder.ts';
import { emitActivation } from './lower-activations.ts';
import { emitBatchNorm, emitGroupNorm, emitLayerNorm } from './lower-norms.ts';
import { emitPadding } from './lower-padding.ts';
import { emitAdaptivePool, emitAvgPool, emitMaxPool } from './lower-pools.ts';

export function emitStep(g: OnnxGraph, step: PlanStep, probe: PlanStep | null): void {
  const { residual, activation } = step.epilogue;
  const hasEpilogue = residual !== null || activation !== null;
  let value = emitOp(g, step, probe, hasEpilogue ? g.fresh(`${step.output}:op`) : step.output);
  if (residual !== null)
    value = g.node('Add', [value, residual], activation ? g.fresh(`${step.output}:sum`) : step.output);
  if (activation !== null) emitActivation(g, activation, value, step.output);
}

const BINARY = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div' } as const;

/** The ops that are an activation of their own (the plan's Activation kinds). */
const ACTIVATION_OPS = new Set<OpName>([
  'relu',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'hardtanh',
  'hardswish',
  'hardsigmoid',
  'silu',
  'gelu',
  'elu',
  'mish',
]);

function emitOp(g: OnnxGraph, step: PlanStep, probe: PlanStep | null, out: string): string {
  const x = step.inputs[0];
  const label = `\`${step.nodes[0]}\` (${step.op})`;
  // only a reshape's target may follow the batch; any other attribute that does would bake it in
  sameAttrs(step, probe, step.op === 'reshape' ? ['shape'] : []);
  if (ACTIVATION_OPS.has(step.op)) return emitActivation(g, { kind: step.op, ...step.attrs } as Activation, x, out);
  switch (step.op) {
    case 'conv2d':
      return emitConv(g, step as PlanStep<'conv2d'>, x, out);
    case 'maxpool2d':
      return emitMaxPool(g, step as PlanStep<'maxpool2d'>, x, out);
    case 'avgpool2d':
      return emitAvgPool(g, step as PlanStep<'avgpool2d'>, x, out);
    case 'adaptive_avgpool2d':
    case 'adaptive_maxpool2d':
      return emitAdaptivePool(g, step as PlanStep<'adaptive_avgpool2d'>, x, out);
    case 'batchnorm2d':
      return emitBatchNorm(g, step as PlanStep<'batchnorm2d'>, x, out);
    case 'layer_norm':
      return emitLayerNorm(g, step as PlanStep<'layer_norm'>, x, out);
    case 'group_norm':
      return emitGroupNorm(g, step as PlanStep<'group_norm'>, x, out);
    case 'prelu':
      return emitPrelu(g, step as PlanStep<'prelu'>, x, out);
    case 'flatten':
    case 'reshape':
      // the target is the output shape (every start_dim/end_dim of flatten, no -1 left in reshape)
      return g.reshape(x, reshapeTarget(label, step.outputShape, probe?.outputShape), out);
    case 'permute':
      return g.node('Transpose', [x], out, { perm: [...(step as PlanStep<'permute'>).attrs.dims] });
    case 'slice': {
      const a = (step as PlanStep<'slice'>).attrs;
      const bounds = [g.int64s([a.start]), g.int64s([a.end]), g.int64s([a.dim])];
      return g.node('Slice', [x, ...bounds], out);
    }
    case 'pad': {
      const a = (step as PlanStep<'pad'>).attrs;
      return emitPadding(g, x, step.inputShapes[0], a.pads, a.mode, a.value, out);
    }
    case 'channel_shuffle':
      return emitChannelShuffle(g, step as PlanStep<'channel_shuffle'>, probe, x, out);
    case 'reduce': {
      const a = (step as PlanStep<'reduce'>).attrs;
      return g.reduce(a.op === 'mean' ? 'ReduceMean' : 'ReduceSum', x, a.dims, a.keepdim, out);
    }
    case 'parameter':
      return g.node('Identity', [step.params.value], out);
    case 'linear':
      return emitLinear(g, step, x, out);
    case 'softmax':
      return g.node('Softmax', [x], out, { axis: (step as PlanStep<'softmax'>).attrs.dim });
    case 'add':
      return g.node(step.inputs.length === 2 ? 'Add' : 'Sum', step.inputs, out);
    case 'binary':
      return g.node(BINARY[(step as PlanStep<'binary'>).attrs.op], step.inputs, out);
    case 'scalar': {
      const a = (step as PlanStep<'scalar'>).attrs;
      const c = g.scalar(a.value);
      return g.node(BINARY[a.op], a.reversed ? [c, x] : [x, c], out);
    }
    case 'concat':
      return g.node('Concat', step.inputs, out, { axis: (step as PlanStep<'concat'>).attrs.dim });
    case 'identity':
      return g.node('Identity', [x], out);
    default:
      throw new OnnxExportError(`${label}: no ONNX form for op ${step.op}`);
  }
}

function emitConv(g: OnnxGraph, step: PlanStep<'conv2d'>, x: string, out: string): string {
  const a = step.attrs;
  const [top, bottom, left, right] = a.pads;
  let input = x;
  // ONNX Conv pads are [x1_begin, x2_begin, x1_end, x2_end]: [top, left, bottom, right]
  let pads = [top, left, bottom, right];
  if (a.padding_mode !== 'zeros' && pads.some((p) => p > 0)) {
    input = emitPadding(g, x, step.inputShapes[0], a.pads, a.padding_mode, 0, g.fresh(`${step.output}:padded`));
    pads = [0, 0, 0, 0];
  }
  const inputs = [input, step.params.weight];
  if (step.params.bias) inputs.push(step.params.bias);
  return g.node('Conv', inputs, out, {
    kernel_shape: [...a.kernel_size],
    strides: [...a.stride],
    pads,
    dilations: [...a.dilation],
    group: a.groups,
  });
}

/** x @ W^T (+ b) over the last dim of any rank: Gemm for matrices, MatMul otherwise. */
function emitLinear(g: OnnxGraph, step: PlanStep, x: string, out: string): string {
  const { weight, bias } = step.params;
  if (step.inputShapes[0].length === 2)
    return g.node('Gemm', bias ? [x, weight, bias] : [x, weight], out, { transB: 1 });
  const wt = g.node('Transpose', [weight], g.fresh(`${weight}:T`), { perm: [1, 0] });
  const product = g.node('MatMul', [x, wt], bias ? g.fresh(`${step.output}:matmul`) : out);
  return bias ? g.node('Add', [product, bias], out) : product;
}

/** PReLU's weight applies along dim 1 (dim 0 of a 1-D input): reshaped to [C, 1, ...] to broadcast there. */
function emitPrelu(g: OnnxGraph, step: PlanStep<'prelu'>, x: string, out: string): string {
  const rank = step.inputShapes[0].length;
  const n = step.attrs.num_parameters;
  const w = step.params.weight;
  const slope =
    n === 1 || rank <= 2 ? w : g.reshape(w, [n, ...new Array<number>(rank - 2).fill(1)], g.fresh(`${w}:slope`));
  return g.node('PRelu', [x, slope], out);
}

/** [N, g*k, *] -> [N, g, k, *] -> swap dims 1 and 2 -> [N, k*g, *]; 0 keeps dim 0 as it comes. */
function emitChannelShuffle(
  g: OnnxGraph,
  step: PlanStep<'channel_shuffle'>,
  probe: PlanStep | null,
  x: string,
  out: string,
): string {
  const shape = step.inputShapes[0];
  if (varying(shape, probe?.inputShapes[0]).some((v, i) => v && i > 0))
    throw new OnnxExportError(
      `\`${step.nodes[0]}\` (channel_shuffle): only dim 0 may depend on the batch to keep it dynamic`,
    );
  const groups = step.attrs.groups;
  const [, c, ...rest] = shape;
  const split = g.reshape(x, [0, groups, c / groups, ...rest], g.fresh(`${out}:groups`));
  const perm = [0, 2, 1, ...rest.map((_, i) => i + 3)];
  const swapped = g.node('Transpose', [split], g.fresh(`${out}:swapped`), { perm });
  return g.reshape(swapped, [0, c, ...rest], out);
}
