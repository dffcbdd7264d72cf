/**
 * Runs the generated training kernels (compiler/5-codegen/cpu/train) from their source text on one step
 * built from tensors, as the engine would: buffers and params passed in gradKernelArgs /
 * trainForwardKernelArgs order. Gradient buffers start filled with NaN, so a kernel that leaves part of
 * one unwritten is caught by any comparison.
 */
import type { GradStep, TrainForwardStep } from '../../compiler/3-lower/train-plan.ts';
import { gradKernelArgs, trainForwardKernelArgs } from '../../compiler/5-codegen/cpu/train/args.ts';
import { cpuTrainForwardKernelSource } from '../../compiler/5-codegen/cpu/train/forward-source.ts';
import { cpuGradKernelSource } from '../../compiler/5-codegen/cpu/train/grad-source.ts';
import type { OpAttrs, OpName, ParamName } from '../../compiler/ir/attrs.ts';
import { type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import type { OpParams } from '../../runtime/reference/index.ts';

type Kernel = (...args: unknown[]) => void;

function compile(source: string, name: string): Kernel {
  return new Function(`"use strict";\n${source}\nreturn ${name};`)() as Kernel;
}

export interface GradRun {
  readonly inputs: (Tensor | null)[];
  readonly params: Partial<Record<ParamName, Tensor>>;
  readonly source: string;
}

export interface StepTensors {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly params: OpParams;
  readonly saved: Readonly<Record<string, Tensor>>;
  readonly gradOutput: Tensor;
}

/** The GradStep for these tensors, with buffer ids x0.., y, gy, gx0.., g.<param>, saved.<name>. */
export function gradStepOf<K extends OpName>(
  op: K,
  attrs: OpAttrs[K],
  t: StepTensors,
  need: { inputs: readonly boolean[]; params: readonly ParamName[] },
): GradStep<K> {
  return {
    kind: 'grad',
    nodes: ['layer'],
    op,
    attrs,
    inputs: t.inputs.map((_, i) => `x${i}`),
    inputShapes: t.inputs.map((x) => x.shape),
    output: 'y',
    outputShape: t.output.shape,
    params: Object.fromEntries(Object.keys(t.params).map((name) => [name, `layer.${name}`])),
    saved: Object.fromEntries(Object.keys(t.saved).map((name) => [name, `saved.${name}`])),
    gradOutput: 'gy',
    gradInputs: t.inputs.map((_, i) => (need.inputs[i] ? `gx${i}` : null)),
    gradParams: Object.fromEntries(need.params.map((name) => [name, `g.${name}`])),
  };
}

/** Generates the step's gradient kernel and runs it on the tensors. */
export function runGradKernel<K extends OpName>(
  op: K,
  attrs: OpAttrs[K],
  t: StepTensors,
  need: { inputs: readonly boolean[]; params: readonly ParamName[] },
): GradRun {
  const step = gradStepOf(op, attrs, t, need);
  const source = cpuGradKernelSource(step, 'gradKernel');
  const kernel = compile(source, 'gradKernel');
  const f32 = (x: Tensor) => Float32Array.from(x.data);
  const written = new Map<string, Tensor>();
  const fresh = (shape: readonly number[]) => {
    const g = tensor(shape);
    g.data.fill(Number.NaN);
    return g;
  };
  const args = gradKernelArgs(step).map((a) => {
    switch (a.kind) {
      case 'gradInput': {
        const g = fresh(t.inputs[a.index].shape);
        written.set(a.buffer, g);
        return g.data;
      }
      case 'gradParam': {
        const g = fresh(t.params[a.name]!.shape);
        written.set(a.buffer, g);
        return g.data;
      }
      case 'gradOutput':
        return f32(t.gradOutput);
      case 'input':
        return f32(t.inputs[a.index]);
      case 'output':
        return f32(t.output);
      case 'param':
        return f32(t.params[a.name as ParamName]!);
      case 'saved':
        return f32(t.saved[a.name]);
    }
  });
  kernel(...args);
  return {
    inputs: step.gradInputs.map((b) => (b === null ? null : written.get(b)!)),
    params: Object.fromEntries(Object.entries(step.gradParams).map(([name, b]) => [name, written.get(b!)!])),
    source,
  };
}

export interface ForwardRun {
  readonly output: Tensor;
  readonly saved: Record<string, Tensor>;
  /** the params after the kernel ran (batchnorm2d updates its running statistics in place) */
  readonly params: OpParams;
  readonly state: { numBatchesTracked: number };
  readonly source: string;
}

/** Generates the step's training-mode forward kernel and runs it; `saved` names what the step saves. */
export function runTrainForwardKernel<K extends OpName>(
  op: K,
  attrs: OpAttrs[K],
  inputs: readonly Tensor[],
  params: OpParams,
  output: readonly number[],
  saved: Readonly<Record<string, readonly number[]>>,
  seed: number,
  numBatchesTracked = 0,
): ForwardRun {
  const step: TrainForwardStep<K> = {
    nodes: ['layer'],
    op,
    attrs,
    inputs: inputs.map((_, i) => `x${i}`),
    inputShapes: inputs.map((x) => x.shape),
    params: Object.fromEntries(Object.keys(params).map((name) => [name, `layer.${name}`])),
    output: 'y',
    outputShape: output,
    epilogue: { residual: null, activation: null },
    saved: Object.fromEntries(Object.keys(saved).map((name) => [name, `saved.${name}`])),
  };
  const source = cpuTrainForwardKernelSource(step, 'forwardKernel');
  const kernel = compile(source, 'forwardKernel');
  const out = tensor(output);
  out.data.fill(Number.NaN);
  const savedT: Record<string, Tensor> = {};
  const paramsAfter: OpParams = {};
  const state = { numBatchesTracked };
  const args = trainForwardKernelArgs(step).map((a) => {
    switch (a.kind) {
      case 'out':
        return out.data;
      case 'saved':
        savedT[a.name] = tensor(saved[a.name]);
        savedT[a.name].data.fill(Number.NaN);
        return savedT[a.name].data;
      case 'input':
        return Float32Array.from(inputs[a.index].data);
      case 'param': {
        const p = params[a.name as ParamName]!;
        paramsAfter[a.name as ParamName] = tensor(p.shape, Float32Array.from(p.data));
        return paramsAfter[a.name as ParamName]!.data;
      }
      case 'seed':
        return seed;
      case 'state':
        return state;
    }
  });
  kernel(...args);
  return { output: out, saved: savedT, params: paramsAfter, state, source };
}
