import { Command, CommanderError, Option } from 'commander';
import { CATALOGUE } from '../diagnostics/catalogue.ts';
import { renderSummaryTable, summarize } from '../report/summary.ts';
import { checkFile, checkJson, type DiagnosticFormat, type Output, printDiagnostics } from './check-command.ts';
import { BackendError } from '../../runtime/backends.ts';
import { CliError } from './errors.ts';
import { describeFileSystemError, isFileSystemError } from './io.ts';
import { limitsFrom, maxTensorOption } from './limits-option.ts';
import { terminalSafe } from './terminal-text.ts';

export interface Io extends Output {}

const defaultIo = (): Io => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  color: !!process.stderr.isTTY && !process.env.NO_COLOR,
});

/** Extra commands registered by other modules (build, run) so this file stays the table of contents. */
export type CommandInstaller = (program: Command, io: Io) => void;
const installers: CommandInstaller[] = [];
export function addCommands(install: CommandInstaller): void {
  installers.push(install);
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('cnnc')
    .description('Compile .cnn files: PyTorch-style CNNs checked at compile time and run in JavaScript')
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      // commander's usage errors read `error: ...`; every cnnc failure starts `cnnc: error:`
      outputError: (s, write) => write(`cnnc: ${terminalSafe(s.replace(/\n+$/, ''))}\n`),
    });

  program
    .command('check')
    .description('check a .cnn file: exit 0 when valid, 1 with diagnostics otherwise')
    .argument('<file>', 'the .cnn file')
    .option('--json', 'print nodes, shapes and diagnostics as one JSON object on stdout')
    .addOption(new Option('--format <format>', 'diagnostic format').choices(['rich', 'short', 'json']).default('rich'))
    .addOption(maxTensorOption())
    .action((file: string, opts: { json?: boolean; format: DiagnosticFormat; maxTensorMb?: number }) => {
      const result = checkFile(file, limitsFrom(opts));
      if (opts.json || opts.format === 'json') io.out(JSON.stringify(checkJson(result), null, 2));
      else printDiagnostics(result, file, opts.format, io);
      setExit(result.ok ? 0 : 1);
    });

  program
    .command('summary')
    .description('per layer: output shape, parameters, MACs and receptive field, with totals')
    .argument('<file>', 'the .cnn file')
    .option('--json', 'print the summary as JSON')
    .option('--model <name>', 'only this model')
    .action((file: string, opts: { json?: boolean; model?: string }) => {
      const result = checkFile(file);
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

  for (const install of installers) install(program, io);
  return program;
}

/** Runs the CLI; returns the exit code. Never throws: failures become one line on stderr. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let code = 0;
  const debug = argv.includes('--debug');
  await import('./commands.ts');
  const program = buildProgram(io, (c) => (code = c));
  if (!argv.some((a) => !a.startsWith('-'))) {
    if (!argv.some((a) => ['-h', '--help', '-V', '--version'].includes(a))) {
      io.err(
        `cnnc: error: no command given (commands: ${program.commands.map((c) => c.name()).join(', ')}; see cnnc --help)`,
      );
      return 2;
    }
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help asked for exits 0; help shown because no command was given is a usage error
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return e.exitCode === 0 ? 0 : 2;
      return 2;
    }
    // an unknown --backend is a usage error wherever it is parsed
    if (e instanceof BackendError) {
      io.err(`cnnc: error: ${terminalSafe(e.message)}`);
      return 2;
    }
    // messages quote paths and strings from files: one line, nothing a terminal would act on
    if (e instanceof CliError) {
      io.err(`cnnc: error: ${terminalSafe(e.message)}`);
      return e.exitCode;
    }
    // the file system refusing a write (a folder that is a file, no permission, a full disk) is no bug
    if (isFileSystemError(e)) {
      io.err(`cnnc: error: ${terminalSafe(describeFileSystemError(e))}`);
      if (debug) io.err(e.stack ?? '');
      return 1;
    }
    const message = terminalSafe(e instanceof Error ? e.message : String(e));
    io.err(
      `cnnc: internal error: ${message}${debug ? `\n${e instanceof Error ? e.stack : ''}` : ' (run with --debug for the stack trace; please report it)'}`,
    );
    return 1;
  }
}
