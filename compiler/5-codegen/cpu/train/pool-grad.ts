/**
 * Gradients of the pools, as PyTorch 1.13's CPU kernels (and runtime/reference/train/pool.ts): each
 * window's d output goes where the forward took its value from, summed per plane in float64 (windows
 * overlap). Max pools send it to the element ATen picks: the window's in-bounds elements scanned row by
 * row from -inf at the first of them, replaced when greater or NaN, so ties go to the first maximal
 * element; a dilated window with no element in bounds sends nothing.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import { indent, int, lin, num, shape4 } from '../emit.ts';
import type { GradNames } from './args.ts';

/** Per plane: `acc` zeroed, `body` run, the plane stored. `xp` is the input plane offset, `op` the output's. */
function planes(k: GradNames, gx: string, NC: number, HW: number, OHW: number, body: string[]): string[] {
  return [
    `const acc = new Float64Array(${int(HW)});`,
    `for (let q = 0; q < ${int(NC)}; q++) {`,
    `  const xp = ${lin('', 'q', HW)}, op = ${lin('', 'q', OHW)};`,
    `  acc.fill(0);`,
    ...indent(body),
    `  ${gx}.set(acc, xp);`,
    `}`,
  ];
}

/** First tap index t with start + t*d >= 0, as text (start is a runtime local). */
function firstTap(start: string, d: number): string {
  return d === 1
    ? `(${start} < 0 ? -${start} : 0)`
    : `(${start} < 0 ? ((${int(d - 1)} - ${start}) / ${int(d)}) | 0 : 0)`;
}

/** One past the last tap index t < K with start + t*d < size, as text. */
function endTap(start: string, K: number, size: number, d: number): string {
  const n = d === 1 ? `${int(size)} - ${start}` : `((${int(size + d - 1)} - ${start}) / ${int(d)}) | 0`;
  return `Math.min(${int(K)}, ${n})`;
}

export function maxpoolGradLines(step: GradStep<'maxpool2d'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'maxpool2d input');
  const [, , OH, OW] = shape4(step.outputShape, 'maxpool2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  const X = k.inputs[0];
  return planes(k, gx, N * C, H * W, OH * OW, [
    `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
    `  const hs = ${lin(lin('', 'oh', sh), 1, -ph)};`,
    `  const khLo = ${firstTap('hs', dh)}, khHi = ${endTap('hs', KH, H, dh)};`,
    `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
    `    const ws = ${lin(lin('', 'ow', sw), 1, -pw)};`,
    `    const kwLo = ${firstTap('ws', dw)}, kwHi = ${endTap('ws', KW, W, dw)};`,
    `    if (khLo >= khHi || kwLo >= kwHi) continue;`,
    `    let v = -Infinity, at = (${lin('hs', 'khLo', dh)}) * ${int(W)} + ${lin('ws', 'kwLo', dw)};`,
    `    for (let kh = khLo; kh < khHi; kh++) {`,
    `      const row = ${lin(lin('', 'hs', W), 'kh', dh * W)} + ws;`,
    `      for (let kw = kwLo; kw < kwHi; kw++) {`,
    `        const j = ${lin('row', 'kw', dw)}, t = ${X}[xp + j];`,
    `        if (t > v || t !== t) {`,
    `          v = t;`,
    `          at = j;`,
    `        }`,
    `      }`,
    `    }`,
    `    acc[at] += ${k.gradOutput}[${lin(lin('op', 'oh', OW), 'ow', 1)}];`,
    `  }`,
    `}`,
  ]);
}

/** Each window's d output over its divisor (the forward's: clipped window, count_include_pad, override). */
export function avgpoolGradLines(step: GradStep<'avgpool2d'>, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'avgpool2d input');
  const [, , OH, OW] = shape4(step.outputShape, 'avgpool2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const divisor =
    a.divisor_override !== null
      ? num(a.divisor_override)
      : a.count_include_pad
        ? '((h1 - h0) * (w1 - w0))'
        : '((he - hs) * (we - ws))';
  return planes(k, gx, N * C, H * W, OH * OW, [
    `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
    `  const h0 = ${lin(lin('', 'oh', sh), 1, -ph)}, h1 = Math.min(h0 + ${int(KH)}, ${int(H + ph)});`,
    `  const hs = h0 < 0 ? 0 : h0, he = h1 < ${int(H)} ? h1 : ${int(H)};`,
    `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
    `    const w0 = ${lin(lin('', 'ow', sw), 1, -pw)}, w1 = Math.min(w0 + ${int(KW)}, ${int(W + pw)});`,
    `    const ws = w0 < 0 ? 0 : w0, we = w1 < ${int(W)} ? w1 : ${int(W)};`,
    `    if (hs >= he || ws >= we) continue;`,
    `    const share = ${k.gradOutput}[${lin(lin('op', 'oh', OW), 'ow', 1)}] / ${divisor};`,
    `    for (let h = hs; h < he; h++) {`,
    `      const row = ${lin('', 'h', W)};`,
    `      for (let w = ws; w < we; w++) acc[row + w] += share;`,
    `    }`,
    `  }`,
    `}`,
  ]);
}

/** Adaptive bins start = floor(i*In/Out), end = ceil((i+1)*In/Out), as literal arrays. */
function bins(n: number, out: number): { starts: string; ends: string } {
  const starts = Array.from({ length: out }, (_, i) => Math.floor((i * n) / out));
  const ends = Array.from({ length: out }, (_, i) => Math.ceil(((i + 1) * n) / out));
  return { starts: `[${starts.map(int).join(', ')}]`, ends: `[${ends.map(int).join(', ')}]` };
}

export function adaptivePoolGradLines(
  step: GradStep<'adaptive_avgpool2d' | 'adaptive_maxpool2d'>,
  k: GradNames,
): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const [N, C, H, W] = shape4(step.inputShapes[0], `${step.op} input`);
  const [, , OH, OW] = shape4(step.outputShape, `${step.op} output`);
  const [aoh, aow] = step.attrs.output_size;
  if (aoh !== OH || aow !== OW) throw new Error(`cpu codegen: ${step.op} output_size does not match the output shape`);
  const rows = bins(H, OH);
  const cols = bins(W, OW);
  const X = k.inputs[0];
  const window =
    step.op === 'adaptive_avgpool2d'
      ? [
          `    const share = gv / ((he - hs) * (we - ws));`,
          `    for (let h = hs; h < he; h++) {`,
          `      for (let w = ws; w < we; w++) acc[${lin('', 'h', W)} + w] += share;`,
          `    }`,
        ]
      : [
          `    let v = -Infinity, at = ${lin('', 'hs', W)} + ws;`,
          `    for (let h = hs; h < he; h++) {`,
          `      for (let w = ws; w < we; w++) {`,
          `        const j = ${lin('', 'h', W)} + w, t = ${X}[xp + j];`,
          `        if (t > v || t !== t) {`,
          `          v = t;`,
          `          at = j;`,
          `        }`,
          `      }`,
          `    }`,
          `    acc[at] += gv;`,
        ];
  return [
    `const hStart = ${rows.starts}, hEnd = ${rows.ends}, wStart = ${cols.starts}, wEnd = ${cols.ends};`,
    ...planes(k, gx, N * C, H * W, OH * OW, [
      `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
      `  const hs = hStart[oh], he = hEnd[oh];`,
      `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
      `    const ws = wStart[ow], we = wEnd[ow], gv = ${k.gradOutput}[${lin(lin('op', 'oh', OW), 'ow', 1)}];`,
      ...window,
      `  }`,
      `}`,
    ]),
  ];
}
