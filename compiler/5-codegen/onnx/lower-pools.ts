/**
 * Pools with PyTorch's numbers. ONNX's ceil_mode and count_include_pad differ from PyTorch's in the
 * corners (a last window that starts in the padding, windows that overhang the padding) and runtimes
 * have disagreed on them for years, so no pool here uses ceil_mode: the output size is PyTorch's
 * (the plan's), reached by a floor-mode pool with extra end padding, and an average pool's divisor
 * is PyTorch's, applied as a constant scale. Spatial sizes are static, so the scales are computed
 * now; the batch never enters them.
 */
import type { PlanStep } from '../../3-lower/plan.ts';
import { OnnxExportError, type OnnxGraph } from './graph-builder.ts';

/** The end padding that makes floor((n + 2p + extra - d(k-1) - 1) / s) + 1 equal PyTorch's `out`. */
function extraEnd(n: number, out: number, k: number, s: number, p: number, d: number, what: string): number {
  const extra = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - (n + 2 * p));
  const floorOut = Math.floor((n + 2 * p + extra - d * (k - 1) - 1) / s) + 1;
  if (floorOut !== out)
    throw new OnnxExportError(`${what}: no floor-mode window gives PyTorch's output size ${out} from ${n}`);
  return extra;
}

export function emitMaxPool(g: OnnxGraph, step: PlanStep<'maxpool2d'>, x: string, out: string): string {
  const a = step.attrs;
  const [, , h, w] = step.inputShapes[0];
  const [, , oh, ow] = step.outputShape;
  const what = `maxpool \`${step.nodes[0]}\``;
  const eh = extraEnd(h, oh, a.kernel_size[0], a.stride[0], a.padding[0], a.dilation[0], what);
  const ew = extraEnd(w, ow, a.kernel_size[1], a.stride[1], a.padding[1], a.dilation[1], what);
  // MaxPool's padding never wins a max: the end padding only makes room for PyTorch's last window
  return g.node('MaxPool', [x], out, {
    kernel_shape: [...a.kernel_size],
    strides: [...a.stride],
    pads: [a.padding[0], a.padding[1], a.padding[0] + eh, a.padding[1] + ew],
    dilations: [...a.dilation],
  });
}

/** PyTorch's avg_pool2d divisor for window `o` along one axis: [with padding, without]. */
function windowSpan(o: number, n: number, k: number, s: number, p: number): [number, number] {
  const start = o * s - p;
  const end = Math.min(start + k, n + p);
  return [end - start, Math.max(0, Math.min(end, n) - Math.max(start, 0))];
}

export function emitAvgPool(g: OnnxGraph, step: PlanStep<'avgpool2d'>, x: string, out: string): string {
  const a = step.attrs;
  const [, , h, w] = step.inputShapes[0];
  const [, , oh, ow] = step.outputShape;
  const [kh, kw] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const what = `avgpool \`${step.nodes[0]}\``;
  const eh = extraEnd(h, oh, kh, sh, ph, 1, what);
  const ew = extraEnd(w, ow, kw, sw, pw, 1, what);
  // zero padding counted: the pool gives (sum of the window) / (kh kw); the scale turns that into PyTorch's mean
  const scale = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    const [padH, realH] = windowSpan(i, h, kh, sh, ph);
    for (let j = 0; j < ow; j++) {
      const [padW, realW] = windowSpan(j, w, kw, sw, pw);
      const divisor = a.divisor_override ?? (a.count_include_pad ? padH * padW : realH * realW);
      // a window wholly in the padding sums to 0, and PyTorch writes 0 there too
      scale[i * ow + j] = divisor === 0 ? 1 : (kh * kw) / divisor;
    }
  }
  const padded = ph + pw + eh + ew > 0;
  const uniform = scale.every((v) => v === scale[0]);
  const needsScale = !uniform || scale[0] !== 1;
  const pooled = g.node('AveragePool', [x], needsScale ? g.fresh(`${out}:window_mean`) : out, {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: [ph, pw, ph + eh, pw + ew],
    ...(padded ? { count_include_pad: 1 } : {}),
  });
  if (!needsScale) return pooled;
  const factor = uniform ? g.scalar(scale[0]) : g.floats(`${out}:divisor_scale`, [oh, ow], scale);
  return g.node('Mul', [pooled, factor], out);
}

/** PyTorch's adaptive bin i of n -> m: [floor(i n / m), ceil((i + 1) n / m)). */
function bin(i: number, n: number, m: number): [number, number] {
  return [Math.floor((i * n) / m), Math.ceil(((i + 1) * n) / m)];
}

/**
 * Adaptive pools: equal bins are an ordinary pool; uneven bins (or more bins than rows) are taken
 * one axis at a time, a Slice and a Reduce per bin and a Concat, so a NaN or an infinity stays in
 * its own bins (an averaging matrix would spread it through 0 * x).
 */
export function emitAdaptivePool(
  g: OnnxGraph,
  step: PlanStep<'adaptive_avgpool2d'> | PlanStep<'adaptive_maxpool2d'>,
  x: string,
  out: string,
): string {
  const max = step.op === 'adaptive_maxpool2d';
  const [, , h, w] = step.inputShapes[0];
  const [oh, ow] = step.attrs.output_size;
  if (oh === 1 && ow === 1) return g.node(max ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], out);
  const even = [h % oh === 0, w % ow === 0];
  const sizes = [h, w];
  const outs = [oh, ow];
  const pool = max ? 'MaxPool' : 'AveragePool';
  const reduce = max ? 'ReduceMax' : 'ReduceMean';
  // equal bins on both axes: one pool (the ops' 1x1 kernels leave an unchanged axis as it is)
  if (even[0] && even[1]) {
    const k = [h / oh, w / ow];
    return g.node(pool, [x], out, { kernel_shape: k, strides: k });
  }
  // otherwise one axis at a time, each that changes size
  const axes = [0, 1].filter((a) => sizes[a] !== outs[a]);
  let value = x;
  axes.forEach((axis, index) => {
    const n = sizes[axis];
    const m = outs[axis];
    const target = index === axes.length - 1 ? out : g.fresh(`${out}:${axis === 0 ? 'rows' : 'cols'}`);
    if (even[axis]) {
      const k = axis === 0 ? [n / m, 1] : [1, n / m];
      g.node(pool, [value], target, { kernel_shape: k, strides: k });
    } else {
      const parts: string[] = [];
      for (let i = 0; i < m; i++) {
        const [s, e] = bin(i, n, m);
        const slice = g.slice(value, axis + 2, s, e, `${out}:bin${axis}_${i}`);
        parts.push(e - s === 1 ? slice : g.reduce(reduce, slice, [axis + 2], true, g.fresh(`${out}:${reduce}${i}`)));
      }
      g.node('Concat', parts, target, { axis: axis + 2 });
    }
    value = target;
  });
  return out;
}
