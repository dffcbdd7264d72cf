/**
 * Pixel values to model inputs, the torchvision way: `value = (pixel * scale - mean[c]) / std[c]`,
 * i.e. ToTensor() (scale 1/255) followed by Normalize(mean, std). Each step is rounded to float32 as
 * PyTorch computes it (a scale of 1/255 divides by 255, as ToTensor does), so results match bit for bit.
 */
import { ImageError } from './image-error.ts';

/** value = pixel * num / den; `1/255` keeps num 1 and den 255 so the division is exact float32 math */
export interface Scale {
  readonly num: number;
  readonly den: number;
}

export interface Normalisation {
  readonly scale: Scale;
  /** one value for every channel, or one per channel */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export const IDENTITY: Normalisation = { scale: { num: 1, den: 1 }, mean: [0], std: [1] };

export interface Preset extends Normalisation {
  readonly why: string;
}

const UNIT: Scale = { num: 1, den: 255 };

/** Named normalisations for `--preset`. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  raw: { ...IDENTITY, why: 'pixel values 0..255 as they are' },
  unit: { scale: UNIT, mean: [0], std: [1], why: 'values in [0, 1], like torchvision ToTensor()' },
  symmetric: { scale: UNIT, mean: [0.5], std: [0.5], why: 'values in [-1, 1]: ToTensor() then Normalize(0.5, 0.5)' },
  imagenet: {
    scale: UNIT,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    why: 'ToTensor() then Normalize with the ImageNet RGB mean and std',
  },
  mnist: { scale: UNIT, mean: [0.1307], std: [0.3081], why: 'ToTensor() then Normalize with the MNIST mean and std' },
};

/** `1/255`, `0.5` or `2`. */
export function parseScale(text: string): Scale {
  const m = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+)\s*)?$/.exec(text);
  const num = m ? Number(m[1]) : NaN;
  const den = m && m[2] !== undefined ? Number(m[2]) : 1;
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0)
    throw new ImageError(`--scale needs a number or a fraction such as 1/255, not \`${text}\``);
  return { num, den };
}

/** `0.485,0.456,0.406` (commas or spaces). */
export function parseNumberList(text: string, option: string): number[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const values = parts.map(Number);
  if (parts.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw new ImageError(`${option} needs numbers separated by commas, e.g. 0.485,0.456,0.406, not \`${text}\``);
  return values;
}

/** Per-channel mean and std for `channels` channels; one value stands for every channel. */
export function perChannel(n: Normalisation, channels: number, what: string): { mean: number[]; std: number[] } {
  const expand = (values: readonly number[], option: string): number[] => {
    if (values.length === 1) return new Array(channels).fill(values[0]);
    if (values.length === channels) return [...values];
    throw new ImageError(
      `${option} has ${values.length} values, but ${what} has ${channels} channel${channels === 1 ? '' : 's'}: give 1 value or ${channels}`,
    );
  };
  const mean = expand(n.mean, '--mean');
  const std = expand(n.std, '--std');
  const zero = std.indexOf(0);
  if (zero >= 0) throw new ImageError(`--std is 0 for channel ${zero}; it divides, so it must not be 0`);
  return { mean, std };
}

/** Applies the normalisation in place to planar (C, H*W) data. */
export function normalisePlanar(data: Float32Array, channels: number, n: Normalisation, what: string): Float32Array {
  const { mean, std } = perChannel(n, channels, what);
  const plane = data.length / channels;
  const f = Math.fround;
  const num = f(n.scale.num);
  const den = f(n.scale.den);
  for (let c = 0; c < channels; c++) {
    const m = f(mean[c]);
    const s = f(std[c]);
    const identity = m === 0 && s === 1;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      let v = f(f(data[i] * num) / den);
      if (!identity) v = f(f(v - m) / s);
      data[i] = v;
    }
  }
  return data;
}
