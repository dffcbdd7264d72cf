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

/** `--shape x=1,3,224,224`, repeatable: concrete sizes for an input's symbolic dimensions. */
export const SHAPE_OPTION = [
  '--shape <name=dims>',
  'concrete input sizes for symbolic dimensions, e.g. x=1,3,224,224; repeat per input',
  (v: string, p: string[]) => [...p, v],
  [] as string[],
] as const;

/** The `--shape` values as sizes by input name; a malformed one is a usage error. */
export function parseShapes(values: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const v of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+(?:[,x]\d+)*)$/.exec(v);
    if (!m) throw new CliError(`--shape needs NAME=D1,D2,... (e.g. x=1,3,224,224), not \`${v}\``, 2);
    out[m[1]] = m[2].split(/[,x]/).map(Number);
  }
  return out;
}
