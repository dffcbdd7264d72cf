/**
 * PyTorch cases for the IR ops, generated at test time by torch_ops.py (see its docstring for the
 * layout) into a temporary folder, so no generated data is committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { decodeTensor, type Tolerance } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

const SCRIPT = fileURLToPath(new URL('./torch_ops.py', import.meta.url));

export interface TorchCase {
  readonly name: string;
  readonly op: OpName;
  readonly attrs: OpAttrs[OpName];
  readonly inputs: Tensor[];
  readonly params: Record<string, Tensor>;
  readonly output: Tensor;
  readonly tolerance: Tolerance;
}

export interface TorchCases {
  readonly cases: readonly TorchCase[];
  /** [x, erf(x)] in float64, from torch.erf */
  readonly erf: readonly (readonly [number, number])[];
}

type TensorJson = Parameters<typeof decodeTensor>[0];

interface CaseJson {
  name: string;
  op: OpName;
  attrs: OpAttrs[OpName];
  inputs: TensorJson[];
  params: Record<string, TensorJson>;
  output: TensorJson;
  tolerance: Tolerance;
}

/** Runs the generator (call it at the top of a test file: the folder is removed after the file's tests). */
export function loadTorchCases(): TorchCases {
  const dir = tempDir('torch-ops');
  runPython(SCRIPT, [dir]);
  const json = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
    cases: CaseJson[];
    erf: [number, number][];
  };
  const cases = json.cases.map((c) => ({
    name: c.name,
    op: c.op,
    attrs: c.attrs,
    inputs: c.inputs.map(decodeTensor),
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, decodeTensor(v)])),
    output: decodeTensor(c.output),
    tolerance: c.tolerance,
  }));
  return { cases, erf: json.erf };
}
