/**
 * Decoding PNG and JPEG files to 8-bit RGBA pixels with pngjs and jpeg-js. The format comes from the
 * file's first bytes, not its name. Size limits are checked on the header before any pixel is
 * allocated, and truncated files are refused rather than decoded to half a picture.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError } from './image-error.ts';

export type ImageFormat = 'png' | 'jpeg';

/** Decoded pixels, row-major RGBA, 4 bytes a pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly format: ImageFormat;
  /** true when every pixel has R = G = B, so converting to one channel loses nothing */
  readonly grey: boolean;
  /** true when the file has an alpha channel (dropped when converting to tensors) */
  readonly alpha: boolean;
}

/** The most pixels a file may declare: jpeg-js's own default limit, applied to PNG too. */
export const MAX_PIXELS = 100_000_000;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function detectFormat(bytes: Uint8Array): ImageFormat | null {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Names a few formats people pass by mistake, for the error message. */
function guessOther(bytes: Uint8Array): string {
  const ascii = String.fromCharCode(...bytes.subarray(0, 12));
  if (ascii.startsWith('GIF8')) return ' (it is a GIF)';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return ' (it is a WebP)';
  if (ascii.startsWith('BM')) return ' (it looks like a BMP)';
  if (ascii.startsWith('\x93NUMPY')) return ' (it is a .npy array: name it .npy)';
  if (bytes.length === 0) return ' (the file is empty)';
  return '';
}

export function decodeImage(bytes: Uint8Array, source: string): RgbaImage {
  const format = detectFormat(bytes);
  if (format === null) {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImageError(
      `\`${source}\` is not a PNG or JPEG image${guessOther(bytes)}; it starts with bytes ${head || '(none)'}`,
    );
  }
  const { width, height, data, alpha } = format === 'png' ? decodePng(bytes, source) : decodeJpeg(bytes, source);
  return { width, height, data, format, grey: isGrey(data), alpha };
}

function checkSize(width: number, height: number, source: string, format: string): void {
  if (width < 1 || height < 1)
    throw new ImageError(`\`${source}\`: the ${format} header declares an empty ${width}x${height} image`);
  if (width * height > MAX_PIXELS) {
    throw new ImageError(
      `\`${source}\`: the ${format} header declares ${width}x${height} pixels, more than the limit of ${MAX_PIXELS / 1e6} megapixels`,
    );
  }
}

function decodePng(
  bytes: Uint8Array,
  source: string,
): { width: number; height: number; data: Uint8Array; alpha: boolean } {
  // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4), big-endian
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new ImageError(`\`${source}\` is a truncated or corrupt PNG (no image header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16), view.getUint32(20), source, 'PNG');
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    const why = (e as Error).message;
    // pngjs's words for "the data ran out" (its reader still waited for bytes when the file ended)
    if (/read requests|unexpected end|ended/i.test(why))
      throw new ImageError(`\`${source}\` is a truncated PNG (the file ends before the image does)`);
    throw new ImageError(`\`${source}\` is a corrupt PNG: ${why}`);
  }
  // colorType bit 4 (alpha channel) or a tRNS chunk (pngjs reports it as `alpha`)
  const meta = png as unknown as { alpha?: boolean; colorType?: number };
  const alpha = !!meta.alpha || ((meta.colorType ?? 0) & 4) !== 0;
  return {
    width: png.width,
    height: png.height,
    data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    alpha,
  };
}

function decodeJpeg(
  bytes: Uint8Array,
  source: string,
): { width: number; height: number; data: Uint8Array; alpha: boolean } {
  if (!hasEndOfImage(bytes))
    throw new ImageError(`\`${source}\` is a truncated JPEG (the end-of-image marker is missing)`);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_PIXELS / 1e6,
    });
  } catch (e) {
    throw new ImageError(`\`${source}\` is a corrupt or unsupported JPEG: ${(e as Error).message}`);
  }
  checkSize(img.width, img.height, source, 'JPEG');
  return { width: img.width, height: img.height, data: img.data, alpha: false };
}

/**
 * A JPEG ends with FF D9 after its last scan (FF SOS). Inside entropy-coded data an FF is always
 * followed by 00 or a restart marker, so an FF D9 after the last FF DA is the real end; an embedded
 * EXIF thumbnail's FF D9 comes before the main scan.
 */
function hasEndOfImage(bytes: Uint8Array): boolean {
  let lastScan = -1;
  let lastEnd = -1;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    if (bytes[i + 1] === 0xda) lastScan = i;
    else if (bytes[i + 1] === 0xd9) lastEnd = i;
  }
  return lastScan >= 0 && lastEnd > lastScan;
}

function isGrey(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  return true;
}
