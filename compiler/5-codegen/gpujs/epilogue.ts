import type { Activation, PlanStep } from '../../3-lower/plan.ts';
import { num, type KernelWriter } from './kernel-writer.ts';

/**
 * Statements that apply `act` to the float variable `v` in place. Every formula is safe in GLSL
 * float32: no exp of a large positive argument (its overflow makes inf/inf = NaN where PyTorch is
 * finite), no cancellation where the result is small. Locals start with `a_` so they never clash
 * with the kernel's own.
 */
export function activationLines(act: Activation): string[] {
  switch (act.kind) {
    case 'relu':
      return ['if (v < 0) { v = 0; }'];
    case 'leaky_relu':
      return [`if (v < 0) { v = v * ${num(act.negative_slope)}; }`];
    case 'sigmoid':
      return ['v = 1 / (1 + Math.exp(-v));'];
    case 'tanh':
      // gpu.js's GLSL tanh is (e^2x - 1) / (e^2x + 1), NaN once e^2x overflows; this form never overflows
      return ['const e2 = Math.exp(-2 * Math.abs(v));', 'const t = (1 - e2) / (1 + e2);', 'v = v < 0 ? -t : t;'];
    case 'hardtanh':
      // comparisons leave NaN alone, like torch.clamp
      return [
        `if (v < ${num(act.min_val)}) { v = ${num(act.min_val)}; }`,
        `if (v > ${num(act.max_val)}) { v = ${num(act.max_val)}; }`,
      ];
    case 'hardsigmoid':
      return [...relu6Of('v + 3'), 'v = a_h / 6;'];
    case 'hardswish':
      return [...relu6Of('v + 3'), 'v = v * a_h / 6;'];
    case 'silu':
      return [...sigmoidOf('v'), 'v = v * a_s;'];
    case 'gelu':
      return act.approximate === 'tanh' ? geluTanh() : geluErf();
    case 'elu':
      return eluLines(act.alpha);
    case 'mish':
      return mishLines();
  }
}

/** `a_h` = clamp(expr, 0, 6). */
function relu6Of(expr: string): string[] {
  return [`let a_h = ${expr};`, 'if (a_h < 0) { a_h = 0; }', 'if (a_h > 6) { a_h = 6; }'];
}

/** `a_s` = sigmoid(u) from exp(-|u|) <= 1, which never overflows (1 / (1 + exp(-u)) does for u < -88). */
function sigmoidOf(u: string): string[] {
  return [`const a_e = Math.exp(-Math.abs(${u}));`, `const a_s = ${u} >= 0 ? 1 / (1 + a_e) : a_e / (1 + a_e);`];
}

/**
 * PyTorch's tanh approximation 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), written as x * sigmoid(2u)
 * (the same function: 1 + tanh(u) = 2 sigmoid(2u)) so large negative x cancel nothing. The cube takes x
 * clamped to +-30, where sigmoid(2u) is already exactly 0 or 1 in float32, so it cannot overflow.
 */
function geluTanh(): string[] {
  return [
    'let a_x = v;',
    'if (a_x > 30) { a_x = 30; }',
    'if (a_x < -30) { a_x = -30; }',
    `const a_u = ${2 * Math.sqrt(2 / Math.PI)} * (a_x + 0.044715 * a_x * a_x * a_x);`,
    ...sigmoidOf('a_u'),
    'v = v * a_s;',
  ];
}

/**
 * Exact GELU x * Phi(x) = 0.5 x erfc(-x / sqrt2). GLSL has no erf; erfc is the Chebyshev fit of
 * Numerical Recipes (erfcc: relative error below 1.2e-7 everywhere, float32 precision), which stays
 * accurate in the tail where 1 + erf(z) would cancel. z is clamped to +-10: erfc there is 0 or 2 in float32.
 */
function geluErf(): string[] {
  const poly = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
    0.17087277,
  ];
  let horner = num(poly[poly.length - 1]);
  for (let k = poly.length - 2; k >= 0; k--) horner = `${num(poly[k])} + a_t * (${horner})`;
  return [
    `let a_z = v * ${-Math.SQRT1_2};`,
    'if (a_z > 10) { a_z = 10; }',
    'if (a_z < -10) { a_z = -10; }',
    'const a_a = Math.abs(a_z);',
    'const a_t = 1 / (1 + 0.5 * a_a);',
    `const a_r = a_t * Math.exp(-a_a * a_a + ${horner});`,
    // a_r is erfc(|z|); erfc(-|z|) = 2 - erfc(|z|)
    'const a_c = a_z >= 0 ? a_r : 2 - a_r;',
    'v = 0.5 * v * a_c;',
  ];
}

/**
 * x > 0 ? x : alpha * expm1(x). GLSL has no expm1 and exp(x) - 1 loses every digit as x -> 0, so for
 * -0.5 < x <= 0 the Taylor series to x^8 (remainder below 1e-8 relative); below that exp(x) - 1 cancels nothing.
 */
function eluLines(alpha: number): string[] {
  let taylor = '1 + v / 8';
  for (let k = 7; k >= 2; k--) taylor = `1 + v / ${k} * (${taylor})`;
  return [
    'if (v <= 0) {',
    '  let a_m = Math.exp(v) - 1;',
    `  if (v > -0.5) { a_m = v * (${taylor}); }`,
    `  v = ${num(alpha)} * a_m;`,
    '}',
  ];
}

/**
 * x * tanh(softplus(x)) with PyTorch's softplus threshold 20 (above it softplus is x and tanh(x) is
 * 1 in float32). tanh(log(1 + e)) = n / (n + 2) with n = e(e + 2), e = exp(x) <= exp(20): no log, no
 * overflow, and for very negative x the ratio tends to e^x without cancelling.
 */
function mishLines(): string[] {
  return [
    'if (v <= 20) {',
    '  const a_e = Math.exp(v);',
    '  const a_n = a_e * (a_e + 2);',
    '  v = v * a_n / (a_n + 2);',
    '}',
  ];
}

/** The step's epilogue (residual add, then activation) on `v`, then `return v;`. */
export function emitEpilogueAndReturn(w: KernelWriter, step: PlanStep): void {
  const { residual, activation } = step.epilogue;
  if (residual !== null) {
    const r = w.arg('residual', 'buffer', residual);
    w.line(`v = v + ${r}[i];`);
  }
  if (activation !== null) {
    for (const l of activationLines(activation)) w.line(l);
  }
  w.line('return v;');
}
