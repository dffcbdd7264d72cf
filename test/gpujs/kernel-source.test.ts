import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../compiler/3-lower/plan.ts';
import { gpujsKernelSource } from '../../compiler/5-codegen/gpujs/kernel-source.ts';
import { createGpuJsExecutor } from '../../runtime/gpujs/executor.ts';
import { listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenPlan } from '../golden-plan.ts';
import { planOf, step } from './plan-helpers.ts';

const steps = listGoldenCases(['layer', 'model']).flatMap((id) => goldenPlan(loadGoldenCase(id)).plan.steps);

/** the source with its `// ...` comment lines removed */
const code = (source: string) =>
  source
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');

describe('gpujsKernelSource', () => {
  it('covers every op of the golden cases', () => {
    expect(new Set(steps.map((s) => s.op))).toEqual(
      new Set([
        'conv2d',
        'maxpool2d',
        'avgpool2d',
        'adaptive_avgpool2d',
        'batchnorm2d',
        'relu',
        'leaky_relu',
        'sigmoid',
        'tanh',
        'flatten',
        'linear',
        'add',
        'concat',
      ]),
    );
  });

  it('gives every loop a literal bound and never reads a bound from an argument or constant', () => {
    for (const s of steps) {
      const { source } = gpujsKernelSource(s);
      const loops = [...source.matchAll(/for \(let (\w+) = \d+; \1 < ([^;]+);/g)];
      expect(loops.length, source).toBe((source.match(/\bfor \(/g) ?? []).length);
      for (const [, , bound] of loops) expect(bound, source).toMatch(/^\d+$/);
      expect(source).not.toMatch(/this\.constants|while/);
    }
  });

  it('is a parseable named function with one thread per output element and the shapes on top', () => {
    for (const s of steps) {
      const k = gpujsKernelSource(s);
      expect(k.output).toEqual([s.outputShape.reduce((a, b) => a * b, 1)]);
      expect(k.name).toMatch(/^[a-z0-9_]+_[A-Za-z0-9_]+$/);
      const params = k.source.match(/^function (\w+)\(([^)]*)\) \{\n/);
      expect(params?.[1]).toBe(k.name);
      expect(params?.[2].split(', ')).toEqual(k.args.map((a) => a.name));
      expect(k.argOrder).toEqual(k.args.map((a) => a.ref));
      expect(k.source.split('\n')[1]).toBe(
        `  // ${s.op} ${s.nodes[0]}: ${s.inputShapes.map((sh) => `[${sh.join(', ')}]`).join(', ')} -> [${s.outputShape.join(', ')}]`,
      );
      expect(() => new Function(`return (${k.source});`)).not.toThrow();
    }
  });

  it('passes the step inputs, then params in state_dict order, then the residual', () => {
    const s = goldenPlan(loadGoldenCase('batchnorm_eval')).plan.steps[0];
    const k = gpujsKernelSource({ ...s, epilogue: { residual: 'skip', activation: { kind: 'relu' } } } as PlanStep);
    expect(k.argOrder).toEqual(['x', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'skip']);
    expect(k.args.map((a) => a.kind)).toEqual(['buffer', 'param', 'param', 'param', 'param', 'buffer']);
    expect(k.source).toContain('v = v + residual[i];');
    expect(k.source).toContain('if (v < 0) { v = 0; }');
  });

  const hostile = 'x */ }); process.exit(1); /*\n// \u2028 \u2029 \r y';
  const hostileStep = step({
    nodes: [hostile],
    op: 'linear',
    attrs: { in_features: 2, out_features: 1, bias: true },
    inputs: [`${hostile} in`],
    inputShapes: [[1, 2]],
    params: { weight: `${hostile}.weight`, bias: `${hostile}.bias` },
    output: `${hostile} out`,
    outputShape: [1, 1],
    epilogue: { residual: `${hostile} res`, activation: null },
  });

  it('keeps user names out of the code: escaped in comments, mapped to [A-Za-z0-9_] in the name', () => {
    const k = gpujsKernelSource(hostileStep);
    expect(k.name).toMatch(/^linear_x_+process_exit_1_+y$/);
    expect(k.source).not.toMatch(/[\r\u2028\u2029]/);
    expect(k.source.match(/\*\//g)).toBeNull();
    expect(code(k.source)).not.toContain('process.exit');
    expect(k.source).toContain('// linear x * / }); process.exit(1); /* //');
    expect(k.argOrder).toEqual([`${hostile} in`, `${hostile}.weight`, `${hostile}.bias`, `${hostile} res`]);
  });

  it('runs a kernel whose names are hostile', async () => {
    const plan = planOf({ [`${hostile} in`]: [1, 2], [`${hostile} res`]: [1, 1] }, [hostileStep]);
    const weights = new Map([
      [`${hostile}.weight`, { shape: [1, 2], data: Float32Array.from([2, 3]) }],
      [`${hostile}.bias`, { shape: [1], data: Float32Array.from([0.25]) }],
    ]);
    const exec = await createGpuJsExecutor(plan, weights, 'cpu');
    const { y } = await exec.run({
      [`${hostile} in`]: { shape: [1, 2], data: Float32Array.from([10, 100]) },
      [`${hostile} res`]: { shape: [1, 1], data: Float32Array.from([1000]) },
    });
    exec.destroy();
    expect(Array.from(y.data)).toEqual([1320.25]);
  });

  it('folds padded taps back inside for reflect, replicate and circular padding', () => {
    const conv = steps.find((s) => s.op === 'conv2d')! as PlanStep<'conv2d'>;
    const src = (padding_mode: 'reflect' | 'replicate' | 'circular') =>
      code(gpujsKernelSource({ ...conv, attrs: { ...conv.attrs, padding_mode } } as PlanStep).source);
    const H = conv.inputShapes[0][2];
    expect(src('reflect')).toContain('if (ih < 0) { ih = -ih; }');
    expect(src('reflect')).toContain(`if (ih > ${H - 1}) { ih = ${2 * (H - 1)} - ih; }`);
    expect(src('replicate')).toContain(`if (ih > ${H - 1}) { ih = ${H - 1}; }`);
    expect(src('circular')).toContain(`if (ih < 0) { ih = ih + ${H}; }`);
  });

  it('reports what it cannot generate', () => {
    const relu = step({
      nodes: ['r'],
      op: 'relu',
      attrs: {},
      inputs: ['x'],
      inputShapes: [[1, 2]],
      output: 'r',
      outputShape: [1, 2],
    });
    expect(() => gpujsKernelSource({ ...relu, op: 'dropout' } as unknown as PlanStep)).toThrow(
      /no kernel for op 'dropout'/,
    );
    expect(() => gpujsKernelSource({ ...relu, outputShape: [1, 0] } as PlanStep)).toThrow(/empty output/);
    expect(() => gpujsKernelSource({ ...hostileStep, params: {} } as PlanStep)).toThrow(/has no 'weight' parameter/);
    const add = step({
      nodes: ['a'],
      op: 'add',
      attrs: {},
      inputs: ['x', 'y'],
      inputShapes: [
        [1, 2],
        [2, 1],
      ],
      output: 'a',
      outputShape: [1, 2],
    });
    expect(() => gpujsKernelSource(add)).toThrow(/broadcasting is not supported/);
  });
});
