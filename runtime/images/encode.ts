/** PNG encoding through pngjs: RGBA pixels in, an 8-bit RGB (or grey) PNG file out. */
import { PNG } from 'pngjs';

export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  /** row-major RGBA, 4 bytes a pixel */
  readonly data: Uint8Array;
}

/** colorType 2 writes RGB (alpha dropped), 0 writes grey (the R channel), 6 keeps RGBA. */
export function encodePng(img: RgbaPixels, colorType: 0 | 2 | 6 = 2): Uint8Array {
  if (img.data.length !== img.width * img.height * 4)
    throw new Error(`encodePng: ${img.data.length} bytes do not fill ${img.width}x${img.height} RGBA pixels`);
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType }));
}
