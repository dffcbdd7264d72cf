/** Small models that exercise every op the ONNX exporter and the TF.js graph builder translate. */
import { compile } from '../../compiler/index.ts';
import type { Plan } from '../../compiler/3-lower/plan.ts';
import type { Graph } from '../../compiler/ir/graph.ts';
import { hashSeed, mulberry32 } from '../../runtime/io/prng.ts';
import { deriveParams } from '../../compiler/3-lower/derive-params.ts';
import { sizeOf, tensor, type Tensor } from '../../compiler/ir/tensor.ts';

/** Every exportable op: reflect/replicate padding, asymmetric 'same' pads, dilation, groups, n-ary add, ceil_mode, ... */
export const ALL_OPS = `
model AllOps {
  input x: [2, 4, 9, 9]
  a: Conv2d(4, 8, 3, padding=1, padding_mode="reflect")
  b: Conv2d(4, 8, 4, padding='same', bias=False) <- x
  c: Conv2d(4, 8, 3, padding=2, dilation=2, groups=2) <- x
  d: Conv2d(4, 8, 3, padding=1, groups=4, padding_mode="replicate") <- x
  sum: Add() <- a, b, c
  bn: BatchNorm2d(8)
  act: LeakyReLU(0.2)
  cat: Concat(dim=1) <- act, d
  pool: MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
  avg: AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
  sig: Sigmoid()
  gap: AdaptiveAvgPool2d((1, 1))
  flat: Flatten()
  fc: Linear(16, 6)
  th: Tanh()
  sm: Softmax(dim=1)
  output sm, cat
}
`;

/** The ops TF.js takes (no grouped non-depthwise conv, no replicate padding), with a residual and a depthwise conv. */
export const TFJS_OPS = `
model TfjsOps {
  input x: [2, 4, 10, 10]
  a: Conv2d(4, 8, 3, padding=1)
  b: Conv2d(4, 8, 4, padding='same', bias=False) <- x
  dw: Conv2d(8, 16, 3, padding=1, groups=8) <- b
  bn: BatchNorm2d(8) <- a
  relu: ReLU()
  sum: Add() <- relu, b
  cat: Concat(dim=1) <- sum, dw
  pool: MaxPool2d(2)
  avg: AvgPool2d(3, stride=1, padding=1)
  gap: AdaptiveAvgPool2d((1, 1))
  flat: Flatten()
  fc: Linear(24, 6)
  sig: Sigmoid()
  sm: Softmax(dim=1)
  output sm, pool
}
`;

export interface Built {
  readonly graph: Graph;
  readonly plan: Plan;
  /** random values for every state_dict entry (running_var positive), plus the derived ones */
  readonly weights: Map<string, Tensor>;
  readonly feeds: Record<string, Tensor>;
}

export function build(source: string, passes: boolean): Built {
  const c = compile(source, { passes });
  if (!c.ok || !c.plan || !c.graph) throw new Error(c.diagnostics.map((d) => d.message).join('\n'));
  const weights = new Map<string, Tensor>();
  for (const node of c.graph.nodes) {
    for (const p of node.params) {
      const random = mulberry32(hashSeed(7, p.key));
      const data = new Float32Array(sizeOf(p.shape));
      // running variances must be positive; everything else in [-1, 1)
      for (let i = 0; i < data.length; i++) data[i] = p.name === 'running_var' ? 0.5 + random() : 2 * random() - 1;
      weights.set(p.key, tensor(p.shape, data));
    }
  }
  for (const [k, t] of deriveParams(c.plan, weights)) weights.set(k, t);
  const feeds: Record<string, Tensor> = {};
  for (const i of c.plan.inputs) {
    const random = mulberry32(hashSeed(11, i.name));
    feeds[i.name] = tensor(
      i.shape,
      Float32Array.from({ length: sizeOf(i.shape) }, () => 2 * random() - 1),
    );
  }
  return { graph: c.graph, plan: c.plan, weights, feeds };
}
