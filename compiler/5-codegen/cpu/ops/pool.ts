/**
 * Pooling kernels (maxpool2d, avgpool2d, adaptive_avgpool2d, adaptive_maxpool2d) with PyTorch's CPU semantics. Each output
 * plane is computed independently; window bounds are clipped per output row/column so the innermost
 * loops run without checks.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, lin, num, shape4 } from '../emit.ts';

/** Loop over every (n, c) plane with `xp`/`op` as the input/output plane offsets. */
function planes(NC: number, HW: number, OHW: number, body: string[]): string[] {
  return [
    `for (let q = 0; q < ${int(NC)}; q++) {`,
    `  const xp = ${lin('', 'q', HW)}, op = ${lin('', 'q', OHW)};`,
    ...indent(body),
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

export function maxpoolLines(step: PlanStep<'maxpool2d'>, k: KernelNames): string[] {
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'maxpool2d input');
  const [, , OH, OW] = shape4(step.outputShape, 'maxpool2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  const X = k.inputs[0];
  return planes(N * C, H * W, OH * OW, [
    `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
    `  const hs = ${lin(lin('', 'oh', sh), 1, -ph)};`,
    `  const khLo = ${firstTap('hs', dh)}, khHi = ${endTap('hs', KH, H, dh)};`,
    `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
    `    const ws = ${lin(lin('', 'ow', sw), 1, -pw)};`,
    `    const kwLo = ${firstTap('ws', dw)}, kwHi = ${endTap('ws', KW, W, dw)};`,
    // padding counts as -inf; NaN propagates like torch (`val > max || isnan(val)`)
    `    let v = -Infinity;`,
    `    for (let kh = khLo; kh < khHi; kh++) {`,
    `      const row = ${lin(lin('xp', 'hs', W), 'kh', dh * W)} + ws;`,
    `      for (let kw = kwLo; kw < kwHi; kw++) {`,
    `        const t = ${X}[${lin('row', 'kw', dw)}];`,
    `        if (t > v || t !== t) v = t;`,
    `      }`,
    `    }`,
    `    const o = ${lin(lin('op', 'oh', OW), 'ow', 1)};`,
    ...indent(epilogueLines(step.epilogue, k, 'o'), '    '),
    `    ${k.out}[o] = v;`,
    `  }`,
    `}`,
  ]);
}

export function avgpoolLines(step: PlanStep<'avgpool2d'>, k: KernelNames): string[] {
  const a = step.attrs;
  const [N, C, H, W] = shape4(step.inputShapes[0], 'avgpool2d input');
  const [, , OH, OW] = shape4(step.outputShape, 'avgpool2d output');
  const [KH, KW] = a.kernel_size;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const X = k.inputs[0];
  // PyTorch's CPU kernel: the window is first clipped to the padded input (that size is
  // count_include_pad's divisor), then to the input itself (the summed area)
  const divisor =
    a.divisor_override !== null
      ? num(a.divisor_override)
      : a.count_include_pad
        ? 'poolSize'
        : '((he - hs) * (we - ws))';
  return planes(N * C, H * W, OH * OW, [
    `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
    `  const h0 = ${lin(lin('', 'oh', sh), 1, -ph)}, h1 = Math.min(h0 + ${int(KH)}, ${int(H + ph)});`,
    `  const hs = h0 < 0 ? 0 : h0, he = h1 < ${int(H)} ? h1 : ${int(H)};`,
    `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
    `    const w0 = ${lin(lin('', 'ow', sw), 1, -pw)}, w1 = Math.min(w0 + ${int(KW)}, ${int(W + pw)});`,
    `    const ws = w0 < 0 ? 0 : w0, we = w1 < ${int(W)} ? w1 : ${int(W)};`,
    `    const poolSize = (h1 - h0) * (w1 - w0);`,
    `    let v = 0;`,
    `    if (hs < he && ws < we) {`,
    `      let s = 0;`,
    `      for (let h = hs; h < he; h++) {`,
    `        const row = ${lin('xp', 'h', W)};`,
    `        for (let w = ws; w < we; w++) s += ${X}[row + w];`,
    `      }`,
    `      v = s / ${divisor};`,
    `    }`,
    `    const o = ${lin(lin('op', 'oh', OW), 'ow', 1)};`,
    ...indent(epilogueLines(step.epilogue, k, 'o'), '    '),
    `    ${k.out}[o] = v;`,
    `  }`,
    `}`,
  ]);
}

export function adaptiveAvgpoolLines(step: PlanStep<'adaptive_avgpool2d'>, k: KernelNames): string[] {
  return adaptiveLines(step, k, 'avg');
}

/** Adaptive max pool over the same bins; NaN wins like PyTorch's kernel (`val > max || isnan(val)`). */
export function adaptiveMaxpoolLines(step: PlanStep<'adaptive_maxpool2d'>, k: KernelNames): string[] {
  return adaptiveLines(step, k, 'max');
}

function adaptiveLines(
  step: PlanStep<'adaptive_avgpool2d' | 'adaptive_maxpool2d'>,
  k: KernelNames,
  mode: 'avg' | 'max',
): string[] {
  const [N, C, H, W] = shape4(step.inputShapes[0], `${step.op} input`);
  const [, , OH, OW] = shape4(step.outputShape, `${step.op} output`);
  const [aoh, aow] = step.attrs.output_size;
  if (aoh !== OH || aow !== OW) throw new Error(`cpu codegen: ${step.op} output_size does not match the output shape`);
  const X = k.inputs[0];
  const window =
    mode === 'avg'
      ? [
          `    let s = 0;`,
          `    for (let h = hs; h < he; h++) {`,
          `      const row = ${lin('xp', 'h', W)};`,
          `      for (let w = ws; w < we; w++) s += ${X}[row + w];`,
          `    }`,
          `    let v = s / ((he - hs) * (we - ws));`,
        ]
      : [
          `    let v = -Infinity;`,
          `    for (let h = hs; h < he; h++) {`,
          `      const row = ${lin('xp', 'h', W)};`,
          `      for (let w = ws; w < we; w++) {`,
          `        const t = ${X}[row + w];`,
          `        if (t > v || t !== t) v = t;`,
          `      }`,
          `    }`,
        ];
  // bins: start = floor(i*In/Out), end = ceil((i+1)*In/Out)
  return planes(N * C, H * W, OH * OW, [
    `for (let oh = 0; oh < ${int(OH)}; oh++) {`,
    `  const hs = ((oh * ${int(H)}) / ${int(OH)}) | 0, he = ((oh * ${int(H)} + ${int(H + OH - 1)}) / ${int(OH)}) | 0;`,
    `  for (let ow = 0; ow < ${int(OW)}; ow++) {`,
    `    const ws = ((ow * ${int(W)}) / ${int(OW)}) | 0, we = ((ow * ${int(W)} + ${int(W + OW - 1)}) / ${int(OW)}) | 0;`,
    ...window,
    `    const o = ${lin(lin('op', 'oh', OW), 'ow', 1)};`,
    ...indent(epilogueLines(step.epilogue, k, 'o'), '    '),
    `    ${k.out}[o] = v;`,
    `  }`,
    `}`,
  ]);
}
