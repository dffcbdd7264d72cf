/** The commands that only read a .cnn file: check, summary, explain. */
import { Option } from 'commander';
import { CATALOGUE } from '../diagnostics/catalogue.ts';
import { renderSummaryTable, summarize } from '../report/summary.ts';
import { checkFile, checkJson, type DiagnosticFormat, printDiagnostics } from './check-command.ts';
import type { CliCommand } from './command.ts';
import { CliError } from './errors.ts';
import { limitsFrom, maxTensorOption } from './limits-option.ts';
import { parseShapes, SHAPE_OPTION } from './shared-options.ts';

export const checkCommand: CliCommand = {
  name: 'check',
  install(program, io, setExit) {
    program
      .command('check')
      .description('check a .cnn file: exit 0 when valid, 1 with diagnostics otherwise')
      .argument('<file>', 'the .cnn file')
      .option('--json', 'print nodes, shapes and diagnostics as one JSON object on stdout')
      .addOption(
        new Option('--format <format>', 'diagnostic format').choices(['rich', 'short', 'json']).default('rich'),
      )
      .addOption(maxTensorOption())
      .option(...SHAPE_OPTION)
      .action(
        (file: string, opts: { json?: boolean; format: DiagnosticFormat; maxTensorMb?: number; shape: string[] }) => {
          const result = checkFile(file, limitsFrom(opts), parseShapes(opts.shape));
          if (opts.json || opts.format === 'json') io.out(JSON.stringify(checkJson(result), null, 2));
          else printDiagnostics(result, file, opts.format, io);
          setExit(result.ok ? 0 : 1);
        },
      );
  },
};

export const summaryCommand: CliCommand = {
  name: 'summary',
  install(program, io, setExit) {
    program
      .command('summary')
      .description('per layer: output shape, parameters, MACs and receptive field, with totals')
      .argument('<file>', 'the .cnn file')
      .option('--json', 'print the summary as JSON')
      .option('--model <name>', 'only this model')
      .option(...SHAPE_OPTION)
      .action((file: string, opts: { json?: boolean; model?: string; shape: string[] }) => {
        const result = checkFile(file, undefined, parseShapes(opts.shape), opts.model);
        printDiagnostics(result, file, 'rich', io);
        if (!result.ok) return setExit(1);
        const graphs = opts.model ? result.graphs.filter((g) => g.name === opts.model) : result.graphs;
        if (graphs.length === 0)
          throw new CliError(
            `no model named \`${opts.model}\` in \`${file}\` (models: ${result.graphs.map((g) => g.name).join(', ')})`,
          );
        const summaries = graphs.map(summarize);
        io.out(
          opts.json
            ? JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2)
            : summaries.map(renderSummaryTable).join('\n\n'),
        );
        setExit(0);
      });
  },
};

export const explainCommand: CliCommand = {
  name: 'explain',
  install(program, io, setExit) {
    program
      .command('explain')
      .description('explain a diagnostic code, e.g. E0301')
      .argument('<code>')
      .action((code: string) => {
        const entry = Object.entries(CATALOGUE).find(([, e]) => e.code === code.toUpperCase());
        if (!entry) throw new CliError(`no diagnostic has the code \`${code}\``);
        io.out(`${entry[1].code} (${entry[1].severity}, ${entry[0]}): ${entry[1].summary}`);
        setExit(0);
      });
  },
};
