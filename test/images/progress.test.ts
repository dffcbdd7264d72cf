/** The progress bar draws on a terminal only, and never tears or swallows the CLI's own lines. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgress, type ProgressStream } from '../../compiler/cli/progress.ts';
import { setProgressStream } from '../../compiler/cli/run-command.ts';
import { runCli } from '../cli-harness.ts';
import { pattern, pngBytes, rgba, tempDir, writeFile } from './helpers.ts';

/** A stream that says it is a terminal (or not) and records what is written to it. */
function fakeStream(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 100,
    write: (s: string) => {
      chunks.push(s);
      return true;
    },
    text: () => chunks.join(''),
  } as ProgressStream & { text: () => string };
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    io: { out: (t: string) => lines.push(`out:${t}`), err: (t: string) => lines.push(`err:${t}`), color: false },
  };
}

describe('createProgress', () => {
  it('draws a bar with the stage on a terminal, and holds lines back until it stops', () => {
    const stream = fakeStream(true);
    const { lines, io } = recorder();
    const p = createProgress(4, io, stream);
    p.stage('reading x');
    p.tick();
    p.io.out('result line');
    expect(lines).toEqual([]);
    p.stage('running M');
    expect(stream.text()).toContain('0/4 reading x');
    expect(stream.text()).toContain('1/4 running M');
    p.stop();
    expect(lines).toEqual(['out:result line']);
    p.io.err('after');
    expect(lines).toEqual(['out:result line', 'err:after']);
  });

  it('writes nothing at all when the stream is not a terminal, or there is none', () => {
    const stream = fakeStream(false);
    const { lines, io } = recorder();
    const p = createProgress(4, io, stream);
    p.stage('reading');
    p.tick();
    p.io.out('line');
    p.stop();
    expect(stream.text()).toBe('');
    expect(lines).toEqual(['out:line']);
    const none = createProgress(4, io, null);
    none.io.err('direct');
    expect(lines).toEqual(['out:line', 'err:direct']);
  });
});

describe('cnnc run and the progress bar', () => {
  const dir = tempDir('progress');
  const model = writeFile(
    dir,
    'm.cnn',
    'model M {\n  input x: [N, 3, 4, 4]\n  conv: Conv2d(3, 2, kernel_size=1)\n  output conv\n}\n',
  );
  const folder = join(dir, 'images');
  mkdirSync(folder);
  for (const k of [1, 2, 3])
    writeFile(
      folder,
      `${k}.png`,
      pngBytes(
        4,
        4,
        rgba(4, 4, (x, y) => pattern(x + k, y)),
      ),
    );
  afterEach(() => setProgressStream(() => process.stderr));

  it('shows a bar for a folder of images on a terminal; stdout and stderr lines are all still there', async () => {
    const stream = fakeStream(true);
    setProgressStream(() => stream);
    const run = await runCli(['run', model, '--input', `x=${folder}`, '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    expect(stream.text()).toContain('/5 reading x');
    expect(stream.text()).toContain('3/5 running M (cpu)');
    expect(run.stdout).toContain('conv: [3, 2, 4, 4] ->');
    expect(run.stderr).toContain('backend: cpu');
  });

  it('stays quiet when piped, and with --no-progress even on a terminal', async () => {
    const piped = fakeStream(false);
    setProgressStream(() => piped);
    expect((await runCli(['run', model, '--input', `x=${folder}`, '--out', join(dir, 'out')])).code).toBe(0);
    expect(piped.text()).toBe('');
    const tty = fakeStream(true);
    setProgressStream(() => tty);
    expect(
      (await runCli(['run', model, '--input', `x=${folder}`, '--no-progress', '--out', join(dir, 'out')])).code,
    ).toBe(0);
    expect(tty.text()).toBe('');
  });

  it('a single small image on a small model is not long work: no bar', async () => {
    const tty = fakeStream(true);
    setProgressStream(() => tty);
    expect(
      (
        await runCli([
          'run',
          model.replace('m.cnn', 'm.cnn'),
          '--input',
          `x=${join(folder, '1.png')}`,
          '--out',
          join(dir, 'out'),
        ])
      ).code,
    ).toBe(0);
    expect(tty.text()).toBe('');
  });
});
