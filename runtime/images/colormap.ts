/** Colour maps for feature maps: a value in [0, 1] to an RGB triple. */
export type ColormapName = 'grey' | 'viridis';
export const COLORMAPS: readonly ColormapName[] = ['grey', 'viridis'];

// matplotlib's viridis sampled at 9 evenly spaced points; linear between them (within a few levels of the full table)
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

export function colour(map: ColormapName, t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, t));
  if (map === 'grey') {
    const g = Math.round(v * 255);
    return [g, g, g];
  }
  const pos = v * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(pos), VIRIDIS.length - 2);
  const f = pos - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}
