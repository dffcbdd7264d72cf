/**
 * An RGBA image to a [1, C, H, W] float32 tensor: channels matched to what the model wants, an
 * optional bilinear resize, then the normalisation. Pixel values start as 0..255.
 */
import { type Tensor, tensor } from '../../compiler/ir/tensor.ts';
import type { RgbaImage } from './decode.ts';
import { ImageError } from './image-error.ts';
import { type Normalisation, IDENTITY, normalisePlanar } from './normalise.ts';
import { resizeBilinear } from './resize.ts';

export interface ImageTensorOptions {
  /** the channels the model wants (1 grey, 3 RGB); null: the image's own (1 if grey, else 3) */
  readonly channels: number | null;
  /** the [height, width] to produce; the image is resized to it when `resize` is set */
  readonly size: readonly [number, number] | null;
  readonly resize: boolean;
  /** convert colour images to grey (PIL's convert('L') luma) when one channel is wanted */
  readonly toGrey: boolean;
  readonly normalisation: Normalisation;
  /** how the model's input reads in messages, e.g. "input `x` [N, 1, 28, 28]" */
  readonly what: string;
}

export const DEFAULT_IMAGE_OPTIONS: ImageTensorOptions = {
  channels: null,
  size: null,
  resize: false,
  toGrey: false,
  normalisation: IDENTITY,
  what: 'the input',
};

export function imageToTensor(img: RgbaImage, source: string, options: Partial<ImageTensorOptions> = {}): Tensor {
  const o = { ...DEFAULT_IMAGE_OPTIONS, ...options };
  const channels = o.channels ?? (img.grey ? 1 : 3);
  let planes = toPlanes(img, channels, source, o);
  let [height, width] = [img.height, img.width];
  if (o.size && (o.size[0] !== height || o.size[1] !== width)) {
    if (!o.resize) {
      throw new ImageError(
        `${o.what} takes images of height ${o.size[0]} and width ${o.size[1]}, but \`${source}\` is ${height} high and ${width} wide; add --resize to resize it (bilinear), or pass an image of that size`,
      );
    }
    planes = resizeBilinear(planes, channels, height, width, o.size[0], o.size[1]);
    [height, width] = o.size;
  }
  normalisePlanar(planes, channels, o.normalisation, o.what);
  return tensor([1, channels, height, width], planes);
}

function toPlanes(img: RgbaImage, channels: number, source: string, o: ImageTensorOptions): Float32Array {
  const n = img.width * img.height;
  const px = img.data;
  const out = new Float32Array(channels * n);
  if (channels === 3) {
    // alpha, if any, is dropped (as PIL's convert('RGB') and torchvision's ImageReadMode.RGB do)
    for (let i = 0; i < n; i++) {
      out[i] = px[4 * i];
      out[n + i] = px[4 * i + 1];
      out[2 * n + i] = px[4 * i + 2];
    }
    return out;
  }
  if (channels === 1) {
    if (img.grey) {
      for (let i = 0; i < n; i++) out[i] = px[4 * i];
      return out;
    }
    if (!o.toGrey) {
      throw new ImageError(
        `${o.what} takes 1 channel (grey), but \`${source}\` is a colour image (RGB); add --grey to convert it (luma, like PIL's convert('L')), or pass a greyscale image`,
      );
    }
    // ITU-R 601-2 luma in PIL's fixed-point form, so the grey values equal PIL's exactly
    for (let i = 0; i < n; i++)
      out[i] = (px[4 * i] * 19595 + px[4 * i + 1] * 38470 + px[4 * i + 2] * 7471 + 0x8000) >>> 16;
    return out;
  }
  throw new ImageError(
    `${o.what} takes ${channels} channels, but images give 1 (grey) or 3 (RGB); \`${source}\` cannot be fed to it (use a .npy array)`,
  );
}
