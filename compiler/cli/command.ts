import type { Command } from 'commander';
import type { Output } from './check-command.ts';

/** Where a command prints (stdout, stderr) and whether stderr takes colour. */
export interface Io extends Output {}

/** One `cnnc` subcommand: it adds itself to the program; `setExit` records its exit code. */
export interface CliCommand {
  readonly name: string;
  install(program: Command, io: Io, setExit: (code: number) => void): void;
}
