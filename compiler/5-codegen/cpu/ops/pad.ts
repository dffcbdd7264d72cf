/**
 * F.pad on the last two dims. Where each output row and column reads from is worked out here, at code
 * generation, with PyTorch's rules (runtime/reference/pad.ts has the same rules as the oracle), then emitted
 * as runs: a run fills with the constant, or reads source index s0 + step * (j - j0) with step 1, -1
 * (reflect) or 0 (replicate). So the generated loops have no per-element mode logic.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import type { PadMode } from '../../../ir/attrs.ts';
import { type KernelNames, epilogueLines, indent, int, lin, num, sizeOf } from '../emit.ts';

/** The source index of every output index along one axis (-1: the fill value). */
function sources(n: number, before: number, after: number, mode: PadMode): number[] {
  const size = n + before + after;
  const fail = (why: string) => {
    throw new Error(`cpu codegen: ${mode} pad (${before}, ${after}) of size ${n}: ${why}`);
  };
  if (size < 0) fail('negative output');
  const out: number[] = [];
  const cropStart = Math.max(-before, 0);
  const kept = n + Math.min(before, 0) + Math.min(after, 0);
  const lead = Math.max(before, 0);
  if (mode === 'reflect' && (before >= n || after >= n)) fail('PyTorch needs pads below the size');
  if (mode === 'circular' && (Math.max(before, after) > n || lead > kept || Math.max(after, 0) > kept))
    fail('wraps more than once around what is kept');
  for (let j = 0; j < size; j++) {
    const i = j - before;
    if (mode === 'constant') out.push(i >= 0 && i < n ? i : -1);
    else if (mode === 'reflect') out.push(i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    else if (mode === 'replicate') out.push(Math.min(Math.max(i, 0), n - 1));
    else if (mode === 'circular') out.push(cropStart + ((((j - lead) % kept) + kept) % kept));
    else fail('unknown mode');
  }
  return out;
}

interface Run {
  readonly from: number;
  readonly to: number;
  /** source of index `from`, or -1 for the fill value */
  readonly src: number;
  readonly step: number;
}

/** Maximal runs of fill, or of sources moving by a constant step of -1, 0 or 1. */
function runs(src: readonly number[]): Run[] {
  const out: Run[] = [];
  let j = 0;
  while (j < src.length) {
    const fill = src[j] < 0;
    let step = fill || j + 1 >= src.length || src[j + 1] < 0 ? 0 : src[j + 1] - src[j];
    // a circular wrap jumps: the run ends there
    if (Math.abs(step) > 1) step = 0;
    const ok = (e: number) => (fill ? src[e] < 0 : src[e] === src[j] + step * (e - j));
    let end = j + 1;
    while (end < src.length && ok(end)) end++;
    out.push({ from: j, to: end, src: fill ? -1 : src[j], step });
    j = end;
  }
  return out;
}

/** `base + (s0 + step * (j - j0)) * scale` as folded source text. */
function along(base: string, run: Run, j: string, scale: number): string {
  return lin(lin(base, 1, (run.src - run.step * run.from) * scale), j, run.step * scale);
}

export function padLines(step: PlanStep<'pad'>, k: KernelNames): string[] {
  const shape = step.inputShapes[0];
  if (shape.length < 2) throw new Error(`cpu codegen: pad needs two trailing dims`);
  const H = shape[shape.length - 2];
  const W = shape[shape.length - 1];
  const [top, bottom, left, right] = step.attrs.pads;
  const rows = runs(sources(H, top, bottom, step.attrs.mode));
  const cols = runs(sources(W, left, right, step.attrs.mode));
  const OH = H + top + bottom;
  const OW = W + left + right;
  const out = step.outputShape;
  if (out[out.length - 2] !== OH || out[out.length - 1] !== OW) throw new Error(`cpu codegen: pad output shape`);
  const planes = sizeOf(shape.slice(0, -2));
  const X = k.inputs[0];
  const fill = num(step.attrs.value);
  const store = (value: string, o: string) => [
    `let v = ${value};`,
    ...epilogueLines(step.epilogue, k, o),
    `${k.out}[${o}] = v;`,
  ];
  const loop = (col: { from: number; to: number }, value: string) => [
    `for (let c = ${int(col.from)}; c < ${int(col.to)}; c++) {`,
    ...indent(store(value, 'orow + c')),
    `}`,
  ];
  const rowBody = (row: Run): string[] =>
    row.src < 0
      ? loop({ from: 0, to: OW }, fill)
      : cols.flatMap((col) => loop(col, col.src < 0 ? fill : `${X}[${along('xr', col, 'c', 1)}]`));
  const body = rows.flatMap((row) => [
    `for (let r = ${int(row.from)}; r < ${int(row.to)}; r++) {`,
    `  const orow = ${lin('op', 'r', OW)}${row.src < 0 ? '' : `, xr = ${along('xp', row, 'r', W)}`};`,
    ...indent(rowBody(row)),
    `}`,
  ]);
  return [
    `for (let q = 0; q < ${int(planes)}; q++) {`,
    `  const xp = ${lin('', 'q', H * W)}, op = ${lin('', 'q', OH * OW)};`,
    ...indent(body),
    `}`,
  ];
}
