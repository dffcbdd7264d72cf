import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { emitDeclarations, emitModule } from '../5-codegen/module/emit-module.ts';
import { supportBundle } from '../../runtime/module-support/bundle.ts';
import { compile } from '../index.ts';
import { passSelection } from '../4-optimize/index.ts';
import { explainPasses } from '../report/explain.ts';
import { backendName, parseBackend } from '../../runtime/backends.ts';
import { printDiagnostics } from './check-command.ts';
import { CliError } from './errors.ts';
import { readText } from './io.ts';
import { limitsFrom, maxTensorOption } from './limits-option.ts';
import type { CliCommand, Io } from './command.ts';
import { addCompileOptions, parseShapes, SHAPE_OPTION } from './shared-options.ts';

interface BuildOptions {
  output: string;
  shape: string[];
  backend: string;
  model?: string;
  fuse: boolean;
  disablePass?: string[];
  explain?: boolean;
  /** bytes, from --max-tensor-mb */
  maxTensorMb?: number;
}

export const buildCommand: CliCommand = {
  name: 'build',
  install(program: Command, io: Io) {
    addCompileOptions(program.command('build'))
      .description('compile to an ES module (with a .d.ts beside it) that Node or a browser can import')
      .argument('<file>', 'the .cnn file')
      .requiredOption('-o, --output <file>', 'the module to write, e.g. model.js')
      .option(...SHAPE_OPTION)
      .option('--model <name>', 'the model to build, when the file has several')
      .option('--explain', 'print the plan before and after each optimizing pass, and the kernels')
      .addOption(maxTensorOption())
      .action((file: string, opts: BuildOptions) => {
        const spec = parseBackend(opts.backend);
        if (opts.output.trim() === '') throw new CliError('-o/--output needs a file name, e.g. -o model.js', 2);
        const shapes = parseShapes(opts.shape);
        const backend = backendName(spec);
        const compiled = compile(readText(file, 'model file'), {
          file,
          model: opts.model,
          inputShapes: shapes,
          passes: passSelection(opts.fuse, opts.disablePass),
          limits: limitsFrom(opts),
          backend,
        });
        if (compiled.diagnostics.length)
          printDiagnostics(
            { ok: compiled.ok, diagnostics: compiled.diagnostics, graphs: [], files: compiled.files },
            file,
            'rich',
            io,
          );
        if (!compiled.ok || !compiled.plan) throw new CliError(`\`${file}\` was not built`);
        // a --shape for an input the model does not have would otherwise be ignored without a word
        const unknown = Object.keys(shapes).find((name) => !compiled.plan!.inputs.some((i) => i.name === name));
        if (unknown !== undefined)
          throw new CliError(
            `--shape ${unknown}=...: \`${compiled.plan.model}\` has no input \`${unknown}\` (its inputs: ${compiled.plan.inputs.map((i) => i.name).join(', ')})`,
            2,
          );
        if (opts.explain) io.out(explainPasses(compiled));
        const moduleOptions = { sourceFile: basename(file), backend, support: supportBundle };
        mkdirSync(dirname(opts.output) || '.', { recursive: true });
        writeFileSync(opts.output, emitModule(compiled.plan, moduleOptions));
        writeFileSync(
          opts.output.endsWith('.mjs')
            ? opts.output.replace(/\.mjs$/, '.d.mts')
            : opts.output.replace(/(\.js)?$/, '.d.ts'),
          emitDeclarations(compiled.plan, moduleOptions),
        );
        io.err(`wrote ${opts.output} (${compiled.plan.steps.length} kernels, backend ${backend})`);
      });
  },
};
