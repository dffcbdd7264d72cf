/** The d2l edge detector on the bundled bar image gives d2l's edge map exactly (no tolerance). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { runCli } from '../cli-harness.ts';
import { tempDir } from '../images/helpers.ts';
import { EXAMPLES, readmeCommands, relocate } from './readme.ts';

const folder = join(EXAMPLES, 'edge-detector');

// d2l.ai 7.2.3: X = torch.ones((6, 8)); X[:, 2:6] = 0; K = torch.tensor([[1.0, -1.0]]); Y = corr2d(X, K)
const D2L_Y = [0, 1, 0, 0, 0, -1, 0];

describe('examples/edge-detector', () => {
  it("bundles d2l's X as a 6x8 greyscale PNG: 255 (1) with columns 2..5 at 0", () => {
    const png = PNG.sync.read(readFileSync(join(folder, 'bars.png')));
    expect([png.width, png.height, (png as unknown as { colorType: number }).colorType]).toEqual([8, 6, 0]);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 8; x++) expect(png.data[(y * 8 + x) * 4]).toBe(x >= 2 && x < 6 ? 0 : 255);
  });

  it("its README command writes d2l's edge map exactly, and zeros for horizontal edges", async () => {
    const out = tempDir('edge-example');
    const [cmd] = readmeCommands(join(folder, 'README.md'));
    const run = await runCli(relocate(cmd.argv, out));
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, 'out', 'edge-detector');
    const vertical = readNpy(readFileSync(join(dir, 'vertical_edges.npy')));
    expect(vertical.shape).toEqual([1, 1, 6, 7]);
    expect([...vertical.data]).toEqual(new Array(6).fill(D2L_Y).flat());
    const horizontal = readNpy(readFileSync(join(dir, 'horizontal_edges.npy')));
    expect(horizontal.shape).toEqual([1, 1, 5, 8]);
    expect([...horizontal.data]).toEqual(new Array(40).fill(0));
    // the picture: the 1 column white, the -1 column black, the rest mid-grey
    const png = PNG.sync.read(readFileSync(join(dir, 'vertical_edges.png')));
    const zoom = 18;
    const at = (col: number) => png.data[((9 + zoom * 2) * png.width + 9 + col * zoom + zoom / 2) * 4];
    expect(D2L_Y.map((_, col) => at(col))).toEqual([128, 255, 128, 128, 128, 0, 128]);
  });
});
