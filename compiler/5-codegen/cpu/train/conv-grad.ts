/**
 * conv2d's gradient, specialised to static shapes.
 *
 * Each batch item's input is first copied into a pre-padded scratch plane set `xs` (zeros, or the
 * padding mode's values through literal row and column maps), so every tap of every window is in bounds
 * and no loop checks a border. Then, per batch item (the batch is the outer loop: each item's partial
 * sums are added into float64 accumulators):
 * - d weight: for blocks of output channels x input channels, every tap's sum of g * x over the output
 *   pixels is kept in local accumulators (all taps of the kernel at once when they fit, else one kernel
 *   row or one tap per sweep), with each g and x load feeding several multiply-adds;
 * - d input, in the padded coordinates (float64 scratch `gxs`): for stride 1 a gather, the correlation of
 *   d output (zero-padded by the kernel's extent, `gp`) with the flipped kernel, for blocks of input
 *   channels; for larger strides a scatter of each d output value times the taps. The padded gradient is
 *   then folded back: its interior for zeros padding, and for reflect, replicate and circular each padded
 *   position added to the input pixel it was copied from;
 * - d bias: the sum of d output per channel.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import type { PaddingMode } from '../../../ir/attrs.ts';
import { indent, int, lin, shape4 } from '../emit.ts';
import type { GradNames } from './args.ts';

/** Most accumulators (or hoisted weights) one sweep keeps in locals. */
const MAX_LOCALS = 36;

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
  pt: number;
  pl: number;
  Hp: number;
  Wp: number;
  mode: PaddingMode;
}

function padIndex(mode: PaddingMode, i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  let j: number;
  if (mode === 'zeros') return -1;
  if (mode === 'reflect') j = i < 0 ? -i : 2 * (n - 1) - i;
  else if (mode === 'replicate') j = i < 0 ? 0 : n - 1;
  else j = ((i % n) + n) % n;
  if (!(j >= 0 && j < n)) throw new Error(`cpu codegen: ${mode} padding too large for a dimension of size ${n}`);
  return j;
}

/**
 * The taps of one sweep: `loops` open runtime loops (closed by as many `}`), and each tap's offset in the
 * padded input plane and its index in the kernel, as source text.
 */
interface Sweep {
  loops: string[];
  taps: { xoff: string; kidx: string }[];
}

function sweeps(g: Geometry): Sweep {
  const { KH, KW, dh, dw, Wp } = g;
  const KK = KH * KW;
  if (KK <= MAX_LOCALS) {
    const taps = [];
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) taps.push({ xoff: int(kh * dh * Wp + kw * dw), kidx: int(kh * KW + kw) });
    }
    return { loops: [], taps };
  }
  if (KW <= MAX_LOCALS) {
    return {
      loops: [`for (let kh = 0; kh < ${int(KH)}; kh++) {`],
      taps: Array.from({ length: KW }, (_, kw) => ({
        xoff: lin(lin('', 'kh', dh * Wp), 1, kw * dw),
        kidx: lin(lin('', 'kh', KW), 1, kw),
      })),
    };
  }
  return {
    loops: [`for (let kh = 0; kh < ${int(KH)}; kh++) {`, `for (let kw = 0; kw < ${int(KW)}; kw++) {`],
    taps: [{ xoff: lin(lin('', 'kh', dh * Wp), 'kw', dw), kidx: lin(lin('', 'kh', KW), 'kw', 1) }],
  };
}

/** Block sizes: the largest power of two <= max that divides into `limit` locals, then its halves. */
function blockSizes(max: number, perBlock: number, total: number): number[] {
  let nb = 1;
  while (nb * 2 <= max && nb * 2 * perBlock <= MAX_LOCALS && nb * 2 <= total) nb *= 2;
  const sizes: number[] = [];
  for (let s = nb; s >= 1; s >>= 1) sizes.push(s);
  return sizes;
}

/** `v` over [lo, lo + total) in blocks: as many of sizes[0] as fit, then at most one of each smaller size. */
function blocked(v: string, lo: string, total: number, sizes: number[], body: (nb: number) => string[]): string[] {
  const lines: string[] = [];
  let done = 0;
  for (const nb of sizes) {
    const count = Math.floor((total - done) / nb);
    if (count === 0) continue;
    const from = lin(lo, 1, done);
    const to = lin(lo, 1, done + count * nb);
    lines.push(
      ...(count === 1
        ? [`{`, `  const ${v} = ${from};`]
        : [`for (let ${v} = ${from}; ${v} < ${to}; ${v} += ${int(nb)}) {`]),
      ...indent(body(nb)),
      `}`,
    );
    done += count * nb;
  }
  return lines;
}

/** `(a + b) + (c + d)`: pairwise sums keep dependency chains short. */
function pairSum(terms: string[]): string {
  let t = terms;
  while (t.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < t.length; i += 2) next.push(i + 1 < t.length ? `(${t[i]} + ${t[i + 1]})` : t[i]);
    t = next;
  }
  return t[0];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export function conv2dGradLines(step: GradStep<'conv2d'>, k: GradNames): string[] {
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'conv2d input');
  const [N2, OC, OH, OW] = shape4(step.outputShape, 'conv2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pb, pl, pr] = a.pads;
  const G = a.groups;
  if (N2 !== N || C !== a.in_channels || OC !== a.out_channels || C % G !== 0 || OC % G !== 0)
    throw new Error(`cpu codegen: inconsistent conv2d shapes/groups`);
  const Hp = H + pt + pb;
  const Wp = W + pl + pr;
  if (Math.floor((Hp - dh * (KH - 1) - 1) / sh) + 1 !== OH || Math.floor((Wp - dw * (KW - 1) - 1) / sw) + 1 !== OW)
    throw new Error(`cpu codegen: conv2d output ${OH}x${OW} does not match the attrs`);
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
    pt,
    pl,
    Hp,
    Wp,
    mode: a.padding_mode,
  };
  const wt = k.params.weight;
  if (wt === undefined) throw new Error(`cpu codegen: conv2d has no weight`);
  const gx = k.gradInputs[0];
  const gw = k.gradParams.weight ?? null;
  const gb = k.gradParams.bias ?? null;
  if (gb !== null && !a.bias) throw new Error(`cpu codegen: conv2d without bias has no bias gradient`);
  const padded = pt + pb + pl + pr > 0;
  const rows = range(Hp).map((y) => padIndex(g.mode, y - pt, H));
  const cols = range(Wp).map((x) => padIndex(g.mode, x - pl, W));
  const OHW = OH * OW;
  const lines: string[] = [];
  if (padded) {
    lines.push(`const rowMap = [${rows.map(int).join(', ')}];`, `const colMap = [${cols.map(int).join(', ')}];`);
  }
  if (gw !== null || gx !== null) {
    if (padded) lines.push(`const xs = new Float32Array(${int(C * Hp * Wp)});`);
  }
  if (gw !== null) lines.push(`const gwa = new Float64Array(${int(OC * g.Cg * KH * KW)});`);
  if (gb !== null) lines.push(`const gba = new Float64Array(${int(OC)});`);
  if (gx !== null) lines.push(...inputGradDecls(g));
  // xs holds batch item n's padded input (or, unpadded, the input itself from offset xb)
  const X = padded ? 'xs' : k.inputs[0];
  const body: string[] = [`const xb = ${padded ? '0' : lin('', 'n', C * H * W)}, gb0 = ${lin('', 'n', OC * OHW)};`];
  if (padded && (gw !== null || gx !== null)) body.push(...fillPadded(g, k.inputs[0]));
  if (gb !== null) {
    body.push(
      `for (let oc = 0; oc < ${int(OC)}; oc++) {`,
      `  let s = 0;`,
      `  for (let i = ${lin('gb0', 'oc', OHW)}; i < ${lin('gb0', 'oc', OHW)} + ${int(OHW)}; i++) s += ${k.gradOutput}[i];`,
      `  gba[oc] += s;`,
      `}`,
    );
  }
  if (gw !== null) body.push(...weightGrad(g, k, X));
  if (gx !== null) body.push(...inputGrad(g, k, wt, gx));
  lines.push(`for (let n = 0; n < ${int(N)}; n++) {`, ...indent(body), `}`);
  if (gw !== null) lines.push(`${gw}.set(gwa);`);
  if (gb !== null) lines.push(`${gb}.set(gba);`);
  return lines;
}

/** Copies batch item n into xs through the padding maps (zeros padding leaves the border at 0). */
function fillPadded(g: Geometry, input: string): string[] {
  const { C, H, W, Hp, Wp, pt, pl } = g;
  if (g.mode === 'zeros') {
    return [
      `for (let c = 0; c < ${int(C)}; c++) {`,
      `  for (let h = 0; h < ${int(H)}; h++) {`,
      `    const from = ${lin(lin(lin('', 'n', C * H * W), 'c', H * W), 'h', W)};`,
      `    xs.set(${input}.subarray(from, from + ${int(W)}), ${lin(lin('', 'c', Hp * Wp), 'h', Wp)} + ${int(pt * Wp + pl)});`,
      `  }`,
      `}`,
    ];
  }
  return [
    `for (let c = 0; c < ${int(C)}; c++) {`,
    `  const sc = ${lin(lin('', 'n', C * H * W), 'c', H * W)}, dc = ${lin('', 'c', Hp * Wp)};`,
    `  for (let y = 0; y < ${int(Hp)}; y++) {`,
    `    const sr = sc + rowMap[y] * ${int(W)}, dr = ${lin('dc', 'y', Wp)};`,
    `    for (let x = 0; x < ${int(Wp)}; x++) xs[dr + x] = ${input}[sr + colMap[x]];`,
    `  }`,
    `}`,
  ];
}

/**
 * d weight: per group, blocks of output channels (`ocb`, nb of them) x input channels (`ccb`, cb of them),
 * each (j, q, tap) accumulated over the output pixels in a local, then added to gwa.
 */
function weightGrad(g: Geometry, k: GradNames, X: string): string[] {
  const { OH, OW, sh, sw, Hp, Wp, Cg, OCg, KH, KW } = g;
  const KK = KH * KW;
  const OHW = OH * OW;
  const sweep = sweeps(g);
  const T = sweep.taps.length;
  const ocSizes = blockSizes(8, T, OCg);
  const cSizes = blockSizes(4, T * ocSizes[0], Cg);
  const block = (nb: number, cb: number): string[] => {
    const acc = (j: number, q: number, t: number) => `a${j}_${q}_${t}`;
    const js = range(nb);
    const qs = range(cb);
    const ts = range(T);
    const all = js.flatMap((j) => qs.flatMap((q) => ts.map((t) => acc(j, q, t))));
    const inner = [
      `const ${js.map((j) => `v${j} = ${k.gradOutput}[${lin('go', 1, j * OHW)}]`).join(', ')};`,
      ...qs.flatMap((q) =>
        ts.map((t) => `const u${q}_${t} = ${X}[${lin(`xi + ${sweep.taps[t].xoff}`, 1, q * Hp * Wp)}];`),
      ),
      ...js.flatMap((j) => qs.flatMap((q) => ts.map((t) => `${acc(j, q, t)} += v${j} * u${q}_${t};`))),
    ];
    const loops = [
      `let ${all.map((v) => `${v} = 0`).join(', ')};`,
      `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
      `  const gr = ${lin(lin('gb0', 'ocb', OHW), 'oh', OW)}, xr = ${lin(lin('xq', 'oh', sh * Wp), 1, 0)};`,
      `  for (let ow = 0, go = gr, xi = xr; ow < ${int(OW)}; ow++, go++, xi += ${int(sw)}) {`,
      ...indent(inner, '    '),
      `  }`,
      `}`,
      ...js.flatMap((j) =>
        qs.flatMap((q) =>
          ts.map(
            (t) => `gwa[${lin(lin('wq', 1, j * Cg * KK + q * KK), 1, 0)} + ${sweep.taps[t].kidx}] += ${acc(j, q, t)};`,
          ),
        ),
      ),
    ];
    return [
      `const xq = ${lin('xb', '(c0 + ccb)', Hp * Wp)}, wq = ${lin(lin('', 'ocb', Cg * KK), 'ccb', KK)};`,
      ...sweep.loops,
      ...indent(loops, sweep.loops.length > 0 ? '  ' : ''),
      ...sweep.loops.map(() => `}`),
    ];
  };
  return [
    `for (let gi = 0; gi < ${int(g.G)}; gi++) {`,
    `  const g0 = ${lin('', 'gi', OCg)}, c0 = ${lin('', 'gi', Cg)};`,
    ...indent(blocked('ocb', 'g0', OCg, ocSizes, (nb) => blocked('ccb', '0', Cg, cSizes, (cb) => block(nb, cb)))),
    `}`,
  ];
}

/** Scratch for d input: the padded gradient, and for stride 1 the zero-padded d output. */
function inputGradDecls(g: Geometry): string[] {
  const lines = [`const gxs = new Float64Array(${int(g.C * g.Hp * g.Wp)});`];
  if (g.mode !== 'zeros' && (g.Hp !== g.H || g.Wp !== g.W))
    lines.push(`const acc = new Float64Array(${int(g.H * g.W)});`);
  if (gather(g)) {
    const { PH, PW } = gpSize(g);
    lines.push(`const gp = new Float32Array(${int(g.OC * PH * PW)});`);
  }
  return lines;
}

function gather(g: Geometry): boolean {
  return g.sh === 1 && g.sw === 1;
}

/** d output zero-padded by the kernel's extent on each side (stride 1). */
function gpSize(g: Geometry): { PH: number; PW: number; eh: number; ew: number } {
  const eh = (g.KH - 1) * g.dh;
  const ew = (g.KW - 1) * g.dw;
  return { PH: g.OH + 2 * eh, PW: g.OW + 2 * ew, eh, ew };
}

function inputGrad(g: Geometry, k: GradNames, wt: string, gx: string): string[] {
  const { C, H, W, Hp, Wp, pt, pl, OH, OW, OC } = g;
  const lines = [`gxs.fill(0);`];
  if (gather(g)) {
    const { PH, PW, eh, ew } = gpSize(g);
    lines.push(
      `for (let oc = 0; oc < ${int(OC)}; oc++) {`,
      `  for (let oh = 0; oh < ${int(OH)}; oh++) {`,
      `    const from = ${lin(lin('gb0', 'oc', OH * OW), 'oh', OW)};`,
      `    gp.set(${k.gradOutput}.subarray(from, from + ${int(OW)}), ${lin(lin('', 'oc', PH * PW), 'oh', PW)} + ${int(eh * PW + ew)});`,
      `  }`,
      `}`,
      ...inputGather(g, wt),
    );
  } else {
    lines.push(...inputScatter(g, k, wt));
  }
  // fold the padded gradient back onto the input
  const nb = lin('', 'n', C * H * W);
  const hasPad = Hp !== H || Wp !== W;
  if (!hasPad) {
    lines.push(`for (let i = 0; i < ${int(C * H * W)}; i++) ${gx}[${lin(nb, 1, 0)} + i] = gxs[i];`);
  } else if (g.mode === 'zeros') {
    lines.push(
      `for (let c = 0; c < ${int(C)}; c++) {`,
      `  for (let h = 0; h < ${int(H)}; h++) {`,
      `    const to = ${lin(lin(nb, 'c', H * W), 'h', W)}, from = ${lin(lin('', 'c', Hp * Wp), 'h', Wp)} + ${int(pt * Wp + pl)};`,
      `    for (let w = 0; w < ${int(W)}; w++) ${gx}[to + w] = gxs[from + w];`,
      `  }`,
      `}`,
    );
  } else {
    lines.push(
      `for (let c = 0; c < ${int(C)}; c++) {`,
      `  acc.fill(0);`,
      `  const pc = ${lin('', 'c', Hp * Wp)};`,
      `  for (let y = 0; y < ${int(Hp)}; y++) {`,
      `    const ar = rowMap[y] * ${int(W)}, pr = ${lin('pc', 'y', Wp)};`,
      `    for (let x = 0; x < ${int(Wp)}; x++) acc[ar + colMap[x]] += gxs[pr + x];`,
      `  }`,
      `  ${gx}.set(acc, ${lin(nb, 'c', H * W)});`,
      `}`,
    );
  }
  return lines;
}

/**
 * Stride 1: gxs[c, y, x] = sum over oc and taps of gp[oc, y + (KH-1-kh)dh, x + (KW-1-kw)dw] * w[oc, c, kh, kw],
 * for blocks of input channels (`ccb`), each output channel's weights hoisted.
 */
function inputGather(g: Geometry, wt: string): string[] {
  const { Hp, Wp, Cg, OCg, KH, KW, dh, dw } = g;
  const KK = KH * KW;
  const { PH, PW } = gpSize(g);
  // taps in gp coordinates: tap (kh, kw) reads gp at offset ((KH-1-kh)dh) * PW + (KW-1-kw)dw
  const sweep = sweeps(g);
  const T = sweep.taps.length;
  const flip = (t: number): string => {
    if (sweep.loops.length === 0) {
      const kh = Math.floor(Number(sweep.taps[t].kidx) / KW);
      const kw = Number(sweep.taps[t].kidx) % KW;
      return int((KH - 1 - kh) * dh * PW + (KW - 1 - kw) * dw);
    }
    if (sweep.loops.length === 1) return `(${int(KH - 1)} - kh) * ${int(dh * PW)} + ${int((KW - 1 - t) * dw)}`;
    return `(${int(KH - 1)} - kh) * ${int(dh * PW)} + (${int(KW - 1)} - kw) * ${int(dw)}`;
  };
  const cSizes = blockSizes(8, T, Cg);
  const block = (nb: number): string[] => {
    const js = range(nb);
    const ts = range(T);
    const body = [
      `for (let oc = g0; oc < ${lin('g0', 1, OCg)}; oc++) {`,
      `  const wb = ${lin(lin('', 'oc', Cg * KK), 'ccb', KK)}, pb = ${lin('', 'oc', PH * PW)};`,
      ...js.flatMap((j) =>
        ts.map((t) => `  const w${j}_${t} = ${wt}[${lin('wb', 1, j * KK)} + ${sweep.taps[t].kidx}];`),
      ),
      ...ts.map((t) => `  const o${t} = ${flip(t)};`),
      `  for (let y = 0; y < ${int(Hp)}; y++) {`,
      `    const pr = ${lin('pb', 'y', PW)}, xr = ${lin('xq', 'y', Wp)};`,
      `    for (let x = 0; x < ${int(Wp)}; x++) {`,
      `      const ${ts.map((t) => `u${t} = gp[pr + x + o${t}]`).join(', ')};`,
      ...js.map(
        (j) => `      gxs[${lin('xr + x', 1, j * Hp * Wp)}] += ${pairSum(ts.map((t) => `w${j}_${t} * u${t}`))};`,
      ),
      `    }`,
      `  }`,
      `}`,
    ];
    return [
      `const xq = ${lin('', '(c0 + ccb)', Hp * Wp)};`,
      ...sweep.loops,
      ...indent(body, sweep.loops.length > 0 ? '  ' : ''),
      ...sweep.loops.map(() => `}`),
    ];
  };
  return [
    `for (let gi = 0; gi < ${int(g.G)}; gi++) {`,
    `  const g0 = ${lin('', 'gi', OCg)}, c0 = ${lin('', 'gi', Cg)};`,
    ...indent(blocked('ccb', '0', Cg, cSizes, block)),
    `}`,
  ];
}

/** Stride > 1: each d output value times each tap's weight added to the padded position it read. */
function inputScatter(g: Geometry, k: GradNames, wt: string): string[] {
  const { Hp, Wp, Cg, OCg, KH, KW, OH, OW, sh, sw } = g;
  const KK = KH * KW;
  const OHW = OH * OW;
  const sweep = sweeps(g);
  const T = sweep.taps.length;
  const cSizes = blockSizes(8, T, Cg);
  const block = (cb: number): string[] => {
    const qs = range(cb);
    const ts = range(T);
    const body = [
      `for (let oc = g0; oc < ${lin('g0', 1, OCg)}; oc++) {`,
      `  const wb = ${lin(lin('', 'oc', Cg * KK), 'ccb', KK)};`,
      ...qs.flatMap((q) =>
        ts.map((t) => `  const w${q}_${t} = ${wt}[${lin('wb', 1, q * KK)} + ${sweep.taps[t].kidx}];`),
      ),
      `  for (let oh = 0; oh < ${int(OH)}; oh++) {`,
      `    const gr = ${lin(lin('gb0', 'oc', OHW), 'oh', OW)}, xr = ${lin('xq', 'oh', sh * Wp)};`,
      `    for (let ow = 0, xi = xr; ow < ${int(OW)}; ow++, xi += ${int(sw)}) {`,
      `      const v = ${k.gradOutput}[gr + ow];`,
      ...qs.flatMap((q) =>
        ts.map((t) => `      gxs[${lin(`xi + ${sweep.taps[t].xoff}`, 1, q * Hp * Wp)}] += v * w${q}_${t};`),
      ),
      `    }`,
      `  }`,
      `}`,
    ];
    return [
      `const xq = ${lin('', '(c0 + ccb)', Hp * Wp)};`,
      ...sweep.loops,
      ...indent(body, sweep.loops.length > 0 ? '  ' : ''),
      ...sweep.loops.map(() => `}`),
    ];
  };
  return [
    `for (let gi = 0; gi < ${int(g.G)}; gi++) {`,
    `  const g0 = ${lin('', 'gi', OCg)}, c0 = ${lin('', 'gi', Cg)};`,
    ...indent(blocked('ccb', '0', Cg, cSizes, block)),
    `}`,
  ];
}
