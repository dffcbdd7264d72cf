import type { Tensor } from '../../compiler/ir/tensor.ts';

/** Why: the oracle must never return plausible garbage, so every kernel refuses inputs it cannot compute. */
export function fail(op: string, message: string): never {
  throw new Error(`reference ${op}: ${message}`);
}

export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Returns [N, C, H, W] of a rank-4 tensor. */
export function nchw(x: Tensor, op: string): [number, number, number, number] {
  if (x.shape.length !== 4) fail(op, `expects an NCHW input, got shape ${showShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  return [n, c, h, w];
}

export function expectShape(t: Tensor, want: readonly number[], op: string, what: string): void {
  const same = t.shape.length === want.length && t.shape.every((d, i) => d === want[i]);
  if (!same) fail(op, `${what} has shape ${showShape(t.shape)}, expected ${showShape(want)}`);
}

export function requireParam(t: Tensor | undefined, op: string, name: string): Tensor {
  if (!t) fail(op, `missing parameter '${name}'`);
  return t;
}

export function requireOutputSize(size: number, op: string, what: string): void {
  if (!Number.isInteger(size) || size <= 0) fail(op, `computed ${what} ${size} is not positive`);
}
