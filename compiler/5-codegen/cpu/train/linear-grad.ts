/**
 * linear's gradient over the last dim of any rank: dx = g W, dW = sum over rows of g^T x, db = sum of g
 * over rows. Sums run over rows in ascending order in float64, as runtime/reference/train does.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import { int, lin, sizeOf } from '../emit.ts';
import type { GradNames } from './args.ts';

/** Above this many weights dW is summed per weight (a float64 copy of dW would be too big to sweep). */
const MAX_WEIGHT_ACC = 1 << 22;

export function linearGradLines(step: GradStep<'linear'>, k: GradNames): string[] {
  const { in_features: I, out_features: O } = step.attrs;
  const shape = step.inputShapes[0];
  if (shape.length < 1 || shape[shape.length - 1] !== I)
    throw new Error(`cpu codegen: linear input does not end in ${I}`);
  const rows = sizeOf(shape) / I;
  const X = k.inputs[0];
  const G = k.gradOutput;
  const W = k.params.weight;
  if (W === undefined) throw new Error(`cpu codegen: linear has no weight`);
  const gx = k.gradInputs[0];
  const gw = k.gradParams.weight;
  const gb = k.gradParams.bias;
  if (gb && !step.attrs.bias) throw new Error(`cpu codegen: linear without bias has no bias gradient`);
  const lines: string[] = [];
  if (gx !== null) {
    lines.push(
      `const ax = new Float64Array(${int(I)});`,
      `for (let r = 0; r < ${int(rows)}; r++) {`,
      `  ax.fill(0);`,
      `  for (let o = 0; o < ${int(O)}; o++) {`,
      `    const gv = ${G}[${lin(lin('', 'r', O), 'o', 1)}], wr = ${lin('', 'o', I)};`,
      `    for (let i = 0; i < ${int(I)}; i++) ax[i] += gv * ${W}[wr + i];`,
      `  }`,
      `  ${gx}.set(ax, ${lin('', 'r', I)});`,
      `}`,
    );
  }
  if (gw && O * I <= MAX_WEIGHT_ACC) {
    lines.push(
      `const aw = new Float64Array(${int(O * I)});`,
      `for (let r = 0; r < ${int(rows)}; r++) {`,
      `  const xr = ${lin('', 'r', I)};`,
      `  for (let o = 0; o < ${int(O)}; o++) {`,
      `    const gv = ${G}[${lin(lin('', 'r', O), 'o', 1)}], wr = ${lin('', 'o', I)};`,
      `    for (let i = 0; i < ${int(I)}; i++) aw[wr + i] += gv * ${X}[xr + i];`,
      `  }`,
      `}`,
      `${gw}.set(aw);`,
    );
  } else if (gw) {
    lines.push(
      `const gc = new Float64Array(${int(rows)});`,
      `for (let o = 0; o < ${int(O)}; o++) {`,
      `  for (let r = 0; r < ${int(rows)}; r++) gc[r] = ${G}[${lin(lin('', 'r', O), 'o', 1)}];`,
      `  for (let i = 0; i < ${int(I)}; i++) {`,
      `    let s = 0;`,
      `    for (let r = 0; r < ${int(rows)}; r++) s += gc[r] * ${X}[${lin(lin('', 'r', I), 'i', 1)}];`,
      `    ${gw}[${lin(lin('', 'o', I), 'i', 1)}] = s;`,
      `  }`,
      `}`,
    );
  }
  if (gb) {
    lines.push(
      `for (let o = 0; o < ${int(O)}; o++) {`,
      `  let s = 0;`,
      `  for (let r = 0; r < ${int(rows)}; r++) s += ${G}[${lin(lin('', 'r', O), 'o', 1)}];`,
      `  ${gb}[o] = s;`,
      `}`,
    );
  }
  return lines;
}
