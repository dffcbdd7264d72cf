/**
 * `cnnc export FILE.cnn --format F -o OUT`: the model checked, compiled at concrete sizes and bound
 * to its weights once, then written by the chosen format (FORMATS: one row per format; a format
 * adds its own options to OPTIONS_OF and reads them from the job).
 */
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Plan } from '../3-lower/plan.ts';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '../5-codegen/onnx/index.ts';
import { compile, type Compiled } from '../index.ts';
import { renderRich } from '../diagnostics/render/rich.ts';
import { check } from '../front-end.ts';
import { dimToString, isKnown, symbolsOf } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';
import type { Tensor } from '../ir/tensor.ts';
import { bindWeights, WeightsError } from '../../runtime/weights.ts';
import { printDiagnostics } from './check-command.ts';
import type { CliCommand, Io } from './command.ts';
import { CliError } from './errors.ts';
import { onnxFormat } from './export-onnx-format.ts';
import { readText } from './io.ts';
import { limitsFrom, maxTensorOption } from './limits-option.ts';
import { loadWeightsFile, missingKeyDiagnostic } from './run-command.ts';
import { parseShapes, SHAPE_OPTION } from './shared-options.ts';
import { terminalSafeDiagnostics } from './terminal-text.ts';

export interface ExportOptions {
  format: string;
  output: string;
  weights?: string;
  allowExtraKeys?: boolean;
  shape: string[];
  model?: string;
  fuse: boolean;
  /** bytes, from --max-tensor-mb */
  maxTensorMb?: number;
  /** onnx */
  opset?: string;
  externalDataAbove?: string;
}

/** An input dimension that is the batch: a symbol in dim 0 of a graph input. */
export interface BatchDim {
  readonly input: string;
  readonly symbol: string;
  /** its size in the job's plan (from --shape, else 1) */
  readonly size: number;
}

/** What every format is handed: the model checked, compiled at concrete sizes, and bound to its weights. */
export interface ExportJob {
  readonly file: string;
  /** the chosen model as declared (symbolic sizes kept) */
  readonly declared: Graph;
  readonly compiled: Compiled;
  readonly plan: Plan;
  /** every parameter a step reads (inline values are in the plan), derived ones included */
  readonly weights: ReadonlyMap<string, Tensor>;
  /** the concrete input sizes the plan was compiled at */
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  readonly batch: readonly BatchDim[];
  readonly output: string;
  readonly opts: ExportOptions;
  readonly io: Io;
  /** the same model compiled at other input sizes (same passes); a failure is a one-line CliError */
  compileAt(inputShapes: Readonly<Record<string, readonly number[]>>, why: string): Plan;
}

export interface ExportFormat {
  readonly name: string;
  /** for --help: what the format is for */
  readonly description: string;
  /** the format's own options (ExportOptions keys); giving one to another format is a usage error */
  readonly options: readonly (keyof ExportOptions)[];
  /** checks the format's options before anything is read (usage errors, exit 2) */
  validate(opts: ExportOptions): void;
  /** writes the output file(s); returns the line printed on success */
  write(job: ExportJob): string;
}

/** Every format `--format` takes. */
export const FORMATS: readonly ExportFormat[] = [onnxFormat];

/** The options that belong to one format, with their flags for messages. */
const FORMAT_OPTIONS: Partial<Record<keyof ExportOptions, string>> = {
  opset: '--opset',
  externalDataAbove: '--external-data-above',
};

function formatOf(opts: ExportOptions): ExportFormat {
  const format = FORMATS.find((f) => f.name === opts.format);
  if (!format)
    throw new CliError(`--format must be one of ${FORMATS.map((f) => f.name).join(', ')}, not \`${opts.format}\``, 2);
  for (const [key, flag] of Object.entries(FORMAT_OPTIONS) as [keyof ExportOptions, string][]) {
    if (opts[key] !== undefined && !format.options.includes(key)) {
      const owners = FORMATS.filter((f) => f.options.includes(key)).map((f) => f.name);
      throw new CliError(`${flag} applies to --format ${owners.join(' or ')} only, not ${format.name}`, 2);
    }
  }
  format.validate(opts);
  return format;
}

function chooseModel(file: string, graphs: readonly Graph[], name: string | undefined): Graph {
  if (!name && graphs.length > 1)
    throw new CliError(
      `E0410: \`${file}\` declares ${graphs.length} models (${graphs.map((g) => g.name).join(', ')}); choose one with --model NAME`,
    );
  const graph = name ? graphs.find((g) => g.name === name) : graphs[0];
  if (!graph)
    throw new CliError(
      `E0410: no model named \`${name}\` in \`${file}\` (models: ${graphs.map((g) => g.name).join(', ')})`,
    );
  return graph;
}

/** The batch of each input (a symbol in dim 0), and its concrete sizes: --shape, else the batch at 1. */
function concreteInputs(
  graph: Graph,
  given: Record<string, number[]>,
): { shapes: Record<string, number[]>; batch: BatchDim[] } {
  const unknown = Object.keys(given).find((name) => !graph.inputs.some((i) => i.name === name));
  if (unknown !== undefined)
    throw new CliError(
      `--shape ${unknown}=...: \`${graph.name}\` has no input \`${unknown}\` (its inputs: ${graph.inputs.map((i) => i.name).join(', ')})`,
      2,
    );
  const shapes: Record<string, number[]> = {};
  const batch: BatchDim[] = [];
  for (const input of graph.inputs) {
    const first = input.shape[0];
    const symbol = first !== undefined && !isKnown(first) && first.kind === 'sym' ? first.name : null;
    const shape = given[input.name];
    if (!shape) {
      const open = input.shape.slice(symbol ? 1 : 0).filter((d) => !isKnown(d));
      if (open.length) {
        const names = [...new Set(open.flatMap((d) => [...symbolsOf(d)]))].join(', ');
        const example = input.shape.map((d, i) => (isKnown(d) ? d : i === 0 && symbol ? 1 : 224)).join(',');
        throw new CliError(
          `input \`${input.name}\` [${input.shape.map(dimToString).join(', ')}] has symbolic size ${names}${symbol ? ` besides the batch ${symbol}` : ''}: give it with --shape ${input.name}=${example}${symbol ? ` (the batch ${symbol} stays dynamic)` : ''}`,
          2,
        );
      }
    }
    shapes[input.name] = shape ?? input.shape.map((d) => (isKnown(d) ? d : 1));
    if (symbol) batch.push({ input: input.name, symbol, size: shapes[input.name][0] });
  }
  return { shapes, batch };
}

/** Compiles at the given sizes; the diagnostics are shown and the failure is one line. */
function compileOrFail(
  source: string,
  file: string,
  graph: Graph,
  opts: ExportOptions,
  inputShapes: Readonly<Record<string, readonly number[]>>,
  io: Io,
  failure: string,
): Compiled {
  const compiled = compile(source, {
    file,
    model: graph.name,
    inputShapes,
    passes: opts.fuse,
    limits: limitsFrom(opts),
  });
  if (!compiled.ok || !compiled.plan) {
    printDiagnostics(
      { ok: false, diagnostics: compiled.diagnostics, graphs: [], files: compiled.files },
      file,
      'rich',
      io,
    );
    throw new CliError(failure);
  }
  return compiled;
}

/** The weights of --weights or the file's `weights` line, bound to the plan; none needed if every value is inline. */
function weightsFor(file: string, graph: Graph, compiled: Compiled, opts: ExportOptions, io: Io): Map<string, Tensor> {
  const plan = compiled.plan!;
  const path = opts.weights ?? (graph.weightsPath ? resolve(dirname(file), graph.weightsPath) : null);
  if (!path) {
    const needed = plan.params.filter((p) => p.value === null && !p.derived);
    if (needed.length === 0) return new Map();
    const list = needed
      .slice(0, 3)
      .map((p) => `\`${p.key}\` [${p.shape.join(', ')}]`)
      .join(', ');
    throw new CliError(
      `\`${plan.model}\` has ${needed.length} parameter${needed.length > 1 ? 's' : ''} without values (${list}${needed.length > 3 ? ', ...' : ''}): give them with --weights FILE (.safetensors, .pt or .pth) or a \`weights\` line in the model; an export never makes up weights`,
    );
  }
  const tensors = loadWeightsFile(path);
  try {
    return bindWeights(plan, tensors, `\`${path}\``, { allowExtraKeys: opts.allowExtraKeys });
  } catch (e) {
    if (!(e instanceof WeightsError)) throw e;
    const d = missingKeyDiagnostic(e, compiled);
    if (!d) throw new CliError(`${e.code}: ${e.message}`);
    const safe = terminalSafeDiagnostics([d], compiled.files);
    io.err(renderRich(safe.diagnostics, safe.files, { color: io.color }));
    throw new CliError(`the weights in \`${path}\` do not fit \`${plan.model}\`; nothing was exported`);
  }
}

export function exportModel(file: string, opts: ExportOptions, io: Io): void {
  const format = formatOf(opts);
  if (opts.output.trim() === '') throw new CliError('-o/--output needs a file name, e.g. -o model.onnx', 2);
  const given = parseShapes(opts.shape);
  const source = readText(file, 'model file');
  const limits = limitsFrom(opts);
  const declared = check(source, { file, limits });
  if (!declared.ok) {
    printDiagnostics(declared, file, 'rich', io);
    throw new CliError(`\`${file}\` has errors; nothing was exported`);
  }
  const graph = chooseModel(file, declared.graphs, opts.model);
  const { shapes, batch } = concreteInputs(graph, given);
  const failed = 'the given sizes do not fit the model; nothing was exported';
  const compiled = compileOrFail(source, file, graph, opts, shapes, io, failed);
  const weights = weightsFor(file, graph, compiled, opts, io);
  const line = format.write({
    file,
    declared: graph,
    compiled,
    plan: compiled.plan!,
    weights,
    inputShapes: shapes,
    batch,
    output: opts.output,
    opts,
    io,
    compileAt: (inputShapes, why) => compileOrFail(source, file, graph, opts, inputShapes, io, why).plan!,
  });
  io.err(line);
}

export const exportCommand: CliCommand = {
  name: 'export',
  install(program: Command, io: Io) {
    program
      .command('export')
      .description(
        `write the model with its weights for other runtimes: ${FORMATS.map((f) => `${f.name} (${f.description})`).join('; ')}`,
      )
      .argument('<file>', 'the .cnn file')
      .requiredOption('--format <format>', `the format to write: ${FORMATS.map((f) => f.name).join(', ')}`)
      .requiredOption('-o, --output <file>', 'the file to write, e.g. model.onnx')
      .option(
        '--weights <file>',
        "a state_dict: .safetensors, or .pt/.pth from torch.save; default: the file's `weights` line",
      )
      .option('--allow-extra-keys', 'ignore keys of the weights file that no layer uses (instead of refusing them)')
      .option(...SHAPE_OPTION)
      .option('--model <name>', 'the model to export, when the file has several')
      .option('--no-fuse', 'export the plan before the optimizing passes (BatchNorm unfolded, state_dict names kept)')
      .option('--opset <n>', `onnx: the ONNX opset to write (${MIN_OPSET} to ${MAX_OPSET}; default ${DEFAULT_OPSET})`)
      .addOption(
        new Option(
          '--external-data-above <bytes>',
          'onnx: keep the weights in FILE.data beside the model when they pass this many bytes (default: just under 2 GiB, the protobuf limit)',
        ),
      )
      .addOption(maxTensorOption())
      .action((file: string, opts: ExportOptions) => exportModel(file, opts, io));
  },
};
