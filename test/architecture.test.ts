/**
 * Dependencies point one way: the compiler never imports the runtime (only the CLI, the top layer,
 * uses both), and the runtime never imports the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every relative module a file imports or re-exports, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(file), s)));
}

function offenders(files: readonly string[], forbidden: (target: string) => boolean): string[] {
  return files.flatMap((f) =>
    importsOf(f)
      .filter(forbidden)
      .map((t) => `${f} imports ${t}`),
  );
}

describe('dependency direction', () => {
  it('no file under compiler/ outside compiler/cli/ imports from runtime/', () => {
    const files = tsFiles('compiler').filter((f) => !f.startsWith('compiler/cli/'));
    expect(files.length).toBeGreaterThan(50);
    expect(offenders(files, (t) => t.startsWith('runtime/'))).toEqual([]);
  });

  it('nothing under runtime/ imports the CLI', () => {
    expect(offenders(tsFiles('runtime'), (t) => t.startsWith('compiler/cli/'))).toEqual([]);
  });

  it('the phase folders are numbered in the order compile() runs them', () => {
    const phases = readdirSync(join(ROOT, 'compiler'))
      .filter((d) => /^\d-/.test(d))
      .sort();
    expect(phases).toEqual(['1-parse', '2-analyze', '3-lower', '4-optimize', '5-codegen']);
    const index = readFileSync(join(ROOT, 'compiler/index.ts'), 'utf8');
    const body = index.slice(index.indexOf('export function compile('));
    const front = readFileSync(join(ROOT, 'compiler/front-end.ts'), 'utf8');
    // check() (front-end.ts) is parse then analyze; then lowering, optimizing and codegen's checks
    expect(front.indexOf('parse(file, source)')).toBeLessThan(front.indexOf('analyze('));
    const calls: [string, string][] = [
      ['check(', './front-end.ts'],
      ['lowerToPlan(', './3-lower/'],
      ['optimize(', './4-optimize/'],
      ['checkBackendLimits(', './5-codegen/'],
    ];
    for (const [fn, from] of calls) {
      const name = fn.slice(0, -1);
      expect(index).toMatch(new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from '${from.replace('.', '\\.')}`));
    }
    const at = calls.map(([fn]) => body.indexOf(fn));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
