import { describe, expect, it } from 'vitest';
import { decodeImage, detectFormat, ImageError } from '../../runtime/images/index.ts';
import { jpegBytes, pattern, pngBytes, rgba } from './helpers.ts';

const W = 7;
const H = 5;
const pixels = rgba(W, H, pattern);

describe('decodeImage: PNG', () => {
  it('gives the exact RGBA pixels of an RGB PNG, marked colour without alpha', () => {
    const img = decodeImage(pngBytes(W, H, pixels, 2), 'rgb.png');
    expect([img.width, img.height, img.format, img.grey, img.alpha]).toEqual([W, H, 'png', false, false]);
    expect([...img.data]).toEqual([...pixels]);
  });

  it('reads a greyscale PNG as grey (R = G = B)', () => {
    const grey = rgba(W, H, (x, y) => [x * 30 + y, x * 30 + y, x * 30 + y]);
    const img = decodeImage(pngBytes(W, H, grey, 0), 'grey.png');
    expect(img.grey).toBe(true);
    expect(img.data[4 * 3]).toBe(90);
    expect([...img.data]).toEqual([...grey]);
  });

  it('keeps the alpha channel of an RGBA PNG and says it has one', () => {
    const withAlpha = rgba(
      W,
      H,
      (x, y) => [...pattern(x, y).slice(0, 3), x * 20] as unknown as [number, number, number, number],
    );
    const img = decodeImage(pngBytes(W, H, withAlpha, 6), 'rgba.png');
    expect(img.alpha).toBe(true);
    expect(img.data[4 * 2 + 3]).toBe(40);
  });

  it('refuses a truncated PNG, wherever it is cut', () => {
    const bytes = pngBytes(W, H, pixels, 2);
    for (const cut of [bytes.length - 1, bytes.length - 13, Math.floor(bytes.length / 2), 40, 20]) {
      expect(() => decodeImage(bytes.subarray(0, cut), 'cut.png'), `cut at ${cut}`).toThrow(
        /`cut.png` is a truncated( or corrupt)? PNG/,
      );
    }
  });

  it('refuses a PNG with a corrupted pixel chunk', () => {
    const bytes = pngBytes(W, H, pixels, 2).slice();
    bytes[bytes.length - 20] ^= 0xff;
    expect(() => decodeImage(bytes, 'bad.png')).toThrow(ImageError);
  });

  it('refuses a header declaring more pixels than the limit before allocating them', () => {
    const bytes = pngBytes(W, H, pixels, 2).slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(16, 200_000);
    view.setUint32(20, 200_000);
    expect(() => decodeImage(bytes, 'huge.png')).toThrow(
      /declares 200000x200000 pixels, more than the limit of 100 megapixels/,
    );
  });
});

describe('decodeImage: JPEG', () => {
  it('decodes a JPEG to within JPEG loss of the original pixels', () => {
    const smooth = rgba(16, 16, (x, y) => [x * 16, y * 16, 128]);
    const img = decodeImage(jpegBytes(16, 16, smooth), 'smooth.jpg');
    expect([img.width, img.height, img.format, img.alpha]).toEqual([16, 16, 'jpeg', false]);
    let worst = 0;
    for (let i = 0; i < smooth.length; i++) if (i % 4 !== 3) worst = Math.max(worst, Math.abs(img.data[i] - smooth[i]));
    expect(worst).toBeLessThanOrEqual(8);
  });

  it('refuses a truncated JPEG instead of decoding half a picture', () => {
    const bytes = jpegBytes(W, H, pixels);
    for (const cut of [bytes.length - 2, Math.floor(bytes.length / 2), 30]) {
      expect(() => decodeImage(bytes.subarray(0, cut), 'cut.jpg'), `cut at ${cut}`).toThrow(
        /`cut.jpg` is a truncated JPEG/,
      );
    }
  });
});

describe('format detection', () => {
  it('goes by the first bytes, not the name', () => {
    expect(
      detectFormat(
        pngBytes(
          1,
          1,
          rgba(1, 1, () => [1, 2, 3]),
        ),
      ),
    ).toBe('png');
    expect(
      detectFormat(
        jpegBytes(
          1,
          1,
          rgba(1, 1, () => [1, 2, 3]),
        ),
      ),
    ).toBe('jpeg');
    expect(detectFormat(new TextEncoder().encode('GIF89a...'))).toBeNull();
  });

  it('names the format of a file that is no PNG or JPEG', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a\x01\x00'), 'anim.png')).toThrow(
      '`anim.png` is not a PNG or JPEG image (it is a GIF); it starts with bytes 47 49 46 38',
    );
    expect(() => decodeImage(new Uint8Array(0), 'empty.png')).toThrow('(the file is empty)');
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'text.jpg')).toThrow(
      /not a PNG or JPEG image; it starts with bytes 68 65 6c 6c/,
    );
  });
});
