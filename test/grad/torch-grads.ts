/**
 * PyTorch's gradients for the IR ops, generated at test time by torch_grads.py (see its docstring for the
 * layout) into a temporary folder, so no generated data is committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchNorm2dAttrs, IdentityAttrs, OpAttrs, OpName, ParamName } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { decodeTensor, type Tolerance } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

const SCRIPT = fileURLToPath(new URL('./torch_grads.py', import.meta.url));

type TensorJson = Parameters<typeof decodeTensor>[0];

export interface GradCase {
  readonly name: string;
  readonly op: OpName;
  readonly attrs: OpAttrs[OpName];
  readonly inputs: Tensor[];
  readonly params: Partial<Record<ParamName, Tensor>>;
  /** PyTorch's forward output (float64, rounded to float32) */
  readonly output: Tensor;
  readonly gradOutput: Tensor;
  readonly need: { readonly inputs: boolean[]; readonly params: ParamName[] };
  readonly grads: { readonly inputs: (Tensor | null)[]; readonly params: Partial<Record<ParamName, Tensor>> };
  readonly tolerance: Tolerance;
}

export interface BatchNormStep {
  readonly input: Tensor;
  readonly output: Tensor;
  readonly gradOutput: Tensor;
  readonly gradInput: Tensor;
  readonly gradWeight?: Tensor;
  readonly gradBias?: Tensor;
  readonly mean: Tensor;
  readonly invstd: Tensor;
  readonly running_mean?: Tensor;
  readonly running_var?: Tensor;
  readonly numBatchesTracked?: number;
}

export interface BatchNormCase {
  readonly name: string;
  readonly attrs: BatchNorm2dAttrs;
  /** weight, bias, running_mean, running_var before the first step */
  readonly params: Partial<Record<ParamName, Tensor>>;
  readonly numBatchesTracked: number;
  readonly steps: BatchNormStep[];
  readonly tolerance: Tolerance;
}

export interface DropoutCase {
  readonly name: string;
  readonly attrs: IdentityAttrs & { training: NonNullable<IdentityAttrs['training']> };
  readonly input: Tensor;
  /** PyTorch's mask read back from its output: 1 kept, 0 dropped, in the mask's shape */
  readonly keep: Tensor;
  readonly output: Tensor;
  readonly gradOutput: Tensor;
  readonly gradInput: Tensor;
  readonly tolerance: Tolerance;
}

export interface TorchGrads {
  readonly grads: GradCase[];
  readonly batchnorm: BatchNormCase[];
  readonly dropout: DropoutCase[];
}

function decodeRecord(r: Record<string, TensorJson>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, decodeTensor(v)]));
}

/** Decodes every tensor-shaped field ({shape, dtype, data}) of a JSON object, leaving the rest. */
function decodeFields<T>(o: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const isTensor = typeof v === 'object' && v !== null && 'dtype' in v && 'data' in v;
    out[k] = isTensor ? decodeTensor(v as TensorJson) : v;
  }
  return out as T;
}

/** Runs the generator (call it at the top of a test file: the folder is removed after the file's tests). */
export function loadTorchGrads(): TorchGrads {
  const dir = tempDir('torch-grads');
  runPython(SCRIPT, [dir]);
  const json = JSON.parse(readFileSync(join(dir, 'grads.json'), 'utf8')) as {
    grads: Record<string, unknown>[];
    batchnorm: Record<string, unknown>[];
    dropout: Record<string, unknown>[];
  };
  const grads = json.grads.map((c) => {
    const g = c.grads as { inputs: (TensorJson | null)[]; params: Record<string, TensorJson> };
    return {
      ...(c as object),
      inputs: (c.inputs as TensorJson[]).map(decodeTensor),
      params: decodeRecord(c.params as Record<string, TensorJson>),
      output: decodeTensor(c.output as TensorJson),
      gradOutput: decodeTensor(c.gradOutput as TensorJson),
      grads: { inputs: g.inputs.map((t) => (t ? decodeTensor(t) : null)), params: decodeRecord(g.params) },
    } as GradCase;
  });
  const batchnorm = json.batchnorm.map((c) => ({
    ...(c as object),
    params: decodeRecord(c.params as Record<string, TensorJson>),
    steps: (c.steps as Record<string, unknown>[]).map((s) => decodeFields<BatchNormStep>(s)),
  })) as BatchNormCase[];
  const dropout = json.dropout.map((c) => decodeFields<DropoutCase>(c));
  return { grads, batchnorm, dropout };
}
