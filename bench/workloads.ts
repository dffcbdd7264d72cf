/**
 * The benchmark's workloads (issue 4): each a .cnn file under bench/workloads/, compiled once, with
 * seeded weights and a seeded input shared by every engine, and the reference output to check against.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../compiler/index.ts';
import type { Plan } from '../compiler/3-lower/plan.ts';
import type { Graph } from '../compiler/ir/graph.ts';
import { summarize } from '../compiler/report/summary.ts';
import { hashSeed, mulberry32 } from '../runtime/io/prng.ts';
import { runGraph } from '../runtime/reference/index.ts';
import { sizeOf, tensor, type Tensor } from '../compiler/ir/tensor.ts';
import { initialWeights } from '../runtime/weights.ts';

export interface WorkloadDef {
  readonly id: string;
  readonly title: string;
  /** path of the .cnn file */
  readonly file: string;
}

const here = (name: string) => fileURLToPath(new URL(`./workloads/${name}`, import.meta.url));

export const WORKLOADS: readonly WorkloadDef[] = [
  { id: 'W1', title: 'ResNet stem conv 3->64, 224x224, k7 s2 p3', file: here('w1-resnet-stem.cnn') },
  { id: 'W2', title: 'conv 64->64, 56x56, k3 p1', file: here('w2-conv3x3-64.cnn') },
  { id: 'W3', title: 'conv 128->128, 28x28, k3 p1', file: here('w3-conv3x3-128.cnn') },
  { id: 'W4', title: 'depthwise conv 32ch, 112x112, k3 p1', file: here('w4-depthwise.cnn') },
  { id: 'W5', title: 'pointwise conv 32->64, 112x112', file: here('w5-pointwise.cnn') },
  { id: 'W6', title: 'maxpool 64ch, 112x112, k3 s2 p1', file: here('w6-maxpool.cnn') },
  { id: 'W7', title: 'LeNet-5, batch 64', file: here('w7-lenet5.cnn') },
  { id: 'W8', title: 'VGG-ish 3 blocks (32/64/128), 3x128x128', file: here('w8-vgg3.cnn') },
];

export interface Workload extends WorkloadDef {
  readonly source: string;
  readonly graph: Graph;
  /** the optimized plan cnnc runs; the peers get the same network (exported or built from it) */
  readonly plan: Plan;
  /** state_dict tensors and the ones folding passes derive from them */
  readonly weights: Map<string, Tensor>;
  readonly feeds: Record<string, Tensor>;
  readonly macs: number;
}

/** Compiles a workload and makes its seeded weights and input. */
export function loadWorkload(def: WorkloadDef, seed: number, source = readFileSync(def.file, 'utf8')): Workload {
  const compiled = compile(source, { file: basename(def.file) });
  if (!compiled.ok || !compiled.plan || !compiled.graph) {
    throw new Error(
      `${def.id} (${def.file}) does not compile:\n${compiled.diagnostics.map((d) => `  ${d.message}`).join('\n')}`,
    );
  }
  const plan = compiled.plan;
  const feeds: Record<string, Tensor> = {};
  for (const input of plan.inputs) {
    const random = mulberry32(hashSeed(seed, `input:${input.name}`));
    const data = new Float32Array(sizeOf(input.shape));
    for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
    feeds[input.name] = tensor(input.shape, data);
  }
  return {
    ...def,
    source,
    graph: compiled.graph,
    plan,
    weights: initialWeights(plan, seed),
    feeds,
    macs: summarize(compiled.graph).totalMacs ?? 0,
  };
}

/** The CPU reference kernels' output (runtime/reference), keyed by output name. */
export function referenceOutputs(w: Workload): Record<string, Tensor> {
  return runGraph(w.graph, w.feeds, w.weights);
}
