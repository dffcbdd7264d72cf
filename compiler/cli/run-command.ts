import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { compile } from '../index.ts';
import { passSelection } from '../4-optimize/index.ts';
import { check } from '../front-end.ts';
import { shapeToJson } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { summarize } from '../report/summary.ts';
import { BackendError, createExecutor, parseBackend } from '../../runtime/backends.ts';
import { COLORMAPS, type ColormapName } from '../../runtime/images/index.ts';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { UnsafePickleError } from '../../runtime/io/pth/unsafe-pickle-error.ts';
import type { StoredTensor } from '../../runtime/io/stored-tensor.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import type { Tensor } from '../ir/tensor.ts';
import type { Compiled } from '../index.ts';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { bindWeights, initialWeights, WeightsError } from '../../runtime/weights.ts';
import { printDiagnostics } from './check-command.ts';
import { renderRich } from '../diagnostics/render/rich.ts';
import { terminalSafeDiagnostics } from './terminal-text.ts';
import { CliError } from './errors.ts';
import { type ImageFlags, imageInputOptions } from './images.ts';
import { readBytes, readText } from './io.ts';
import { groupInputs, readBatch, readerFor } from './inputs.ts';
import { limitsFrom, maxTensorOption } from './limits-option.ts';
import type { CliCommand, Io } from './command.ts';
import { addCompileOptions } from './shared-options.ts';
import { writeOutputs } from './outputs.ts';
import { createProgress, type ProgressStream } from './progress.ts';

export interface RunOptions extends ImageFlags {
  input: string[];
  weights?: string;
  /** ignore keys of the weights file that no layer uses */
  allowExtraKeys?: boolean;
  out: string;
  backend: string;
  model?: string;
  seed: string;
  fuse: boolean;
  disablePass?: string[];
  /** layers whose values are written as extra outputs; `all` taps every layer */
  tap?: string[];
  /** write 4-D outputs as PNG grids of feature maps */
  png?: boolean;
  zoom?: string;
  colormap?: string;
  /** rows of the top-k table of 2-D outputs (default 5; 0: none) */
  topK?: string;
  labels?: string;
  /** false with --no-progress */
  progress?: boolean;
  /** bytes, from --max-tensor-mb */
  maxTensorMb?: number;
}

/** Where the progress bar draws; tests replace it. null: never draw. */
export let progressStream: () => ProgressStream | null = () => process.stderr;
export function setProgressStream(f: () => ProgressStream | null): void {
  progressStream = f;
}

// a model above this many multiply-accumulates per run counts as long work (a progress bar is worth it)
const LONG_MACS = 1e8;

/**
 * Loads the weights named by --weights or the file's `weights` line (relative to the .cnn file):
 * safetensors or torch.save's .pt/.pth (zip or legacy), told apart by content.
 */
export function loadWeightsFile(path: string): Map<string, StoredTensor> {
  try {
    return readCheckpoint(readBytes(path, 'weights file'), path).tensors;
  } catch (e) {
    if (e instanceof UnsafePickleError) throw new CliError(`E0412: ${e.message}`);
    if (e instanceof TensorFileError) throw new CliError(`E0404: ${e.message}`);
    throw e;
  }
}

/** A missing key as a diagnostic at the layer that needs it, or null when the layer is not in the graph. */
export function missingKeyDiagnostic(e: WeightsError, compiled: Pick<Compiled, 'graph'>): Diagnostic | null {
  const node = e.node ? compiled.graph?.nodes.find((n) => n.id === e.node) : undefined;
  if (!node || e.code !== 'E0401') return null;
  const p = node.params.find((q) => q.key === e.key);
  const label = `needs \`${e.key}\`${p ? `, a [${p.shape.join(', ')}] tensor` : ''}`;
  return diag('WeightsMissingKey', e.message, node.spans.call, label)
    .label(node.spans.callSite ?? undefined, 'in this block')
    .build();
}

/** Binds the weights file to the plan; a missing key is drawn at its layer, other problems are one line. */
function bindWeightsFile(
  path: string,
  compiled: Compiled,
  opts: Pick<RunOptions, 'allowExtraKeys'>,
  report: (d: Diagnostic) => void,
): Map<string, Tensor> {
  const tensors = loadWeightsFile(path);
  try {
    return bindWeights(compiled.plan!, tensors, `\`${path}\``, { allowExtraKeys: opts.allowExtraKeys });
  } catch (e) {
    if (!(e instanceof WeightsError)) throw e;
    const d = missingKeyDiagnostic(e, compiled);
    if (!d) throw new CliError(`${e.code}: ${e.message}`);
    report(d);
    throw new CliError(`the weights in \`${path}\` do not fit \`${compiled.plan!.model}\`; nothing ran`);
  }
}

/** `--tap` values checked against the model's layers; `all` stands for every layer. */
export function resolveTaps(graph: Graph, values: readonly string[]): string[] {
  const ids = graph.nodes.map((n) => n.id);
  const out: string[] = [];
  for (const v of values) {
    if (v === 'all' && !ids.includes('all')) out.push(...ids);
    else if (ids.includes(v)) out.push(v);
    else {
      const guess = didYouMean(v, ids);
      throw new CliError(
        `--tap \`${v}\`: \`${graph.name}\` has no layer of that name${guess ? `; did you mean \`${guess}\`?` : ` (its layers: ${ids.join(', ')})`}`,
        2,
      );
    }
  }
  return [...new Set(out)];
}

function parseCount(value: string | undefined, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${option} needs an integer of at least ${min}, not \`${value}\``, 2);
  return n;
}

export async function runModel(file: string, opts: RunOptions, io: Io): Promise<Record<string, Tensor>> {
  const source = readText(file, 'model file');
  const limits = limitsFrom(opts);
  const declared = check(source, { file, limits });
  if (!declared.ok) {
    printDiagnostics(declared, file, 'rich', io);
    throw new CliError(`\`${file}\` has errors; nothing ran`);
  }
  if (!opts.model && declared.graphs.length > 1) {
    throw new CliError(
      `E0410: \`${file}\` declares ${declared.graphs.length} models (${declared.graphs.map((g) => g.name).join(', ')}); choose one with --model NAME`,
    );
  }
  const graph = opts.model ? declared.graphs.find((g) => g.name === opts.model) : declared.graphs[0];
  if (!graph)
    throw new CliError(
      `E0410: no model named \`${opts.model}\` in \`${file}\` (models: ${declared.graphs.map((g) => g.name).join(', ')})`,
    );

  const taps = resolveTaps(graph, opts.tap ?? []);
  const image = imageInputOptions(opts);
  const colormap = (opts.colormap ?? 'grey') as ColormapName;
  if (!COLORMAPS.includes(colormap))
    throw new CliError(`--colormap must be one of ${COLORMAPS.join(', ')}, not \`${opts.colormap}\``, 2);
  const zoom = opts.zoom === undefined ? undefined : parseCount(opts.zoom, '--zoom', 1, 1);
  const topK = parseCount(opts.topK, '--top-k', 5, 0);
  // a seed that is no integer would seed the generator with NaN, silently
  const seed = parseCount(opts.seed, '--seed', 0, 0);
  const labels = opts.labels
    ? readText(opts.labels, 'labels file')
        .split(/\r?\n/)
        .map((l) => l.trim())
    : null;

  const groups = groupInputs(opts.input);
  for (const name of groups.keys()) {
    if (!graph.inputs.some((i) => i.name === name))
      throw new CliError(
        `\`${graph.name}\` has no input \`${name}\` (its inputs: ${graph.inputs.map((i) => i.name).join(', ')})`,
        2,
      );
  }
  const missing = graph.inputs.filter((i) => !groups.has(i.name));
  if (missing.length)
    throw new CliError(
      `missing --input for ${missing.map((i) => `\`${i.name}\` ${JSON.stringify(shapeToJson(i.shape))}`).join(', ')}`,
      2,
    );
  const files = [...groups.values()].flat();
  const anyImage = files.some((f) => readerFor(f)?.kind === 'image');
  if (image.given && !anyImage)
    io.err(
      'warning: --scale, --mean, --std, --preset, --resize and --grey apply to image inputs only; no input is an image',
    );

  // long work: several files, or a model with many MACs (unknown counts as many)
  const macs = summarize(graph).totalMacs;
  const long = files.length > 1 || macs === null || macs > LONG_MACS;
  const units = files.length + 1 + graph.outputs.length + taps.length;
  const progress = createProgress(units, io, opts.progress === false || !long ? null : progressStream());
  const out = progress.io;
  try {
    const feeds: Record<string, Tensor> = {};
    for (const [name, paths] of groups) {
      const input = graph.inputs.find((i) => i.name === name)!;
      progress.stage(`reading ${name}`);
      feeds[name] = await readBatch(paths, shapeToJson(input.shape), { input: name, image }, () => progress.tick());
      if (paths.some((p) => readerFor(p)?.kind === 'image')) {
        const from = paths.length === 1 ? `\`${paths[0]}\`` : `${paths.length} files`;
        out.err(`${name}: ${from} -> [${feeds[name].shape.join(', ')}]${describeNormalisation(opts)}`);
      }
    }

    const compiled = compile(source, {
      file,
      model: graph.name,
      inputShapes: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.shape])),
      passes: passSelection(opts.fuse, opts.disablePass),
      taps,
      limits,
      backend: opts.backend,
    });
    if (!compiled.ok || !compiled.plan) {
      progress.stop();
      printDiagnostics({ ...declared, diagnostics: compiled.diagnostics, ok: false }, file, 'rich', io);
      throw new CliError('the inputs do not fit the model; nothing ran');
    }
    const plan = compiled.plan;
    const weightsPath = opts.weights ?? (graph.weightsPath ? resolve(dirname(file), graph.weightsPath) : null);
    let weights: Map<string, Tensor>;
    if (weightsPath) {
      weights = bindWeightsFile(weightsPath, compiled, opts, (d) => {
        progress.stop();
        // the diagnostic alone: the summary line would speak of compiling
        const safe = terminalSafeDiagnostics([d], compiled.files);
        io.err(renderRich(safe.diagnostics, safe.files, { color: io.color }));
      });
    } else {
      if (plan.params.some((p) => p.value === null && !p.derived))
        out.err(
          `warning[W0405]: no weights given: parameters use PyTorch's default initialisation with seed ${seed} (pass --weights FILE: .safetensors, .pt or .pth)`,
        );
      weights = initialWeights(plan, seed);
    }
    let executor: Awaited<ReturnType<typeof createExecutor>>;
    try {
      executor = await createExecutor(plan, weights, parseBackend(opts.backend));
    } catch (e) {
      if (e instanceof BackendError) throw new CliError(e.message, 2);
      throw new CliError(`E0407: backend \`${opts.backend}\` is unavailable: ${(e as Error).message}`);
    }
    try {
      progress.stage(`running ${plan.model} (${executor.backend})`);
      const outputs = await executor.run(feeds);
      progress.tick();
      out.err(`backend: ${executor.backend}`);
      progress.stage('writing outputs');
      const samples = groups.size === 1 ? [...groups.values()][0] : null;
      writeOutputs(
        outputs,
        plan,
        {
          out: opts.out,
          png: !!opts.png,
          zoom,
          colormap,
          topK,
          labels,
          samples: samples && samples.length === feeds[[...groups.keys()][0]].shape[0] ? samples : null,
        },
        out,
        () => progress.tick(),
      );
      return outputs;
    } finally {
      executor.destroy();
    }
  } finally {
    progress.stop();
  }
}

function describeNormalisation(opts: RunOptions): string {
  const parts = [
    opts.preset !== undefined ? `preset ${opts.preset}` : null,
    opts.scale !== undefined ? `scale ${opts.scale}` : null,
    opts.mean !== undefined ? `mean ${opts.mean}` : null,
    opts.std !== undefined ? `std ${opts.std}` : null,
    opts.resize !== undefined && opts.resize !== false
      ? `resized${typeof opts.resize === 'string' ? ` to ${opts.resize}` : ''}`
      : null,
    opts.grey ? 'converted to grey' : null,
  ].filter((p) => p !== null);
  return parts.length ? ` (${parts.join(', ')})` : ' (pixel values 0..255)';
}

const collect = (v: string, prev: string[]) => [...prev, v];

export const runCommand: CliCommand = {
  name: 'run',
  install(program: Command, io: Io) {
    addCompileOptions(program.command('run'))
      .description(
        'run a model on inputs (.npy arrays, PNG or JPEG images) and write each output as OUT/<name>.npy; --png draws feature maps',
      )
      .argument('<file>', 'the .cnn file')
      .requiredOption(
        '--input <name=file>',
        'an input: a .npy, .png or .jpg file, or a folder of them; repeat (or give a folder) to make a batch',
        collect,
        [],
      )
      .option(
        '--weights <file>',
        "a state_dict: .safetensors, or .pt/.pth from torch.save (zip or legacy; a training checkpoint's `model`/`state_dict` too); default: the file's `weights` line",
      )
      .option('--allow-extra-keys', 'ignore keys of the weights file that no layer uses (instead of refusing them)')
      .requiredOption('--out <dir>', 'folder for the outputs')
      .option('--model <name>', 'the model to run, when the file has several')
      .option('--seed <n>', 'seed for default initialisation when no weights are given', '0')
      .option('--scale <s>', 'images: multiply pixel values (0..255) by this, e.g. 1/255')
      .option('--mean <m>', 'images: subtract this per channel after scaling, e.g. 0.485,0.456,0.406')
      .option('--std <s>', 'images: then divide by this per channel, e.g. 0.229,0.224,0.225')
      .option('--preset <name>', 'images: a named scale/mean/std: raw, unit, symmetric, imagenet, mnist')
      .option('--resize [HxW]', 'images: resize (bilinear) to the declared size, or to HxW')
      .option('--grey', 'images: convert colour images to grey for one-channel inputs')
      .option(
        '--tap <layer>',
        "also write this layer's output (a layer name such as conv1 or layer1.conv1, or `all`); repeat for several",
        collect,
        [],
      )
      .option('--png', 'also draw every 4-D output (and tap) as a PNG grid of its feature maps')
      .option('--zoom <n>', 'enlarge each feature map n times in the PNG (default: automatic)')
      .addOption(
        new Option('--colormap <name>', 'colours of the PNG feature maps').choices([...COLORMAPS]).default('grey'),
      )
      .option('--top-k <k>', 'rows of the table printed for 2-D outputs such as logits (0: none)', '5')
      .option('--labels <file>', 'class names for the top-k table, one per line')
      .option('--no-progress', 'never show the progress bar (it shows only on a terminal anyway)')
      .addOption(maxTensorOption())
      .action(async (file: string, opts: RunOptions) => {
        await runModel(file, opts, io);
      });
  },
};
