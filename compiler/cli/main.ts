import { Command, CommanderError } from 'commander';
import { BackendError } from '../../runtime/backends.ts';
import type { Io } from './command.ts';
import { COMMANDS } from './commands.ts';
import { CliError } from './errors.ts';
import { describeFileSystemError, isFileSystemError } from './io.ts';
import { terminalSafe } from './terminal-text.ts';

export type { Io } from './command.ts';

const defaultIo = (): Io => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  color: !!process.stderr.isTTY && !process.env.NO_COLOR,
});

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

  for (const command of COMMANDS) command.install(program, io, setExit);
  return program;
}

/** Runs the CLI; returns the exit code. Never throws: failures become one line on stderr. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let code = 0;
  const debug = argv.includes('--debug');
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
