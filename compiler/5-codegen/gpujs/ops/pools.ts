import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, lin, type KernelWriter } from '../kernel-writer.ts';

/** Decodes `i` into the (n*C + c) plane index `nc` and the output position (oh, ow). */
function decodePooled(w: KernelWriter, step: PlanStep): void {
  const [N, C, OH, OW] = step.outputShape;
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['nc', N * C],
    ['oh', OH],
    ['ow', OW],
  ]);
}

/** PyTorch max_pool2d: implicit -inf padding, dilation, ceil_mode (the output shape already accounts for it). */
export function emitMaxPool2d(w: KernelWriter, step: PlanStep<'maxpool2d'>): void {
  const a = step.attrs;
  const [, , H, W] = step.inputShapes[0];
  const [KH, KW] = a.kernel_size;
  const [SH, SW] = a.stride;
  const [PH, PW] = a.padding;
  const [DH, DW] = a.dilation;
  w.comment(
    `kernel ${KH}x${KW}, stride ${SH}x${SW}, padding ${PH}x${PW}, dilation ${DH}x${DW}, ceil_mode ${a.ceil_mode}`,
  );
  const x = w.arg('x', 'buffer', step.inputs[0]);
  decodePooled(w, step);
  w.line(`const xPlane = nc * ${H * W};`);
  // every window PyTorch produces holds at least one input element, so this start value never survives
  w.line('let v = -3.4028234663852886e38;');
  w.line(`for (let kh = 0; kh < ${KH}; kh++) {`);
  w.line(
    `const ih = ${lin(
      [
        [SH, 'oh'],
        [DH, 'kh'],
      ],
      -PH,
    )};`,
    2,
  );
  w.line(`if (ih >= 0 && ih < ${H}) {`, 2);
  w.line(`for (let kw = 0; kw < ${KW}; kw++) {`, 3);
  w.line(
    `const iw = ${lin(
      [
        [SW, 'ow'],
        [DW, 'kw'],
      ],
      -PW,
    )};`,
    4,
  );
  w.line(`if (iw >= 0 && iw < ${W}) {`, 4);
  w.line(`const t = ${x}[xPlane + ih * ${W} + iw];`, 5);
  w.line('if (t > v) { v = t; }', 5);
  w.line('}', 4);
  w.line('}', 3);
  w.line('}', 2);
  w.line('}');
}

/**
 * PyTorch avg_pool2d as its CPU kernel computes it: the window is cut at H + padding to get pool_size
 * (the count_include_pad divisor), then clamped to the input for the sum and the count_include_pad=False divisor.
 */
export function emitAvgPool2d(w: KernelWriter, step: PlanStep<'avgpool2d'>): void {
  const a = step.attrs;
  const [, , H, W] = step.inputShapes[0];
  const [KH, KW] = a.kernel_size;
  const [SH, SW] = a.stride;
  const [PH, PW] = a.padding;
  w.comment(
    `kernel ${KH}x${KW}, stride ${SH}x${SW}, padding ${PH}x${PW}, ceil_mode ${a.ceil_mode}, ` +
      `count_include_pad ${a.count_include_pad}, divisor_override ${a.divisor_override}`,
  );
  const x = w.arg('x', 'buffer', step.inputs[0]);
  decodePooled(w, step);
  w.line(`const xPlane = nc * ${H * W};`);
  w.line(`const hs = ${lin([[SH, 'oh']], -PH)};`);
  w.line(`const ws = ${lin([[SW, 'ow']], -PW)};`);
  w.line(`let he = hs + ${KH};`);
  w.line(`if (he > ${H + PH}) { he = ${H + PH}; }`);
  w.line(`let we = ws + ${KW};`);
  w.line(`if (we > ${W + PW}) { we = ${W + PW}; }`);
  w.line('const poolSize = (he - hs) * (we - ws);');
  w.line('let h0 = hs;');
  w.line('if (h0 < 0) { h0 = 0; }');
  w.line('let w0 = ws;');
  w.line('if (w0 < 0) { w0 = 0; }');
  w.line(`if (he > ${H}) { he = ${H}; }`);
  w.line(`if (we > ${W}) { we = ${W}; }`);
  w.line('let sum = 0;');
  w.line(`for (let kh = 0; kh < ${KH}; kh++) {`);
  w.line('const ih = hs + kh;', 2);
  w.line('if (ih >= h0 && ih < he) {', 2);
  w.line(`for (let kw = 0; kw < ${KW}; kw++) {`, 3);
  w.line('const iw = ws + kw;', 4);
  w.line(`if (iw >= w0 && iw < we) { sum += ${x}[xPlane + ih * ${W} + iw]; }`, 4);
  w.line('}', 3);
  w.line('}', 2);
  w.line('}');
  const divisor =
    a.divisor_override !== null
      ? String(a.divisor_override)
      : a.count_include_pad
        ? 'poolSize'
        : '((he - h0) * (we - w0))';
  // PyTorch writes 0 for a window that lies wholly in the padding
  w.line(`let v = he > h0 && we > w0 ? sum / ${divisor} : 0;`);
}

/** PyTorch adaptive_avg_pool2d bins: start = floor(o*In/Out), end = ceil((o+1)*In/Out). */
export function emitAdaptiveAvgPool2d(w: KernelWriter, step: PlanStep<'adaptive_avgpool2d'>): void {
  const [, , H, W] = step.inputShapes[0];
  const [, , OH, OW] = step.outputShape;
  w.comment(`output_size ${OH}x${OW}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  decodePooled(w, step);
  w.line(`const xPlane = nc * ${H * W};`);
  // floor(a/b) = floor((a + 0.5)/b) and ceil(a/b) = floor((a + b - 0.5)/b) for integers, robust to float division
  w.line(`const hs = Math.floor((oh * ${H} + 0.5) / ${OH});`);
  w.line(`const he = Math.floor(((oh + 1) * ${H} + ${OH - 0.5}) / ${OH});`);
  w.line(`const ws = Math.floor((ow * ${W} + 0.5) / ${OW});`);
  w.line(`const we = Math.floor(((ow + 1) * ${W} + ${OW - 0.5}) / ${OW});`);
  w.line('let sum = 0;');
  // loops run to the widest bin (a literal bound) and skip past the end of narrower bins
  w.line(`for (let kh = 0; kh < ${maxBin(H, OH)}; kh++) {`);
  w.line('const ih = hs + kh;', 2);
  w.line('if (ih < he) {', 2);
  w.line(`for (let kw = 0; kw < ${maxBin(W, OW)}; kw++) {`, 3);
  w.line('const iw = ws + kw;', 4);
  w.line(`if (iw < we) { sum += ${x}[xPlane + ih * ${W} + iw]; }`, 4);
  w.line('}', 3);
  w.line('}', 2);
  w.line('}');
  w.line('let v = sum / ((he - hs) * (we - ws));');
}

function maxBin(size: number, out: number): number {
  let m = 0;
  for (let o = 0; o < out; o++) {
    m = Math.max(m, Math.ceil(((o + 1) * size) / out) - Math.floor((o * size) / out));
  }
  return m;
}

/** adaptive_max_pool2d: the max over the same bins as the adaptive average (every bin holds an element). */
export function emitAdaptiveMaxPool2d(w: KernelWriter, step: PlanStep<'adaptive_maxpool2d'>): void {
  const inShape = step.inputShapes[0];
  const [H, W] = inShape.slice(-2);
  const [OH, OW] = step.outputShape.slice(-2);
  w.comment(`output_size ${OH}x${OW}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['nc', inShape.slice(0, -2).reduce((a, b) => a * b, 1)],
    ['oh', OH],
    ['ow', OW],
  ]);
  w.line(`const xPlane = nc * ${H * W};`);
  w.line(`const hs = Math.floor((oh * ${H} + 0.5) / ${OH});`);
  w.line(`const he = Math.floor(((oh + 1) * ${H} + ${OH - 0.5}) / ${OH});`);
  w.line(`const ws = Math.floor((ow * ${W} + 0.5) / ${OW});`);
  w.line(`const we = Math.floor(((ow + 1) * ${W} + ${OW - 0.5}) / ${OW});`);
  w.line(`let v = ${x}[xPlane + hs * ${W} + ws];`);
  w.line(`for (let kh = 0; kh < ${maxBin(H, OH)}; kh++) {`);
  w.line('const ih = hs + kh;', 2);
  w.line('if (ih < he) {', 2);
  w.line(`for (let kw = 0; kw < ${maxBin(W, OW)}; kw++) {`, 3);
  w.line('const iw = ws + kw;', 4);
  w.line('if (iw < we) {', 4);
  w.line(`const t = ${x}[xPlane + ih * ${W} + iw];`, 5);
  w.line('if (t > v) { v = t; }', 5);
  w.line('}', 4);
  w.line('}', 3);
  w.line('}', 2);
  w.line('}');
}
