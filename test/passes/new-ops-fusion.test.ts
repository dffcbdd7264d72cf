/**
 * The fusion passes on the new ops, on hand-built plans: every activation fuses into every producer
 * (conv, linear, BatchNorm, add, the pools, binary and scalar ops), only the non-decreasing ones
 * move into a max-pool, a binary add of equal shapes is a residual like Add, reshape is a copy. Each
 * fused plan computes the same numbers as the unfused one on the reference and on every backend.
 */
import { describe, expect, it } from 'vitest';
import type { Activation, Plan, PlanStep } from '../../compiler/3-lower/plan.ts';
import type { OpAttrs, OpName } from '../../compiler/ir/attrs.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { isMonotone } from '../../compiler/4-optimize/activations.ts';
import { optimize } from '../../compiler/4-optimize/index.ts';
import { createExecutor, parseBackend } from '../../runtime/backends.ts';
import { runOp } from '../../runtime/reference/index.ts';
import { convAttrs } from '../reference/helpers.ts';
import { runPlanOnReference } from '../reference/plan-reference.ts';
import { ACTIVATIONS, activationName, EXTREMES } from '../gpujs/op-cases.ts';
import { planOf, step } from '../gpujs/plan-helpers.ts';
import { expectAllClose, kernels, only, random } from './helpers.ts';

const BACKENDS = ['cpu', 'wasm:1', 'wasm:2', 'gpujs:cpu'];

/** A plan with its weights and inputs. */
interface Case {
  readonly plan: Plan;
  readonly weights: Map<string, Tensor>;
  readonly feeds: Record<string, Tensor>;
}

async function run(c: Case, plan: Plan, backend: string): Promise<Record<string, Tensor>> {
  if (backend === 'reference') return runPlanOnReference(plan, c.weights, c.feeds);
  const ex = await createExecutor(plan, c.weights, parseBackend(backend));
  try {
    return await ex.run(c.feeds);
  } finally {
    ex.destroy();
  }
}

/** Runs `passes` and checks the fused plan computes what the plain one does, on the reference and every backend. */
async function expectSameNumbers(
  c: Case,
  passes: ReturnType<typeof only> | true,
  backends = ['reference', ...BACKENDS],
): Promise<Plan> {
  const fused = optimize(c.plan, passes).plan;
  for (const backend of backends) {
    const want = await run(c, c.plan, backend);
    expectAllClose(await run(c, fused, backend), want);
  }
  return fused;
}

function activationStep(a: Activation, input: string, shape: readonly number[], output = 'a'): PlanStep {
  const { kind, ...attrs } = a;
  return step<OpName>({
    nodes: [output],
    op: kind,
    attrs: attrs as OpAttrs[OpName],
    inputs: [input],
    inputShapes: [shape],
    output,
    outputShape: shape,
  });
}

const X = [2, 3, 6, 6];

/** Producers of the value an activation reads: each step reads `x` (and `x2`), writes `p`. */
const PRODUCERS: readonly { name: string; step: PlanStep; weights?: [string, readonly number[]][] }[] = [
  {
    name: 'conv2d',
    step: step({
      nodes: ['p'],
      op: 'conv2d',
      attrs: convAttrs({ in_channels: 3, out_channels: 4, kernel_size: [3, 3], bias: true }),
      inputs: ['x'],
      inputShapes: [X],
      params: { weight: 'p.weight', bias: 'p.bias' },
      output: 'p',
      outputShape: [2, 4, 4, 4],
    }),
    weights: [
      ['p.weight', [4, 3, 3, 3]],
      ['p.bias', [4]],
    ],
  },
  {
    name: 'linear of rank 4',
    step: step({
      nodes: ['p'],
      op: 'linear',
      attrs: { in_features: 6, out_features: 5, bias: true },
      inputs: ['x'],
      inputShapes: [X],
      params: { weight: 'p.weight', bias: 'p.bias' },
      output: 'p',
      outputShape: [2, 3, 6, 5],
    }),
    weights: [
      ['p.weight', [5, 6]],
      ['p.bias', [5]],
    ],
  },
  {
    name: 'batchnorm2d',
    step: step({
      nodes: ['p'],
      op: 'batchnorm2d',
      attrs: { num_features: 3, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true },
      inputs: ['x'],
      inputShapes: [X],
      params: { weight: 'p.weight', bias: 'p.bias', running_mean: 'p.running_mean', running_var: 'p.running_var' },
      output: 'p',
      outputShape: X,
    }),
    weights: [
      ['p.weight', [3]],
      ['p.bias', [3]],
      ['p.running_mean', [3]],
      ['p.running_var', [3]],
    ],
  },
  {
    name: 'add',
    step: step({
      nodes: ['p'],
      op: 'add',
      attrs: {},
      inputs: ['x', 'x2'],
      inputShapes: [X, X],
      output: 'p',
      outputShape: X,
    }),
  },
  {
    name: 'maxpool2d',
    step: step({
      nodes: ['p'],
      op: 'maxpool2d',
      attrs: { kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceil_mode: true },
      inputs: ['x'],
      inputShapes: [X],
      output: 'p',
      outputShape: [2, 3, 4, 4],
    }),
  },
  {
    name: 'avgpool2d',
    step: step({
      nodes: ['p'],
      op: 'avgpool2d',
      attrs: {
        kernel_size: [2, 2],
        stride: [2, 2],
        padding: [0, 0],
        ceil_mode: false,
        count_include_pad: true,
        divisor_override: null,
      },
      inputs: ['x'],
      inputShapes: [X],
      output: 'p',
      outputShape: [2, 3, 3, 3],
    }),
  },
  {
    name: 'adaptive_avgpool2d',
    step: step({
      nodes: ['p'],
      op: 'adaptive_avgpool2d',
      attrs: { output_size: [1, 1] },
      inputs: ['x'],
      inputShapes: [X],
      output: 'p',
      outputShape: [2, 3, 1, 1],
    }),
  },
  {
    name: 'binary mul, SE broadcast',
    step: step({
      nodes: ['p'],
      op: 'binary',
      attrs: { op: 'mul' },
      inputs: ['x', 'se'],
      inputShapes: [X, [2, 3, 1, 1]],
      output: 'p',
      outputShape: X,
    }),
  },
  {
    name: 'scalar, reversed sub',
    step: step({
      nodes: ['p'],
      op: 'scalar',
      attrs: { op: 'sub', value: 1.5, reversed: true },
      inputs: ['x'],
      inputShapes: [X],
      output: 'p',
      outputShape: X,
    }),
  },
];

/** Inputs in [-6, 6) (the SE scale in [0, 2)) and weights in [-1, 1); running_var positive. */
function caseOf(steps: PlanStep[], weights: [string, readonly number[]][] = [], seed = 1): Case {
  const reads = new Set(steps.flatMap((s) => [...s.inputs, ...(s.epilogue.residual ? [s.epilogue.residual] : [])]));
  const produced = new Set(steps.map((s) => s.output));
  const shapes = new Map<string, readonly number[]>();
  for (const s of steps) s.inputs.forEach((b, k) => shapes.set(b, s.inputShapes[k]));
  const inputs = [...reads].filter((b) => !produced.has(b));
  const feeds = Object.fromEntries(
    inputs.map((b, k) => [
      b,
      b === 'se' ? random(shapes.get(b)!, seed + k, 0, 2) : random(shapes.get(b)!, seed + k, -6, 6),
    ]),
  );
  const w = new Map(
    weights.map(([key, shape], k) => [
      key,
      key.endsWith('running_var') ? random(shape, seed * 31 + k, 0.2, 2) : random(shape, seed * 31 + k),
    ]),
  );
  const plan = planOf(
    Object.fromEntries(inputs.map((b) => [b, shapes.get(b)!])),
    steps,
    weights.map(([key, shape]) => ({ key, shape, value: null })),
  );
  return { plan, weights: w, feeds };
}

describe('fuse-activation fuses every activation into every producer, without changing numbers', () => {
  for (const p of PRODUCERS) {
    it(`into ${p.name}`, async () => {
      for (const a of ACTIVATIONS) {
        const c = caseOf([p.step, activationStep(a, 'p', p.step.outputShape)], p.weights);
        const fused = await expectSameNumbers(c, only('fuse-activation'));
        expect(kernels(fused), activationName(a)).toEqual([`${p.step.op}(p+a)[${a.kind}]`]);
        expect(fused.steps[0].epilogue.activation).toEqual(a);
      }
    });
  }
});

describe('activation-into-maxpool', () => {
  const pool = (input: string) =>
    step({
      nodes: ['m'],
      op: 'maxpool2d',
      attrs: { kernel_size: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: true },
      inputs: [input],
      inputShapes: [[2, 3, 5, 5]],
      output: 'm',
      outputShape: [2, 3, 3, 3],
    });

  it('moves exactly the non-decreasing activations behind the max (same numbers either way)', async () => {
    const all = [
      ...ACTIVATIONS,
      { kind: 'elu', alpha: -0.5 } as const,
      { kind: 'leaky_relu', negative_slope: -0.2 } as const,
      { kind: 'hardtanh', min_val: -20, max_val: 20 } as const,
    ];
    for (const a of all) {
      const c = caseOf([activationStep(a, 'x', [2, 3, 5, 5]), pool('a')]);
      const fused = await expectSameNumbers(c, only('activation-into-maxpool'));
      expect(kernels(fused), activationName(a)).toEqual(
        isMonotone(a) ? [`maxpool2d(a+m)[${a.kind}]`] : [`${a.kind}(a)`, 'maxpool2d(m)'],
      );
    }
  });

  it('isMonotone is the truth of each activation: non-decreasing on a fine grid, or a pair that proves otherwise', () => {
    const grid = Float32Array.from(
      [...EXTREMES, ...Array.from({ length: 4001 }, (_, i) => -20 + i / 100)].sort((a, b) => a - b),
    );
    const x: Tensor = { shape: [grid.length], data: grid };
    for (const a of [...ACTIVATIONS, { kind: 'elu', alpha: -0.5 } as const]) {
      const { kind, ...attrs } = a;
      const y = runOp<OpName>(kind, attrs as OpAttrs[OpName], [x], {}).data;
      let decreases = 0;
      for (let i = 1; i < y.length; i++) if (y[i] < y[i - 1]) decreases++;
      expect(decreases === 0, `${activationName(a)}: ${decreases} decreases`).toBe(isMonotone(a));
    }
  });
});

describe('fuse-residual takes a binary add of equal shapes like Add', () => {
  const conv = step({
    nodes: ['c'],
    op: 'conv2d',
    attrs: convAttrs({ in_channels: 3, out_channels: 3, kernel_size: [3, 3], pads: [1, 1, 1, 1], bias: true }),
    inputs: ['x'],
    inputShapes: [X],
    params: { weight: 'c.weight', bias: 'c.bias' },
    output: 'c',
    outputShape: X,
  });
  const weights: [string, readonly number[]][] = [
    ['c.weight', [3, 3, 3, 3]],
    ['c.bias', [3]],
  ];
  const binary = (op: 'add' | 'sub', inputs: [string, string], shapes: [readonly number[], readonly number[]]) =>
    step({ nodes: ['s'], op: 'binary', attrs: { op }, inputs, inputShapes: shapes, output: 's', outputShape: X });

  it('with the conv on either side, then the activation after it', async () => {
    for (const inputs of [
      ['c', 'x'],
      ['x', 'c'],
    ] as [string, string][]) {
      const c = caseOf([conv, binary('add', inputs, [X, X])], weights);
      expect(kernels(await expectSameNumbers(c, only('fuse-residual')))).toEqual(['conv2d(c+s)[+x]']);
      const withAct = caseOf(
        [conv, binary('add', inputs, [X, X]), activationStep({ kind: 'hardswish' }, 's', X)],
        weights,
      );
      expect(kernels(await expectSameNumbers(withAct, true))).toEqual(['conv2d(c+s+a)[+x,hardswish]']);
    }
  });

  it('but not a sub, nor an add that broadcasts (the activation still fuses into the binary step)', async () => {
    const sub = caseOf([conv, binary('sub', ['c', 'x'], [X, X])], weights);
    expect(kernels(await expectSameNumbers(sub, true))).toEqual(['conv2d(c)', 'binary(s)']);
    const broadcast = step({
      nodes: ['s'],
      op: 'binary',
      attrs: { op: 'add' },
      inputs: ['c', 'se'],
      inputShapes: [X, [2, 3, 1, 1]],
      output: 's',
      outputShape: X,
    });
    const c = caseOf([conv, broadcast, activationStep({ kind: 'gelu', approximate: 'none' }, 's', X)], weights);
    expect(kernels(await expectSameNumbers(c, true))).toEqual(['conv2d(c)', 'binary(s+a)[gelu]']);
  });
});

describe('elide-copies', () => {
  it('reads through a reshape', async () => {
    const c = caseOf(
      [
        step({
          nodes: ['r'],
          op: 'reshape',
          attrs: { shape: [2, 108] },
          inputs: ['x'],
          inputShapes: [X],
          output: 'r',
          outputShape: [2, 108],
        }),
        step({
          nodes: ['fc'],
          op: 'linear',
          attrs: { in_features: 108, out_features: 4, bias: false },
          inputs: ['r'],
          inputShapes: [[2, 108]],
          params: { weight: 'fc.weight' },
          output: 'fc',
          outputShape: [2, 4],
        }),
      ],
      [['fc.weight', [4, 108]]],
    );
    // the reference evaluator hands each step its buffer's own shape, not the step's input shape: backends only
    const fused = await expectSameNumbers(c, only('elide-copies'), BACKENDS);
    expect(kernels(fused)).toEqual(['linear(fc)']);
    expect(fused.steps[0].inputs).toEqual(['x']);
  });
});
