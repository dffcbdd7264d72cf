import { type Dim, dimsEqual, type Shape } from '../../ir/dim.ts';

/** One dimension of two broadcast shapes, counted in the output (as PyTorch's messages count it). */
export interface BroadcastDim {
  readonly dim: number;
  readonly a: Dim;
  readonly b: Dim;
}

export interface Broadcast {
  /** the broadcast shape; null when the shapes do not broadcast */
  readonly shape: Dim[] | null;
  /** the rightmost dimension that does not broadcast, which PyTorch reports */
  readonly mismatch: BroadcastDim | null;
  /** dimensions whose sizes depend on symbols: they broadcast only if equal (or one is 1) at run time */
  readonly undecided: readonly BroadcastDim[];
}

/**
 * NumPy/PyTorch broadcasting: shapes aligned from the right, a missing dimension counts as 1, and
 * each pair of sizes must be equal or contain a 1, which stretches. A symbolic size broadcasts
 * against 1 and against itself; against anything else it is undecided (the known size, or the first
 * input's, is taken as the output, and the sizes are checked once bound).
 */
export function broadcastShapes(a: Shape, b: Shape): Broadcast {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = new Array(rank);
  const undecided: BroadcastDim[] = [];
  for (let k = 1; k <= rank; k++) {
    const dim = rank - k;
    const da = a.length - k >= 0 ? a[a.length - k] : 1;
    const db = b.length - k >= 0 ? b[b.length - k] : 1;
    if (da === 1) out[dim] = db;
    else if (db === 1) out[dim] = da;
    else {
      const eq = dimsEqual(da, db);
      if (eq === true) out[dim] = da;
      else if (eq === false) return { shape: null, mismatch: { dim, a: da, b: db }, undecided };
      else {
        out[dim] = typeof db === 'number' ? db : da;
        undecided.push({ dim, a: da, b: db });
      }
    }
  }
  return { shape: out, mismatch: null, undecided };
}
