/**
 * Images as `cnnc run` inputs: `--input x=photo.png` (PNG or JPEG) becomes a [1, C, H, W] float32
 * tensor fitted to the model's declared input: channels matched (grey or RGB; alpha dropped), an
 * optional bilinear resize to the declared size, then --scale/--mean/--std or a --preset.
 * Importing this module registers the reader with inputs.ts.
 */
import {
  decodeImage,
  ImageError,
  imageToTensor,
  IDENTITY,
  type Normalisation,
  parseNumberList,
  parseScale,
  PRESETS,
} from '../../runtime/images/index.ts';
import type { Tensor } from '../ir/tensor.ts';
import { CliError } from './errors.ts';
import { addInputReader, type ReadContext } from './inputs.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

export interface ImageInputOptions {
  readonly normalisation: Normalisation;
  /** false: sizes must match; true: resize to the declared size; [h, w]: resize to that size */
  readonly resize: boolean | readonly [number, number];
  /** convert colour images to grey for one-channel inputs */
  readonly toGrey: boolean;
  /** true when any of --scale/--mean/--std/--preset/--resize/--grey was given (they apply to images only) */
  readonly given: boolean;
}

export const DEFAULT_IMAGE_INPUT: ImageInputOptions = {
  normalisation: IDENTITY,
  resize: false,
  toGrey: false,
  given: false,
};

/** The CLI's image flags, as commander hands them over. */
export interface ImageFlags {
  readonly scale?: string;
  readonly mean?: string;
  readonly std?: string;
  readonly preset?: string;
  /** `--resize` alone is true; `--resize 224x224` is the text */
  readonly resize?: string | boolean;
  readonly grey?: boolean;
}

export function imageInputOptions(flags: ImageFlags): ImageInputOptions {
  try {
    let base: Normalisation = IDENTITY;
    if (flags.preset !== undefined) {
      const preset = Object.hasOwn(PRESETS, flags.preset) ? PRESETS[flags.preset] : undefined;
      if (!preset)
        throw new CliError(
          `unknown --preset \`${flags.preset}\`; presets: ${Object.entries(PRESETS)
            .map(([k, p]) => `${k} (${p.why})`)
            .join('; ')}`,
          2,
        );
      base = preset;
    }
    const normalisation: Normalisation = {
      scale: flags.scale !== undefined ? parseScale(flags.scale) : base.scale,
      mean: flags.mean !== undefined ? parseNumberList(flags.mean, '--mean') : base.mean,
      std: flags.std !== undefined ? parseNumberList(flags.std, '--std') : base.std,
    };
    const given = [flags.scale, flags.mean, flags.std, flags.preset, flags.resize, flags.grey].some(
      (v) => v !== undefined && v !== false,
    );
    return { normalisation, resize: parseResize(flags.resize), toGrey: !!flags.grey, given };
  } catch (e) {
    if (e instanceof ImageError) throw new CliError(e.message, 2);
    throw e;
  }
}

function parseResize(value: string | boolean | undefined): boolean | [number, number] {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const m = /^(\d+)(?:[x,](\d+))?$/.exec(value.trim());
  const h = m ? Number(m[1]) : 0;
  const w = m ? Number(m[2] ?? m[1]) : 0;
  if (!m || h < 1 || w < 1)
    throw new CliError(
      `--resize takes HEIGHTxWIDTH (e.g. 224x224), or nothing to use the declared size; not \`${value}\``,
      2,
    );
  return [h, w];
}

const shapeText = (s: readonly (number | string)[]) => `[${s.join(', ')}]`;

export async function readImageInput(
  path: string,
  bytes: Uint8Array,
  declared: readonly (number | string)[],
  ctx: ReadContext,
): Promise<Tensor> {
  const what = `input \`${ctx.input}\` ${shapeText(declared)}`;
  if (declared.length !== 4)
    throw new CliError(
      `E0408: ${what} is not [N, C, H, W]: images fit only 4-D inputs (pass a .npy array instead of \`${path}\`)`,
    );
  const o = ctx.image;
  const [, c, h, w] = declared;
  const declaredSize = typeof h === 'number' && typeof w === 'number' ? ([h, w] as const) : null;
  let size: readonly [number, number] | null = declaredSize;
  if (o.resize === true && !declaredSize)
    throw new CliError(`${what} has a symbolic height or width, so --resize needs the size: --resize HEIGHTxWIDTH`, 2);
  if (Array.isArray(o.resize)) {
    const [rh, rw] = o.resize as readonly [number, number];
    if ((typeof h === 'number' && h !== rh) || (typeof w === 'number' && w !== rw)) {
      throw new CliError(
        `--resize ${rh}x${rw} does not fit ${what}; use --resize alone to resize to the declared size`,
        2,
      );
    }
    size = [rh, rw];
  }
  try {
    const image = decodeImage(bytes, path);
    return imageToTensor(image, path, {
      channels: typeof c === 'number' ? c : null,
      size,
      resize: o.resize !== false,
      toGrey: o.toGrey,
      normalisation: o.normalisation,
      what,
    });
  } catch (e) {
    if (e instanceof ImageError) throw new CliError(`E0408: ${e.message}`);
    throw e;
  }
}

addInputReader({ extensions: IMAGE_EXTENSIONS, kind: 'image', read: readImageInput });
