/**
 * The training reference kernels (runtime/reference/train) against PyTorch 1.13 on the seeded cases of
 * torch_grads.py: every op's gradients of inputs and params from torch.autograd (float64), BatchNorm2d's
 * training-mode forward and running statistics over two consecutive steps, and the dropouts with
 * PyTorch's own masks fed in. Tolerance rtol 1e-5, atol 1e-6 (the cases' own): both sides compute in
 * float64 from the same float32 values; cnnc rounds its outputs (and the forward outputs some gradients
 * are taken from, sigmoid's and tanh's) to float32, a relative error near 1e-7.
 */
import { describe, expect, it } from 'vitest';
import type { OpName, ParamName } from '../../compiler/ir/attrs.ts';
import { tensor } from '../../compiler/ir/tensor.ts';
import {
  applyDropoutMask,
  dropoutMaskShape,
  forwardTrain,
  gradOp,
  keptScale,
} from '../../runtime/reference/train/index.ts';
import { runOp } from '../../runtime/reference/index.ts';
import { expectClose } from '../golden.ts';
import { ALL_OPS } from './ops.ts';
import { loadTorchGrads } from './torch-grads.ts';

const { grads, batchnorm, dropout } = loadTorchGrads();

describe('gradients against torch.autograd', () => {
  it('has cases for every op', () => {
    const ops = new Set<OpName>(grads.map((c) => c.op));
    ops.add('identity');
    for (const op of ALL_OPS) expect(ops.has(op), op).toBe(true);
  });

  for (const c of grads) {
    it(c.name, () => {
      // batchnorm2d's cases here are eval mode (with running statistics): its forward is runOp, nothing saved
      const fwd =
        c.op === 'batchnorm2d'
          ? { output: runOp<OpName>(c.op, c.attrs, c.inputs, c.params), saved: {} }
          : forwardTrain<OpName>(c.op, c.attrs, c.inputs, c.params, { seed: 0 });
      expectClose(fwd.output, c.output, c.tolerance, `${c.name}: forward`);
      const t = { inputs: c.inputs, output: fwd.output, params: c.params, saved: fwd.saved, gradOutput: c.gradOutput };
      const r = gradOp(c.op, c.attrs, t, c.need);
      expect(r.inputs.length).toBe(c.inputs.length);
      c.grads.inputs.forEach((want, i) => {
        if (want === null) expect(r.inputs[i], `input ${i} not asked for`).toBeNull();
        else expectClose(r.inputs[i]!, want, c.tolerance, `${c.name}: d input ${i}`);
      });
      expect(Object.keys(r.params).sort()).toEqual([...c.need.params].sort());
      for (const name of c.need.params) {
        expectClose(r.params[name as ParamName]!, c.grads.params[name]!, c.tolerance, `${c.name}: d ${name}`);
      }
    });
  }
});

describe('BatchNorm2d in training mode against PyTorch, two consecutive steps', () => {
  for (const c of batchnorm) {
    it(c.name, () => {
      const params = { ...c.params };
      let tracked = c.numBatchesTracked;
      c.steps.forEach((s, step) => {
        const at = `${c.name}, step ${step + 1}`;
        const fwd = forwardTrain('batchnorm2d', c.attrs, [s.input], params, { seed: 0, numBatchesTracked: tracked });
        expectClose(fwd.output, s.output, c.tolerance, `${at}: output`);
        expectClose(fwd.saved.mean, s.mean, c.tolerance, `${at}: saved mean`);
        expectClose(fwd.saved.invstd, s.invstd, c.tolerance, `${at}: saved invstd`);
        if (c.attrs.track_running_stats) {
          expectClose(fwd.updates.running_mean!, s.running_mean!, c.tolerance, `${at}: running_mean`);
          expectClose(fwd.updates.running_var!, s.running_var!, c.tolerance, `${at}: running_var`);
          expect(fwd.updates.numBatchesTracked).toBe(s.numBatchesTracked);
        } else {
          expect(fwd.updates).toEqual({});
        }
        const need: ParamName[] = c.attrs.affine ? ['weight', 'bias'] : [];
        const t = { inputs: [s.input], output: fwd.output, params, saved: fwd.saved, gradOutput: s.gradOutput };
        const r = gradOp('batchnorm2d', c.attrs, t, { inputs: [true], params: need });
        expectClose(r.inputs[0]!, s.gradInput, c.tolerance, `${at}: d input`);
        if (c.attrs.affine) {
          expectClose(r.params.weight!, s.gradWeight!, c.tolerance, `${at}: d weight`);
          expectClose(r.params.bias!, s.gradBias!, c.tolerance, `${at}: d bias`);
        }
        // PyTorch's own saved statistics give the same gradient
        const fromTorch = gradOp(
          'batchnorm2d',
          c.attrs,
          { ...t, saved: { mean: s.mean, invstd: s.invstd } },
          {
            inputs: [true],
            params: need,
          },
        );
        expectClose(fromTorch.inputs[0]!, s.gradInput, c.tolerance, `${at}: d input from PyTorch's saved statistics`);
        if (fwd.updates.running_mean) params.running_mean = fwd.updates.running_mean;
        if (fwd.updates.running_var) params.running_var = fwd.updates.running_var;
        tracked = fwd.updates.numBatchesTracked ?? tracked;
      });
    });
  }
});

describe('dropout and stochastic depth against PyTorch, with its masks fed in', () => {
  for (const c of dropout) {
    it(c.name, () => {
      const t = c.attrs.training;
      expect(c.keep.shape).toEqual(dropoutMaskShape(t, c.input.shape));
      const mask = tensor(
        c.keep.shape,
        c.keep.data.map((k) => (k ? keptScale(t) : 0)),
      );
      expectClose(applyDropoutMask(c.input, t, mask), c.output, c.tolerance, `${c.name}: output`);
      const r = gradOp(
        'identity',
        c.attrs,
        { inputs: [c.input], output: c.output, params: {}, saved: { mask }, gradOutput: c.gradOutput },
        { inputs: [true], params: [] },
      );
      expectClose(r.inputs[0]!, c.gradInput, c.tolerance, `${c.name}: d input`);
    });
  }
});
