/**
 * linear: y = x W^T + b over the last dim, W is [out, in]. Each output is a dot product of two
 * contiguous rows; four outputs share every load of x.
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import { type KernelNames, epilogueLines, indent, int, lin, requireParam, sizeOf } from '../emit.ts';

export function linearLines(step: PlanStep<'linear'>, k: KernelNames): string[] {
  const a = step.attrs;
  const inShape = step.inputShapes[0];
  const IN = inShape[inShape.length - 1];
  const OUT = step.outputShape[step.outputShape.length - 1];
  if (IN !== a.in_features || OUT !== a.out_features)
    throw new Error(`cpu codegen: linear shapes do not match in/out_features`);
  const rows = sizeOf(inShape) / IN;
  const X = k.inputs[0];
  const wt = requireParam(step, k, 'weight');
  const bias = k.params.bias ?? null;
  if (a.bias && bias === null) requireParam(step, k, 'bias');
  const full = OUT - (OUT % 4);
  const store = (j: number | string, acc: string): string[] => {
    const o = typeof j === 'number' ? lin('o', 1, j) : j;
    return [
      `{`,
      `  let v = ${acc}${bias === null ? '' : ` + ${bias}[${o}]`};`,
      ...indent(epilogueLines(step.epilogue, k, `orow + ${o}`)),
      `  ${k.out}[orow + ${o}] = v;`,
      `}`,
    ];
  };
  const lines = [
    `for (let r = 0; r < ${int(rows)}; r++) {`,
    `  const xr = ${lin('', 'r', IN)}, orow = ${lin('', 'r', OUT)};`,
  ];
  if (full > 0) {
    lines.push(
      `  for (let o = 0; o < ${int(full)}; o += 4) {`,
      `    const w0 = ${lin('', 'o', IN)}, w1 = ${lin('w0', 1, IN)}, w2 = ${lin('w0', 1, 2 * IN)}, w3 = ${lin('w0', 1, 3 * IN)};`,
      `    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;`,
      `    for (let i = 0; i < ${int(IN)}; i++) {`,
      `      const x = ${X}[xr + i];`,
      `      s0 += x * ${wt}[w0 + i]; s1 += x * ${wt}[w1 + i]; s2 += x * ${wt}[w2 + i]; s3 += x * ${wt}[w3 + i];`,
      `    }`,
      ...indent(
        [0, 1, 2, 3].flatMap((j) => store(j, `s${j}`)),
        '    ',
      ),
      `  }`,
    );
  }
  if (full < OUT) {
    lines.push(
      `  for (let o = ${int(full)}; o < ${int(OUT)}; o++) {`,
      `    const w0 = ${lin('', 'o', IN)};`,
      `    let s0 = 0;`,
      `    for (let i = 0; i < ${int(IN)}; i++) s0 += ${X}[xr + i] * ${wt}[w0 + i];`,
      ...indent(store('o', 's0'), '    '),
      `  }`,
    );
  }
  lines.push(`}`);
  return lines;
}
