/**
 * Where a convolution's taps read from: "shifted planes".
 *
 * Every conv (and pool) kernel here reads its input as flat planes of row width Wq, such that output
 * pixel (oh, ow), at flat position p = oh * Wq + ow, reads tap t at plane[p + taps[t]]. Then a run
 * of consecutive output pixels reads consecutive floats for every tap: plain unaligned v128 loads
 * with a constant offset, no bounds checks. The columns ow >= OW of each flat row are garbage that is
 * computed and never stored.
 *
 * - stride 1 with no padding: the planes are the input itself (Wq = W).
 * - otherwise the input is first copied ("prepared") into scratch planes that hold the padding
 *   explicitly (zeros or the padding mode's values) and, for stride s > 1, split into s x s phases
 *   (phase (a, b) holds padded rows a, a+s, ... and columns b, b+s, ...), so a strided tap becomes a
 *   unit-stride read of one phase. Only the phases some tap reads are kept.
 */
import type { PaddingMode, Pads, Pair } from '../../../ir/attrs.ts';
import type { PlanStep } from '../../../3-lower/plan.ts';

export interface PlaneGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly pads: Pads;
  /** value of padded cells: a padding mode, or a constant (-Infinity for max pooling) */
  readonly pad: PaddingMode | { readonly value: number };
  readonly OH: number;
  readonly OW: number;
}

export interface ShiftedPlanes {
  /** null: read the input directly */
  readonly prep: PrepLayout | null;
  /** flat row width of every plane */
  readonly Wq: number;
  /** floats between consecutive channels' planes */
  readonly chanFloats: number;
  /** offset of each tap (kh-major, then kw) from its channel's plane start, in floats */
  readonly taps: readonly number[];
}

export interface PrepLayout {
  readonly Hq: number;
  readonly Wq: number;
  /** the stride phases kept, as [a, b]; plane k of a channel holds phase phases[k] */
  readonly phases: readonly (readonly [number, number])[];
}

export function shiftedPlanes(g: PlaneGeometry): ShiftedPlanes {
  const [KH, KW] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [pt, pb, pl, pr] = g.pads;
  if (sh === 1 && sw === 1 && pt + pb + pl + pr === 0) {
    const taps: number[] = [];
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) taps.push(kh * dh * g.W + kw * dw);
    return { prep: null, Wq: g.W, chanFloats: g.H * g.W, taps };
  }
  const Hq = Math.ceil((g.H + pt + pb) / sh);
  const Wq = Math.ceil((g.W + pl + pr) / sw);
  const phaseIndex = new Map<string, number>();
  const phases: [number, number][] = [];
  const phaseOf = (a: number, b: number): number => {
    const key = `${a},${b}`;
    let k = phaseIndex.get(key);
    if (k === undefined) {
      k = phases.length;
      phases.push([a, b]);
      phaseIndex.set(key, k);
    }
    return k;
  };
  const raw: [number, number, number][] = [];
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const k = phaseOf((kh * dh) % sh, (kw * dw) % sw);
      raw.push([k, Math.floor((kh * dh) / sh), Math.floor((kw * dw) / sw)]);
    }
  }
  const planeFloats = Hq * Wq;
  const taps = raw.map(([k, rs, cs]) => k * planeFloats + rs * Wq + cs);
  return { prep: { Hq, Wq, phases }, Wq, chanFloats: phases.length * planeFloats, taps };
}

/** Source index of padded coordinate i (may be outside [0, n)) for a padding mode, or -1 for a constant pad. */
export function padSourceIndex(pad: PlaneGeometry['pad'], i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  if (typeof pad !== 'string' || pad === 'zeros') return -1;
  let j: number;
  if (pad === 'reflect') j = i < 0 ? -i : 2 * (n - 1) - i;
  else if (pad === 'replicate') j = i < 0 ? 0 : n - 1;
  else j = ((i % n) + n) % n;
  if (!(j >= 0 && j < n)) throw new Error(`wasm codegen: ${pad} padding too large for a dimension of size ${n}`);
  return j;
}

export function padValue(pad: PlaneGeometry['pad']): number {
  return typeof pad === 'string' ? 0 : pad.value;
}

export function planeGeometry(step: PlanStep<'conv2d'>): PlaneGeometry {
  const [N, C, H, W] = step.inputShapes[0];
  const [, , OH, OW] = step.outputShape;
  const a = step.attrs;
  return {
    N,
    C,
    H,
    W,
    kernel: a.kernel_size,
    stride: a.stride,
    dilation: a.dilation,
    pads: a.pads,
    pad: a.padding_mode,
    OH,
    OW,
  };
}
