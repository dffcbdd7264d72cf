/**
 * Every example's README command runs and does what it promises: exit 0 with the pictures written
 * (exit 1 for examples/broken), and every example but the broken one passes `cnnc check` cleanly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli-harness.ts';
import { tempDir } from '../images/helpers.ts';
import { EXAMPLES, exampleFolders, readmeCommands, relocate, REPO } from './readme.ts';

const outRoot = tempDir('examples');
const folders = exampleFolders();
/** Folders of several models (no picture of their own): every `.cnn` in them is an example. */
const COLLECTIONS = new Set(['torchvision']);

/** The `.cnn` files an example folder promises: its namesake, or every one of a collection. */
function cnnFiles(name: string): string[] {
  if (!COLLECTIONS.has(name)) return [`${name}.cnn`];
  return readdirSync(join(EXAMPLES, name)).filter((f) => f.endsWith('.cnn'));
}

describe('the examples folder', () => {
  it('holds the examples the docs promise', () => {
    expect(folders).toEqual([
      'broken',
      'edge-detector',
      'lenet5',
      'mobilenet-block',
      'receptive-field',
      'resnet-block',
      'rgb-feature-maps',
      'torchvision',
      'vgg-block',
    ]);
  });

  it.each(folders)('%s has a README with a command, its .cnn file, and a bundled image or inline model', (name) => {
    const files = readdirSync(join(EXAMPLES, name));
    expect(files).toContain('README.md');
    for (const f of cnnFiles(name)) expect(files).toContain(f);
    expect(cnnFiles(name).length).toBe(COLLECTIONS.has(name) ? 19 : 1);
    expect(readmeCommands(join(EXAMPLES, name, 'README.md')).length).toBeGreaterThan(0);
    if (name !== 'broken' && !COLLECTIONS.has(name)) expect(files.some((f) => f.endsWith('.png'))).toBe(true);
  });

  it.each(folders.filter((f) => f !== 'broken'))('%s passes cnnc check with no diagnostic at all', async (name) => {
    for (const file of cnnFiles(name)) {
      const run = await runCli(['check', join(EXAMPLES, name, file)]);
      expect(run.code, `${file}: ${run.stderr}`).toBe(0);
      expect(run.stderr).toBe('');
    }
  });

  it.each(folders.filter((f) => existsSync(join(EXAMPLES, f, `${f}.safetensors`))))(
    '%s ships weights under 300 KB',
    (name) => {
      expect(readFileSync(join(EXAMPLES, name, `${name}.safetensors`)).length).toBeLessThan(300 * 1024);
    },
  );
});

const commands = folders.flatMap((name) =>
  readmeCommands(join(EXAMPLES, name, 'README.md')).map((c, k) => ({ name: `${name} #${k + 1}`, ...c })),
);

describe('README commands', () => {
  it.each(commands)('$name: $text', async (cmd) => {
    const argv = relocate(cmd.argv, outRoot);
    const run = await runCli(argv);
    expect(run.code, run.stderr).toBe(cmd.exitCode);
    const out = argv[argv.indexOf('--out') + 1];
    if (argv[0] === 'run') {
      // every PNG the README tells the reader to open exists and is a picture
      const named = [...readFileSync(cmd.readme, 'utf8').matchAll(/`out\/[^/`]+\/([^`]+\.png)`/g)].map((m) => m[1]);
      for (const png of named.filter((p) => existsSync(join(out, p)) || cmd.argv.includes('--png'))) {
        const img = PNG.sync.read(readFileSync(join(out, png)));
        expect(img.width * img.height, png).toBeGreaterThan(0);
      }
      expect(readdirSync(out).some((f) => f.endsWith('.png'))).toBe(cmd.argv.includes('--png'));
    }
  });

  it('the broken example reports each of its mistakes by code and exits 1', async () => {
    const run = await runCli(['check', join(EXAMPLES, 'broken', 'broken.cnn')]);
    expect(run.code).toBe(1);
    const codes = [...run.stderr.matchAll(/^(error|warning)\[([EW]\d{4})\]/gm)].map((m) => m[2]);
    expect(codes).toEqual(['E0201', 'E0204', 'E0301', 'E0312']);
    // the README's table lists exactly these codes
    const table = [...readFileSync(join(EXAMPLES, 'broken', 'README.md'), 'utf8').matchAll(/^\| ([EW]\d{4}) \|/gm)].map(
      (m) => m[1],
    );
    expect(table).toEqual(codes);
  });

  it('the first command of examples/README.md works as a real process from the repository root', () => {
    const first = readmeCommands(join(EXAMPLES, 'README.md'))[0];
    const argv = first.argv.map((a, i) => (first.argv[i - 1] === '--out' ? join(outRoot, 'first-command') : a));
    const stdout = execFileSync(process.execPath, [join(REPO, 'bin', 'cnnc.js'), ...argv], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(stdout).toContain('conv: [1, 3, 64, 64]');
    const png = PNG.sync.read(readFileSync(join(outRoot, 'first-command', 'conv.png')));
    expect(png.width).toBeGreaterThan(3 * 128);
  });
});
