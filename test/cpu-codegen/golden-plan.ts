/**
 * Test-local adapter: a golden case's PyTorch-style layer list -> a Plan (what the real analyzer and
 * planner will produce, done the simple way). Output shapes use PyTorch's formulas. Optionally fuses
 * residual adds and activations into the producing step's epilogue, and renames every user-visible
 * name (to test hostile names).
 */
import type { Activation, Plan, PlanBuffer, PlanParam, PlanStep } from '../../compiler/4-plan/plan.ts';
import type { OpAttrs, OpName, Pads } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import type { GoldenCase, GoldenLayer } from './golden-loader.ts';

export interface GoldenPlanOptions {
  /** fold add/activation layers into the previous step's epilogue where the dataflow allows */
  fuse?: boolean;
  /** applied to every node id, buffer id, param key prefix, input/output name and the model name */
  rename?: (name: string) => string;
  /** which params are inline (PlanParam.value) rather than read from the weights map; default none */
  inline?: (key: string) => boolean;
}

export interface GoldenPlan {
  plan: Plan;
  weights: Map<string, Tensor>;
  /** feeds keyed by the (renamed) input names */
  feeds: Record<string, Tensor>;
  /** the (renamed) name of the output */
  outputName: string;
  /** computed output shape of each golden layer (original names) */
  shapes: Map<string, number[]>;
}

type Pair = readonly [number, number];
const pair = (v: unknown): Pair => v as Pair;

export function goldenPlan(c: GoldenCase, opts: GoldenPlanOptions = {}): GoldenPlan {
  const rn = opts.rename ?? ((s: string) => s);
  const inline = opts.inline ?? (() => false);
  const bufOf = (name: string) => `${rn(name)}:out`;
  const shapes = new Map<string, number[]>(Object.entries(c.input_shapes));
  const buffers: PlanBuffer[] = Object.entries(c.input_shapes).map(([n, s]) => ({ id: rn(n), shape: s, role: 'input' }));
  const bufferOfValue = new Map<string, string>(Object.keys(c.input_shapes).map((n) => [n, rn(n)]));
  const params: PlanParam[] = [];
  const weights = new Map<string, Tensor>();
  let steps: PlanStep[] = [];
  let prev = Object.keys(c.input_shapes)[0];

  for (const layer of c.layers) {
    const inputs = layer.inputs ?? [prev];
    const inShapes = inputs.map((i) => shapes.get(i)!);
    const { op, attrs } = toOp(layer, inShapes[0]);
    const outShape = outputShape(op, attrs, inShapes);
    shapes.set(layer.name, outShape);
    const stepParams: Record<string, string> = {};
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) {
      const t = c.params[`${layer.name}.${p}`];
      if (t === undefined) continue;
      const key = `${rn(layer.name)}.${p}`;
      stepParams[p] = key;
      const isInline = inline(key);
      params.push({ key, shape: t.shape, value: isInline ? t.data : null });
      if (!isInline) weights.set(key, t);
    }
    const out = bufOf(layer.name);
    bufferOfValue.set(layer.name, out);
    buffers.push({ id: out, shape: outShape, role: 'intermediate' });
    steps.push({
      nodes: [rn(layer.name)],
      op,
      attrs,
      inputs: inputs.map((i) => bufferOfValue.get(i)!),
      inputShapes: inShapes,
      params: stepParams,
      output: out,
      outputShape: outShape,
      epilogue: { residual: null, activation: null },
    });
    prev = layer.name;
  }
  const last = c.layers[c.layers.length - 1].name;
  const outBuffer = bufferOfValue.get(last)!;
  if (opts.fuse) steps = fuseEpilogues(steps, new Set([outBuffer]));
  const live = new Set(steps.flatMap((s) => [s.output, ...s.inputs]));
  const plan: Plan = {
    model: rn(c.id),
    inputs: Object.entries(c.input_shapes).map(([n, s]) => ({ name: rn(n), buffer: rn(n), shape: s })),
    outputs: [{ name: rn('y'), buffer: outBuffer, shape: shapes.get(last)! }],
    params,
    buffers: buffers
      .filter((b) => b.role === 'input' || live.has(b.id))
      .map((b) => (b.id === outBuffer ? { ...b, role: 'output' as const } : b)),
    steps,
  };
  const feeds = Object.fromEntries(Object.entries(c.input).map(([n, t]) => [rn(n), t]));
  return { plan, weights, feeds, outputName: rn('y'), shapes };
}

function toOp(l: GoldenLayer, inShape: readonly number[]): { op: OpName; attrs: OpAttrs[OpName] } {
  switch (l.op) {
    case 'conv2d': {
      const k = pair(l.kernel_size);
      const d = pair(l.dilation);
      let pads: Pads;
      if (l.padding === 'valid') pads = [0, 0, 0, 0];
      else if (l.padding === 'same') {
        const th = d[0] * (k[0] - 1);
        const tw = d[1] * (k[1] - 1);
        pads = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
      } else {
        const p = pair(l.padding);
        pads = [p[0], p[0], p[1], p[1]];
      }
      const attrs: OpAttrs['conv2d'] = {
        in_channels: l.in_channels as number,
        out_channels: l.out_channels as number,
        kernel_size: k,
        stride: pair(l.stride),
        pads,
        dilation: d,
        groups: l.groups as number,
        bias: l.bias as boolean,
        padding_mode: l.padding_mode as OpAttrs['conv2d']['padding_mode'],
      };
      return { op: 'conv2d', attrs };
    }
    case 'maxpool2d':
      return {
        op: 'maxpool2d',
        attrs: { kernel_size: pair(l.kernel_size), stride: pair(l.stride), padding: pair(l.padding), dilation: pair(l.dilation), ceil_mode: l.ceil_mode as boolean },
      };
    case 'avgpool2d':
      return {
        op: 'avgpool2d',
        attrs: {
          kernel_size: pair(l.kernel_size),
          stride: pair(l.stride),
          padding: pair(l.padding),
          ceil_mode: l.ceil_mode as boolean,
          count_include_pad: l.count_include_pad as boolean,
          divisor_override: (l.divisor_override as number | null) ?? null,
        },
      };
    case 'adaptive_avgpool2d':
      return { op: 'adaptive_avgpool2d', attrs: { output_size: pair(l.output_size) } };
    case 'global_avgpool2d':
      return { op: 'adaptive_avgpool2d', attrs: { output_size: [1, 1] } };
    case 'batchnorm2d':
      return {
        op: 'batchnorm2d',
        attrs: {
          num_features: l.num_features as number,
          eps: l.eps as number,
          momentum: l.momentum as number | null,
          affine: l.affine as boolean,
          track_running_stats: l.track_running_stats as boolean,
        },
      };
    case 'leaky_relu':
      return { op: 'leaky_relu', attrs: { negative_slope: l.negative_slope as number } };
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'add':
      return { op: l.op, attrs: {} };
    case 'flatten': {
      const r = inShape.length;
      const s = l.start_dim as number;
      const e = l.end_dim as number;
      return { op: 'flatten', attrs: { start_dim: s < 0 ? s + r : s, end_dim: e < 0 ? e + r : e } };
    }
    case 'linear':
      return { op: 'linear', attrs: { in_features: l.in_features as number, out_features: l.out_features as number, bias: l.bias as boolean } };
    case 'concat':
      return { op: 'concat', attrs: { dim: l.dim as number } };
    default:
      throw new Error(`golden-plan: unsupported op ${l.op}`);
  }
}

/** PyTorch's pooling_output_shape: floor or ceil division, and a ceil window must start inside input+left pad. */
function poolOut(size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  const num = size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(num / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function outputShape(op: OpName, attrs: OpAttrs[OpName], ins: (readonly number[])[]): number[] {
  const [N, C, H, W] = ins[0];
  switch (op) {
    case 'conv2d': {
      const a = attrs as OpAttrs['conv2d'];
      const oh = Math.floor((H + a.pads[0] + a.pads[1] - a.dilation[0] * (a.kernel_size[0] - 1) - 1) / a.stride[0]) + 1;
      const ow = Math.floor((W + a.pads[2] + a.pads[3] - a.dilation[1] * (a.kernel_size[1] - 1) - 1) / a.stride[1]) + 1;
      return [N, a.out_channels, oh, ow];
    }
    case 'maxpool2d': {
      const a = attrs as OpAttrs['maxpool2d'];
      return [N, C, ...([0, 1] as const).map((i) => poolOut(ins[0][2 + i], a.kernel_size[i], a.padding[i], a.stride[i], a.dilation[i], a.ceil_mode))];
    }
    case 'avgpool2d': {
      const a = attrs as OpAttrs['avgpool2d'];
      return [N, C, ...([0, 1] as const).map((i) => poolOut(ins[0][2 + i], a.kernel_size[i], a.padding[i], a.stride[i], 1, a.ceil_mode))];
    }
    case 'adaptive_avgpool2d':
      return [N, C, ...(attrs as OpAttrs['adaptive_avgpool2d']).output_size];
    case 'flatten': {
      const a = attrs as OpAttrs['flatten'];
      const s = ins[0];
      const mid = s.slice(a.start_dim, a.end_dim + 1).reduce((x, y) => x * y, 1);
      return [...s.slice(0, a.start_dim), mid, ...s.slice(a.end_dim + 1)];
    }
    case 'linear':
      return [...ins[0].slice(0, -1), (attrs as OpAttrs['linear']).out_features];
    case 'concat': {
      const dim = (attrs as OpAttrs['concat']).dim;
      const out = [...ins[0]];
      out[dim] = ins.reduce((a, s) => a + s[dim], 0);
      return out;
    }
    default:
      return [...ins[0]];
  }
}

const ACTIVATIONS = new Set<OpName>(['relu', 'leaky_relu', 'sigmoid', 'tanh']);

function activationOf(s: PlanStep): Activation {
  if (s.op === 'leaky_relu') return { kind: 'leaky_relu', negative_slope: (s.attrs as OpAttrs['leaky_relu']).negative_slope };
  return { kind: s.op as 'relu' | 'sigmoid' | 'tanh' };
}

/**
 * Fold a step's single consumer into its epilogue: a two-input add (the other input becomes the
 * residual) while it has no activation yet, then an activation. The fused step takes the consumer's
 * place in the order, where all of its inputs are already computed.
 */
function fuseEpilogues(steps: PlanStep[], outputs: Set<string>): PlanStep[] {
  let changed = true;
  while (changed) {
    changed = false;
    const readers = new Map<string, number>();
    for (const s of steps) for (const b of [...s.inputs, ...(s.epilogue.residual ? [s.epilogue.residual] : [])]) readers.set(b, (readers.get(b) ?? 0) + 1);
    for (let i = 0; i < steps.length && !changed; i++) {
      const s = steps[i];
      if (readers.get(s.output) !== 1 || outputs.has(s.output)) continue;
      const j = steps.findIndex((t) => t.inputs.includes(s.output));
      const t = steps[j];
      let epilogue = null;
      if (t.op === 'add' && t.inputs.length === 2 && s.epilogue.residual === null && s.epilogue.activation === null) {
        const other = t.inputs[0] === s.output ? t.inputs[1] : t.inputs[0];
        if (other !== s.output) epilogue = { residual: other, activation: null };
      } else if (ACTIVATIONS.has(t.op) && s.epilogue.activation === null) {
        epilogue = { residual: s.epilogue.residual, activation: activationOf(t) };
      }
      if (epilogue === null) continue;
      const fused: PlanStep = { ...s, nodes: [...s.nodes, ...t.nodes], output: t.output, outputShape: t.outputShape, epilogue };
      steps = steps.map((x, k) => (k === j ? fused : x)).filter((_, k) => k !== i);
      changed = true;
    }
  }
  return steps;
}
