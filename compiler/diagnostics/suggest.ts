/**
 * The closest candidate to a misspelt name, or null when none is close enough.
 * A candidate equal up to case wins outright (`conv2D` -> `Conv2d`); otherwise the candidate with
 * the smallest case-insensitive edit distance (adjacent transpositions count as one edit), if it is
 * at most max(1, floor(name.length / 3)). Ties go to the smaller case-sensitive distance, then the
 * closer length, then the smaller string in code-unit order, so the answer never depends on the
 * order of `candidates`.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | null {
  if (name === '') return null;
  const folded = name.toLowerCase();
  const pool = [...new Set(candidates)].filter((c) => c !== name && c !== '');
  const sameFold = pool.filter((c) => c.toLowerCase() === folded);
  const threshold = Math.max(1, Math.floor(name.length / 3));
  const eligible =
    sameFold.length > 0 ? sameFold : pool.filter((c) => editDistance(folded, c.toLowerCase()) <= threshold);

  let best: string | null = null;
  let bestKey: number[] = [];
  for (const c of eligible) {
    const key = [editDistance(folded, c.toLowerCase()), editDistance(name, c), Math.abs(c.length - name.length)];
    if (best === null || compareKeys(key, bestKey) < 0 || (compareKeys(key, bestKey) === 0 && c < best)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), over UTF-16 units. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: two back is needed for transpositions.
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, twoBack[j - 2] + 1);
      cur[j] = v;
    }
    [twoBack, prev, cur] = [prev, cur, twoBack];
  }
  return prev[b.length];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
