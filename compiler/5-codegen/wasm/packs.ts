/**
 * Load-time packing of parameters into the layouts the wasm kernels read. A pack is plain data (a
 * PackSpec), so a generated module can carry it and pack with the same code (fillPack is bundled
 * into the module's runtime support).
 */
import type { GemmConvShape } from './kernels/conv-gemm.ts';
import type { LinearShape } from './kernels/linear.ts';

/** Register block sizes the packers share with the kernels that read their output. */
export const LINEAR_NR = 8;
export const WINOGRAD_MR = 4;

/** Parameter tensors of the step by op param name (weight, bias, ...), as the weights hold them. */
export type ParamArrays = Readonly<Record<string, Float32Array>>;

export type PackSpec =
  /** the parameter as it is */
  | { readonly kind: 'copy'; readonly param: string }
  /** conv weight for the implicit GEMM (conv-gemm.ts) */
  | { readonly kind: 'conv-gemm'; readonly shape: GemmConvShape; readonly taps: number; readonly MR: number }
  /** the GEMM's k-step offset table (i32): no parameter */
  | { readonly kind: 'k-table'; readonly Cg: number; readonly chanFloats: number; readonly taps: readonly number[] }
  /** Winograd-transformed conv weight (winograd.ts) */
  | { readonly kind: 'winograd'; readonly OC: number; readonly C: number }
  /** linear weight in panels (linear.ts) */
  | { readonly kind: 'linear'; readonly shape: LinearShape }
  /** batchnorm's running statistics folded into a per-channel scale or shift */
  | {
      readonly kind: 'batchnorm';
      readonly which: 'scale' | 'shift';
      readonly C: number;
      readonly eps: number;
      readonly affine: boolean;
    };

function need(p: ParamArrays, name: string): Float32Array {
  const a = p[name];
  if (!(a instanceof Float32Array)) throw new Error(`wasm pack: the step has no parameter "${name}"`);
  return a;
}

/** Writes the packed values of `spec` into `dst` (zero-filled, exactly the pack's size). */
export function fillPack(spec: PackSpec, p: ParamArrays, dst: Float32Array): void {
  switch (spec.kind) {
    case 'copy':
      dst.set(need(p, spec.param));
      return;
    case 'conv-gemm':
      packConvGemm(need(p, 'weight'), spec.shape, spec.taps, spec.MR, dst);
      return;
    case 'k-table':
      fillKTable(spec.Cg, spec.chanFloats, spec.taps, new Int32Array(dst.buffer, dst.byteOffset, dst.length));
      return;
    case 'winograd':
      packWinogradWeights(need(p, 'weight'), spec.OC, spec.C, dst);
      return;
    case 'linear':
      packLinear(need(p, 'weight'), spec.shape, dst);
      return;
    case 'batchnorm': {
      // in float64 like the CPU kernel, rounded once
      const mean = need(p, 'running_mean');
      const variance = need(p, 'running_var');
      for (let c = 0; c < spec.C; c++) {
        const s = (spec.affine ? need(p, 'weight')[c] : 1) / Math.sqrt(variance[c] + spec.eps);
        dst[c] = spec.which === 'scale' ? s : (spec.affine ? need(p, 'bias')[c] : 0) - mean[c] * s;
      }
      return;
    }
  }
}

/** Output channel blocks of one group: sizes in order (full MR blocks, then the remainder). */
export function ocBlocks(OCg: number, MR: number): number[] {
  const blocks: number[] = Array.from({ length: Math.floor(OCg / MR) }, () => MR);
  if (OCg % MR > 0) blocks.push(OCg % MR);
  return blocks;
}

/** Packs weight [OC, Cg, KH, KW] in the kernel's walk order: group, block, channel, tap, row. */
export function packConvGemm(w: Float32Array, s: GemmConvShape, T: number, MR: number, dst: Float32Array): void {
  let k = 0;
  for (let g = 0; g < s.G; g++) {
    let oc0 = g * s.OCg;
    for (const M of ocBlocks(s.OCg, MR)) {
      for (let c = 0; c < s.Cg; c++) {
        for (let t = 0; t < T; t++) {
          for (let m = 0; m < M; m++) dst[k++] = w[((oc0 + m) * s.Cg + c) * T + t];
        }
      }
      oc0 += M;
    }
  }
  if (k !== dst.length) throw new Error(`wasm codegen: packed ${k} conv weights into ${dst.length}`);
}

/** The k-step offset table: byte offset of (channel c, tap t) from the group's first plane. */
export function fillKTable(Cg: number, chanFloats: number, taps: readonly number[], dst: Int32Array): void {
  const T = taps.length;
  for (let c = 0; c < Cg; c++) for (let t = 0; t < T; t++) dst[c * T + t] = (c * chanFloats + taps[t]) * 4;
}

export function packLinear(w: Float32Array, s: LinearShape, dst: Float32Array): void {
  const panels = Math.ceil(s.OUT / LINEAR_NR);
  for (let p = 0; p < panels; p++) {
    for (let i = 0; i < s.IN; i++) {
      for (let j = 0; j < LINEAR_NR; j++) {
        const o = p * LINEAR_NR + j;
        dst[(p * s.IN + i) * LINEAR_NR + j] = o < s.OUT ? w[o * s.IN + i] : 0;
      }
    }
  }
}

/**
 * U = G g G^T for every (oc, c), with G = [[1,0,0],[1/2,1/2,1/2],[1/2,-1/2,1/2],[0,0,1]] written out,
 * packed per position xi as the GEMM walks it: [xi][block of WINOGRAD_MR output channels][c][row].
 */
export function packWinogradWeights(w: Float32Array, OC: number, C: number, dst: Float32Array): void {
  if (dst.length !== 16 * OC * C) throw new Error(`wasm pack: ${dst.length} floats for ${OC}x${C} Winograd weights`);
  const MR = WINOGRAD_MR;
  const fullRows = Math.floor(OC / MR) * MR;
  const t = new Float64Array(12);
  for (let oc = 0; oc < OC; oc++) {
    // position of (oc, c = 0) inside each xi plane: its block, then its row in the block
    const M = oc < fullRows ? MR : OC - fullRows;
    const blockStart = (oc < fullRows ? Math.floor(oc / MR) * MR : fullRows) * C;
    const m = oc < fullRows ? oc % MR : oc - fullRows;
    for (let c = 0; c < C; c++) {
      const g = (oc * C + c) * 9;
      // t = G g (4 x 3)
      for (let j = 0; j < 3; j++) {
        const g0 = w[g + j],
          g1 = w[g + 3 + j],
          g2 = w[g + 6 + j];
        t[j] = g0;
        t[3 + j] = 0.5 * (g0 + g1 + g2);
        t[6 + j] = 0.5 * (g0 - g1 + g2);
        t[9 + j] = g2;
      }
      // U = t G^T (4 x 4), written to the packed positions
      const at = blockStart + c * M + m;
      for (let i = 0; i < 4; i++) {
        const t0 = t[i * 3],
          t1 = t[i * 3 + 1],
          t2 = t[i * 3 + 2];
        const row = i * 4 * OC * C + at;
        dst[row] = t0;
        dst[row + OC * C] = 0.5 * (t0 + t1 + t2);
        dst[row + 2 * OC * C] = 0.5 * (t0 - t1 + t2);
        dst[row + 3 * OC * C] = t2;
      }
    }
  }
}
