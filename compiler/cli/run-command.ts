import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../index.ts';
import { check } from '../front-end.ts';
import { shapeToJson } from '../ir/dim.ts';
import { BackendError, createExecutor, parseBackend } from '../../runtime/backends.ts';
import { readSafetensors } from '../../runtime/io/safetensors.ts';
import { writeNpy } from '../../runtime/io/npy.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { bindWeights, initialWeights, WeightsError } from '../../runtime/weights.ts';
import { printDiagnostics } from './check-command.ts';
import { CliError } from './errors.ts';
import { readBytes, readText } from './io.ts';
import { parseInputArgs, readInput } from './inputs.ts';
import { addCommands, type Io } from './main.ts';

export interface RunOptions {
  input: string[];
  weights?: string;
  out: string;
  backend: string;
  model?: string;
  seed: string;
  fuse: boolean;
}

/** Loads the weights named by --weights or the file's `weights` line (relative to the .cnn file). */
export function loadWeightsFile(path: string): Map<string, Tensor> {
  try {
    return readSafetensors(readBytes(path, 'weights file'), path);
  } catch (e) {
    if (e instanceof TensorFileError) throw new CliError(`E0404: ${e.message}`);
    throw e;
  }
}

export async function runModel(file: string, opts: RunOptions, io: Io): Promise<Record<string, Tensor>> {
  const source = readText(file, 'model file');
  const declared = check(source, { file });
  if (!declared.ok) {
    printDiagnostics(declared, file, 'rich', io);
    throw new CliError(`\`${file}\` has errors; nothing ran`);
  }
  const graph = opts.model ? declared.graphs.find((g) => g.name === opts.model) : declared.graphs[0];
  if (!graph) throw new CliError(`no model named \`${opts.model}\` in \`${file}\``);
  const feeds: Record<string, Tensor> = {};
  for (const { name, path } of parseInputArgs(opts.input)) {
    const input = graph.inputs.find((i) => i.name === name);
    if (!input) throw new CliError(`\`${graph.name}\` has no input \`${name}\` (its inputs: ${graph.inputs.map((i) => i.name).join(', ')})`, 2);
    feeds[name] = await readInput(path, shapeToJson(input.shape));
  }
  const missing = graph.inputs.filter((i) => !feeds[i.name]);
  if (missing.length) throw new CliError(`missing --input for ${missing.map((i) => `\`${i.name}\` ${JSON.stringify(shapeToJson(i.shape))}`).join(', ')}`, 2);

  const compiled = compile(source, { file, model: graph.name, inputShapes: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.shape])), passes: opts.fuse });
  if (!compiled.ok || !compiled.plan) {
    printDiagnostics({ ...declared, diagnostics: compiled.diagnostics, ok: false }, file, 'rich', io);
    throw new CliError('the inputs do not fit the model; nothing ran');
  }
  const plan = compiled.plan;
  const weightsPath = opts.weights ?? (graph.weightsPath ? resolve(dirname(file), graph.weightsPath) : null);
  let weights: Map<string, Tensor>;
  if (weightsPath) {
    try {
      weights = bindWeights(plan, loadWeightsFile(weightsPath), `\`${weightsPath}\``);
    } catch (e) {
      if (e instanceof WeightsError) throw new CliError(`${e.code}: ${e.message}`);
      throw e;
    }
  } else {
    if (plan.params.some((p) => p.value === null)) io.err(`warning[W0405]: no weights given: parameters use PyTorch's default initialisation with seed ${opts.seed} (pass --weights FILE.safetensors)`);
    weights = initialWeights(plan, Number(opts.seed));
  }
  let executor;
  try {
    executor = await createExecutor(plan, weights, parseBackend(opts.backend));
  } catch (e) {
    if (e instanceof BackendError) throw new CliError(e.message, 2);
    throw new CliError(`E0407: backend \`${opts.backend}\` is unavailable: ${(e as Error).message}`);
  }
  try {
    const outputs = await executor.run(feeds);
    io.err(`backend: ${executor.backend}`);
    mkdirSync(opts.out, { recursive: true });
    for (const [name, t] of Object.entries(outputs)) {
      const path = join(opts.out, `${name}.npy`);
      writeFileSync(path, writeNpy(t));
      io.out(`${name}: [${t.shape.join(', ')}] -> ${path}`);
    }
    return outputs;
  } finally {
    executor.destroy();
  }
}

addCommands((program: Command, io: Io) => {
  program
    .command('run')
    .description('run a model on inputs and write each output as OUT/<name>.npy')
    .argument('<file>', 'the .cnn file')
    .requiredOption('--input <name=file>', 'an input (.npy); repeat for several', (v: string, prev: string[]) => [...prev, v], [])
    .option('--weights <file>', 'a .safetensors state_dict (default: the file\'s `weights` line)')
    .requiredOption('--out <dir>', 'folder for the outputs')
    .option('--backend <backend>', 'cpu, gpujs, gpujs:webasm, gpujs:headlessgl, gpujs:cpu', 'cpu')
    .option('--model <name>', 'the model to run, when the file has several')
    .option('--seed <n>', 'seed for default initialisation when no weights are given', '0')
    .option('--no-fuse', 'switch the optimizing passes off')
    .action(async (file: string, opts: RunOptions) => {
      await runModel(file, opts, io);
    });
});
