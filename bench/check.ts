/** The correctness gate before timing: an engine's outputs against the reference kernels'. */
import type { Tensor } from '../compiler/ir/tensor.ts';

export const RTOL = 1e-3;
export const ATOL = 1e-4;

export interface CheckResult {
  readonly ok: boolean;
  /** largest |got - want| over every output */
  readonly maxAbsErr: number;
  /** the first element out of tolerance, or what is missing */
  readonly problem: string | null;
}

/** `|got - want| <= atol + rtol * |want|` for every element of every output (NaN never passes). */
export function checkOutputs(got: Record<string, Float32Array>, want: Record<string, Tensor>): CheckResult {
  let maxAbsErr = 0;
  let problem: string | null = null;
  for (const [name, ref] of Object.entries(want)) {
    const g = got[name];
    if (!g) return { ok: false, maxAbsErr: Infinity, problem: `no output \`${name}\`` };
    if (g.length !== ref.data.length)
      return {
        ok: false,
        maxAbsErr: Infinity,
        problem: `output \`${name}\` has ${g.length} values, expected ${ref.data.length}`,
      };
    for (let i = 0; i < g.length; i++) {
      const err = Math.abs(g[i] - ref.data[i]);
      if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
      if (problem === null && !(err <= ATOL + RTOL * Math.abs(ref.data[i])))
        problem = `\`${name}\`[${i}] = ${g[i]}, expected ${ref.data[i]}`;
    }
  }
  return { ok: problem === null, maxAbsErr, problem };
}
