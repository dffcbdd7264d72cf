import { afterAll, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../compiler/3-lower/plan.ts';
import { createGpuJsExecutor, type GpuJsExecutor, type GpuJsMode } from '../../runtime/gpujs/executor.ts';
import { add, runOp } from '../../runtime/reference/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { expectClose } from '../golden.ts';
import { convAttrs } from '../reference/helpers.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';
import { planOf, step } from './plan-helpers.ts';
import { randomTensor } from './random.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };

function convStep(
  name: string,
  input: string,
  [N, C, H, W]: readonly number[],
  O: number,
  extra: Partial<PlanStep> = {},
): PlanStep {
  return step({
    nodes: [name],
    op: 'conv2d',
    attrs: convAttrs({ in_channels: C, out_channels: O, kernel_size: [3, 3], pads: [1, 1, 1, 1], bias: true }),
    inputs: [input],
    inputShapes: [[N, C, H, W]],
    params: { weight: `${name}.weight`, bias: `${name}.bias` },
    output: name,
    outputShape: [N, O, H, W],
    ...extra,
  });
}

function linearStep(F: number, O: number, rows: number, bias: boolean): PlanStep {
  return step({
    nodes: ['fc'],
    op: 'linear',
    attrs: { in_features: F, out_features: O, bias },
    inputs: ['x'],
    inputShapes: [[rows, F]],
    params: bias ? { weight: 'fc.weight', bias: 'fc.bias' } : { weight: 'fc.weight' },
    output: 'fc',
    outputShape: [rows, O],
  });
}

/** Behaviour beyond the golden cases, in one gpu.js mode: epilogues, long loops, parameters, reruns, big tensors. */
export function extraSuite(mode: GpuJsMode, options: { large: boolean }): void {
  describe(`gpu.js ${mode}: epilogues, loops, parameters`, () => {
    const open: GpuJsExecutor[] = [];
    afterAll(() => open.forEach((e) => e.destroy()));
    const make = async (...args: Parameters<typeof createGpuJsExecutor>) => {
      const e = await createGpuJsExecutor(...args);
      open.push(e);
      expect(e.backend).toBe(mode);
      return e;
    };

    /** The plan on the reference kernels (runtime/reference): what the executor must reproduce. */
    const reference = (...args: Parameters<typeof runPlanOnReference>) => runPlanOnReference(...args).y;

    it('conv2d with a residual + relu epilogue', async () => {
      const x = randomTensor([1, 2, 5, 5], 1);
      const r = randomTensor([1, 3, 5, 5], 2);
      const w = randomTensor([3, 2, 3, 3], 3);
      const b = randomTensor([3], 4);
      const conv = convStep('conv', 'x', x.shape, 3, { epilogue: { residual: 'r', activation: { kind: 'relu' } } });
      const plan = planOf({ x: x.shape, r: r.shape }, [conv]);
      const weights = new Map([
        ['conv.weight', w],
        ['conv.bias', b],
      ]);
      const exec = await make(plan, weights, mode);
      const { y } = await exec.run({ x, r });
      const sum = add([runOp(conv.op, conv.attrs, [x], { weight: w, bias: b }), r]).data;
      expect(sum.some((v) => v < -0.1)).toBe(true); // relu has something to clamp
      expect(sum.some((v) => v > 0.1)).toBe(true);
      expectClose(y, reference(plan, weights, { x, r }), TOL);
    });

    it('activation epilogues stay exact at extreme inputs (tanh, sigmoid, leaky_relu)', async () => {
      const values = [-100, -20, -3, -0.5, -1e-3, 0, 1e-3, 0.5, 3, 20, 100, 1e-6];
      const x: Tensor = { shape: [1, values.length], data: Float32Array.from(values) };
      for (const activation of [
        { kind: 'tanh' },
        { kind: 'sigmoid' },
        { kind: 'leaky_relu', negative_slope: 0.2 },
      ] as const) {
        const plan = planOf({ x: x.shape }, [
          step({
            nodes: ['id'],
            op: 'identity',
            attrs: {},
            inputs: ['x'],
            inputShapes: [x.shape],
            output: 'id',
            outputShape: x.shape,
            epilogue: { residual: null, activation },
          }),
        ]);
        const exec = await make(plan, new Map(), mode);
        const { y } = await exec.run({ x });
        expectClose(y, reference(plan, new Map(), { x }), TOL, activation.kind);
      }
    });

    it('linear with in_features 2048 sums every term (no 1000-iteration loop cap)', async () => {
      const F = 2048;
      const ones: Tensor = { shape: [2, F], data: new Float32Array(2 * F).fill(1) };
      const w: Tensor = { shape: [3, F], data: new Float32Array(3 * F).fill(1) };
      const exec = await make(
        planOf({ x: ones.shape }, [linearStep(F, 3, 2, false)]),
        new Map([['fc.weight', w]]),
        mode,
      );
      expect(Array.from((await exec.run({ x: ones })).y.data)).toEqual([F, F, F, F, F, F]);

      const x = randomTensor([2, F], 5);
      const weights = new Map([
        ['fc.weight', randomTensor([3, F], 6)],
        ['fc.bias', randomTensor([3], 7)],
      ]);
      const plan = planOf({ x: x.shape }, [linearStep(F, 3, 2, true)]);
      const { y } = await (await make(plan, weights, mode)).run({ x });
      expectClose(y, reference(plan, weights, { x }), { rtol: 1e-4, atol: 1e-4 });
    });

    it('inline plan parameter values take precedence over the weights', async () => {
      const x: Tensor = { shape: [1, 3], data: Float32Array.from([1, 10, 100]) };
      const plan = planOf(
        { x: x.shape },
        [linearStep(3, 1, 1, true)],
        [
          { key: 'fc.weight', shape: [1, 3], value: Float32Array.from([1, 2, 3]) },
          { key: 'fc.bias', shape: [1], value: null },
        ],
      );
      const weights = new Map<string, Tensor>([
        ['fc.weight', { shape: [1, 3], data: Float32Array.from([7, 7, 7]) }],
        ['fc.bias', { shape: [1], data: Float32Array.from([0.5]) }],
      ]);
      const { y } = await (await make(plan, weights, mode)).run({ x });
      expect(Array.from(y.data)).toEqual([321.5]);
    });

    it('softmax along dim 1 of a 4-D and a 2-D tensor', async () => {
      for (const shape of [
        [2, 5, 3, 2],
        [3, 7],
      ]) {
        const x = randomTensor(shape, 8, 4);
        const plan = planOf({ x: shape }, [
          step({
            nodes: ['sm'],
            op: 'softmax',
            attrs: { dim: 1 },
            inputs: ['x'],
            inputShapes: [shape],
            output: 'sm',
            outputShape: shape,
          }),
        ]);
        const { y } = await (await make(plan, new Map(), mode)).run({ x });
        expectClose(y, reference(plan, new Map(), { x }), TOL);
      }
    });

    it('batchnorm2d without running statistics normalises with the batch statistics', async () => {
      const x = randomTensor([2, 3, 4, 5], 9, 3);
      const plan = planOf({ x: x.shape }, [
        step({
          nodes: ['bn'],
          op: 'batchnorm2d',
          attrs: { num_features: 3, eps: 1e-5, momentum: 0.1, affine: false, track_running_stats: false },
          inputs: ['x'],
          inputShapes: [x.shape],
          output: 'bn',
          outputShape: x.shape,
        }),
      ]);
      const { y } = await (await make(plan, new Map(), mode)).run({ x });
      expectClose(y, reference(plan, new Map(), { x }), TOL);
    });

    it('runs again with new inputs and leaves earlier results untouched', async () => {
      const weights = new Map([
        ['c1.weight', randomTensor([4, 2, 3, 3], 10)],
        ['c1.bias', randomTensor([4], 11)],
      ]);
      const plan = planOf({ x: [1, 2, 6, 6] }, [
        convStep('c1', 'x', [1, 2, 6, 6], 4, { epilogue: { residual: null, activation: { kind: 'relu' } } }),
        step({
          nodes: ['add'],
          op: 'add',
          attrs: {},
          inputs: ['c1', 'c1'],
          inputShapes: [
            [1, 4, 6, 6],
            [1, 4, 6, 6],
          ],
          output: 'add',
          outputShape: [1, 4, 6, 6],
        }),
      ]);
      const exec = await make(plan, weights, mode);
      const x1 = randomTensor([1, 2, 6, 6], 12);
      const x2 = randomTensor([1, 2, 6, 6], 13);
      const first = (await exec.run({ x: x1 })).y;
      const firstCopy = first.data.slice();
      const second = (await exec.run({ x: x2 })).y;
      expectClose(first, reference(plan, weights, { x: x1 }), TOL);
      expectClose(second, reference(plan, weights, { x: x2 }), TOL);
      expect(first.data).toEqual(firstCopy);
    });

    it('rejects a missing or misshapen input', async () => {
      const plan = planOf({ x: [1, 4] }, [
        step({
          nodes: ['r'],
          op: 'relu',
          attrs: {},
          inputs: ['x'],
          inputShapes: [[1, 4]],
          output: 'r',
          outputShape: [1, 4],
        }),
      ]);
      const exec = await make(plan, new Map(), mode);
      await expect(exec.run({})).rejects.toThrow(/missing input 'x'/);
      await expect(exec.run({ x: { shape: [4, 1], data: new Float32Array(4) } })).rejects.toThrow(
        /shape \[4, 1\].*\[1, 4\]/,
      );
    });

    if (options.large) {
      it('a 1x64x112x112 output is not broken by texture size limits', async () => {
        const x = randomTensor([1, 3, 112, 112], 14);
        const weights = new Map([
          ['big.weight', randomTensor([64, 3, 3, 3], 15)],
          ['big.bias', randomTensor([64], 16)],
        ]);
        const plan = planOf({ x: x.shape }, [
          convStep('big', 'x', x.shape, 64, { epilogue: { residual: null, activation: { kind: 'relu' } } }),
        ]);
        const exec = await make(plan, weights, mode);
        const { y } = await exec.run({ x });
        expect(y.shape).toEqual([1, 64, 112, 112]);
        expectClose(y, reference(plan, weights, { x }), TOL);
      });
    }
  });
}
