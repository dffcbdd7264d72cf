import type { Command } from 'commander';
import { PASS_NAMES, unknownPassMessage } from '../4-optimize/index.ts';
import { CliError } from './errors.ts';

export const BACKEND_HELP =
  'cpu (plain JavaScript), wasm (WebAssembly SIMD; wasm:1 for one thread), gpujs, gpujs:webasm, gpujs:headlessgl, gpujs:cpu';

/** `--disable-pass NAME`, repeatable; a name that is no pass is a usage error. */
function collectPassName(name: string, previous: string[]): string[] {
  const wrong = unknownPassMessage(name);
  if (wrong) throw new CliError(`--disable-pass: ${wrong}`, 2);
  return [...previous, name];
}

/** The options every command that compiles shares: the backend and the optimizing-pass switches. */
export function addCompileOptions(cmd: Command): Command {
  return cmd
    .option('--backend <backend>', BACKEND_HELP, 'cpu')
    .option('--no-fuse', 'switch the optimizing passes off')
    .option(
      '--disable-pass <name>',
      `switch one optimizing pass off; repeatable (${PASS_NAMES.join(', ')})`,
      collectPassName,
      [],
    );
}
