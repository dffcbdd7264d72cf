/**
 * `--tap all` on the examples with batch norm and residual adds: every tapped layer holds its own
 * value with the optimizing passes on (folding, fusion) exactly as with them off, within float32
 * rounding, so a pass never fuses a tapped layer away or hands back a later layer's value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { runCli } from '../cli-harness.ts';
import { tempDir } from '../images/helpers.ts';
import { relocate } from './readme.ts';

const out = tempDir('taps');

describe.each(['resnet-block', 'mobilenet-block'])('examples/%s with --tap all', (name) => {
  it('gives the same value for every layer with passes on and off', async () => {
    const base = [
      'run',
      `examples/${name}/${name}.cnn`,
      '--input',
      `x=examples/${name}/photo.png`,
      '--preset',
      'imagenet',
      '--tap',
      'all',
      '--out',
    ];
    const on = await runCli(relocate([...base, `${name}-on`], out));
    const off = await runCli(relocate([...base, `${name}-off`, '--no-fuse'], out));
    expect(on.code, on.stderr).toBe(0);
    expect(off.code, off.stderr).toBe(0);
    const files = readdirSync(join(out, `${name}-off`)).filter((f) => f.endsWith('.npy'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const a = readNpy(readFileSync(join(out, `${name}-on`, f)));
      const b = readNpy(readFileSync(join(out, `${name}-off`, f)));
      expect(a.shape, f).toEqual(b.shape);
      const bad = [...b.data.keys()].filter(
        (i) => !(Math.abs(a.data[i] - b.data[i]) <= 1e-4 + 1e-4 * Math.abs(b.data[i])),
      );
      expect(
        bad.length,
        `${f}: ${bad.length} values differ, first at ${bad[0]}: ${a.data[bad[0]]} vs ${b.data[bad[0]]}`,
      ).toBe(0);
    }
  });
});
