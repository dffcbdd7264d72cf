/** The gpu.js kernels of the new ops obey the backend's rules, and the backend limits see what they read. */
import { describe, expect, it } from 'vitest';
import type { Activation, PlanStep } from '../../compiler/3-lower/plan.ts';
import { checkBackendLimits, GL_MAX_ELEMENTS, kernelInputs } from '../../compiler/5-codegen/backend-limits.ts';
import { activationLines } from '../../compiler/5-codegen/gpujs/epilogue.ts';
import { gpujsKernelSource } from '../../compiler/5-codegen/gpujs/kernel-source.ts';
import { ACTIVATIONS, allOpCases } from './op-cases.ts';
import { planOf, step } from './plan-helpers.ts';

const cases = allOpCases();

describe('gpu.js kernels of the new ops', () => {
  it('cover every op the cases use, each new op at least once', () => {
    const ops = new Set(cases.map((c) => c.plan.steps[0].op));
    for (const op of [
      'hardtanh',
      'hardswish',
      'hardsigmoid',
      'silu',
      'gelu',
      'elu',
      'mish',
      'prelu',
      'binary',
      'scalar',
      'reshape',
      'permute',
      'slice',
      'pad',
      'channel_shuffle',
      'layer_norm',
      'group_norm',
      'adaptive_maxpool2d',
      'reduce',
      'parameter',
    ])
      expect(ops.has(op as PlanStep['op']), op).toBe(true);
  });

  it('give every loop a literal bound and read only their arguments', () => {
    for (const c of cases) {
      const s = c.plan.steps[0];
      const { source, args } = gpujsKernelSource(s);
      const loops = [...source.matchAll(/for \(let (\w+) = \d+; \1 < ([^;]+);/g)];
      expect(loops.length, source).toBe((source.match(/\bfor \(/g) ?? []).length);
      for (const [, , bound] of loops) expect(bound, source).toMatch(/^\d+$/);
      expect(source, c.name).not.toMatch(/this\.constants|while/);
      // what E0321 counts (texture units) is exactly what the kernel takes
      expect(args.length, c.name).toBe(kernelInputs(s));
      expect(() => new Function(`return (${source});`), c.name).not.toThrow();
    }
  });

  it('divide indexes only as floors of quotients kept 0.5 away from integers (idiv and the bin ends)', () => {
    for (const c of cases) {
      const code = gpujsKernelSource(c.plan.steps[0])
        .source.split('\n')
        .filter((l) => !l.trim().startsWith('//'));
      for (const l of code.filter((l) => l.includes('Math.floor')))
        expect(l, c.name).toMatch(/Math\.floor\(\(.* \+ \d*\.?5\) \/ \d+\)/);
    }
  });

  it('activation statements declare only a_ locals (no clash with a kernel body), apart from the old tanh', () => {
    for (const a of ACTIVATIONS) {
      const lines = activationLines(a as Activation);
      const declared = lines.flatMap((l) => [...l.matchAll(/\b(?:const|let) (\w+)/g)].map((m) => m[1]));
      for (const name of declared) expect(name, a.kind).toMatch(a.kind === 'tanh' ? /^(e2|t)$/ : /^a_/);
    }
  });

  it('refuses what a gpu.js kernel cannot express', () => {
    const pad = step({
      nodes: ['p'],
      op: 'pad',
      attrs: { pads: [0, 0, 1, 1], mode: 'constant', value: -Infinity },
      inputs: ['x'],
      inputShapes: [[1, 2]],
      output: 'p',
      outputShape: [1, 4],
    });
    expect(() => gpujsKernelSource(pad)).toThrow(/non-finite number -Infinity/);
    const prelu = step({
      nodes: ['a'],
      op: 'prelu',
      attrs: { num_parameters: 3 },
      inputs: ['x'],
      inputShapes: [[2, 4]],
      params: { weight: 'a.weight' },
      output: 'a',
      outputShape: [2, 4],
    });
    expect(() => gpujsKernelSource(prelu)).toThrow(/needs 3 channels/);
    const circular = { ...pad, attrs: { pads: [0, 0, -2, 1], mode: 'circular', value: 0 }, outputShape: [1, 1] };
    expect(() => gpujsKernelSource(circular as unknown as PlanStep)).toThrow(/crop away a dim of 2/);
  });
});

describe('backend limits (E0321) on the new ops', () => {
  it('refuse a pad output and a free parameter past 2^24 elements on WebGL', () => {
    const big = [1, 1, 4097, 4097];
    const plan = planOf({ x: [1, 1, 4095, 4095] }, [
      step({
        nodes: ['pad'],
        op: 'pad',
        attrs: { pads: [1, 1, 1, 1], mode: 'reflect', value: 0 },
        inputs: ['x'],
        inputShapes: [[1, 1, 4095, 4095]],
        output: 'pad',
        outputShape: big,
      }),
    ]);
    expect(big.reduce((a, b) => a * b, 1)).toBeGreaterThan(GL_MAX_ELEMENTS);
    const d = checkBackendLimits(plan, null, 'gpujs:headlessgl');
    expect(d.map((x) => x.message)).toEqual([expect.stringMatching(/the output of `pad` \[1, 1, 4097, 4097\]/)]);
    expect(checkBackendLimits(plan, null, 'gpujs:cpu')).toEqual([]);

    const param = planOf(
      {},
      [
        step({
          nodes: ['scale'],
          op: 'parameter',
          attrs: { shape: big },
          inputs: [],
          inputShapes: [],
          params: { value: 'scale' },
          output: 'scale',
          outputShape: big,
        }),
      ],
      [{ key: 'scale', shape: big, value: null }],
    );
    const messages = checkBackendLimits(param, null, 'gpujs:headlessgl').map((x) => x.message);
    expect(messages).toContainEqual(expect.stringMatching(/parameter `scale`/));
  });

  it('count a layer_norm kernel as its input, weight and bias, plus a residual', () => {
    const ln = step({
      nodes: ['ln'],
      op: 'layer_norm',
      attrs: { begin: 1, end: 2, eps: 1e-5, elementwise_affine: true },
      inputs: ['x'],
      inputShapes: [[2, 8]],
      params: { weight: 'ln.weight', bias: 'ln.bias' },
      output: 'ln',
      outputShape: [2, 8],
      epilogue: { residual: 'x', activation: null },
    });
    expect(kernelInputs(ln)).toBe(4);
    expect(gpujsKernelSource(ln).args.map((a) => a.ref)).toEqual(['x', 'ln.weight', 'ln.bias', 'x']);
  });
});
