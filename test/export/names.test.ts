/**
 * Names in the ONNX graph: every name from the plan (model, inputs, buffers, parameter keys, outputs)
 * reaches the protobuf only as a string field, so hostile ones (newlines, quotes, `__proto__`, non-ASCII,
 * markup) load and run in onnxruntime-node under exactly their own names. Clashes the plan allows (a
 * `parameter` node's buffer is its own state_dict key; an output named like another layer) get fresh
 * internal names. Hostile output paths work with external data too.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../compiler/3-lower/plan.ts';
import { exportOnnx, OnnxExportError } from '../../compiler/5-codegen/onnx/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { oneStepPlan, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { expectClose } from '../golden.ts';
import { tempDir } from '../temp-dir.ts';
import { exportCli, ortRun, ortSession, runOnnx } from './ort.ts';

const HOSTILE = [
  'x"\n\'`${process.exit(1)}`',
  '__proto__',
  'constructor',
  'naïve — 名前 \u2028 \u{1F600}',
  '</script><script>alert(1)</script>',
  'a\\b\\0c \u0007\u001b[31m',
  'toString',
];

/** The plan with every name passed through `f` (names are all its strings but op names and attributes). */
function renamed(plan: Plan, f: (name: string) => string): Plan {
  const steps = plan.steps.map((s) => ({
    ...s,
    nodes: s.nodes.map(f),
    inputs: s.inputs.map(f),
    output: f(s.output),
    params: Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, f(v)])),
    epilogue: { ...s.epilogue, residual: s.epilogue.residual === null ? null : f(s.epilogue.residual) },
  }));
  return {
    model: f(plan.model),
    inputs: plan.inputs.map((v) => ({ ...v, name: f(v.name), buffer: f(v.buffer) })),
    outputs: plan.outputs.map((v) => ({ ...v, name: f(v.name), buffer: f(v.buffer) })),
    params: plan.params.map((p) => ({ ...p, key: f(p.key) })),
    buffers: plan.buffers.map((b) => ({ ...b, id: f(b.id) })),
    steps,
  };
}

function conv(): ReturnType<typeof oneStepPlan> {
  const rnd = prng(3);
  return oneStepPlan({
    op: 'conv2d',
    attrs: {
      in_channels: 2,
      out_channels: 3,
      kernel_size: [3, 3],
      stride: [1, 1],
      pads: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: true,
      padding_mode: 'circular',
    },
    inputShapes: [[1, 2, 4, 5]],
    outputShape: [1, 3, 4, 5],
    params: { weight: randomTensor([3, 2, 3, 3], rnd), bias: randomTensor([3], rnd) },
    residual: true,
    activation: { kind: 'gelu', approximate: 'none' },
  });
}

describe('hostile names in the ONNX graph', () => {
  it.each(HOSTILE.map((h, i) => [JSON.stringify(h), i] as const))(
    '%s as every name: loads, runs, keeps its names',
    async (_, i) => {
      const h = HOSTILE[i];
      const { plan, weights } = conv();
      const names = new Map([
        ['x0', `${h} input`],
        ['r', h],
        ['y', `${h} output`],
        ['layer.weight', `${h}.weight`],
        ['layer.bias', `${h}.bias`],
        ['layer', `${h} layer`],
        ['one_step', `${h} model`],
      ]);
      const f = (n: string) => names.get(n) ?? n;
      const hostile = renamed(plan, f);
      const hostileWeights = new Map([...weights].map(([k, t]) => [f(k), t]));
      const model = exportOnnx(hostile, hostileWeights).model;
      const rnd = prng(9);
      const feeds: Record<string, Tensor> = { x0: randomTensor([1, 2, 4, 5], rnd), r: randomTensor([1, 3, 4, 5], rnd) };
      const want = createCpuExecutor(plan, weights).run(feeds).y;
      const session = await ortSession(model);
      try {
        expect([...session.inputNames].sort()).toEqual([f('x0'), f('r')].sort());
        expect(session.outputNames).toEqual([f('y')]);
        const out = await ortRun(session, { [f('x0')]: feeds.x0, [f('r')]: feeds.r });
        expectClose(out.get(f('y'))!, want, { rtol: 1e-5, atol: 1e-5 }, 'hostile names');
      } finally {
        await session.release();
      }
      // the names are in the file as they are, as strings, nothing else
      expect(Buffer.from(model).includes(Buffer.from(f('x0'), 'utf8'))).toBe(true);
    },
  );

  it("gives a parameter node's buffer a fresh name (its id is its own state_dict key), and outputs their own", async () => {
    const x = randomTensor([2, 4, 3, 3], prng(1));
    const scale = randomTensor([1, 4, 1, 1], prng(2));
    const plan: Plan = {
      model: 'Scale',
      inputs: [{ name: 'x', buffer: 'x', shape: [2, 4, 3, 3] }],
      // the output `ls` is the product's name; the layer_scale's own buffer is also `ls`
      outputs: [{ name: 'ls', buffer: 'mul', shape: [2, 4, 3, 3] }],
      params: [{ key: 'ls', shape: [1, 4, 1, 1], value: scale.data }],
      buffers: [
        { id: 'x', shape: [2, 4, 3, 3], role: 'input' },
        { id: 'ls', shape: [1, 4, 1, 1], role: 'intermediate' },
        { id: 'mul', shape: [2, 4, 3, 3], role: 'output' },
      ],
      steps: [
        {
          nodes: ['ls'],
          op: 'parameter',
          attrs: { shape: [1, 4, 1, 1] },
          inputs: [],
          inputShapes: [],
          params: { value: 'ls' },
          output: 'ls',
          outputShape: [1, 4, 1, 1],
          epilogue: { residual: null, activation: null },
        },
        {
          nodes: ['mul'],
          op: 'binary',
          attrs: { op: 'mul' },
          inputs: ['x', 'ls'],
          inputShapes: [
            [2, 4, 3, 3],
            [1, 4, 1, 1],
          ],
          params: {},
          output: 'mul',
          outputShape: [2, 4, 3, 3],
          epilogue: { residual: null, activation: null },
        },
      ],
    };
    const product = [...x.data].map((v, i) => Math.fround(v * scale.data[Math.floor(i / 9) % 4]));
    const got = (await runOnnx(exportOnnx(plan, new Map()).model, { x })).get('ls')!;
    expect([...got.data]).toEqual(product);
    // the parameter node itself as an output named by its id (its key): the initializer steps aside
    const both: Plan = {
      ...plan,
      outputs: [
        { name: 'ls', buffer: 'ls', shape: [1, 4, 1, 1] },
        { name: 'y', buffer: 'mul', shape: [2, 4, 3, 3] },
      ],
    };
    const out = await runOnnx(exportOnnx(both, new Map()).model, { x });
    expect([...out.get('ls')!.data]).toEqual([...scale.data]);
    expect([...out.get('y')!.data]).toEqual(product);
  });

  it('refuses an empty name, which ONNX reads as "no value", and a NUL, where runtimes cut names', () => {
    const { plan, weights } = conv();
    expect(() =>
      exportOnnx(
        renamed(plan, (n) => (n === 'r' ? '' : n)),
        weights,
      ),
    ).toThrow(/empty name/);
    // onnxruntime reads `a\0b` and `a\0c` both as `a`
    const nul = renamed(plan, (n) => (n === 'r' ? 'a\0b' : n === 'x0' ? 'a\0c' : n));
    expect(() => exportOnnx(nul, weights)).toThrow(OnnxExportError);
    expect(() => exportOnnx(nul, weights)).toThrow(/"a\\u0000c" holds a NUL character/);
  });

  it('writes to a hostile output path, external data beside it, and nothing in the path runs', async () => {
    const dir = tempDir('export-names');
    const sub = join(dir, 'a "b" $(touch pwned) `c` \u00e9\u540d');
    mkdirSync(sub);
    const cnn = join(dir, 'm.cnn');
    writeFileSync(
      cnn,
      'model M {\n  input x: [N, 300]\n  fc: Linear(300, 2, bias=False) { weight = [' +
        `[${new Array(300).fill(0.5).join(', ')}], [${new Array(300).fill(-1).join(', ')}]` +
        '] }\n  output fc\n}\n',
    );
    const out = join(sub, 'm\'o"del $(touch pwned).onnx');
    await exportCli(cnn, out, ['--external-data-above', '100']);
    expect(existsSync(`${out}.data`)).toBe(true);
    expect(readFileSync(`${out}.data`).length).toBe(2400);
    const x: Tensor = { shape: [1, 300], data: new Float32Array(300).fill(1) };
    expect([...(await runOnnx(out, { x })).get('fc')!.data]).toEqual([150, -300]);
    expect(existsSync(join(sub, 'pwned'))).toBe(false);
    expect(existsSync('pwned')).toBe(false);
  });
});
