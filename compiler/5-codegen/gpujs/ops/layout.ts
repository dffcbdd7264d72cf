/** A shape seen as [outer, size, inner] around dimension `dim` (row-major). */
export function splitAt(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  if (!Number.isInteger(dim) || dim < 0 || dim >= shape.length) {
    throw new Error(`dim ${dim} is out of range for shape [${shape.join(', ')}]`);
  }
  const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
  return { outer: prod(shape.slice(0, dim)), size: shape[dim], inner: prod(shape.slice(dim + 1)) };
}
