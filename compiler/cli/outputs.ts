/**
 * What `cnnc run` writes: every output (and tapped layer) as OUT/<name>.npy; with --png, a 4-D one
 * also as a picture of its feature maps (one PNG per sample) with its value ranges beside it in
 * OUT/<name>.json; a 2-D one (logits) also as a top-k table on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../3-lower/plan.ts';
import { type ColormapName, featureGrid, formatValue } from '../../runtime/images/index.ts';
import { writeNpy } from '../../runtime/io/npy.ts';
import type { Tensor } from '../ir/tensor.ts';
import type { Output } from './check-command.ts';

export interface OutputOptions {
  readonly out: string;
  readonly png: boolean;
  /** tile enlargement; undefined: automatic */
  readonly zoom?: number;
  readonly colormap: ColormapName;
  /** rows of the top-k table for 2-D outputs; 0: no table */
  readonly topK: number;
  /** class names for the top-k table, by index */
  readonly labels: readonly string[] | null;
  /** the file each sample of the batch came from, when the inputs were files */
  readonly samples: readonly string[] | null;
}

/** A file name from an output name: dots kept (layer1.conv1), anything unusual becomes `_`. */
export function fileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return stem === '' || /^\.+$/.test(stem) ? '_' : stem;
}

export interface WrittenOutput {
  readonly name: string;
  readonly npy: string;
  readonly pngs: readonly string[];
}

/** Writes every output; `step` is called after each one (for the progress bar). */
export function writeOutputs(
  outputs: Record<string, Tensor>,
  plan: Plan,
  opts: OutputOptions,
  io: Output,
  step: () => void = () => undefined,
): WrittenOutput[] {
  mkdirSync(opts.out, { recursive: true });
  const written: WrittenOutput[] = [];
  for (const [name, t] of Object.entries(outputs)) {
    const stem = fileStem(name);
    const npy = join(opts.out, `${stem}.npy`);
    writeFileSync(npy, writeNpy(t));
    io.out(`${name}: [${t.shape.join(', ')}] -> ${npy}`);
    const pngs = opts.png && t.shape.length === 4 ? writePictures(name, stem, t, opts, io) : [];
    if (t.shape.length === 2 && opts.topK > 0)
      io.out(topKTable(t, opts.topK, opts.labels, !producedBySoftmax(plan, name), opts.samples));
    written.push({ name, npy, pngs });
    step();
  }
  return written;
}

function writePictures(name: string, stem: string, t: Tensor, opts: OutputOptions, io: Output): string[] {
  const n = t.shape[0];
  const paths: string[] = [];
  const samples = [];
  for (let s = 0; s < n; s++) {
    const grid = featureGrid(t, s, { zoom: opts.zoom, colormap: opts.colormap });
    const path = join(opts.out, n === 1 ? `${stem}.png` : `${stem}-${s}.png`);
    writeFileSync(path, grid.png);
    paths.push(path);
    samples.push({
      sample: s,
      source: opts.samples?.[s] ?? null,
      png: path,
      width: grid.width,
      height: grid.height,
      ranges: grid.ranges.map(jsonRange),
    });
    const from = opts.samples?.[s] ? ` (${opts.samples[s]})` : '';
    io.out(
      `  picture${n > 1 ? ` ${s}` : ''}${from}: ${path} (${t.shape[1]} channel${t.shape[1] === 1 ? '' : 's'}, ${grid.zoom}x zoom, ${grid.colormap}; each channel from its min to its max)`,
    );
    const shown = grid.ranges.slice(0, 8).map((r) => `ch${r.channel} ${formatValue(r.min)}..${formatValue(r.max)}`);
    io.out(`    ${shown.join('  ')}${grid.ranges.length > 8 ? `  ... (${grid.ranges.length} channels in all)` : ''}`);
  }
  const json = join(opts.out, `${stem}.json`);
  writeFileSync(
    json,
    `${JSON.stringify({ output: name, shape: t.shape, colormap: opts.colormap, note: 'each channel is drawn from its own min (black / left end of the bar) to its own max', samples }, null, 2)}\n`,
  );
  io.out(`    value ranges: ${json}`);
  return paths;
}

// JSON has no NaN: an all-NaN channel's range is null
const jsonRange = (r: { channel: number; min: number; max: number; nan: number }) => ({
  channel: r.channel,
  min: Number.isNaN(r.min) ? null : r.min,
  max: Number.isNaN(r.max) ? null : r.max,
  nan: r.nan,
});

/** True when the output is a Softmax's result (its values are probabilities already). */
export function producedBySoftmax(plan: Plan, outputName: string): boolean {
  const buffer = plan.outputs.find((o) => o.name === outputName)?.buffer;
  return plan.steps.some((s) => s.output === buffer && s.op === 'softmax');
}

/** The k largest entries of each row of a [N, K] tensor, with softmax probabilities for logits. */
export function topKTable(
  t: Tensor,
  k: number,
  labels: readonly string[] | null,
  withSoftmax: boolean,
  samples: readonly string[] | null = null,
): string {
  const [n, classes] = t.shape;
  const rows = Math.min(k, classes);
  const lines: string[] = [];
  for (let s = 0; s < n; s++) {
    const row = t.data.subarray(s * classes, (s + 1) * classes);
    const order = [...row.keys()].sort((a, b) => row[b] - row[a] || a - b).slice(0, rows);
    const max = Math.max(...row);
    const sum = row.reduce((acc, v) => acc + Math.exp(v - max), 0);
    const head = ['rank', 'class', 'score', ...(withSoftmax ? ['softmax'] : [])];
    const body = order.map((c, r) => [
      String(r + 1),
      labels?.[c] !== undefined ? `${c} ${labels[c]}` : String(c),
      formatValue(row[c]),
      ...(withSoftmax ? [formatProbability(Math.exp(row[c] - max) / sum)] : []),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const fmt = (cells: string[]) =>
      `    ${cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
    const from = samples?.[s] ? `, ${samples[s]}` : '';
    lines.push(
      `  top ${rows} of ${classes}${n > 1 ? ` (sample ${s}${from})` : from ? ` (${samples![s]})` : ''}:`,
      fmt(head),
      ...body.map(fmt),
    );
  }
  return lines.join('\n');
}

function formatProbability(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}
