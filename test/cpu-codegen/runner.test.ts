/** createCpuExecutor: parameter binding, feed checks, storage reuse across steps and runs, source shape. */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../compiler/3-lower/plan.ts';
import { assignSlots } from '../../compiler/5-codegen/cpu/buffer-slots.ts';
import { cpuKernelSource } from '../../compiler/5-codegen/cpu/kernel-source.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { expectClose, loadGoldenCase } from '../golden.ts';
import { goldenPlan } from '../golden-plan.ts';
import { oneStepPlan, prng, randomTensor } from './single-step.ts';

const seed = loadGoldenCase('model_seed_rgb_conv3x3');

describe('createCpuExecutor', () => {
  it('reports the backend and the generated source', () => {
    const g = goldenPlan(seed);
    const exec = createCpuExecutor(g.plan, g.weights);
    expect(exec.backend).toBe('cpu');
    expect(exec.source).toContain('function runPlan(buffers, params)');
    expect(exec.source).toContain('// conv2d: conv');
    expect(exec.source).toContain('// [1, 3, 8, 8] -> [1, 3, 8, 8]');
  });

  it('names the input, the expected and the actual shape on a bad feed', () => {
    const g = goldenPlan(seed);
    const exec = createCpuExecutor(g.plan, g.weights);
    const bad: Tensor = { shape: [1, 3, 9, 8], data: new Float32Array(216) };
    expect(() => exec.run({ x: bad })).toThrow('input "x": expected shape [1, 3, 8, 8], got [1, 3, 9, 8]');
    expect(() => exec.run({})).toThrow('missing input "x" (expected shape [1, 3, 8, 8])');
    expect(() => exec.run({ x: seed.input.x, z: seed.input.x })).toThrow('unknown input "z"');
  });

  it('reports missing and mis-shaped parameters', () => {
    const g = goldenPlan(seed);
    expect(() => createCpuExecutor(g.plan, new Map())).toThrow('missing parameter "conv.weight" (shape [3, 3, 3, 3])');
    const w = new Map(g.weights);
    w.set('conv.bias', { shape: [1, 3], data: new Float32Array(3) });
    expect(() => createCpuExecutor(g.plan, w)).toThrow(
      'parameter "conv.bias": expected shape [3], the weights have [1, 3]',
    );
  });

  it('PlanParam.value takes precedence over the weights', () => {
    const g = goldenPlan(seed, { inline: () => true });
    const junk = new Map<string, Tensor>(
      [...g.weights.keys(), 'conv.weight', 'conv.bias'].map((k) => [
        k,
        {
          shape: k.endsWith('weight') ? [3, 3, 3, 3] : [3],
          data: new Float32Array(k.endsWith('weight') ? 81 : 3).fill(9),
        },
      ]),
    );
    const y = createCpuExecutor(g.plan, junk).run(g.feeds)[g.outputName];
    expectClose(y, seed.output!, seed.tolerance!);
  });

  it('gives the same answers on repeated runs with different inputs (reused storage is fully overwritten)', () => {
    const c = loadGoldenCase('model_resnet_basic_block');
    const g = goldenPlan(c, { fuse: true });
    const exec = createCpuExecutor(g.plan, g.weights);
    const rnd = prng(11);
    const other = randomTensor(c.input.x.shape, rnd);
    const y = g.outputName;
    const fresh = createCpuExecutor(g.plan, g.weights).run({ x: other })[y].data;
    const first = exec.run(g.feeds)[y];
    const second = exec.run({ x: other })[y];
    const third = exec.run(g.feeds)[y];
    expect(Array.from(second.data)).toEqual(Array.from(fresh));
    expectClose(third, c.output!, c.tolerance!);
    // outputs are fresh arrays, not views of shared storage
    expect(first.data).not.toBe(third.data);
    expect(Array.from(first.data)).toEqual(Array.from(third.data));
  });

  it('reuses storage for intermediates with disjoint lifetimes', () => {
    const c = loadGoldenCase('model_vgg_block');
    const { plan } = goldenPlan(c);
    const { slotSizes, slotOf } = assignSlots(plan);
    expect(slotOf.size).toBe(4); // conv1, relu1, conv2, relu2 (pool is the output)
    expect(slotSizes.length).toBe(2); // a chain needs two alternating slots
    for (const s of plan.steps) {
      const out = slotOf.get(s.output);
      for (const i of s.inputs) if (out !== undefined) expect(slotOf.get(i)).not.toBe(out);
    }
  });

  it('a graph input that is also the output comes back as a copy', () => {
    const x: Tensor = { shape: [2], data: new Float32Array([1, 2]) };
    const plan: Plan = {
      model: 'passthrough',
      inputs: [{ name: 'x', buffer: 'x', shape: [2] }],
      outputs: [{ name: 'y', buffer: 'x', shape: [2] }],
      params: [],
      buffers: [{ id: 'x', shape: [2], role: 'input' }],
      steps: [],
    };
    const y = createCpuExecutor(plan, new Map()).run({ x }).y;
    expect(Array.from(y.data)).toEqual([1, 2]);
    expect(y.data).not.toBe(x.data);
  });
});

describe('cpuKernelSource', () => {
  const { plan } = oneStepPlan({
    op: 'conv2d',
    attrs: {
      in_channels: 2,
      out_channels: 2,
      kernel_size: [3, 3],
      stride: [1, 1],
      pads: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: true,
      padding_mode: 'zeros',
    },
    inputShapes: [[1, 2, 5, 5]],
    outputShape: [1, 2, 5, 5],
    params: { weight: randomTensor([2, 2, 3, 3], prng(1)), bias: randomTensor([2], prng(2)) },
    residual: true,
  });
  it('is one readable function with literal sizes', () => {
    const src = cpuKernelSource(plan.steps[0], 'myKernel');
    expect(src.startsWith('// conv2d: layer\n// [1, 2, 5, 5] -> [1, 2, 5, 5], epilogue: + residual')).toBe(true);
    expect(src).toContain('function myKernel(out, in0, res, p_weight, p_bias) {');
    expect(src).toContain('oc * 18 + c * 9');
    const fn = new Function(`${src}\nreturn myKernel;`)();
    expect(typeof fn).toBe('function');
  });
  it('rejects a function name that is not a plain identifier', () => {
    expect(() => cpuKernelSource(plan.steps[0], 'a(){}; f')).toThrow('is not a plain identifier');
  });
});
