/** Small images made in memory for the image tests, and a temp folder to write them to. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export type Pixel = readonly [number, number, number, number?];

/** RGBA bytes of a width x height image whose pixel (x, y) is `at(x, y)` (alpha 255 unless given). */
export function rgba(width: number, height: number, at: (x: number, y: number) => Pixel): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a = 255] = at(x, y);
      data.set([r, g, b, a], (y * width + x) * 4);
    }
  }
  return data;
}

/** A PNG written by pngjs: colorType 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA. */
export function pngBytes(width: number, height: number, data: Uint8Array, colorType: 0 | 2 | 4 | 6 = 2): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(data);
  return new Uint8Array(PNG.sync.write(png, { colorType }));
}

export function jpegBytes(width: number, height: number, data: Uint8Array, quality = 100): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(data) }, quality).data);
}

/** A colourful test pattern: R follows x, G follows y, B is their mix. */
export const pattern = (x: number, y: number): Pixel => [(x * 37) % 256, (y * 53) % 256, (x * 11 + y * 7) % 256];

export { tempDir } from '../temp-dir.ts';

export function writeFile(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
