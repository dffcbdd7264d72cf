/**
 * Gradients of the elementwise ops (activations, prelu, scalar, the dropouts' masks) and of the copies
 * (flatten, reshape, identity, parameter, add): one loop over the elements with literal bounds. The
 * formulas and their choices at the kinks are runtime/reference/train/activations.ts's (PyTorch's
 * vectorised CPU kernels); constants are rounded to float32 as the forward rounds them.
 */
import type { GradStep } from '../../../3-lower/train-plan.ts';
import { indent, int, num, sizeOf } from '../emit.ts';
import { erfHelperLines } from '../erf.ts';
import type { GradNames } from './args.ts';
import { dropoutMaskShape } from './masks.ts';

const f32 = (x: number) => num(Math.fround(x));

/**
 * `gx0[i] = expr` for every element, with x (input), y (output), gv (d output) loaded as `expr` and the
 * per-element `locals` statements need them, and `prelude` before the loop.
 */
function mapLines(step: GradStep, k: GradNames, expr: string, prelude: string[] = [], locals: string[] = []): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const n = sizeOf(step.outputShape);
  if (sizeOf(step.inputShapes[0]) !== n) throw new Error(`cpu codegen: ${step.op} input and output sizes differ`);
  const text = [expr, ...locals].join('\n');
  const uses = (v: string) => new RegExp(`\\b${v}\\b`).test(text);
  const loads = [
    ...(uses('x') ? [`x = ${k.inputs[0]}[i]`] : []),
    ...(uses('y') ? [`y = ${k.output}[i]`] : []),
    ...(uses('gv') ? [`gv = ${k.gradOutput}[i]`] : []),
  ];
  return [
    ...prelude,
    `for (let i = 0; i < ${int(n)}; i++) {`,
    ...(loads.length > 0 ? [`  const ${loads.join(', ')};`] : []),
    ...indent(locals),
    `  ${gx}[i] = ${expr};`,
    `}`,
  ];
}

/** The gradient expression of each activation op (in terms of x, y, gv). */
export function activationGradLines(step: GradStep, k: GradNames): string[] {
  const a = step.attrs as Record<string, unknown>;
  switch (step.op) {
    case 'relu':
      // threshold_backward on the output: a NaN output passes the gradient
      return mapLines(step, k, `y <= 0 ? 0 : gv`);
    case 'leaky_relu':
      return mapLines(step, k, `x > 0 ? gv : gv * ${f32(a.negative_slope as number)}`);
    case 'sigmoid':
      return mapLines(step, k, `gv * (1 - y) * y`);
    case 'tanh':
      return mapLines(step, k, `gv * (1 - y * y)`);
    case 'hardtanh': {
      const lo = Math.fround(a.min_val as number);
      const hi = Math.fround(a.max_val as number);
      if (!(lo <= hi)) throw new Error(`cpu codegen: hardtanh min_val ${lo} is greater than max_val ${hi}`);
      return mapLines(step, k, `x > ${num(lo)} && x < ${num(hi)} ? gv : 0`);
    }
    case 'hardswish':
      return mapLines(step, k, `x < -3 ? 0 : x >= 3 ? gv : gv * (x / 3 + 0.5)`);
    case 'hardsigmoid':
      return mapLines(step, k, `x > -3 && x < 3 ? gv * ${f32(1 / 6)} : 0`);
    case 'silu':
      return mapLines(step, k, `gv * s * (1 + x * (1 - s))`, [], [`const s = 1 / (1 + Math.exp(-x));`]);
    case 'gelu': {
      if (a.approximate === 'tanh') {
        const beta = num(Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5);
        const kappa = num(0.044715);
        return mapLines(
          step,
          k,
          `gv * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * ${beta} * (1 + 3 * ${kappa} * x * x))`,
          [],
          [`const t = Math.tanh(${beta} * (x + ${kappa} * x * x * x));`],
        );
      }
      if (a.approximate !== 'none') throw new Error(`cpu codegen: unknown gelu approximate`);
      const pdf = num((2 / Math.sqrt(Math.PI)) * Math.SQRT1_2 * 0.5);
      return mapLines(
        step,
        k,
        `gv * (0.5 * (1 + erf(x * ${num(Math.SQRT1_2)})) + x * ${pdf} * Math.exp(-0.5 * x * x))`,
        erfHelperLines(),
      );
    }
    case 'elu':
      return mapLines(step, k, `x > 0 ? gv : x <= 0 ? gv * ${f32(a.alpha as number)} * Math.exp(x) : NaN`);
    case 'mish':
      return mapLines(
        step,
        k,
        `gv * (t + x * s * (1 - t * t))`,
        [],
        [`const s = 1 / (1 + Math.exp(-x)), t = Math.tanh(Math.log1p(Math.exp(x)));`],
      );
    default:
      throw new Error(`cpu codegen: ${step.op} is not an activation`);
  }
}

/** x op c: g, -g (c - x), g * c, g / c, and -g * c / x^2 for c / x. */
export function scalarGradLines(step: GradStep<'scalar'>, k: GradNames): string[] {
  const { op, reversed } = step.attrs;
  const c = f32(step.attrs.value);
  const expr =
    op === 'add'
      ? 'gv'
      : op === 'sub'
        ? reversed
          ? '-gv'
          : 'gv'
        : op === 'mul'
          ? `gv * ${c}`
          : op === 'div'
            ? reversed
              ? `(-gv * ${c}) / (x * x)`
              : `gv / ${c}`
            : null;
  if (expr === null) throw new Error(`cpu codegen: unknown scalar op`);
  return mapLines(step, k, expr);
}

/** The gradient of a copy (flatten, reshape, identity at inference): d output as it is. */
export function copyGradLines(step: GradStep, k: GradNames): string[] {
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  if (sizeOf(step.inputShapes[0]) !== sizeOf(step.outputShape)) throw new Error(`cpu codegen: ${step.op} sizes differ`);
  return [`${gx}.set(${k.gradOutput});`];
}

/** A dropout's or stochastic depth's gradient: d output times the saved mask, one mask value per run. */
export function dropoutGradLines(step: GradStep<'identity'>, k: GradNames): string[] {
  const t = step.attrs.training!;
  const gx = k.gradInputs[0];
  if (gx === null) return [];
  const mask = k.saved.mask;
  if (mask === undefined) throw new Error(`cpu codegen: the ${t.kind} step has no saved mask`);
  const n = sizeOf(step.outputShape);
  const m = sizeOf(dropoutMaskShape(t, step.outputShape));
  if (m === n) return mapLines(step, k, `gv * ${mask}[i]`);
  const run = n / m;
  return [
    `for (let j = 0; j < ${int(m)}; j++) {`,
    `  const f = ${mask}[j], e = ${int(run)} * (j + 1);`,
    `  for (let i = ${int(run)} * j; i < e; i++) ${gx}[i] = ${k.gradOutput}[i] * f;`,
    `}`,
  ];
}

/** PReLU: dx = g where x > 0 else weight * g; dweight sums x * g where x is not > 0, per channel. */
export function preluGradLines(step: GradStep<'prelu'>, k: GradNames): string[] {
  const shape = step.inputShapes[0];
  const P = step.attrs.num_parameters;
  const channels = shape.length >= 2 ? shape[1] : 1;
  if (P !== 1 && P !== channels) throw new Error(`cpu codegen: prelu num_parameters ${P} does not fit the input`);
  const w = k.params.weight;
  if (w === undefined) throw new Error(`cpu codegen: prelu has no weight`);
  const inner = sizeOf(shape.slice(2));
  const outer = shape.length >= 1 ? shape[0] : 1;
  const C = shape.length >= 2 ? channels : 1;
  const gx = k.gradInputs[0];
  const gw = k.gradParams.weight ?? null;
  const body = [
    `const x = ${k.inputs[0]}[i], gv = ${k.gradOutput}[i];`,
    ...(gx === null ? [] : [`${gx}[i] = x > 0 ? gv : wc * gv;`]),
    ...(gw === null ? [] : [`if (!(x > 0)) acc[${P === 1 ? '0' : 'c'}] += x * gv;`]),
  ];
  return [
    ...(gw === null ? [] : [`const acc = new Float64Array(${int(P)});`]),
    `for (let n = 0; n < ${int(shape.length >= 2 ? outer : 1)}; n++) {`,
    `  for (let c = 0; c < ${int(C)}; c++) {`,
    `    const wc = ${w}[${P === 1 ? '0' : 'c'}], b = ${shape.length >= 2 ? `(n * ${int(C)} + c) * ${int(inner)}` : '0'};`,
    `    for (let i = b; i < b + ${int(shape.length >= 2 ? inner : sizeOf(shape))}; i++) {`,
    ...indent(body, '      '),
    `    }`,
    `  }`,
    `}`,
    ...(gw === null ? [] : [`${gw}.set(acc);`]),
  ];
}

/** add: every input's gradient is d output. */
export function addGradLines(step: GradStep, k: GradNames): string[] {
  return k.gradInputs.flatMap((gx, i) => {
    if (gx === null) return [];
    if (sizeOf(step.inputShapes[i]) !== sizeOf(step.outputShape)) throw new Error(`cpu codegen: add sizes differ`);
    return [`${gx}.set(${k.gradOutput});`];
  });
}

/** A free parameter: d value is d output. */
export function parameterGradLines(step: GradStep, k: GradNames): string[] {
  const g = k.gradParams.value;
  if (g === undefined) return [];
  if (sizeOf((step.attrs as { shape: number[] }).shape) !== sizeOf(step.outputShape))
    throw new Error(`cpu codegen: parameter sizes differ`);
  return [`${g}.set(${k.gradOutput});`];
}
