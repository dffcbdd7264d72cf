/**
 * Draws the input images bundled with examples/ (so every picture we ship is ours to ship):
 *   photo.png   a 64x64 colourful synthetic "photo": sky gradient, sun, hills, a house, a lake
 *   bars.png    d2l's 6x8 edge-detection image: white (1) with columns 2..5 black (0), greyscale
 *   digit.png   a 28x28 handwritten-style "7", white on black like MNIST, greyscale
 *   impulse.png a 32x32 black square with one white pixel, to show what each layer's output reaches
 * Run `npx tsx scripts/make-example-images.ts` to write them; the pixels are the same on every run.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../runtime/images/encode.ts';

export interface Drawn {
  readonly width: number;
  readonly height: number;
  /** RGBA */
  readonly data: Uint8Array;
  /** 0: greyscale PNG, 2: RGB PNG */
  readonly colorType: 0 | 2;
}

type Rgb = readonly [number, number, number];

function canvas(width: number, height: number, fill: (x: number, y: number) => Rgb, colorType: 0 | 2): Drawn {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fill(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data, colorType };
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
  [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * Math.min(1, Math.max(0, t)))) as unknown as Rgb;

/** A small landscape: every region a different colour, with edges in several directions. */
export function drawPhoto(size = 64): Drawn {
  const s = size / 64;
  return canvas(
    size,
    size,
    (px, py) => {
      const x = px / s;
      const y = py / s;
      const hill = 40 + 6 * Math.sin(x / 9) - 0.1 * x;
      if (Math.hypot(x - 48, y - 13) < 7) return [252, 208, 40]; // sun
      if (x >= 12 && x < 30 && y >= 30 && y < 46) {
        if (x >= 18 && x < 23 && y >= 37) return [90, 50, 20]; // door
        if (x >= 25 && x < 28 && y >= 33 && y < 36) return [170, 220, 255]; // window
        return [196, 48, 40]; // walls
      }
      if (y >= 18 && y < 30 && Math.abs(x - 21) <= (y - 18) * 0.9) return [120, 30, 60]; // roof
      if (y >= 52 && x > 34) return mix([30, 80, 170], [70, 140, 210], (y - 52) / 12); // lake
      if (y >= hill) return mix([70, 150, 50], [20, 90, 30], Math.min(1, (y - hill) / 20)); // grass
      return mix([120, 180, 240], [225, 240, 255], y / 40); // sky
    },
    2,
  );
}

/** d2l 6.2.3: X = torch.ones((6, 8)); X[:, 2:6] = 0 — 255 for 1, 0 for 0, so --scale 1/255 gives X exactly. */
export function drawBars(): Drawn {
  return canvas(8, 6, (x) => (x >= 2 && x < 6 ? [0, 0, 0] : [255, 255, 255]), 0);
}

/** Distance from (x, y) to the segment a-b. */
function segmentDistance(x: number, y: number, a: readonly [number, number], b: readonly [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

/** A "7" in the MNIST style: a soft white stroke on black, centred in 28x28. */
export function drawDigit(): Drawn {
  const strokes: [readonly [number, number], readonly [number, number]][] = [
    [
      [8, 7],
      [20, 7],
    ],
    [
      [20, 7],
      [12, 22],
    ],
    [
      [11, 14],
      [18, 14],
    ],
  ];
  return canvas(
    28,
    28,
    (x, y) => {
      const d = Math.min(...strokes.map(([a, b]) => segmentDistance(x + 0.5, y + 0.5, a, b)));
      // full intensity within 1.2 px of the stroke, fading to black over the next pixel
      const v = Math.round(255 * Math.max(0, Math.min(1, 2.2 - d)));
      return [v, v, v];
    },
    0,
  );
}

/** One white pixel at (16, 16) of a black 32x32 image. */
export function drawImpulse(): Drawn {
  return canvas(32, 32, (x, y) => (x === 16 && y === 16 ? [255, 255, 255] : [0, 0, 0]), 0);
}

/** Every bundled image: path under examples/ -> drawing. */
export const EXAMPLE_IMAGES: Readonly<Record<string, () => Drawn>> = {
  'rgb-feature-maps/photo.png': () => drawPhoto(),
  'vgg-block/photo.png': () => drawPhoto(),
  'resnet-block/photo.png': () => drawPhoto(),
  'mobilenet-block/photo.png': () => drawPhoto(),
  'edge-detector/bars.png': drawBars,
  'lenet5/digit.png': drawDigit,
  'receptive-field/impulse.png': drawImpulse,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = new URL('../examples/', import.meta.url);
  for (const [path, draw] of Object.entries(EXAMPLE_IMAGES)) {
    const img = draw();
    const bytes = encodePng(img, img.colorType);
    writeFileSync(new URL(path, root), bytes);
    console.log(`examples/${path}: ${img.width}x${img.height}, ${bytes.length} bytes`);
  }
}
