/**
 * The RGB example end to end: the bundled photo decodes to the known drawing, the CLI's feature maps
 * equal the reference interpreter run on a tensor built here independently (pngjs pixels / 255), and
 * the written PNG has the expected size, three colour channels, and pixels that are the reference
 * values normalised per channel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/front-end.ts';
import { readNpy } from '../../runtime/io/npy.ts';
import { readSafetensors } from '../../runtime/io/safetensors.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import { drawPhoto } from '../../scripts/make-example-images.ts';
import { runCli } from '../cli-harness.ts';
import { tempDir } from '../images/helpers.ts';
import { EXAMPLES, readmeCommands, relocate } from './readme.ts';

const folder = join(EXAMPLES, 'rgb-feature-maps');
const out = tempDir('rgb-example');

describe('examples/rgb-feature-maps', () => {
  const photo = PNG.sync.read(readFileSync(join(folder, 'photo.png')));

  it('bundles the known 64x64 photo (the drawing of scripts/make-example-images.ts)', () => {
    expect([photo.width, photo.height]).toEqual([64, 64]);
    expect([...photo.data]).toEqual([...drawPhoto().data]);
  });

  it('runs its README command and matches the reference on the decoded tensor, and draws it', async () => {
    const [cmd] = readmeCommands(join(folder, 'README.md'));
    const run = await runCli(relocate(cmd.argv, out));
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, 'out', 'rgb-feature-maps');

    // the input tensor, built here: planes R, G, B of pixel / 255 (as ToTensor computes it)
    const x = new Float32Array(3 * 64 * 64);
    for (let i = 0; i < 64 * 64; i++)
      for (let c = 0; c < 3; c++) x[c * 4096 + i] = Math.fround(photo.data[4 * i + c] / 255);
    const graph = check(readFileSync(join(folder, 'rgb-feature-maps.cnn'), 'utf8'), {
      inputShapes: { x: [1, 3, 64, 64] },
    }).graphs[0];
    const weights = readSafetensors(readFileSync(join(folder, 'rgb-feature-maps.safetensors')));
    const want = runGraph(graph, { x: tensor([1, 3, 64, 64], x) }, weights).conv;

    const got = readNpy(readFileSync(join(dir, 'conv.npy')));
    expect(got.shape).toEqual([1, 3, 64, 64]);
    // float32 sums in another order: |got - want| <= 1e-5 + 1e-5 |want|
    const off = [...want.data.keys()].filter(
      (i) => !(Math.abs(got.data[i] - want.data[i]) <= 1e-5 + 1e-5 * Math.abs(want.data[i])),
    );
    expect(off.map((i) => [i, got.data[i], want.data[i]])).toEqual([]);

    // the picture: 3 tiles of 64x64 zoomed 2x with a 1-pixel frame (130 px) in one row, 10 px apart,
    // 8 px margins: 8 + 3 * 130 + 2 * 10 + 8 = 426 wide; 8 + 130 + 4 + 3 label lines of 10 + 10 gap
    // + bar 10 + 4 + 2 + 7 (text) + 8 = 213 high
    const png = PNG.sync.read(readFileSync(join(dir, 'conv.png')));
    expect([png.width, png.height]).toEqual([426, 213]);
    expect((png as unknown as { colorType: number }).colorType).toBe(2); // RGB: three channels

    for (let c = 0; c < 3; c++) {
      const plane = want.data.subarray(c * 4096, (c + 1) * 4096);
      const [min, max] = [Math.min(...plane), Math.max(...plane)];
      const left = 8 + c * 140 + 1;
      for (const [px, py] of [
        [0, 0],
        [10, 20],
        [40, 33],
        [63, 63],
        [31, 50],
      ]) {
        const level = Math.round((255 * (plane[py * 64 + px] - min)) / (max - min));
        const i = ((9 + 2 * py + 1) * png.width + left + 2 * px + 1) * 4;
        expect(Math.abs(png.data[i] - level), `channel ${c} at (${px}, ${py})`).toBeLessThanOrEqual(1);
        expect(png.data[i + 1]).toBe(png.data[i]);
      }
    }
    const ranges = JSON.parse(readFileSync(join(dir, 'conv.json'), 'utf8'));
    expect(ranges.samples[0].ranges.map((r: { min: number }) => r.min)).toEqual(
      [0, 1, 2].map((c) => Math.min(...got.data.subarray(c * 4096, (c + 1) * 4096))),
    );
  });
});
