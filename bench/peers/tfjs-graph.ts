/**
 * A plan as a TF.js function, built in code from tf ops in TF.js's native NHWC layout (the way a
 * TF.js user writes a network): weights are transposed from PyTorch's OIHW once, convolutions and
 * linears use tf.fused ops with their bias and activation, and 4-D values stay NHWC between ops.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Activation, Plan, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';

type Tf = typeof TF;

/** The plan uses something this builder has no TF.js form for. */
export class TfjsUnsupported extends Error {}

/** A value between ops: 4-D values are kept NHWC, everything else as in the plan. */
interface Value {
  readonly t: TF.Tensor;
  readonly nhwc: boolean;
}

export interface TfjsModel {
  /** NHWC (4-D) or plan-layout inputs in, outputs by name as they come out of TF.js (still NHWC if 4-D) */
  run(inputs: Record<string, TF.Tensor>): Record<string, TF.Tensor>;
  /** whether each output is NHWC (4-D) and needs transposing back to NCHW */
  readonly nhwcOutputs: Readonly<Record<string, boolean>>;
  dispose(): void;
}

/** NCHW axis -> NHWC axis */
const NHWC_AXIS = [0, 3, 1, 2];

export function buildTfjsModel(tf: Tf, plan: Plan, weights: ReadonlyMap<string, Tensor>): TfjsModel {
  const owned: TF.Tensor[] = [];
  const keep = <T extends TF.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const raw = (key: string): Tensor => {
    const p = plan.params.find((x) => x.key === key);
    const data = p?.value ?? weights.get(key)?.data;
    if (!p || !data) throw new Error(`no value for parameter \`${key}\``);
    return { shape: p.shape, data };
  };
  // weights are converted once, at build time, into the layouts the ops want
  const prepared = plan.steps.map((step) => prepareStep(tf, step, raw, keep));

  const toNchw = (v: Value): TF.Tensor => (v.nhwc ? tf.transpose(v.t, [0, 3, 1, 2]) : v.t);
  /** v under the NCHW shape `shape`; a different shape is a view of the same row-major NCHW data */
  const asShape = (v: Value, shape: readonly number[]): Value => {
    if (sameShape(logicalShape(v), shape)) return v;
    // a view under another shape (flatten, or a read left by elide-copies): row-major NCHW order
    const flat = tf.reshape(toNchw(v), [...shape]);
    return shape.length === 4 ? { t: tf.transpose(flat, [0, 2, 3, 1]), nhwc: true } : { t: flat, nhwc: false };
  };

  return {
    nhwcOutputs: Object.fromEntries(plan.outputs.map((o) => [o.name, o.shape.length === 4])),
    run(inputs) {
      const values = new Map<string, Value>();
      for (const i of plan.inputs) values.set(i.buffer, { t: inputs[i.name], nhwc: i.shape.length === 4 });
      const read = (buffer: string, shape: readonly number[]): Value => {
        const v = values.get(buffer);
        if (!v) throw new Error(`tfjs: buffer \`${buffer}\` is read before it is written`);
        return asShape(v, shape);
      };
      plan.steps.forEach((step, k) => {
        const ins = step.inputs.map((b, i) => read(b, step.inputShapes[i]));
        const residual = step.epilogue.residual === null ? null : read(step.epilogue.residual, step.outputShape);
        // flatten and identity pass their input through: the output takes its planned shape here
        values.set(step.output, asShape(prepared[k](ins, residual), step.outputShape));
      });
      const out: Record<string, TF.Tensor> = {};
      for (const o of plan.outputs) {
        const v = read(o.buffer, o.shape);
        out[o.name] = o.shape.length === 4 && !v.nhwc ? tf.transpose(v.t, [0, 2, 3, 1]) : v.t;
      }
      return out;
    },
    dispose() {
      for (const t of owned) t.dispose();
    },
  };
}

type StepFn = (inputs: Value[], residual: Value | null) => Value;

function fusedActivation(a: Activation | null): { activation?: TF.fused.Activation; leakyreluAlpha?: number } | null {
  if (a === null) return {};
  if (a.kind === 'relu') return { activation: 'relu' };
  if (a.kind === 'sigmoid') return { activation: 'sigmoid' };
  if (a.kind === 'leaky_relu') return { activation: 'leakyrelu', leakyreluAlpha: a.negative_slope };
  return null;
}

function applyActivation(tf: Tf, a: Activation | null, t: TF.Tensor): TF.Tensor {
  if (a === null) return t;
  switch (a.kind) {
    case 'relu':
      return tf.relu(t);
    case 'leaky_relu':
      return tf.leakyRelu(t, a.negative_slope);
    case 'sigmoid':
      return tf.sigmoid(t);
    case 'tanh':
      return tf.tanh(t);
    default:
      throw new TfjsUnsupported(`activation ${a.kind}`);
  }
}

function prepareStep(
  tf: Tf,
  step: PlanStep,
  raw: (key: string) => Tensor,
  keep: <T extends TF.Tensor>(t: T) => T,
): StepFn {
  const { residual: hasResidual, activation } = step.epilogue;
  // the epilogue: residual add, then the activation (fused into the op when nothing comes between)
  const fusable = hasResidual === null ? fusedActivation(activation) : null;
  const finish = (t: TF.Tensor, fused: boolean, residual: Value | null): TF.Tensor => {
    let out = t;
    if (residual) out = tf.add(out, residual.t);
    return fused ? out : applyActivation(tf, activation, out);
  };
  const nhwcOnly = (v: Value, what: string): TF.Tensor4D => {
    if (!v.nhwc) throw new TfjsUnsupported(`${what} on a ${v.t.rank}-D value`);
    return v.t as TF.Tensor4D;
  };
  const name = step.nodes.join('+');
  switch (step.op) {
    case 'conv2d': {
      const a = (step as PlanStep<'conv2d'>).attrs;
      if (a.padding_mode !== 'zeros' && a.pads.some((p) => p > 0))
        throw new TfjsUnsupported(`${name}: padding_mode '${a.padding_mode}'`);
      const w = raw(step.params.weight);
      const [oc, icg, kh, kw] = w.shape;
      const bias = step.params.bias ? keep(tf.tensor1d(raw(step.params.bias).data)) : undefined;
      const [top, bottom, left, right] = a.pads;
      const symmetric = top === bottom && left === right && top === left;
      const dw = a.groups > 1 && a.groups === a.in_channels && icg === 1;
      if (a.groups > 1 && !dw)
        throw new TfjsUnsupported(`${name}: grouped convolution (groups=${a.groups}) that is not depthwise`);
      // HWIO for conv2d; [kh, kw, in, multiplier] for depthwise (output channel c*m + j reads input c)
      const filter = dw
        ? keep(tf.tensor4d(depthwiseFilter(w.data, oc, kh, kw, oc / a.groups), [kh, kw, a.groups, oc / a.groups]))
        : keep(tf.tensor4d(hwio(w.data, oc, icg, kh, kw), [kh, kw, icg, oc]));
      const strides = [a.stride[0], a.stride[1]] as [number, number];
      const dilations = [a.dilation[0], a.dilation[1]] as [number, number];
      const fused = fusable ?? {};
      return ([x], residual) => {
        let input = nhwcOnly(x, 'conv2d');
        let pad: 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] = symmetric
          ? top
          : [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ];
        // fused depthwise takes only symmetric padding: pad explicitly otherwise
        if (dw && !symmetric) {
          input = tf.pad(input, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ]);
          pad = 'valid';
        }
        const common = { x: input, filter, strides, pad, dilations, bias, dimRoundingMode: 'floor' as const, ...fused };
        const y = dw
          ? tf.fused.depthwiseConv2d(common as Parameters<typeof tf.fused.depthwiseConv2d>[0])
          : tf.fused.conv2d(common);
        return { t: finish(y, fusable !== null, residual), nhwc: true };
      };
    }
    case 'linear': {
      const w = raw(step.params.weight);
      // stored [in, out] as a TF.js Dense kernel is (fused matMul with transposeB and a bias or
      // activation gives wrong numbers on tfjs-backend-wasm 4.22)
      const weight = keep(tf.transpose(tf.tensor2d(w.data, [w.shape[0], w.shape[1]])));
      const bias = step.params.bias ? keep(tf.tensor1d(raw(step.params.bias).data)) : undefined;
      return ([x], residual) => {
        if (x.nhwc || x.t.rank !== 2) throw new TfjsUnsupported(`${name}: linear on a ${x.t.rank}-D value`);
        const y = tf.fused.matMul({ a: x.t as TF.Tensor2D, b: weight, bias, ...(fusable ?? {}) });
        return { t: finish(y, fusable !== null, residual), nhwc: false };
      };
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const a = (step as PlanStep<'maxpool2d' | 'avgpool2d'>).attrs;
      if ('dilation' in a && (a.dilation[0] !== 1 || a.dilation[1] !== 1))
        throw new TfjsUnsupported(`${name}: dilated pooling`);
      if (a.padding[0] !== a.padding[1]) throw new TfjsUnsupported(`${name}: different padding along height and width`);
      const isMax = step.op === 'maxpool2d';
      const avg = a as PlanStep<'avgpool2d'>['attrs'];
      if (!isMax && avg.divisor_override !== null) throw new TfjsUnsupported(`${name}: divisor_override`);
      const k = [a.kernel_size[0], a.kernel_size[1]] as [number, number];
      const s = [a.stride[0], a.stride[1]] as [number, number];
      const p = a.padding[0];
      const rounding = a.ceil_mode ? 'ceil' : 'floor';
      return ([x], residual) => {
        let input = nhwcOnly(x, step.op);
        let pad: number = p;
        // TF.js averages over the window inside the image only; count_include_pad counts the zeros too
        if (!isMax && avg.count_include_pad && p > 0) {
          input = tf.pad(input, [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ]);
          pad = 0;
        }
        const y = isMax ? tf.maxPool(input, k, s, pad, rounding) : tf.avgPool(input, k, s, pad, rounding);
        return { t: finish(y, false, residual), nhwc: true };
      };
    }
    case 'adaptive_avgpool2d': {
      const [h, w] = step.inputShapes[0].slice(2);
      const [oh, ow] = (step as PlanStep<'adaptive_avgpool2d'>).attrs.output_size;
      if (h % oh !== 0 || w % ow !== 0) throw new TfjsUnsupported(`${name}: adaptive pool with uneven bins`);
      return ([x], residual) => {
        const input = nhwcOnly(x, 'adaptive_avgpool2d');
        const y =
          oh === 1 && ow === 1
            ? tf.mean(input, [1, 2], true)
            : tf.avgPool(input, [h / oh, w / ow], [h / oh, w / ow], 'valid');
        return { t: finish(y, false, residual), nhwc: true };
      };
    }
    case 'batchnorm2d': {
      const a = (step as PlanStep<'batchnorm2d'>).attrs;
      if (!step.params.running_mean || !step.params.running_var)
        throw new TfjsUnsupported(`${name}: batchnorm without running statistics`);
      const vec = (key: string | undefined) => (key ? keep(tf.tensor1d(raw(key).data)) : undefined);
      const mean = vec(step.params.running_mean)!;
      const variance = vec(step.params.running_var)!;
      const scale = vec(step.params.weight);
      const offset = vec(step.params.bias);
      return ([x], residual) => ({
        t: finish(tf.batchNorm(nhwcOnly(x, 'batchnorm2d'), mean, variance, offset, scale, a.eps), false, residual),
        nhwc: true,
      });
    }
    case 'relu':
    case 'leaky_relu':
    case 'sigmoid':
    case 'tanh': {
      const own: Activation =
        step.op === 'leaky_relu'
          ? { kind: 'leaky_relu', negative_slope: (step as PlanStep<'leaky_relu'>).attrs.negative_slope }
          : { kind: step.op };
      return ([x], residual) => ({ t: finish(applyActivation(tf, own, x.t), false, residual), nhwc: x.nhwc });
    }
    case 'flatten':
    case 'identity':
      // the caller reshapes the result to the step's output shape
      return ([x], residual) => ({ t: finish(x.t, false, residual), nhwc: x.nhwc });
    case 'softmax': {
      const dim = (step as PlanStep<'softmax'>).attrs.dim;
      return ([x], residual) => {
        const axis = x.nhwc ? NHWC_AXIS[dim] : dim;
        const last = x.t.rank - 1;
        if (axis === last) return { t: finish(tf.softmax(x.t), false, residual), nhwc: x.nhwc };
        const perm = [...Array(x.t.rank).keys()];
        [perm[axis], perm[last]] = [perm[last], perm[axis]];
        return { t: finish(tf.transpose(tf.softmax(tf.transpose(x.t, perm)), perm), false, residual), nhwc: x.nhwc };
      };
    }
    case 'add':
      return (xs, residual) => {
        if (xs.some((v) => v.nhwc !== xs[0].nhwc)) throw new TfjsUnsupported(`${name}: add of mixed layouts`);
        return {
          t: finish(xs.length === 1 ? xs[0].t : tf.addN(xs.map((v) => v.t)), false, residual),
          nhwc: xs[0].nhwc,
        };
      };
    case 'concat': {
      const dim = (step as PlanStep<'concat'>).attrs.dim;
      return (xs, residual) => {
        if (xs.some((v) => v.nhwc !== xs[0].nhwc)) throw new TfjsUnsupported(`${name}: concat of mixed layouts`);
        const axis = xs[0].nhwc ? NHWC_AXIS[dim] : dim;
        return {
          t: finish(
            tf.concat(
              xs.map((v) => v.t),
              axis,
            ),
            false,
            residual,
          ),
          nhwc: xs[0].nhwc,
        };
      };
    }
    default:
      throw new TfjsUnsupported(`${name}: op ${step.op}`);
  }
}

/** OIHW -> HWIO */
function hwio(w: Float32Array, oc: number, ic: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < oc; o++)
    for (let i = 0; i < ic; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ic + i) * oc + o] = w[((o * ic + i) * kh + y) * kw + x];
  return out;
}

/** [C*M, 1, kh, kw] -> [kh, kw, C, M] */
function depthwiseFilter(w: Float32Array, oc: number, kh: number, kw: number, m: number): Float32Array {
  const c = oc / m;
  const out = new Float32Array(w.length);
  for (let ch = 0; ch < c; ch++)
    for (let j = 0; j < m; j++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * c + ch) * m + j] = w[((ch * m + j) * kh + y) * kw + x];
  return out;
}

/** The NCHW shape a value stands for. */
function logicalShape(v: Value): number[] {
  const s = v.t.shape as number[];
  return v.nhwc ? [s[0], s[3], s[1], s[2]] : [...s];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NCHW data -> NHWC data */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = data[(b * c + ch) * h * w + i];
  return out;
}

/** NHWC data -> NCHW data, for a tensor whose NCHW shape is given */
export function nhwcToNchw(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * c + ch) * h * w + i] = data[(b * h * w + i) * c + ch];
  return out;
}
