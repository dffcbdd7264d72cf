import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import type { OpName } from '../ir/attrs.ts';
import type { Shape } from '../ir/dim.ts';
import type { Graph, IRNode, ParamSpec } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { inlineValue } from './inline-params.ts';
import type { InferCtx, InputInfo } from './ops/op-def.ts';
import type { PendingLayer, ResolvedModel } from './resolve.ts';

type Report = (d: DiagnosticBuilder) => void;

interface Known {
  readonly shape: Shape | null;
  readonly span: Span;
  readonly kind: 'layer' | 'input';
  readonly op: OpName | null;
  readonly inputShape: Shape | null;
  readonly attrs: unknown;
  readonly channelSource: { readonly id: string; readonly span: Span };
}

// ops whose output has the channels of their (first) input
const KEEPS_CHANNELS = new Set<OpName>([
  'relu',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'maxpool2d',
  'avgpool2d',
  'adaptive_avgpool2d',
  'batchnorm2d',
  'identity',
  'add',
  'softmax',
  'hardtanh',
  'hardswish',
  'hardsigmoid',
  'silu',
  'gelu',
  'elu',
  'mish',
  'prelu',
  'scalar',
  'pad',
  'channel_shuffle',
  'layer_norm',
  'group_norm',
  'adaptive_maxpool2d',
]);

/**
 * The shape-checking pass: applies each op's PyTorch shape rule in order. A node whose input is
 * unknown (an error upstream) is skipped silently, so one mistake is reported once and independent
 * mistakes further down are still found.
 */
export function inferShapes(model: ResolvedModel, report: Report, text: (s: Span) => string): Graph {
  const known = new Map<string, Known>();
  for (const input of model.inputs) {
    known.set(input.name, {
      shape: input.shape,
      span: input.span,
      kind: 'input',
      op: null,
      inputShape: null,
      attrs: null,
      channelSource: { id: input.name, span: input.span },
    });
  }
  const nodes: IRNode[] = [];
  for (const layer of model.layers) {
    const node = inferLayer(layer, known, report, text);
    nodes.push(node);
    const firstInput = known.get(layer.inputs[0]);
    const channelSource =
      KEEPS_CHANNELS.has(node.op) && firstInput ? firstInput.channelSource : { id: layer.id, span: layer.spans.call };
    known.set(layer.id, {
      shape: node.shape,
      span: layer.spans.call,
      kind: 'layer',
      op: node.op,
      inputShape: firstInput?.shape ?? null,
      attrs: node.attrs,
      channelSource,
    });
  }
  return {
    name: model.name,
    inputs: model.inputs,
    nodes,
    outputs: model.outputs.map((o) => o.id),
    outputNames: model.outputs.map((o) => o.name),
    weightsPath: model.weightsPath,
    span: model.span,
  };
}

function inferLayer(layer: PendingLayer, known: Map<string, Known>, report: Report, text: (s: Span) => string): IRNode {
  const unknown: IRNode = {
    id: layer.id,
    op: layer.def.op,
    className: layer.def.className,
    attrs: {} as never,
    inputs: layer.inputs,
    shape: null,
    params: [],
    spans: layer.spans,
  };
  const inputs: InputInfo[] = [];
  for (const id of layer.inputs) {
    const k = known.get(id);
    if (!k?.shape) return unknown;
    inputs.push({
      id,
      shape: k.shape,
      span: k.span,
      kind: k.kind,
      producerOp: k.op,
      producerInputShape: k.inputShape,
      producerAttrs: k.attrs,
      channelSource: k.channelSource,
    });
  }
  // errors inside a block expansion also point at the use of the block
  const withCallSite: Report = (d) => {
    if (layer.spans.callSite && layer.callSiteText) d.label(layer.spans.callSite, `in \`${layer.callSiteText}\``);
    report(d);
  };
  const ctx: InferCtx = {
    id: layer.id,
    className: layer.def.className,
    spans: layer.spans,
    args: layer.args,
    inputs,
    piece: layer.piece,
    report: withCallSite,
    text,
  };
  const result = layer.def.infer(ctx);
  if (!result) return unknown;
  const params = paramSpecs(layer, result.attrs, withCallSite);
  return {
    id: layer.id,
    op: result.op ?? layer.def.op,
    className: layer.def.className,
    attrs: result.attrs,
    inputs: layer.inputs,
    shape: result.shape,
    params,
    spans: layer.spans,
  };
}

function paramSpecs(layer: PendingLayer, attrs: IRNode['attrs'], report: Report): ParamSpec[] {
  const shapes = layer.def.params(attrs as never);
  const specs: ParamSpec[] = shapes.map((p) => ({
    key: p.ownKey ? layer.id : `${layer.id}.${p.name}`,
    name: p.name,
    shape: p.shape,
    inline: null,
  }));
  for (const init of layer.paramInits) {
    const i = specs.findIndex((s) => s.name === init.name.name);
    if (i < 0) {
      const names = shapes.map((s) => s.name);
      report(
        diag(
          'UnknownParameter',
          `${layer.def.className} \`${layer.id}\` has no parameter \`${init.name.name}\``,
          init.name.span,
          'no such parameter',
        ).help(names.length ? `its parameters are: ${names.join(', ')}` : `${layer.def.className} has no parameters`),
      );
      continue;
    }
    const value = inlineValue(init, specs[i].shape, layer, report);
    if (value) specs[i] = { ...specs[i], inline: value };
  }
  return specs;
}
