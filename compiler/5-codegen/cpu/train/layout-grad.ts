/**
 * Gradients of data movement (permute, slice, pad, channel shuffle, concat), of reduce, softmax and the
 * broadcasting binary ops. Each walks d output in order and sends every element to the input element it
 * came from, through strides or index maps resolved at code generation. Where several output elements
 * come from one input element (pad's reflect and replicate, reduce, broadcasting) the sums are float64.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import type { PadMode } from '../../../ir/attrs.ts';
import { int, lin, sizeOf } from '../emit.ts';
import { stridedLoops, stridesOf } from '../strided.ts';
import type { GradNames } from './args.ts';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** gx[src] = gy[i] over `sizes` (the output's order), the input walked with `inStrides` from `base`. */
function scatter(k: GradNames, gx: string, sizes: readonly number[], inStrides: readonly number[], base = 0) {
  return stridedLoops(
    sizes,
    [
      { prefix: 'o', strides: stridesOf(sizes) },
      { prefix: 'x', strides: inStrides, base },
    ],
    ([io, ix]) => [`${gx}[${ix}] = ${k.gradOutput}[${io}];`],
  );
}

export function permuteGradLines(step: GradStep<'permute'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.inputShapes[0];
  const { dims } = step.attrs;
  const out = dims.map((d) => shape[d]);
  if (dims.length !== shape.length || !sameShape(out, step.outputShape) || new Set(dims).size !== dims.length)
    throw new Error(`cpu codegen: permute dims [${dims.join(', ')}] do not fit [${shape.join(', ')}]`);
  const strides = stridesOf(shape);
  return scatter(
    k,
    gx,
    out,
    dims.map((d) => strides[d]),
  );
}

export function sliceGradLines(step: GradStep<'slice'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.inputShapes[0];
  const { dim, start, end } = step.attrs;
  const out = shape.map((n, d) => (d === dim ? end - start : n));
  if (
    !(dim >= 0 && dim < shape.length && start >= 0 && start <= end && end <= shape[dim]) ||
    !sameShape(out, step.outputShape)
  )
    throw new Error(`cpu codegen: slice [${start}, ${end}) of dim ${dim} does not fit [${shape.join(', ')}]`);
  const strides = stridesOf(shape);
  const fill = end - start === shape[dim] ? [] : [`${gx}.fill(0);`];
  return [...fill, ...scatter(k, gx, out, strides, start * strides[dim])];
}

/** Output channel j*g + i came from input channel i*k + j. */
export function channelShuffleGradLines(step: GradStep<'channel_shuffle'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.inputShapes[0];
  const g = step.attrs.groups;
  if (shape.length < 2 || shape[1] % g !== 0 || !sameShape(shape, step.outputShape))
    throw new Error(`cpu codegen: channel_shuffle of [${shape.join(', ')}] into ${g} groups`);
  const [N, C] = shape;
  const per = C / g;
  const rest = sizeOf(shape.slice(2));
  return scatter(k, gx, [N, per, g, rest], [C * rest, rest, per * rest, 1]);
}

/** Each input's slab of d output along dim. */
export function concatGradLines(step: GradStep<'concat'>, k: GradNames): string[] {
  const { dim } = step.attrs;
  const outer = sizeOf(step.outputShape.slice(0, dim));
  const inner = sizeOf(step.outputShape.slice(dim + 1));
  const total = step.outputShape[dim];
  let start = 0;
  const lines: string[] = [];
  step.inputShapes.forEach((shape, i) => {
    const size = shape[dim];
    const gx = k.gradInputs[i];
    if (gx !== null) {
      const slab = size * inner;
      lines.push(
        `for (let o = 0; o < ${int(outer)}; o++) {`,
        `  const from = ${lin(lin('', 'o', total * inner), 1, start * inner)};`,
        `  ${gx}.set(${k.gradOutput}.subarray(from, from + ${int(slab)}), ${lin('', 'o', slab)});`,
        `}`,
      );
    }
    start += size;
  });
  if (start !== total) throw new Error(`cpu codegen: concat inputs do not add up to the output along dim ${dim}`);
  return lines;
}

/** The source index of every output index along one axis of F.pad (-1: the fill value), as runtime/reference/pad.ts. */
function padSources(n: number, before: number, after: number, mode: PadMode): number[] {
  const size = n + before + after;
  const fail = (why: string): never => {
    throw new Error(`cpu codegen: ${mode} pad (${before}, ${after}) of size ${n}: ${why}`);
  };
  if (size < 0) fail('negative output');
  const cropStart = Math.max(-before, 0);
  const kept = n + Math.min(before, 0) + Math.min(after, 0);
  const lead = Math.max(before, 0);
  if (mode === 'reflect' && (before >= n || after >= n)) fail('PyTorch needs pads below the size');
  if (mode === 'circular' && (Math.max(before, after) > n || lead > kept || Math.max(after, 0) > kept))
    fail('wraps more than once around what is kept');
  return Array.from({ length: size }, (_, j) => {
    const i = j - before;
    if (mode === 'constant') return i >= 0 && i < n ? i : -1;
    if (mode === 'reflect') return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    if (mode === 'replicate') return Math.min(Math.max(i, 0), n - 1);
    if (mode === 'circular') return cropStart + ((((j - lead) % kept) + kept) % kept);
    return fail('unknown mode');
  });
}

/** Every padded element's gradient added (float64, per plane) to the input element it copies. */
export function padGradLines(step: GradStep<'pad'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.inputShapes[0];
  if (shape.length < 2) throw new Error(`cpu codegen: pad needs at least 2 dims`);
  const H = shape[shape.length - 2];
  const W = shape[shape.length - 1];
  const [top, bottom, left, right] = step.attrs.pads;
  const rows = padSources(H, top, bottom, step.attrs.mode);
  const cols = padSources(W, left, right, step.attrs.mode);
  const planes = sizeOf(shape.slice(0, -2));
  const OH = rows.length;
  const OW = cols.length;
  if (!sameShape(step.outputShape, [...shape.slice(0, -2), OH, OW])) throw new Error(`cpu codegen: pad output shape`);
  // each input element is reached at most once when the maps never repeat a source (constant mode, crops)
  const once = [rows, cols].every((m) => new Set(m.filter((s) => s >= 0)).size === m.filter((s) => s >= 0).length);
  const target = once ? gx : 'acc';
  const targetBase = once ? lin('', 'q', H * W) : '0';
  return [
    `const rowMap = [${rows.map(int).join(', ')}];`,
    `const colMap = [${cols.map(int).join(', ')}];`,
    ...(once ? [`${gx}.fill(0);`] : [`const acc = new Float64Array(${int(H * W)});`]),
    `for (let q = 0; q < ${int(planes)}; q++) {`,
    ...(once ? [] : [`  acc.fill(0);`]),
    `  const xb = ${targetBase}, ob = ${lin('', 'q', OH * OW)};`,
    `  for (let y = 0; y < ${int(OH)}; y++) {`,
    `    const r = rowMap[y];`,
    `    if (r < 0) continue;`,
    `    const xr = ${lin('xb', 'r', W)}, orow = ${lin('ob', 'y', OW)};`,
    `    for (let x = 0; x < ${int(OW)}; x++) {`,
    `      const c = colMap[x];`,
    `      if (c >= 0) ${target}[xr + c] ${once ? '=' : '+='} ${k.gradOutput}[orow + x];`,
    `    }`,
    `  }`,
    ...(once ? [] : [`  ${gx}.set(acc, ${lin('', 'q', H * W)});`]),
    `}`,
  ];
}

/** d output for every element (divided by the count of reduced elements for mean). */
export function reduceGradLines(step: GradStep<'reduce'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.inputShapes[0];
  const { op, dims } = step.attrs;
  if (dims.length === 0 || !dims.every((d) => d >= 0 && d < shape.length))
    throw new Error(`cpu codegen: reduce dims [${dims.join(', ')}] do not fit [${shape.join(', ')}]`);
  const reduced = new Set(dims);
  const kept = shape.map((n, d) => (reduced.has(d) ? 1 : n));
  if (sizeOf(step.outputShape) !== sizeOf(kept)) throw new Error(`cpu codegen: reduce output shape mismatch`);
  const gStrides = stridesOf(kept).map((s, d) => (reduced.has(d) ? 0 : s));
  const count = sizeOf(dims.map((d) => shape[d]));
  return stridedLoops(
    shape,
    [
      { prefix: 'x', strides: stridesOf(shape) },
      { prefix: 'a', strides: gStrides },
    ],
    ([ix, ia]) => [`${gx}[${ix}] = ${k.gradOutput}[${ia}]${op === 'mean' ? ` / ${int(count)}` : ''};`],
  );
}

/** dx = y * (g - sum(g * y)) along dim. */
export function softmaxGradLines(step: GradStep<'softmax'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const shape = step.outputShape;
  const { dim } = step.attrs;
  if (!(dim >= 0 && dim < shape.length)) throw new Error(`cpu codegen: softmax dim ${dim} out of range`);
  const size = shape[dim];
  const inner = sizeOf(shape.slice(dim + 1));
  const outer = sizeOf(shape.slice(0, dim));
  const Y = k.output;
  const G = k.gradOutput;
  return [
    `for (let o = 0; o < ${int(outer)}; o++) {`,
    `  for (let i = 0; i < ${int(inner)}; i++) {`,
    `    const b = ${lin(lin('', 'o', size * inner), 'i', 1)};`,
    `    let dot = 0;`,
    `    for (let j = b; j < ${lin('b', 1, size * inner)}; j += ${int(inner)}) dot += ${G}[j] * ${Y}[j];`,
    `    for (let j = b; j < ${lin('b', 1, size * inner)}; j += ${int(inner)}) ${gx}[j] = ${Y}[j] * (${G}[j] - dot);`,
    `  }`,
    `}`,
  ];
}

/** `shape`'s strides in the right-aligned broadcast `out` (0 where it is broadcast). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  if (shape.length > out.length) throw new Error(`cpu codegen: binary input has a higher rank than the output`);
  const own = stridesOf(shape);
  return out.map((n, d) => {
    const i = d - (out.length - shape.length);
    if (i < 0 || shape[i] === 1) return 0;
    if (shape[i] !== n) throw new Error(`cpu codegen: [${shape.join(', ')}] does not broadcast to [${out.join(', ')}]`);
    return own[i];
  });
}

/**
 * d(a op b): partials at each output element (add g, g; sub g, -g; mul g*b, g*a; div g/b, -g*a/b^2), summed
 * over the broadcast dims of each input in float64 scratch (written directly where an input is not broadcast).
 */
export function binaryGradLines(step: GradStep<'binary'>, k: GradNames): string[] {
  const out = step.outputShape;
  const [sa, sb] = step.inputShapes;
  const [ga, gb] = k.gradInputs;
  const [A, B] = k.inputs;
  const op = step.attrs.op;
  const da: Record<string, string> = { add: 'gv', sub: 'gv', mul: `gv * ${B}[ib]`, div: `gv / ${B}[ib]` };
  const db: Record<string, string> = {
    add: 'gv',
    sub: '-gv',
    mul: `gv * ${A}[ia]`,
    div: `(-gv * ${A}[ia]) / (${B}[ib] * ${B}[ib])`,
  };
  if (!Object.hasOwn(da, op)) throw new Error(`cpu codegen: unknown binary op`);
  const direct = (shape: readonly number[]) => sizeOf(shape) === sizeOf(out);
  const targets = [
    { g: ga, shape: sa, acc: 'acca', expr: da[op], index: 'ia' },
    { g: gb, shape: sb, acc: 'accb', expr: db[op], index: 'ib' },
  ].filter((t) => t.g !== null);
  if (targets.length === 0) return [];
  const body = targets.map((t) =>
    direct(t.shape) ? `${t.g}[${t.index}] = ${t.expr};` : `${t.acc}[${t.index}] += ${t.expr};`,
  );
  return [
    ...targets
      .filter((t) => !direct(t.shape))
      .map((t) => `const ${t.acc} = new Float64Array(${int(sizeOf(t.shape))});`),
    ...stridedLoops(
      out,
      [
        { prefix: 'o', strides: stridesOf(out) },
        { prefix: 'a', strides: broadcastStrides(sa, out) },
        { prefix: 'b', strides: broadcastStrides(sb, out) },
      ],
      ([io, ia, ib]) => [`const gv = ${k.gradOutput}[${io}], ia = ${ia}, ib = ${ib};`, ...body],
    ),
    ...targets.filter((t) => !direct(t.shape)).map((t) => `${t.g}.set(${t.acc});`),
  ];
}
