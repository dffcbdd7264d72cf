/** The bundled images and weights are exactly what the scripts make, so anyone can regenerate them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_IMAGES } from '../../scripts/make-example-images.ts';
import { exampleWeights, WEIGHTED_EXAMPLES } from '../../scripts/make-example-weights.ts';
import { EXAMPLES } from './readme.ts';

describe('scripts/make-example-images.ts', () => {
  it.each(Object.keys(EXAMPLE_IMAGES))('examples/%s holds the drawn pixels', (path) => {
    const drawn = EXAMPLE_IMAGES[path]();
    const png = PNG.sync.read(readFileSync(join(EXAMPLES, path)));
    expect([png.width, png.height, (png as unknown as { colorType: number }).colorType]).toEqual([
      drawn.width,
      drawn.height,
      drawn.colorType,
    ]);
    expect(Buffer.from(png.data).equals(Buffer.from(drawn.data))).toBe(true);
  });
});

describe('scripts/make-example-weights.ts', () => {
  it.each(WEIGHTED_EXAMPLES)('examples/%s weights are the seeded ones, byte for byte', (name) => {
    const file = readFileSync(join(EXAMPLES, name, `${name}.safetensors`));
    expect(Buffer.from(exampleWeights(name)).equals(file)).toBe(true);
  });
});
