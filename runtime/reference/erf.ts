/**
 * The error function, which the exact GELU needs and JavaScript lacks, to double precision:
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n * x / (1*3*...*(2n+1)). Every term is positive, so
 * the sum has no cancellation at any x; past |x| = 6 erf is +-1 in double precision (erfc(6) < 2.2e-17).
 * Slow (up to ~150 terms) and plain, as the oracle should be; the cpu backend emits a faster form.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  const twoA2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 0; term > sum * 1e-17; n++) {
    term *= twoA2 / (2 * n + 3);
    sum += term;
  }
  // sign(x) keeps erf(-0) = -0
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}
