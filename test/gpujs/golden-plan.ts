/**
 * Test-local adapter: turns a golden case's PyTorch-style layer list into a Plan (one step per layer,
 * no fusion), with PyTorch's shape formulas. Not the project's planner; just enough to drive the backend.
 */
import type { OpAttrs, OpName, Pads, Pair } from '../../compiler/ir/attrs.ts';
import type { Plan, PlanBuffer, PlanParam, PlanStep } from '../../compiler/4-plan/plan.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { decodeTensor, type GoldenCase, type GoldenLayer } from './golden.ts';

export interface GoldenPlan {
  readonly plan: Plan;
  readonly weights: Map<string, Tensor>;
  readonly feeds: Record<string, Tensor>;
  readonly expected: Tensor;
  /** output shape of every layer, as this adapter computed it */
  readonly shapes: Record<string, number[]>;
}

const pair = (v: unknown): Pair => {
  const a = v as number[];
  return [a[0], a[1]];
};

/** PyTorch's pooling_output_shape (with its ceil_mode rule: the last window must start inside input or left padding). */
export function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(span / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function convPads(l: GoldenLayer): Pads {
  const k = pair(l.kernel_size);
  const d = pair(l.dilation);
  if (l.padding === 'valid') return [0, 0, 0, 0];
  if (l.padding === 'same') {
    const th = d[0] * (k[0] - 1);
    const tw = d[1] * (k[1] - 1);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  const p = pair(l.padding);
  return [p[0], p[0], p[1], p[1]];
}

interface Lowered<K extends OpName = OpName> {
  readonly op: K;
  readonly attrs: OpAttrs[K];
  readonly out: number[];
}

function lower(l: GoldenLayer, inShapes: number[][]): Lowered {
  const x = inShapes[0];
  const [N, C, H, W] = x;
  switch (l.op) {
    case 'conv2d': {
      const attrs: OpAttrs['conv2d'] = {
        in_channels: l.in_channels as number,
        out_channels: l.out_channels as number,
        kernel_size: pair(l.kernel_size),
        stride: pair(l.stride),
        pads: convPads(l),
        dilation: pair(l.dilation),
        groups: l.groups as number,
        bias: l.bias as boolean,
        padding_mode: l.padding_mode as OpAttrs['conv2d']['padding_mode'],
      };
      const [pt, pb, pl, pr] = attrs.pads;
      const oh = Math.floor((H + pt + pb - attrs.dilation[0] * (attrs.kernel_size[0] - 1) - 1) / attrs.stride[0]) + 1;
      const ow = Math.floor((W + pl + pr - attrs.dilation[1] * (attrs.kernel_size[1] - 1) - 1) / attrs.stride[1]) + 1;
      return { op: 'conv2d', attrs, out: [N, attrs.out_channels, oh, ow] };
    }
    case 'maxpool2d': {
      const attrs: OpAttrs['maxpool2d'] = {
        kernel_size: pair(l.kernel_size),
        stride: pair(l.stride),
        padding: pair(l.padding),
        dilation: pair(l.dilation),
        ceil_mode: l.ceil_mode as boolean,
      };
      const oh = poolOut(H, attrs.kernel_size[0], attrs.stride[0], attrs.padding[0], attrs.dilation[0], attrs.ceil_mode);
      const ow = poolOut(W, attrs.kernel_size[1], attrs.stride[1], attrs.padding[1], attrs.dilation[1], attrs.ceil_mode);
      return { op: 'maxpool2d', attrs, out: [N, C, oh, ow] };
    }
    case 'avgpool2d': {
      const attrs: OpAttrs['avgpool2d'] = {
        kernel_size: pair(l.kernel_size),
        stride: pair(l.stride),
        padding: pair(l.padding),
        ceil_mode: l.ceil_mode as boolean,
        count_include_pad: l.count_include_pad as boolean,
        divisor_override: (l.divisor_override as number | null) ?? null,
      };
      const oh = poolOut(H, attrs.kernel_size[0], attrs.stride[0], attrs.padding[0], 1, attrs.ceil_mode);
      const ow = poolOut(W, attrs.kernel_size[1], attrs.stride[1], attrs.padding[1], 1, attrs.ceil_mode);
      return { op: 'avgpool2d', attrs, out: [N, C, oh, ow] };
    }
    case 'adaptive_avgpool2d': {
      const size = pair(l.output_size);
      return { op: 'adaptive_avgpool2d', attrs: { output_size: size }, out: [N, C, size[0], size[1]] };
    }
    case 'global_avgpool2d':
      return { op: 'adaptive_avgpool2d', attrs: { output_size: [1, 1] }, out: [N, C, 1, 1] };
    case 'batchnorm2d':
      return {
        op: 'batchnorm2d',
        attrs: {
          num_features: l.num_features as number,
          eps: l.eps as number,
          momentum: (l.momentum as number | null) ?? null,
          affine: l.affine as boolean,
          track_running_stats: l.track_running_stats as boolean,
        },
        out: [...x],
      };
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'identity':
      return { op: l.op, attrs: {}, out: [...x] };
    case 'leaky_relu':
      return { op: 'leaky_relu', attrs: { negative_slope: l.negative_slope as number }, out: [...x] };
    case 'flatten': {
      const r = x.length;
      const s = ((l.start_dim as number) + r) % r;
      const e = ((l.end_dim as number) + r) % r;
      const mid = x.slice(s, e + 1).reduce((a, b) => a * b, 1);
      return { op: 'flatten', attrs: { start_dim: s, end_dim: e }, out: [...x.slice(0, s), mid, ...x.slice(e + 1)] };
    }
    case 'linear': {
      const attrs: OpAttrs['linear'] = {
        in_features: l.in_features as number,
        out_features: l.out_features as number,
        bias: l.bias as boolean,
      };
      return { op: 'linear', attrs, out: [...x.slice(0, -1), attrs.out_features] };
    }
    case 'softmax': {
      const dim = ((l.dim as number) + x.length) % x.length;
      return { op: 'softmax', attrs: { dim }, out: [...x] };
    }
    case 'add':
      return { op: 'add', attrs: {}, out: [...x] };
    case 'concat': {
      const dim = ((l.dim as number) + x.length) % x.length;
      const out = [...x];
      out[dim] = inShapes.reduce((a, s) => a + s[dim], 0);
      return { op: 'concat', attrs: { dim }, out };
    }
    default:
      throw new Error(`golden-plan: no lowering for op '${l.op}'`);
  }
}

/** Builds the plan, weights, feeds and expected output of a `layer` or `model` golden case. */
export function goldenPlan(c: GoldenCase): GoldenPlan {
  const shapes: Record<string, number[]> = {};
  const buffers: PlanBuffer[] = [];
  for (const [name, shape] of Object.entries(c.input_shapes)) {
    shapes[name] = shape;
    buffers.push({ id: name, shape, role: 'input' });
  }
  const paramEntries = Object.entries(c.params ?? {}).map(([k, t]) => [k, decodeTensor(t)] as const);
  const weights = new Map(paramEntries);
  const params: PlanParam[] = paramEntries.map(([key, t]) => ({ key, shape: t.shape, value: null }));

  const steps: PlanStep[] = [];
  let previous = Object.keys(c.input_shapes)[0];
  c.layers.forEach((l, k) => {
    const inputs = l.inputs ?? [previous];
    const inShapes = inputs.map((b) => {
      const s = shapes[b];
      if (!s) throw new Error(`golden-plan: layer ${l.name} reads unknown '${b}'`);
      return s;
    });
    const { op, attrs, out } = lower(l, inShapes);
    const stepParams: Record<string, string> = {};
    for (const [key] of paramEntries) {
      if (key.startsWith(`${l.name}.`)) stepParams[key.slice(l.name.length + 1)] = key;
    }
    steps.push({
      nodes: [l.name],
      op,
      attrs,
      inputs,
      inputShapes: inShapes,
      params: stepParams,
      output: l.name,
      outputShape: out,
      epilogue: { residual: null, activation: null },
    } as PlanStep);
    shapes[l.name] = out;
    buffers.push({ id: l.name, shape: out, role: k === c.layers.length - 1 ? 'output' : 'intermediate' });
    previous = l.name;
  });

  const last = c.layers[c.layers.length - 1].name;
  const plan: Plan = {
    model: c.id,
    inputs: Object.entries(c.input_shapes).map(([name, shape]) => ({ name, buffer: name, shape })),
    outputs: [{ name: 'y', buffer: last, shape: shapes[last] }],
    params,
    buffers,
    steps,
  };
  const feeds = Object.fromEntries(Object.entries(c.input ?? {}).map(([name, t]) => [name, decodeTensor(t)]));
  if (!c.output) throw new Error(`golden case ${c.id} has no output`);
  return { plan, weights, feeds, expected: decodeTensor(c.output.y), shapes };
}
