/**
 * A 4-D tensor's channels as one picture: each channel (of one sample) a tile, normalised on its own
 * from its minimum (left end of the colour bar) to its maximum (right end), labelled with the channel
 * number and its value range in a built-in 5x7 bitmap font, with a colour bar legend under the grid.
 * Small maps are enlarged by an integer factor (nearest neighbour), so every value stays one block.
 */
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { colour, type ColormapName } from './colormap.ts';
import { encodePng } from './encode.ts';
import { drawText, GLYPH_HEIGHT, textWidth } from './font5x7.ts';

export interface GridOptions {
  /** integer enlargement of every tile; default: so the longer side is about 128 pixels */
  readonly zoom?: number;
  readonly colormap?: ColormapName;
}

export interface ChannelRange {
  readonly channel: number;
  /** over the finite values; NaN when the channel has none */
  readonly min: number;
  readonly max: number;
  /** NaN values (drawn magenta); infinities are drawn at the ends of the colour bar */
  readonly nan: number;
}

export interface FeatureGrid {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly zoom: number;
  readonly columns: number;
  readonly colormap: ColormapName;
  readonly ranges: readonly ChannelRange[];
  /** the top-left pixel of each channel's tile (inside its frame) */
  readonly tiles: readonly { readonly x: number; readonly y: number }[];
  /** the colour bar: its left end is every channel's min, its right end every channel's max */
  readonly legend: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

const MARGIN = 8;
const GAP = 10;
const LINE = GLYPH_HEIGHT + 3;
const BAR_HEIGHT = 10;
const BACKGROUND = [255, 255, 255] as const;
const INK = [0, 0, 0] as const;
const FRAME = [160, 160, 160] as const;
const NAN_COLOUR = [255, 0, 255] as const;

/** Auto zoom: the longer side of a tile becomes about 128 pixels (at most 32x, at least 1x). */
export function autoZoom(height: number, width: number): number {
  return Math.max(1, Math.min(32, Math.floor(128 / Math.max(height, width))));
}

/** Up to 4 channels in a row; more make a near-square grid. */
export function gridColumns(channels: number): number {
  return channels <= 4 ? channels : Math.ceil(Math.sqrt(channels));
}

/** Three significant digits, exponent form when very large or small. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(3)));
}

export function channelRanges(t: Tensor, sample: number): ChannelRange[] {
  const [, c, h, w] = t.shape;
  const plane = h * w;
  const out: ChannelRange[] = [];
  for (let ch = 0; ch < c; ch++) {
    let min = Infinity;
    let max = -Infinity;
    let nan = 0;
    const base = (sample * c + ch) * plane;
    for (let i = base; i < base + plane; i++) {
      const v = t.data[i];
      if (Number.isNaN(v)) nan++;
      else if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    out.push(min <= max ? { channel: ch, min, max, nan } : { channel: ch, min: NaN, max: NaN, nan });
  }
  return out;
}

/** Where a value sits between its channel's min and max; a constant channel sits in the middle. */
export function normalisedValue(v: number, r: ChannelRange): number {
  if (v === Infinity) return 1;
  if (v === -Infinity) return 0;
  return r.max > r.min ? (v - r.min) / (r.max - r.min) : 0.5;
}

function labelLines(r: ChannelRange): string[] {
  const lines = [`ch ${r.channel}`, `min ${formatValue(r.min)}`, `max ${formatValue(r.max)}`];
  if (r.nan > 0) lines.push(`NaN ${r.nan}`);
  return lines;
}

export function featureGrid(t: Tensor, sample = 0, options: GridOptions = {}): FeatureGrid {
  if (t.shape.length !== 4) throw new Error(`featureGrid needs a 4-D [N, C, H, W] tensor, got [${t.shape.join(', ')}]`);
  const [n, channels, h, w] = t.shape;
  if (sample < 0 || sample >= n) throw new Error(`featureGrid: sample ${sample} outside the batch of ${n}`);
  const zoom = options.zoom ?? autoZoom(h, w);
  if (!Number.isInteger(zoom) || zoom < 1) throw new Error(`featureGrid: zoom must be a positive integer, got ${zoom}`);
  const colormap = options.colormap ?? 'grey';
  const ranges = channelRanges(t, sample);
  const labels = ranges.map(labelLines);
  const columns = Math.max(1, gridColumns(channels));
  const rows = Math.ceil(channels / columns);
  const tileW = w * zoom + 2;
  const tileH = h * zoom + 2;
  const cellW = Math.max(tileW, ...labels.flat().map((s) => textWidth(s)));
  const cellH = tileH + 4 + Math.max(...labels.map((l) => l.length)) * LINE;
  const gridW = columns * cellW + (columns - 1) * GAP;
  const legendMin = 140;
  const width = 2 * MARGIN + Math.max(gridW, legendMin);
  const legendTop = MARGIN + rows * cellH + (rows - 1) * GAP + GAP;
  const height = legendTop + BAR_HEIGHT + 4 + 2 + GLYPH_HEIGHT + MARGIN;

  const data = new Uint8Array(width * height * 4);
  const put = (x: number, y: number, rgb: readonly number[]): void => {
    const i = (y * width + x) * 4;
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
    data[i + 3] = 255;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, BACKGROUND);

  const tiles: { x: number; y: number }[] = [];
  for (let ch = 0; ch < channels; ch++) {
    const cx = MARGIN + (ch % columns) * (cellW + GAP);
    const cy = MARGIN + Math.floor(ch / columns) * (cellH + GAP);
    const fx = cx + Math.floor((cellW - tileW) / 2);
    for (let x = 0; x < tileW; x++) {
      put(fx + x, cy, FRAME);
      put(fx + x, cy + tileH - 1, FRAME);
    }
    for (let y = 0; y < tileH; y++) {
      put(fx, cy + y, FRAME);
      put(fx + tileW - 1, cy + y, FRAME);
    }
    const tx = fx + 1;
    const ty = cy + 1;
    tiles.push({ x: tx, y: ty });
    const r = ranges[ch];
    const base = (sample * channels + ch) * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = t.data[base + y * w + x];
        const rgb = Number.isNaN(v) ? NAN_COLOUR : colour(colormap, normalisedValue(v, r));
        for (let dy = 0; dy < zoom; dy++)
          for (let dx = 0; dx < zoom; dx++) put(tx + x * zoom + dx, ty + y * zoom + dy, rgb);
      }
    }
    labels[ch].forEach((line, k) => drawText(line, cx, cy + tileH + 4 + k * LINE, (x, y) => put(x, y, INK)));
  }

  // legend: the colour bar every tile uses, from its own min (left tick) to its own max (right tick)
  const barW = Math.min(256, width - 2 * MARGIN);
  for (let x = 0; x < barW; x++) {
    const rgb = colour(colormap, barW === 1 ? 0 : x / (barW - 1));
    for (let y = 0; y < BAR_HEIGHT; y++) put(MARGIN + x, legendTop + y, rgb);
  }
  for (const x of [MARGIN, MARGIN + barW - 1]) for (let y = -2; y < BAR_HEIGHT + 4; y++) put(x, legendTop + y, INK);
  const textY = legendTop + BAR_HEIGHT + 6;
  drawText('min', MARGIN, textY, (x, y) => put(x, y, INK));
  drawText('max', MARGIN + barW - textWidth('max'), textY, (x, y) => put(x, y, INK));

  const legend = { x: MARGIN, y: legendTop, width: barW, height: BAR_HEIGHT };
  return { png: encodePng({ width, height, data }), width, height, zoom, columns, colormap, ranges, tiles, legend };
}
