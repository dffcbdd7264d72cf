import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  imageToTensor,
  parseNumberList,
  parseScale,
  PRESETS,
  type RgbaImage,
} from '../../runtime/images/index.ts';
import { pattern, pngBytes, rgba } from './helpers.ts';

const image = (width: number, height: number, data: Uint8Array): RgbaImage =>
  decodeImage(pngBytes(width, height, data, 6), 'test.png');

describe('imageToTensor: channels', () => {
  const colour = image(3, 2, rgba(3, 2, pattern));

  it('gives NCHW planes R, G, B of raw 0..255 values', () => {
    const t = imageToTensor(colour, 'c.png', { channels: 3 });
    expect(t.shape).toEqual([1, 3, 2, 3]);
    const at = (c: number, y: number, x: number) => t.data[c * 6 + y * 3 + x];
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) expect(at(c, y, x)).toBe(pattern(x, y)[c]);
  });

  it('drops alpha', () => {
    const t = imageToTensor(
      image(
        1,
        1,
        rgba(1, 1, () => [10, 20, 30, 0]),
      ),
      'a.png',
      { channels: 3 },
    );
    expect([...t.data]).toEqual([10, 20, 30]);
  });

  it('repeats a grey image into three channels, and keeps one channel for a grey model', () => {
    const grey = image(
      2,
      1,
      rgba(2, 1, (x) => [x * 100, x * 100, x * 100]),
    );
    expect([...imageToTensor(grey, 'g.png', { channels: 3 }).data]).toEqual([0, 100, 0, 100, 0, 100]);
    expect(imageToTensor(grey, 'g.png', { channels: 1 }).shape).toEqual([1, 1, 1, 2]);
    expect(imageToTensor(grey, 'g.png', { channels: null }).shape).toEqual([1, 1, 1, 2]);
    expect(imageToTensor(colour, 'c.png', { channels: null }).shape).toEqual([1, 3, 2, 3]);
  });

  it('refuses a colour image for a one-channel model unless asked to convert, saying what the model takes', () => {
    expect(() => imageToTensor(colour, 'c.png', { channels: 1, what: 'input `x` [N, 1, 28, 28]' })).toThrow(
      'input `x` [N, 1, 28, 28] takes 1 channel (grey), but `c.png` is a colour image (RGB); add --grey to convert it',
    );
  });

  it('converts colour to grey with PIL convert("L") values', () => {
    const rgb = image(
      4,
      1,
      rgba(
        4,
        1,
        (x) =>
          [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [12, 200, 99],
          ][x] as [number, number, number],
      ),
    );
    // PIL's L24 (libImaging/Convert.c): (R*19595 + G*38470 + B*7471 + 0x8000) >> 16; pure red, green
    // and blue give PIL's well-known 76, 150, 29; (12, 200, 99) gives 8701537 >> 16 = 132
    expect([...imageToTensor(rgb, 'c.png', { channels: 1, toGrey: true }).data]).toEqual([76, 150, 29, 132]);
  });

  it('refuses channel counts images cannot give', () => {
    expect(() => imageToTensor(colour, 'c.png', { channels: 4, what: 'input `x` [1, 4, 2, 3]' })).toThrow(
      'input `x` [1, 4, 2, 3] takes 4 channels, but images give 1 (grey) or 3 (RGB)',
    );
  });
});

describe('imageToTensor: size', () => {
  const img = image(
    4,
    2,
    rgba(4, 2, (x, y) => [x * 10 + y, 0, 0]),
  );

  it('refuses another size without --resize, naming both sizes', () => {
    expect(() => imageToTensor(img, 'p.png', { channels: 3, size: [3, 3], what: 'input `x` [N, 3, 3, 3]' })).toThrow(
      'input `x` [N, 3, 3, 3] takes images of height 3 and width 3, but `p.png` is 2 high and 4 wide; add --resize',
    );
  });

  it('resizes to the declared size with --resize', () => {
    const t = imageToTensor(img, 'p.png', { channels: 3, size: [1, 2], resize: true });
    expect(t.shape).toEqual([1, 3, 1, 2]);
    // halving both ways with align_corners=False averages each 2x2 block
    expect(t.data[0]).toBeCloseTo((0 + 10 + 1 + 11) / 4, 5);
    expect(t.data[1]).toBeCloseTo((20 + 30 + 21 + 31) / 4, 5);
  });
});

describe('normalisation', () => {
  const px = image(
    3,
    1,
    rgba(3, 1, (x) => [[0, 128, 255][x], [0, 128, 255][x], [0, 128, 255][x]]),
  );
  const f = Math.fround;

  it('--scale 1/255 divides by 255 like ToTensor: 255 gives exactly 1', () => {
    const t = imageToTensor(px, 'p.png', {
      channels: 1,
      normalisation: { scale: parseScale('1/255'), mean: [0], std: [1] },
    });
    expect([...t.data]).toEqual([0, f(128 / 255), 1]);
  });

  it('the imagenet preset computes (x/255 - mean) / std per channel in float32, as torchvision does', () => {
    const t = imageToTensor(px, 'p.png', { channels: 3, normalisation: PRESETS.imagenet });
    const expected = [0.485, 0.456, 0.406].flatMap((m, c) =>
      [0, 128, 255].map((p) => f(f(f(p / 255) - f(m)) / f([0.229, 0.224, 0.225][c]))),
    );
    expect([...t.data]).toEqual(expected);
  });

  it('one mean/std value serves every channel; a wrong count is an error', () => {
    const t = imageToTensor(px, 'p.png', { channels: 3, normalisation: PRESETS.symmetric });
    expect(t.data[0]).toBe(-1);
    expect(t.data[8]).toBe(1);
    expect(() =>
      imageToTensor(px, 'p.png', { channels: 1, normalisation: PRESETS.imagenet, what: 'input `x`' }),
    ).toThrow('--mean has 3 values, but input `x` has 1 channel: give 1 value or 1');
  });

  it('parses scales and lists, and refuses nonsense', () => {
    expect(parseScale('1/255')).toEqual({ num: 1, den: 255 });
    expect(parseScale('0.5')).toEqual({ num: 0.5, den: 1 });
    expect(() => parseScale('1/0')).toThrow('--scale needs a number or a fraction');
    expect(() => parseScale('abc')).toThrow('--scale needs a number');
    expect(parseNumberList('0.485, 0.456,0.406', '--mean')).toEqual([0.485, 0.456, 0.406]);
    expect(() => parseNumberList('a,b', '--std')).toThrow('--std needs numbers');
  });
});
