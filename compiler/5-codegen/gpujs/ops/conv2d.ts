import type { OpAttrs, PaddingMode } from '../../../ir/attrs.ts';
import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, idiv, lin, type KernelWriter } from '../kernel-writer.ts';

/**
 * Direct convolution, one output element per thread. Padding modes follow PyTorch: zeros skips taps
 * outside the input; reflect/replicate/circular map the tap back inside (PyTorch limits reflect pads to
 * size-1 and circular pads to size, so one fold is enough).
 */
export function emitConv2d(w: KernelWriter, step: PlanStep<'conv2d'>): void {
  const a: OpAttrs['conv2d'] = step.attrs;
  const [, C, H, W] = step.inputShapes[0];
  const [, OC, OH, OW] = step.outputShape;
  const [KH, KW] = a.kernel_size;
  const [SH, SW] = a.stride;
  const [DH, DW] = a.dilation;
  const [PT, , PL] = a.pads;
  const G = a.groups;
  const ICG = C / G;
  const OCG = OC / G;
  if (!Number.isInteger(ICG) || !Number.isInteger(OCG)) {
    throw new Error(`conv2d groups ${G} do not divide channels ${C} -> ${OC}`);
  }
  w.comment(
    `kernel ${KH}x${KW}, stride ${SH}x${SW}, pads [${a.pads.join(', ')}], dilation ${DH}x${DW}, ` +
      `groups ${G}, padding_mode ${a.padding_mode}`,
  );
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = w.param('weight');
  const bias = a.bias ? w.param('bias') : null;

  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['n', step.outputShape[0]],
    ['oc', OC],
    ['oh', OH],
    ['ow', OW],
  ]);
  // first input channel of this output channel's group
  const icBase = G === 1 ? `n * ${C}` : `n * ${C} + ${idiv('oc', OCG)} * ${ICG}`;
  w.line(`const icBase = ${icBase};`);
  w.line('let acc = 0;');
  // taps outermost and channels innermost: each padding check then covers a whole run of channels
  w.line(`const wBase = oc * ${ICG * KH * KW};`);
  w.line(`for (let kh = 0; kh < ${KH}; kh++) {`);
  w.line(
    `${a.padding_mode === 'zeros' ? 'const' : 'let'} ih = ${lin(
      [
        [SH, 'oh'],
        [DH, 'kh'],
      ],
      -PT,
    )};`,
    2,
  );
  const rowOk = foldIndex(w, 'ih', H, a.padding_mode, 2);
  const ind = rowOk ? 3 : 2;
  if (rowOk) w.line(`if (${rowOk}) {`, 2);
  w.line(`for (let kw = 0; kw < ${KW}; kw++) {`, ind);
  w.line(
    `${a.padding_mode === 'zeros' ? 'const' : 'let'} iw = ${lin(
      [
        [SW, 'ow'],
        [DW, 'kw'],
      ],
      -PL,
    )};`,
    ind + 1,
  );
  const colOk = foldIndex(w, 'iw', W, a.padding_mode, ind + 1);
  const inner = colOk ? ind + 2 : ind + 1;
  if (colOk) w.line(`if (${colOk}) {`, ind + 1);
  w.line(`const xAt = icBase * ${H * W} + ih * ${W} + iw;`, inner);
  w.line(`const wAt = wBase + kh * ${KW} + kw;`, inner);
  w.line(`for (let ic = 0; ic < ${ICG}; ic++) {`, inner);
  w.line(`acc += ${x}[xAt + ic * ${H * W}] * ${weight}[wAt + ic * ${KH * KW}];`, inner + 1);
  w.line('}', inner);
  if (colOk) w.line('}', ind + 1);
  w.line('}', ind);
  if (rowOk) w.line('}', 2);
  w.line('}');
  w.line(bias ? `let v = acc + ${bias}[oc];` : 'let v = acc;');
}

/**
 * For zeros padding returns the in-range condition (taps outside are skipped); for the other modes
 * emits the statements that move `v` (an index along a dimension of size `size`) back inside and
 * returns null.
 */
function foldIndex(w: KernelWriter, v: string, size: number, mode: PaddingMode, indent: number): string | null {
  switch (mode) {
    case 'zeros':
      return `${v} >= 0 && ${v} < ${size}`;
    case 'reflect':
      w.line(`if (${v} < 0) { ${v} = -${v}; }`, indent);
      w.line(`if (${v} > ${size - 1}) { ${v} = ${2 * (size - 1)} - ${v}; }`, indent);
      return null;
    case 'replicate':
      w.line(`if (${v} < 0) { ${v} = 0; }`, indent);
      w.line(`if (${v} > ${size - 1}) { ${v} = ${size - 1}; }`, indent);
      return null;
    case 'circular':
      w.line(`if (${v} < 0) { ${v} = ${v} + ${size}; }`, indent);
      w.line(`if (${v} > ${size - 1}) { ${v} = ${v} - ${size}; }`, indent);
      return null;
  }
}
