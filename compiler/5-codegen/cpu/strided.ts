/**
 * Nested loops over a static index space that several arrays read or write through their own strides
 * (broadcasting, permutes, slices, reductions). Size-1 dims are dropped and neighbouring dims that every
 * array walks contiguously are merged, so a broadcast [N,C,H,W] * [N,C,1,1] becomes two loops. Each
 * level computes its offsets once from the level above (one multiply per array per iteration of that
 * level, none per element beyond the innermost `i * stride`).
 */
import { indent, int, lin } from './emit.ts';

export interface StridedArray {
  /** prefix of the offset locals (`a` gives a0, a1, ...): distinct per array and from the kernel's names */
  readonly prefix: string;
  /** element stride of each dim of the index space (0 where the array is broadcast) */
  readonly strides: readonly number[];
  /** constant offset of index 0 */
  readonly base?: number;
}

interface Collapsed {
  readonly sizes: number[];
  readonly strides: number[][];
}

/** Drops size-1 dims and merges dim k into k+1 wherever every array has stride[k] = stride[k+1] * size[k+1]. */
export function collapseDims(sizes: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const keep = sizes.map((n, d) => (n === 1 ? -1 : d)).filter((d) => d >= 0);
  const out: Collapsed = { sizes: [], strides: strides.map(() => []) };
  for (const d of keep) {
    const last = out.sizes.length - 1;
    const merges = last >= 0 && strides.every((s, a) => out.strides[a][last] === s[d] * sizes[d]);
    if (merges) {
      out.sizes[last] *= sizes[d];
      strides.forEach((s, a) => {
        out.strides[a][last] = s[d];
      });
    } else {
      out.sizes.push(sizes[d]);
      strides.forEach((s, a) => out.strides[a].push(s[d]));
    }
  }
  return out;
}

/** Where the innermost loop of `stridedLoops` stands: each array's offset before it and stride along it. */
export interface InnerLoop {
  readonly outer: readonly string[];
  /** 0 for an array that does not move along the innermost loop (its element can be loaded once) */
  readonly strides: readonly number[];
}

/**
 * Loops over `sizes` (outermost first). `body(idx, inner)` gives the innermost statements, idx[k] being
 * array k's element index as source text; `prelude(inner)` gives statements just before the innermost loop.
 */
export function stridedLoops(
  sizes: readonly number[],
  arrays: readonly StridedArray[],
  body: (idx: readonly string[], inner: InnerLoop) => string[],
  prelude: (inner: InnerLoop) => string[] = () => [],
): string[] {
  for (const a of arrays) {
    if (a.strides.length !== sizes.length)
      throw new Error(`cpu codegen: strides of ${a.prefix} do not match the loops`);
  }
  const c = collapseDims(
    sizes,
    arrays.map((a) => a.strides),
  );
  const bases = arrays.map((a) => int(a.base ?? 0));
  if (c.sizes.length === 0) {
    const inner = { outer: bases, strides: arrays.map(() => 0) };
    return [...prelude(inner), ...body(bases, inner)];
  }
  const level = (d: number, offsets: string[]): string[] => {
    const strides = c.strides.map((s) => s[d]);
    if (d === c.sizes.length - 1) {
      const inner = { outer: offsets, strides };
      const idx = offsets.map((o, a) => lin(o, 'i', strides[a]));
      return [...prelude(inner), `for (let i = 0; i < ${int(c.sizes[d])}; i++) {`, ...indent(body(idx, inner)), `}`];
    }
    const j = `j${d}`;
    const names = arrays.map((a) => `${a.prefix}${d}`);
    return [
      `for (let ${j} = 0; ${j} < ${int(c.sizes[d])}; ${j}++) {`,
      `  const ${names.map((n, a) => `${n} = ${lin(offsets[a], j, strides[a])}`).join(', ')};`,
      ...indent(level(d + 1, names)),
      `}`,
    ];
  };
  return level(0, bases);
}

/** Row-major element strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = stride;
    stride *= shape[d];
  }
  return s;
}
