/** The receptive-field example's numbers: the summary's growth, and the patch one pixel reaches. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { runCli } from '../cli-harness.ts';
import { tempDir } from '../images/helpers.ts';
import { EXAMPLES, relocate } from './readme.ts';

const cnn = join(EXAMPLES, 'receptive-field', 'receptive-field.cnn');

describe('examples/receptive-field', () => {
  it('grows the receptive field 3, 5, 6, 10, 12, 28 as its README says', async () => {
    const run = await runCli(['summary', cnn, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout).rows as { name: string; receptiveField: { size: number[]; jump: number[] } }[];
    expect(rows.map((r) => [r.name, r.receptiveField.size[0], r.receptiveField.jump[0]])).toEqual([
      ['conv1', 3, 1],
      ['conv2', 5, 1],
      ['pool1', 6, 2],
      ['conv3', 10, 2],
      ['pool2', 12, 4],
      ['conv4', 28, 4],
    ]);
    const readme = readFileSync(join(EXAMPLES, 'receptive-field', 'README.md'), 'utf8');
    for (const s of [
      '3x3 after `conv1`',
      '5x5 after `conv2`',
      '6x6 after `pool1`',
      '10x10\nafter `conv3`',
      '12x12 after `pool2`',
      '28x28 after the dilated `conv4`',
    ])
      expect(readme).toContain(s);
  });

  it('one bright pixel reaches a 3x3 patch after conv1 and 5x5 after conv2', async () => {
    const out = tempDir('rf-example');
    const argv = relocate(
      [
        'run',
        'examples/receptive-field/receptive-field.cnn',
        '--input',
        'x=examples/receptive-field/impulse.png',
        '--scale',
        '1/255',
        '--tap',
        'all',
        '--out',
        'rf',
      ],
      out,
    );
    const run = await runCli(argv);
    expect(run.code, run.stderr).toBe(0);
    const lit = (name: string) => {
      const t = readNpy(readFileSync(join(out, 'rf', `${name}.npy`)));
      const w = t.shape[3];
      const at = [...t.data.keys()].filter((i) => t.data[i] !== 0);
      const rows = at.map((i) => Math.floor(i / w));
      const cols = at.map((i) => i % w);
      return [Math.max(...rows) - Math.min(...rows) + 1, Math.max(...cols) - Math.min(...cols) + 1, at.length];
    };
    expect(lit('conv1')).toEqual([3, 3, 9]);
    expect(lit('conv2')).toEqual([5, 5, 25]);
  });
});
