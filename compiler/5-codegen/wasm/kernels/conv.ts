/**
 * conv2d kernel selection for the wasm backend:
 * - depthwise (one input channel per group): direct SIMD convolution over shifted planes (depthwise.ts);
 * - 3x3 stride 1 (groups 1, no dilation, at least 8 channels in and out): Winograd F(2x2,3x3)
 *   (winograd.ts), 2.25x fewer multiplies;
 * - everything else: implicit GEMM over shifted planes (conv-gemm.ts), with a "prepare" phase that
 *   pads and phase-splits the input unless the conv is stride 1 without padding (1x1 convs and
 *   'valid' convs read the input in place).
 */
import type { PlanStep } from '../../../3-lower/plan.ts';
import type { EmitContext, PackRequest, Phase, StepKernel } from '../kernel.ts';
import { planeGeometry, shiftedPlanes, type ShiftedPlanes } from './conv-source.ts';
import {
  gemmConvFunction,
  type GemmConvShape,
  type GemmTiling,
  packedConvGemmFloats,
  tileScratchBytes,
  tilesPerImage,
} from './conv-gemm.ts';
import { prepFunction } from './prep.ts';
import { splitEpilogue } from './simd.ts';
import { depthwiseKernel } from './depthwise.ts';
import { winogradKernel, winogradPays } from './winograd.ts';

/** Register blocking measured best on x64 V8 (4 output channels x 8 positions = 8 accumulators). */
const TILING: GemmTiling = { MR: 4, NV: 2, KU: 1 };

/** Floats read past the last plane: the last tile's garbage positions plus the largest tap offset. */
export function overreadFloats(sp: ShiftedPlanes, OH: number, NR: number, planeFloats: number): number {
  const lastTileEnd = Math.ceil((OH * sp.Wq) / NR) * NR;
  return Math.max(0, lastTileEnd + Math.max(...sp.taps) + 4 - planeFloats);
}

export function convKernel(step: PlanStep<'conv2d'>, threads = 1): StepKernel {
  const a = step.attrs;
  if (a.in_channels / a.groups === 1) return depthwiseKernel(step);
  if (winogradPays(step)) return winogradKernel(step, threads);
  return gemmConvKernel(step, TILING);
}

export function gemmConvKernel(step: PlanStep<'conv2d'>, tiling: GemmTiling): StepKernel {
  const a = step.attrs;
  const g = planeGeometry(step);
  const sp = shiftedPlanes(g);
  const shape: GemmConvShape = {
    N: g.N,
    G: a.groups,
    Cg: g.C / a.groups,
    OCg: a.out_channels / a.groups,
    OH: g.OH,
    OW: g.OW,
  };
  const T = sp.taps.length;
  const NR = 4 * tiling.NV;
  const over = overreadFloats(sp, g.OH, NR, sp.prep ? sp.chanFloats : g.H * g.W);
  const prepFloats = sp.prep ? g.N * g.C * sp.chanFloats + over : 0;
  const packs: PackRequest[] = [
    { floats: packedConvGemmFloats(shape, T), spec: { kind: 'conv-gemm', shape, taps: T, MR: tiling.MR } },
    { floats: shape.Cg * T, spec: { kind: 'k-table', Cg: shape.Cg, chanFloats: sp.chanFloats, taps: sp.taps } },
  ];
  if (a.bias) packs.push({ floats: a.out_channels, spec: { kind: 'copy', param: 'bias' } });
  const units = g.N * tilesPerImage(shape, sp, tiling);
  const flops = 2 * g.N * a.out_channels * shape.Cg * T * g.OH * g.OW;
  const { inWasm: ep, after } = splitEpilogue(step.epilogue);
  return {
    describe: `implicit GEMM ${tiling.MR}x${NR} over ${sp.prep ? `padded${sp.prep.phases.length > 1 ? ', phase-split' : ''} copies of the` : 'the'} input planes`,
    scratch: { shared: prepFloats * 4, perThread: tileScratchBytes(tiling) },
    overread: sp.prep ? 0 : over * 4,
    packs,
    emit(ctx: EmitContext): Phase[] {
      const phases: Phase[] = [];
      const input = ctx.buffer(step.inputs[0]);
      if (sp.prep) {
        const fn = ctx.name('prep');
        ctx.mod.addFunction(prepFunction(g, sp, { src: input, dst: ctx.sharedScratch }), fn);
        phases.push({ kind: 'wasm', fn, units: g.N * g.C, cost: g.N * g.C * sp.chanFloats });
      }
      const fn = ctx.name('gemm');
      const func = gemmConvFunction(
        shape,
        sp,
        tiling,
        {
          src: sp.prep ? ctx.sharedScratch : input,
          srcBatchFloats: g.C * sp.chanFloats,
          weights: ctx.pack(0),
          kTable: ctx.pack(1),
          bias: a.bias ? ctx.pack(2) : null,
          out: ctx.buffer(step.output),
          residual: step.epilogue.residual === null ? null : ctx.buffer(step.epilogue.residual),
          threadScratch: ctx.threadScratch,
          threadStride: ctx.threadScratchStride,
        },
        ep,
        ctx.relaxed,
      );
      ctx.mod.addFunction(func, fn);
      phases.push({ kind: 'wasm', fn, units, cost: flops }, ...after);
      return phases;
    },
  };
}
