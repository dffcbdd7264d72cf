/**
 * The error function for the exact GELU, emitted into each kernel that needs it (JavaScript has no
 * Math.erf, and every kernel's source must run on its own: the wasm backend instantiates them one by one).
 *
 * erf is evaluated as a Taylor polynomial around the nearest of the centers 0, 0.5, ..., 6 (|h| <= 0.25).
 * Its coefficients are computed here, at code generation, from exact formulas: the value erf(a) from the
 * series erf(a) = 2/sqrt(pi) exp(-a^2) sum_n (2a^2)^n a / (1*3*...*(2n+1)), whose terms are all positive, and
 * the derivatives erf^(n)(a) = 2/sqrt(pi) (-1)^(n-1) H_(n-1)(a) exp(-a^2) (physicists' Hermite polynomials).
 * Degree 12 leaves a relative error below 1e-11 everywhere (test/cpu-codegen/erf.test.ts checks it against
 * torch.erf); past 6.25, erf is +-1 in double precision.
 */
import type { PlanStep } from '../../3-lower/plan.ts';
import { int, num } from './emit.ts';

const SPACING = 0.5;
const LAST_CENTER = 12;
const DEGREE = 12;
/** first |x| past the last center's interval, where erf rounds to +-1 */
const SATURATED = (LAST_CENTER + 0.5) * SPACING;

/** erf(a) for a >= 0 by the positive series (a is at most 6 here, so ~150 terms at most). */
function erfAt(a: number): number {
  const twoA2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 0; term > sum * 1e-17; n++) {
    term *= twoA2 / (2 * n + 3);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

/** Taylor coefficients c_0..c_DEGREE of erf around a: erf(a + h) = sum_n c_n h^n. */
function taylorAt(a: number): number[] {
  const hermite = [1, 2 * a];
  for (let n = 1; n < DEGREE; n++) hermite.push(2 * a * hermite[n] - 2 * n * hermite[n - 1]);
  const c = [erfAt(a)];
  const scale = (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a);
  let factorial = 1;
  for (let n = 1; n <= DEGREE; n++) {
    factorial *= n;
    c.push((((n - 1) % 2 === 0 ? 1 : -1) * scale * hermite[n - 1]) / factorial);
  }
  return c;
}

/** Every center's coefficients, center after center. */
export function erfTable(): number[] {
  const table: number[] = [];
  for (let k = 0; k <= LAST_CENTER; k++) table.push(...taylorAt(k * SPACING));
  return table;
}

/** Declarations of `erf(x)` (and its table) to put at the top of a kernel body. */
export function erfHelperLines(): string[] {
  const stride = DEGREE + 1;
  return [
    `// erf: Taylor polynomials around 0, ${num(SPACING)}, ..., ${num(LAST_CENTER * SPACING)} (compiler/5-codegen/cpu/erf.ts)`,
    `const erfTable = new Float64Array([${erfTable().map(num).join(', ')}]);`,
    `function erf(x) {`,
    `  const a = x < 0 ? -x : x;`,
    `  if (!(a < ${num(SATURATED)})) return a === a ? (x < 0 ? -1 : 1) : x;`,
    `  const k = (a * ${num(1 / SPACING)} + 0.5) | 0, h = a - k * ${num(SPACING)}, t = k * ${int(stride)};`,
    `  let s = erfTable[t + ${int(DEGREE)}];`,
    `  for (let j = t + ${int(DEGREE - 1)}; j >= t; j--) s = s * h + erfTable[j];`,
    `  return x < 0 ? -s : s;`,
    `}`,
  ];
}

/** Whether a step computes the exact GELU, as its op or in its epilogue. */
export function needsErf(step: PlanStep): boolean {
  const exact = (a: { kind: string; approximate?: string } | null) => a?.kind === 'gelu' && a.approximate === 'none';
  if (step.op === 'gelu' && (step as PlanStep<'gelu'>).attrs.approximate === 'none') return true;
  return exact(step.epilogue.activation);
}
