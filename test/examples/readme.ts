/** The `npx cnnc ...` commands of the examples' READMEs, as argv, with the exit code each promises. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');

export interface ReadmeCommand {
  readonly readme: string;
  readonly text: string;
  /** the arguments after `npx cnnc` */
  readonly argv: string[];
  /** from a trailing `# exits N` comment; 0 otherwise */
  readonly exitCode: number;
}

export function exampleFolders(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Commands inside ```sh fences that start with `npx cnnc`. */
export function readmeCommands(readme: string): ReadmeCommand[] {
  const text = readFileSync(readme, 'utf8');
  const out: ReadmeCommand[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = /^npx cnnc (.*?)\s*(?:#\s*exits (\d+).*)?$/.exec(line.trim());
      if (!m) continue;
      // the commands are written without quotes, so splitting on spaces is how a shell reads them
      if (/["'\\$`]/.test(m[1]))
        throw new Error(`${readme}: quote or shell syntax in \`${line}\`; keep README commands plain`);
      out.push({ readme, text: line.trim(), argv: m[1].split(/\s+/), exitCode: m[2] ? Number(m[2]) : 0 });
    }
  }
  return out;
}

/** The argv with repository paths made absolute and `--out DIR` moved under `outRoot`. */
export function relocate(argv: readonly string[], outRoot: string): string[] {
  return argv.map((a, i) => {
    if (argv[i - 1] === '--out') return join(outRoot, a);
    const eq = a.indexOf('=');
    const path =
      eq > 0 && a.slice(eq + 1).startsWith('examples/') ? a.slice(eq + 1) : a.startsWith('examples/') ? a : null;
    if (path === null) return a;
    return eq > 0 && a !== path ? `${a.slice(0, eq + 1)}${join(REPO, path)}` : join(REPO, path);
  });
}
