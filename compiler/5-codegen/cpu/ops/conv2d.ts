/**
 * conv2d as a direct convolution specialised to static shapes.
 *
 * Layout NCHW, weight [OC, C/groups, KH, KW]. Output channels are processed in blocks (8, then 4, 2, 1
 * for the remainder of a group) so each input load feeds several accumulations; for each block the
 * output planes are filled with the bias and every (input channel, tap) is accumulated into them, output
 * row by output row, with the innermost loop running over contiguous output width (two output pixels
 * per iteration) and the weights hoisted into locals.
 *
 * Padding checks are resolved at generation time: rows and columns whose whole kernel window lies inside
 * the input ("interior") run unrolled loops with no checks (small kernels: all taps in one sweep; large
 * ones: one sweep per kernel row); border rows sweep only the kernel rows that fall inside the input,
 * and the few border columns use a checked loop. Generated functions stay small (V8 does not optimise
 * functions over ~60 KB of bytecode), so unrolling is bounded by the limits below. Non-zero padding modes first copy
 * the input into a pre-padded scratch buffer (the index maps are literal arrays), after which the conv
 * runs with no padding. Depthwise convs are the Cg = 1 case: one input plane per output channel and no
 * input-channel loop. 1x1 stride-1 convs are a blocked matrix product (see pointwiseBody).
 */
import type { PaddingMode } from '../../../ir/attrs.ts';
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, epiloguePass, indent, int, lin, requireParam, shape4 } from '../emit.ts';

/** Output-channel block sizes, largest first (the last must be 1). */
const OC_BLOCKS = [8, 4, 2, 1];
/** Largest (channel block x kernel width): bounds the unrolled taps of one kernel row. */
const MAX_ROW_WEIGHTS = 64;
/** Output pixels per inner-loop iteration in the direct path. */
const PIXELS = 2;
/** Fuse all kernel rows into one inner loop while (taps x channel block) stays this small. */
const MAX_FUSED_WEIGHTS = 80;
/** The 1x1 path: output channels and input channels per block, and the pixel tile kept in L1. */
const PW_OC_BLOCKS = [8, 4, 2, 1];
const PW_C_BLOCK = 4;
const PW_TILE = 512;

export function conv2dLines(step: PlanStep<'conv2d'>, k: KernelNames): string[] {
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'conv2d input');
  const [N2, OC, OH, OW] = shape4(step.outputShape, 'conv2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pb, pl, pr] = a.pads;
  const G = a.groups;
  if (N2 !== N || C % G !== 0 || OC % G !== 0) throw new Error(`cpu codegen: inconsistent conv2d shapes/groups`);
  const expOH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const expOW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  if (expOH !== OH || expOW !== OW) {
    throw new Error(`cpu codegen: conv2d output ${OH}x${OW} does not match the attrs (expected ${expOH}x${expOW})`);
  }
  const wt = requireParam(step, k, 'weight');
  const bias = k.params.bias ?? null;
  if (a.bias && bias === null) requireParam(step, k, 'bias');

  const prepad = a.padding_mode !== 'zeros' && pt + pb + pl + pr > 0;
  const g: Geometry = {
    N,
    C,
    H,
    W,
    OC,
    OH,
    OW,
    KH,
    KW,
    sh,
    sw,
    dh,
    dw,
    G,
    Cg: C / G,
    OCg: OC / G,
    Hs: prepad ? H + pt + pb : H,
    Ws: prepad ? W + pl + pr : W,
    PT: prepad ? 0 : pt,
    PL: prepad ? 0 : pl,
    X: prepad ? 'xs' : k.inputs[0],
    batchStride: prepad ? 0 : C * H * W,
    wt,
    bias,
    O: k.out,
  };
  const lines: string[] = [];
  if (prepad) lines.push(...prepadDecl(a.padding_mode, g, pt, pl));
  const pointwise =
    KH === 1 && KW === 1 && sh === 1 && sw === 1 && g.PT === 0 && g.PL === 0 && OH === g.Hs && OW === g.Ws;
  const block = pointwise
    ? (oc: string, nb: number) => pointwiseBlock(step, k, g, oc, nb)
    : (oc: string, nb: number) => directBlock(step, k, g, oc, nb);
  lines.push(`for (let n = 0; n < ${int(N)}; n++) {`);
  if (prepad) lines.push(...indent(prepadFill(g, k.inputs[0])));
  lines.push(
    `  const xb = ${lin('', 'n', g.batchStride)}, ob = ${lin('', 'n', OC * OH * OW)};`,
    ...indent(
      groupLoops(g, pointwise ? PW_OC_BLOCKS : OC_BLOCKS.filter((nb) => nb === 1 || nb * KW <= MAX_ROW_WEIGHTS), block),
    ),
    `}`,
  );
  return lines;
}

interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OC: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  G: number;
  Cg: number;
  OCg: number;
  /** the source the taps read (the input, or the pre-padded scratch), its size and remaining padding */
  Hs: number;
  Ws: number;
  PT: number;
  PL: number;
  X: string;
  batchStride: number;
  /** identifiers of the weight, bias (or null) and output arrays */
  wt: string;
  bias: string | null;
  O: string;
}

function padIndex(mode: PaddingMode, i: number, n: number): number {
  let j: number;
  if (mode === 'reflect') j = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
  else if (mode === 'replicate') j = Math.min(Math.max(i, 0), n - 1);
  else j = ((i % n) + n) % n;
  if (!(j >= 0 && j < n)) throw new Error(`cpu codegen: ${mode} padding too large for a dimension of size ${n}`);
  return j;
}

function prepadDecl(mode: PaddingMode, g: Geometry, pt: number, pl: number): string[] {
  const rows = Array.from({ length: g.Hs }, (_, y) => padIndex(mode, y - pt, g.H));
  const cols = Array.from({ length: g.Ws }, (_, x) => padIndex(mode, x - pl, g.W));
  return [
    `// ${mode} padding: each batch item is copied into a pre-padded scratch buffer`,
    `const xs = new Float32Array(${int(g.C * g.Hs * g.Ws)});`,
    `const rowMap = [${rows.map(int).join(', ')}];`,
    `const colMap = [${cols.map(int).join(', ')}];`,
  ];
}

function prepadFill(g: Geometry, input: string): string[] {
  return [
    `for (let c = 0; c < ${int(g.C)}; c++) {`,
    `  const sc = ${lin(lin('', 'n', g.C * g.H * g.W), 'c', g.H * g.W)}, dc = ${lin('', 'c', g.Hs * g.Ws)};`,
    `  for (let y = 0; y < ${int(g.Hs)}; y++) {`,
    `    const sr = sc + rowMap[y] * ${int(g.W)}, dr = ${lin('dc', 'y', g.Ws)};`,
    `    for (let x = 0; x < ${int(g.Ws)}; x++) xs[dr + x] = ${input}[sr + colMap[x]];`,
    `  }`,
    `}`,
  ];
}

/**
 * Loops over the groups and, inside each, over blocks of output channels: as many blocks of the
 * largest size as fit, then at most one of each smaller size. `xg` is the group's first input plane.
 */
function groupLoops(g: Geometry, sizes: readonly number[], block: (oc: string, nb: number) => string[]): string[] {
  const grouped = g.G > 1;
  const base = grouped ? 'g0' : '';
  const lines: string[] = [];
  let done = 0;
  for (const nb of sizes) {
    const count = Math.floor((g.OCg - done) / nb);
    if (count === 0) continue;
    const lo = lin(base, 1, done);
    const hi = lin(base, 1, done + count * nb);
    const body = block('oc', nb);
    lines.push(
      `// output channels ${count > 1 ? `in blocks of ${nb}` : nb === 1 ? 'one at a time' : `as one block of ${nb}`}`,
      ...(count === 1 ? [`{`, `  const oc = ${lo};`] : [`for (let oc = ${lo}; oc < ${hi}; oc += ${int(nb)}) {`]),
      ...indent(body),
      `}`,
    );
    done += count * nb;
  }
  if (!grouped) return [`const xg = xb;`, ...lines];
  return [
    `for (let gi = 0; gi < ${int(g.G)}; gi++) {`,
    `  const g0 = ${lin('', 'gi', g.OCg)}, xg = ${lin('xb', 'gi', g.Cg * g.Hs * g.Ws)};`,
    ...indent(lines),
    `}`,
  ];
}

/** `[0, nb)` block-plane fill with the bias (or zeros). */
function fillBlock(g: Geometry, nb: number, plane: number): string[] {
  if (g.bias === null) return [`${g.O}.fill(0, op, ${lin('op', 1, nb * plane)});`];
  return Array.from(
    { length: nb },
    (_, j) =>
      `${g.O}.fill(${g.bias}[${lin('oc', 1, j)}], ${lin('op', 1, j * plane)}, ${lin('op', 1, (j + 1) * plane)});`,
  );
}

/** [lo, hi) of output positions whose whole window (taps 0..K-1) lies inside [0, size); empty -> [out, out). */
function interiorRange(out: number, size: number, pad: number, K: number, s: number, d: number): [number, number] {
  const lo = Math.min(out, Math.max(0, Math.ceil(pad / s)));
  const hi = Math.min(out, Math.max(0, Math.floor((size - 1 + pad - (K - 1) * d) / s) + 1));
  return hi > lo ? [lo, hi] : [out, out];
}

/** Sum of terms as `(a + b + c) + (d + e + f)`: one group per kernel row keeps add chains short. */
function groupedSum(groups: string[][]): string {
  const parts = groups.filter((t) => t.length > 0).map((t) => t.join(' + '));
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' +\n');
}

/** Direct convolution of the `nb` output channels starting at `oc` (all in one group). */
function directBlock(step: PlanStep, k: KernelNames, g: Geometry, oc: string, nb: number): string[] {
  const { OH, OW, KH, KW, sh, sw, dh, dw, Cg, Hs, Ws, PT, PL, X, O, wt } = g;
  const OHW = OH * OW;
  const KK = KH * KW;
  const CgKK = Cg * KK;
  const [ohA, ohB] = interiorRange(OH, Hs, PT, KH, sh, dh);
  const [owA, owB] = interiorRange(OW, Ws, PL, KW, sw, dw);
  const blocks = Array.from({ length: nb }, (_, j) => j);

  /**
   * Interior columns: `PIXELS` output pixels per iteration, then single pixels. `rows` lists the
   * kernel rows accumulated, each with the source offset of its input row and its weight names.
   */
  const interiorCols = (
    base: string,
    rows: { off: number; w: (j: number, kw: number) => string; tag: string }[],
  ): string[] => {
    if (owA >= owB) return [];
    const lines: string[] = [];
    const span = owB - owA;
    const full = span - (span % PIXELS);
    const loop = (px: number, lo: number, hi: number) => {
      const offs = new Set<number>();
      for (let p = 0; p < px; p++) for (let kw = 0; kw < KW; kw++) offs.add(p * sw + kw * dw);
      const loads = rows.flatMap((r) => [...offs].map((o) => `x${r.tag}${o} = ${X}[${lin('xi', 1, r.off + o)}]`));
      const body: string[] = [`const ${loads.join(', ')};`];
      for (const j of blocks) {
        for (let p = 0; p < px; p++) {
          const sum = groupedSum(
            rows.map((r) => Array.from({ length: KW }, (_, kw) => `${r.w(j, kw)} * x${r.tag}${p * sw + kw * dw}`)),
          );
          const [first, ...rest] = sum.split('\n');
          body.push(`${O}[${lin('o', 1, j * OHW + p)}] += ${first}${rest.length === 0 ? ';' : ''}`);
          rest.forEach((r, i) => body.push(`  ${r}${i === rest.length - 1 ? ';' : ''}`));
        }
      }
      lines.push(
        `for (let ow = ${int(lo)}, xi = ${lin(base, 1, lo * sw - PL)}, o = ${lin('orow', 1, lo)}; ow < ${int(hi)}; ow += ${int(px)}, xi += ${int(px * sw)}, o += ${int(px)}) {`,
        ...indent(body),
        `}`,
      );
    };
    if (full > 0) loop(PIXELS, owA, owA + full);
    if (full < span) loop(1, owA + full, owB);
    return lines;
  };

  /**
   * One checked loop over the border columns (0..owA-1, then owB..OW-1): over all `KH` kernel rows,
   * or (null) over the current row only, whose input row `xk` and weight row `wk` are in scope.
   */
  const nBorderCols = owA + (OW - owB);
  const borderCols = (allRows: number | null): string[] => {
    if (nBorderCols === 0) return [];
    const ow = owB === OW ? 'i' : owA === 0 ? lin('i', 1, owB) : `i < ${int(owA)} ? i : ${lin('i', 1, owB - owA)}`;
    const taps = [
      `for (let kw = 0; kw < ${int(KW)}; kw++) {`,
      `  const iw = ${lin('iw0', 'kw', dw)};`,
      `  if (iw < 0 || iw >= ${int(Ws)}) continue;`,
      `  const t = ${X}[xk + iw];`,
      ...blocks.map((j) => `  s${j} += ${wt}[${lin('wk + kw', 1, j * CgKK)}] * t;`),
      `}`,
    ];
    return [
      `for (let i = 0; i < ${int(nBorderCols)}; i++) {`,
      `  const ow = ${ow};`,
      `  const iw0 = ${lin(lin('', 'ow', sw), 1, -PL)};`,
      `  let ${blocks.map((j) => `s${j} = 0`).join(', ')};`,
      ...(allRows === null
        ? indent(taps)
        : [
            `  for (let kh = 0; kh < ${int(allRows)}; kh++) {`,
            `    const xk = ${lin('xr', 'kh', dh * Ws)}, wk = ${lin('wc', 'kh', KW)};`,
            ...indent(taps, '    '),
            `  }`,
          ]),
      ...blocks.map((j) => `  ${O}[${lin('orow + ow', 1, j * OHW)}] += s${j};`),
      `}`,
    ];
  };

  /** Kernel rows [khLo, khHi) one at a time: that row's weights are loaded, then its columns swept. */
  const rowByRow = (khLo: string, khHi: string): string[] => [
    `for (let kh = ${khLo}; kh < ${khHi}; kh++) {`,
    `  const xk = ${lin('xr', 'kh', dh * Ws)}, wk = ${lin('wc', 'kh', KW)};`,
    ...blocks.map(
      (j) =>
        `  const ${Array.from({ length: KW }, (_, kw) => `v${j}_${kw} = ${wt}[${lin('wk', 1, j * CgKK + kw)}]`).join(', ')};`,
    ),
    ...indent(interiorCols('xk', [{ off: 0, w: (j, kw) => `v${j}_${kw}`, tag: '' }])),
    ...indent(borderCols(null)),
    `}`,
  ];

  const fuse = KK * nb <= MAX_FUSED_WEIGHTS;
  const weights: string[] = [];
  let interiorRow: string[];
  if (fuse) {
    // all taps in one sweep with every weight of the block hoisted out of the row loop
    for (const j of blocks) {
      for (let kh = 0; kh < KH; kh++) {
        const ws = Array.from(
          { length: KW },
          (_, kw) => `w${j}_${kh}_${kw} = ${wt}[${lin('wc', 1, j * CgKK + kh * KW + kw)}]`,
        );
        weights.push(`const ${ws.join(', ')};`);
      }
    }
    const rows = Array.from({ length: KH }, (_, kh) => ({
      off: kh * dh * Ws,
      w: (j: number, kw: number) => `w${j}_${kh}_${kw}`,
      tag: `${kh}_`,
    }));
    interiorRow = [...interiorCols('xr', rows), ...borderCols(KH)];
  } else {
    interiorRow = rowByRow('0', int(KH));
  }
  const rowHead = [`const orow = ${lin('op', 'oh', OW)};`, `const xr = ${lin(lin('xc', 'oh', sh * Ws), 1, -PT * Ws)};`];
  const rowLines: string[] = [];
  const nBorderRows = ohA + (OH - ohB);
  if (nBorderRows > 0) {
    const oh = ohB === OH ? 'r' : ohA === 0 ? lin('r', 1, ohB) : `r < ${int(ohA)} ? r : ${lin('r', 1, ohB - ohA)}`;
    // kernel rows kh with 0 <= oh*sh - PT + kh*dh < Hs
    const ih0 = lin(lin('', 'oh', sh), 1, -PT);
    const khLo = dh === 1 ? `ih0 < 0 ? -ih0 : 0` : `ih0 < 0 ? ((${int(dh - 1)} - ih0) / ${int(dh)}) | 0 : 0`;
    const khHi =
      dh === 1
        ? `Math.min(${int(KH)}, ${int(Hs)} - ih0)`
        : `Math.min(${int(KH)}, ((${int(Hs + dh - 1)} - ih0) / ${int(dh)}) | 0)`;
    rowLines.push(
      `// border rows (${int(ohA)} at the top, ${int(OH - ohB)} at the bottom): only kernel rows inside the input`,
      `for (let r = 0; r < ${int(nBorderRows)}; r++) {`,
      `  const oh = ${oh};`,
      ...indent(rowHead),
      `  const ih0 = ${ih0};`,
      `  const khLo = ${khLo}, khHi = ${khHi};`,
      ...indent(rowByRow('khLo', 'khHi')),
      `}`,
    );
  }
  if (ohA < ohB) {
    rowLines.push(
      `// interior rows`,
      `for (let oh = ${int(ohA)}; oh < ${int(ohB)}; oh++) {`,
      ...indent([...rowHead, ...interiorRow]),
      `}`,
    );
  }

  const channel = [...weights, ...rowLines];
  const lines = [`const op = ${lin('ob', oc, OHW)};`, ...fillBlock(g, nb, OHW)];
  if (Cg === 1) {
    lines.push(`const xc = xg, wc = ${lin('', oc, KK)};`, ...channel);
  } else {
    lines.push(
      `for (let c = 0; c < ${int(Cg)}; c++) {`,
      `  const xc = ${lin('xg', 'c', Hs * Ws)}, wc = ${lin(lin('', oc, CgKK), 'c', KK)};`,
      ...indent(channel),
      `}`,
    );
  }
  lines.push(...epiloguePass(step.epilogue, k, 'op', lin('op', 1, nb * OHW)));
  return lines;
}

/**
 * 1x1 stride-1 conv of the `nb` output channels starting at `oc`: out[oc, p] = sum_c W[oc, c] * x[c, p].
 * Pixels are processed in tiles that stay in L1; within a tile, input channels are taken four at a
 * time so each pass over the tile does nb x 4 multiply-adds per pixel. The epilogue runs per tile.
 */
function pointwiseBlock(step: PlanStep, k: KernelNames, g: Geometry, oc: string, nb: number): string[] {
  const { Cg, OH, OW, X, O, wt } = g;
  const HW = OH * OW;
  const tiled = HW > PW_TILE;
  const blocks = Array.from({ length: nb }, (_, j) => j);
  const pLo = tiled ? 't' : '0';
  const pHi = tiled ? 'te' : int(HW);
  const cPass = (cb: number): string[] => {
    const qs = Array.from({ length: cb }, (_, q) => q);
    const ws = blocks.map(
      (j) => `const ${qs.map((q) => `a${j}_${q} = ${wt}[${lin('wi', 1, j * Cg + q)}]`).join(', ')};`,
    );
    return [
      `const wi = ${lin(lin('', oc, Cg), 'c', 1)}, xc = ${lin('xg', 'c', HW)};`,
      ...ws,
      `for (let p = ${pLo}; p < ${pHi}; p++) {`,
      `  const ${qs.map((q) => `v${q} = ${X}[${lin('xc + p', 1, q * HW)}]`).join(', ')};`,
      ...blocks.map((j) => `  ${O}[${lin('op + p', 1, j * HW)}] += ${pairSum(qs.map((q) => `a${j}_${q} * v${q}`))};`),
      `}`,
    ];
  };
  const full = Cg - (Cg % PW_C_BLOCK);
  const inner: string[] = [];
  if (full > 0)
    inner.push(`for (let c = 0; c < ${int(full)}; c += ${int(PW_C_BLOCK)}) {`, ...indent(cPass(PW_C_BLOCK)), `}`);
  if (full < Cg) inner.push(`for (let c = ${int(full)}; c < ${int(Cg)}; c++) {`, ...indent(cPass(1)), `}`);
  if (step.epilogue.residual !== null || step.epilogue.activation !== null) {
    inner.push(
      `for (let i = ${lin('op', 1, 0)} + ${pLo}; i < op + ${pHi}; i++) {`,
      ...blocks.flatMap((j) => {
        const idx = lin('i', 1, j * HW);
        return [
          `  {`,
          `    let v = ${O}[${idx}];`,
          ...indent(epilogueLines(step.epilogue, k, idx), '    '),
          `    ${O}[${idx}] = v;`,
          `  }`,
        ];
      }),
      `}`,
    );
  }
  return [
    `const op = ${lin('ob', oc, HW)};`,
    ...fillBlock(g, nb, HW),
    ...(tiled
      ? [
          `for (let t = 0; t < ${int(HW)}; t += ${int(PW_TILE)}) {`,
          `  const te = t + ${int(PW_TILE)} < ${int(HW)} ? t + ${int(PW_TILE)} : ${int(HW)};`,
          ...indent(inner),
          `}`,
        ]
      : inner),
  ];
}

/** `(a + b) + (c + d)`: pairwise sums keep dependency chains short. */
function pairSum(terms: string[]): string {
  let t = terms;
  while (t.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < t.length; i += 2) next.push(i + 1 < t.length ? `(${t[i]} + ${t[i + 1]})` : t[i]);
    t = next;
  }
  return t.length === 1 && t[0].startsWith('(') && terms.length > 1 ? t[0].slice(1, -1) : t[0];
}
