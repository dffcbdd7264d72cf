import type { OpName } from '../../ir/attrs.ts';
import type { PlanStep } from '../../3-lower/plan.ts';
import { emitEpilogueAndReturn } from './epilogue.ts';
import { KernelWriter, kernelName, shapeText, sizeOf, type GpuJsKernelArg } from './kernel-writer.ts';
import { emitConv2d } from './ops/conv2d.ts';
import { emitAdaptiveAvgPool2d, emitAdaptiveMaxPool2d, emitAvgPool2d, emitMaxPool2d } from './ops/pools.ts';
import { emitBatchNorm2d } from './ops/batchnorm2d.ts';
import { emitLinear } from './ops/linear.ts';
import { emitSoftmax } from './ops/softmax.ts';
import { emitConcat } from './ops/concat.ts';
import {
  emitActivationOp,
  emitAdd,
  emitBinary,
  emitCopy,
  emitParameter,
  emitPrelu,
  emitScalar,
} from './ops/elementwise.ts';
import { emitChannelShuffle, emitPad, emitPermute, emitSlice } from './ops/movement.ts';
import { emitGroupNorm, emitLayerNorm } from './ops/norms.ts';
import { emitReduce } from './ops/reduce.ts';

export type { GpuJsKernelArg } from './kernel-writer.ts';

export interface GpuJsKernelSource {
  /** the kernel's function name: `<op>_<first node id as an identifier>` */
  readonly name: string;
  /** `function name(args) { ... }`, one thread per output element, every loop bound a literal */
  readonly source: string;
  /** gpu.js output size: always 1-D [elements]; the thread index is the flat row-major (NCHW) index */
  readonly output: number[];
  /** what to pass for each kernel argument, in order: a plan buffer id or a param (state_dict) key */
  readonly argOrder: string[];
  /** the same arguments with their identifiers and whether each is a buffer or a param */
  readonly args: readonly GpuJsKernelArg[];
}

type Emitter = (w: KernelWriter, step: PlanStep) => void;

const EMITTERS: { readonly [K in OpName]: (w: KernelWriter, step: PlanStep<K>) => void } = {
  conv2d: emitConv2d,
  maxpool2d: emitMaxPool2d,
  avgpool2d: emitAvgPool2d,
  adaptive_avgpool2d: emitAdaptiveAvgPool2d,
  batchnorm2d: emitBatchNorm2d,
  relu: emitActivationOp,
  leaky_relu: emitActivationOp,
  sigmoid: emitActivationOp,
  tanh: emitActivationOp,
  flatten: emitCopy,
  linear: emitLinear,
  softmax: emitSoftmax,
  add: emitAdd,
  concat: emitConcat,
  identity: emitCopy,
  hardtanh: emitActivationOp,
  hardswish: emitActivationOp,
  hardsigmoid: emitActivationOp,
  silu: emitActivationOp,
  gelu: emitActivationOp,
  elu: emitActivationOp,
  mish: emitActivationOp,
  prelu: emitPrelu,
  binary: emitBinary,
  scalar: emitScalar,
  reshape: emitCopy,
  permute: emitPermute,
  slice: emitSlice,
  pad: emitPad,
  channel_shuffle: emitChannelShuffle,
  layer_norm: emitLayerNorm,
  group_norm: emitGroupNorm,
  adaptive_maxpool2d: emitAdaptiveMaxPool2d,
  reduce: emitReduce,
  parameter: emitParameter,
};

/**
 * The gpu.js kernel for one plan step, as source text specialised to the step's static shapes.
 * Loop bounds are literals because gpu.js silently caps loops bounded by an argument at
 * loopMaxIterations (1000). The output is 1-D: gpu.js lays a 1-D output out as a near-square texture,
 * so large tensors stay within MAX_TEXTURE_SIZE on WebGL.
 */
export function gpujsKernelSource(step: PlanStep): GpuJsKernelSource {
  const emit = EMITTERS[step.op] as Emitter | undefined;
  if (!emit) throw new Error(`the gpu.js backend has no kernel for op '${String(step.op)}'`);
  const total = sizeOf(step.outputShape);
  if (!(total > 0)) {
    throw new Error(
      `${step.op} step ${JSON.stringify(step.nodes[0])} has an empty output ${shapeText(step.outputShape)}`,
    );
  }
  if (step.inputs.length !== step.inputShapes.length) {
    throw new Error(
      `${step.op} step ${JSON.stringify(step.nodes[0])}: ${step.inputs.length} inputs but ${step.inputShapes.length} input shapes`,
    );
  }
  const w = new KernelWriter(step);
  const inputs = step.inputShapes.map(shapeText).join(', ');
  w.comment(`${step.op} ${step.nodes.join(' + ')}: ${inputs} -> ${shapeText(step.outputShape)}`);
  emit(w, step);
  const epi = step.epilogue;
  if (epi.residual !== null || epi.activation !== null) {
    const parts = [
      epi.residual !== null ? `+ residual ${epi.residual}` : '',
      epi.activation ? `then ${epi.activation.kind}` : '',
    ];
    w.comment(`epilogue: ${parts.filter(Boolean).join(', ')}`);
  }
  emitEpilogueAndReturn(w, step);
  const name = kernelName(step);
  return {
    name,
    source: w.source(name),
    output: [total],
    argOrder: w.args.map((a) => a.ref),
    args: w.args,
  };
}
