import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { autoZoom, colour, featureGrid, formatValue, gridColumns } from '../../runtime/images/index.ts';
import { drawText, textWidth } from '../../runtime/images/font5x7.ts';
import { tensor } from '../../compiler/ir/tensor.ts';

/** Channel 0: a ramp 0..11; channel 1: constant 5; channel 2: -1 with one NaN and one +inf. */
function sample(): ReturnType<typeof tensor> {
  const d = new Float32Array(3 * 3 * 4);
  for (let i = 0; i < 12; i++) d[i] = i;
  d.fill(5, 12, 24);
  d.fill(-1, 24, 36);
  d[25] = NaN;
  d[26] = Infinity;
  d[27] = 2;
  return tensor([1, 3, 3, 4], d);
}

const pixel = (png: PNG, x: number, y: number) => [
  ...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3),
];

describe('featureGrid', () => {
  const t = sample();
  const grid = featureGrid(t, 0, { zoom: 5 });
  const png = PNG.sync.read(Buffer.from(grid.png));

  it('writes an RGB PNG of the size it reports', () => {
    expect([png.width, png.height]).toEqual([grid.width, grid.height]);
    expect((png as unknown as { colorType: number }).colorType).toBe(2);
    expect(grid.columns).toBe(3);
    expect(grid.tiles).toHaveLength(3);
  });

  it('reports each channel range over its finite values, counting NaNs', () => {
    expect(grid.ranges).toEqual([
      { channel: 0, min: 0, max: 11, nan: 0 },
      { channel: 1, min: 5, max: 5, nan: 0 },
      { channel: 2, min: -1, max: 2, nan: 1 },
    ]);
  });

  it('draws each value from its channel min (black) to max (white), enlarged zoom times', () => {
    const { x, y } = grid.tiles[0];
    for (let v = 0; v < 12; v++) {
      const [r, c] = [Math.floor(v / 4), v % 4];
      const want = Math.round((v / 11) * 255);
      for (const [dx, dy] of [
        [0, 0],
        [4, 4],
        [2, 3],
      ])
        expect(pixel(png, x + c * 5 + dx, y + r * 5 + dy), `value ${v}`).toEqual([want, want, want]);
    }
  });

  it('draws a constant channel mid-grey, NaN magenta and +inf at the max colour', () => {
    const c1 = grid.tiles[1];
    expect(pixel(png, c1.x + 7, c1.y + 7)).toEqual([128, 128, 128]);
    const c2 = grid.tiles[2];
    expect(pixel(png, c2.x, c2.y)).toEqual([0, 0, 0]); // -1, the min
    expect(pixel(png, c2.x + 5, c2.y)).toEqual([255, 0, 255]); // NaN
    expect(pixel(png, c2.x + 10, c2.y)).toEqual([255, 255, 255]); // +inf
    expect(pixel(png, c2.x + 15, c2.y)).toEqual([255, 255, 255]); // 2, the max
  });

  it('frames tiles and writes labels under them', () => {
    const { x, y } = grid.tiles[0];
    expect(pixel(png, x - 1, y - 1)).toEqual([160, 160, 160]);
    let ink = 0;
    for (let yy = y + 3 * 5 + 2; yy < y + 3 * 5 + 40; yy++)
      for (let xx = x - 1; xx < x + 40; xx++) if (pixel(png, xx, yy)[0] === 0) ink++;
    expect(ink).toBeGreaterThan(40);
  });

  it('draws a colour bar legend from the min colour to the max colour, with tick marks at both ends', () => {
    const { x, y, width, height } = grid.legend;
    const mid = y + Math.floor(height / 2);
    for (const k of [1, Math.floor(width / 2), width - 2])
      expect(pixel(png, x + k, mid)).toEqual(colour('grey', k / (width - 1)));
    // the ticks are black lines through the bar's ends, reaching below it
    for (const k of [0, width - 1]) expect(pixel(png, x + k, y + height + 2)).toEqual([0, 0, 0]);
    expect(pixel(png, x + 1, y + height + 2)).toEqual([255, 255, 255]);
  });

  it('uses viridis when asked, and a batch sample other than the first', () => {
    const two = tensor([2, 1, 1, 2], new Float32Array([0, 1, 3, 2]));
    const g = featureGrid(two, 1, { zoom: 1, colormap: 'viridis' });
    const p = PNG.sync.read(Buffer.from(g.png));
    expect(pixel(p, g.tiles[0].x, g.tiles[0].y)).toEqual([253, 231, 37]); // 3 is sample 1's max
    expect(pixel(p, g.tiles[0].x + 1, g.tiles[0].y)).toEqual([68, 1, 84]); // 2 is its min
    expect(g.ranges).toEqual([{ channel: 0, min: 2, max: 3, nan: 0 }]);
  });

  it('refuses what is not a 4-D tensor or a sample outside the batch', () => {
    expect(() => featureGrid(tensor([2, 3], new Float32Array(6)))).toThrow('needs a 4-D [N, C, H, W] tensor');
    expect(() => featureGrid(t, 1)).toThrow('sample 1 outside the batch of 1');
  });
});

describe('layout helpers', () => {
  it('zooms small maps to about 128 pixels and leaves large ones alone', () => {
    expect(autoZoom(6, 8)).toBe(16);
    expect(autoZoom(28, 28)).toBe(4);
    expect(autoZoom(224, 224)).toBe(1);
    expect(autoZoom(1, 1)).toBe(32);
  });

  it('puts up to four channels in a row, more in a near-square grid', () => {
    expect([1, 3, 4, 6, 16, 64].map(gridColumns)).toEqual([1, 3, 4, 3, 4, 8]);
  });

  it('formats values with three significant digits', () => {
    expect([0, 1, -1, 0.5, 1234.5, 0.000123, -45678, NaN, Infinity].map(formatValue)).toEqual([
      '0',
      '1',
      '-1',
      '0.5',
      '1230',
      '1.23e-4',
      '-4.57e+4',
      'NaN',
      'inf',
    ]);
  });
});

describe('the 5x7 font', () => {
  const lit = (text: string) => {
    const dots = new Set<string>();
    drawText(text, 0, 0, (x, y) => dots.add(`${x},${y}`));
    return dots;
  };

  it('draws "1" as its glyph and advances 6 pixels a character', () => {
    expect(lit('1').size).toBe(10);
    expect([...lit('11')].some((d) => d.startsWith('8,'))).toBe(true); // the second 1's stem at x = 6 + 2
    expect(textWidth('min -1.5')).toBe(8 * 6 - 1);
  });

  it('draws a hollow box for a character it has no glyph for', () => {
    expect(lit('?').size).toBe(20);
  });
});
