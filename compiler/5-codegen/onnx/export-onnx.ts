/**
 * Plan -> ONNX model, weights as initializers (inline, or in an external data file for models past
 * 2 GiB). Values keep the plan's names: graph inputs by name, outputs by the model's output names,
 * buffers by id, parameters by state_dict key (folded ones by the key the folding pass gave them).
 * A symbolic batch stays a dynamic dimension when the same plan at a second batch size is given
 * (batch-shapes.ts). Any plan, before or after the optimizing passes, exports: fused epilogues become
 * an Add and an activation again, a folded BatchNorm is a Conv with the folded weights.
 */
import type { Plan } from '../../3-lower/plan.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { type BatchProbe, BatchShapes, reshapeTarget } from './batch-shapes.ts';
import { DEFAULT_EXTERNAL_ABOVE, type ExternalData, placeInitializers } from './external-data.ts';
import { OnnxExportError, OnnxGraph } from './graph-builder.ts';
import { emitStep } from './lower-step.ts';
import { encodeModel } from './onnx-proto.ts';
import { checkNames, nameValues } from './value-names.ts';
import { DEFAULT_OPSET, irVersionOf, isSupportedOpset, MAX_OPSET, MIN_OPSET } from './opsets.ts';

export interface OnnxExportOptions {
  /** default 17 (DEFAULT_OPSET); MIN_OPSET..MAX_OPSET */
  readonly opset?: number;
  readonly producerVersion?: string;
  /** the same plan at a second batch size: what differs stays dynamic (without it every size is fixed) */
  readonly batch?: BatchProbe | null;
  /** weights past this many bytes in all go to the external data file (default just under 2 GiB) */
  readonly externalDataAbove?: number;
  /** that file's name, relative to the model (default `model.onnx.data`) */
  readonly externalDataLocation?: string;
}

export interface OnnxExport {
  /** the ModelProto */
  readonly model: Uint8Array;
  /** the external data file, or null when every weight is inline */
  readonly externalData: ExternalData | null;
  readonly opset: number;
  readonly nodeCount: number;
  readonly weightBytes: number;
  /** `input x: N` for each dynamic dimension of the graph's inputs */
  readonly dynamicDims: readonly string[];
}

/**
 * Encodes the plan as an ONNX model. `weights` supplies every param a step reads that has no inline
 * value (derived ones included: runtime/weights.ts bindWeights adds them).
 */
export function exportOnnx(
  plan: Plan,
  weights: ReadonlyMap<string, Tensor>,
  options: OnnxExportOptions = {},
): OnnxExport {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!isSupportedOpset(opset))
    throw new OnnxExportError(`opset ${opset} is not one the exporter writes (${MIN_OPSET} to ${MAX_OPSET})`);
  checkNames(plan);
  const shapes = new BatchShapes(plan, options.batch ?? null);
  // after folding, the plan also lists the folded layers' own tensors, which no step reads any more
  const read = new Set(plan.steps.flatMap((s) => Object.values(s.params)));
  const params = plan.params.filter((p) => read.has(p.key));
  const g = new OnnxGraph(opset, [
    ...plan.buffers.map((x) => x.id),
    ...params.map((p) => p.key),
    ...plan.inputs.map((i) => i.name),
    ...plan.outputs.map((o) => o.name),
  ]);
  const names = nameValues(plan, params, g);
  for (const p of params) {
    const data = p.value ?? weights.get(p.key)?.data;
    if (!data) throw new OnnxExportError(`no value for parameter \`${p.key}\``);
    const count = p.shape.reduce((n, d) => n * d, 1);
    if (data.length !== count)
      throw new OnnxExportError(`parameter \`${p.key}\` has ${data.length} values for shape [${p.shape.join(', ')}]`);
    g.initializer(names.param(p.key), p.shape, data);
  }
  const bufferShape = new Map(plan.buffers.map((x) => [x.id, x.shape]));
  const value = (buffer: string): string => names.buffer(buffer);
  // a step may read a buffer under another shape (a view left by elide-copies): reshape it first
  const view = (buffer: string, shape: readonly number[], probe: readonly number[] | undefined): string => {
    const own = bufferShape.get(buffer)!;
    const v = value(buffer);
    if (sameShape(own, shape)) return v;
    return g.reshape(v, reshapeTarget(`a view of \`${buffer}\``, shape, probe), g.fresh(`${v}:view`));
  };

  plan.steps.forEach((step, index) => {
    const probe = shapes.probeStep(index);
    const inputs = step.inputs.map((x, i) => view(x, step.inputShapes[i], probe?.inputShapes[i]));
    const r = step.epilogue.residual;
    const residual = r === null ? null : view(r, step.outputShape, probe?.outputShape);
    const stepParams = Object.fromEntries(Object.entries(step.params).map(([k, key]) => [k, names.param(key)]));
    const renamed = { ...step, inputs, params: stepParams, output: value(step.output) };
    emitStep(g, { ...renamed, epilogue: { ...step.epilogue, residual } }, probe);
  });

  // graph outputs take the model's names and shapes: a Reshape or an Identity where the buffer differs
  plan.outputs.forEach((o, index) => {
    const v = value(o.buffer);
    if (!sameShape(bufferShape.get(o.buffer) ?? o.shape, o.shape))
      g.reshape(v, reshapeTarget(`output \`${o.name}\``, o.shape, shapes.probeOutput(index)), o.name);
    else if (v !== o.name) g.node('Identity', [v], o.name);
  });

  const inputs = plan.inputs.map((i, k) => ({ name: i.name, dims: shapes.valueDims(i.shape, shapes.probeInput(k)) }));
  const outputs = plan.outputs.map((o, k) => ({
    name: o.name,
    dims: shapes.valueDims(o.shape, shapes.probeOutput(k)),
  }));
  const placed = placeInitializers(
    g.initializers,
    options.externalDataAbove ?? DEFAULT_EXTERNAL_ABOVE,
    options.externalDataLocation ?? 'model.onnx.data',
  );
  const model = encodeModel({
    irVersion: irVersionOf(opset),
    opset,
    producerName: 'cnnc',
    producerVersion: options.producerVersion ?? '0.1.0',
    graphName: plan.model,
    nodes: g.nodes,
    initializers: placed.initializers,
    inputs,
    outputs,
  });
  return {
    model,
    externalData: placed.external,
    opset,
    nodeCount: g.nodes.length,
    weightBytes: g.initializers.reduce((n, t) => n + t.data.byteLength, 0),
    dynamicDims: inputs.flatMap((i) =>
      i.dims.flatMap((d, axis) => (typeof d === 'number' ? [] : [`input ${i.name}: ${d ?? `dim ${axis}`}`])),
    ),
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export { OnnxExportError };
