/** Every `cnnc` command, in the order `cnnc --help` lists them: the CLI's table of contents. */
import { buildCommand } from './build-command.ts';
import type { CliCommand } from './command.ts';
import { exportCommand } from './export-command.ts';
import { checkCommand, explainCommand, summaryCommand } from './info-commands.ts';
import { runCommand } from './run-command.ts';

export const COMMANDS: readonly CliCommand[] = [
  checkCommand,
  summaryCommand,
  explainCommand,
  runCommand,
  buildCommand,
  exportCommand,
];
