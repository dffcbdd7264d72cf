/**
 * What the exported graphs hold, read back with an independent protobuf reader (onnx-reader.ts): no
 * pool relies on ONNX's ceil_mode or count_include_pad=0; a symbolic batch is `dim_param` N and no
 * batch size is baked in (exports at two batch sizes are the same bytes); the opset decides which ops
 * appear; external data is described as ONNX specifies it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpName } from '../../compiler/ir/attrs.ts';
import { exportOnnx } from '../../compiler/5-codegen/onnx/index.ts';
import { ProtoWriter } from '../../compiler/5-codegen/onnx/proto-writer.ts';
import { oneStepPlan, type OneStep, prng, randomTensor } from '../cpu-codegen/single-step.ts';
import { tempDir } from '../temp-dir.ts';
import { readOnnx } from './onnx-reader.ts';
import { exportCli } from './ort.ts';

const dir = tempDir('export-graph');

async function exported(name: string, cnn: string, args: string[] = []) {
  const file = join(dir, `${name}.cnn`);
  writeFileSync(file, cnn);
  const out = join(dir, `${name}.onnx`);
  await exportCli(file, out, args);
  return { bytes: readFileSync(out), model: readOnnx(readFileSync(out)), out };
}

const layer = (l: string, shape = '2, 7, 7') => `model L {\n  input x: [N, ${shape}]\n  op1: ${l}\n  output op1\n}\n`;

describe('pools never lean on ONNX ceil_mode or count_include_pad=0', () => {
  const POOLS = [
    'MaxPool2d(2, stride=2, padding=1, ceil_mode=True)',
    'MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)',
    'AvgPool2d(3, stride=2, padding=1, ceil_mode=True)',
    'AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)',
    'AvgPool2d(3, stride=2, padding=1, count_include_pad=False)',
    'AvgPool2d(3, stride=2, padding=1, divisor_override=5)',
  ];
  it.each(POOLS)('%s', async (pool) => {
    const { model } = await exported('pool', layer(pool));
    const pools = model.nodes.filter((n) => n.opType.endsWith('Pool'));
    expect(pools).toHaveLength(1);
    for (const n of model.nodes) {
      expect(n.attrs.has('ceil_mode')).toBe(false);
      expect(n.attrs.get('count_include_pad') ?? 1).toBe(1);
    }
    const mul = model.nodes.find((n) => n.opType === 'Mul');
    if (pool.includes('count_include_pad=False')) {
      // PyTorch's divisor per window: a [OH, OW] scale
      const scale = model.initializers.find((t) => t.name === mul?.inputs[1]);
      expect(scale?.dims).toEqual([4, 4]);
    } else if (pool.includes('divisor_override')) {
      // one divisor for every window: a scalar 9/5
      expect(model.initializers.find((t) => t.name === mul?.inputs[1])?.dims).toEqual([]);
    } else if (pool.startsWith('AvgPool2d(3, stride=2, padding=1, ceil_mode=True)')) {
      // 7 + 2 = 9 padded rows: the ceil-mode last window starts in the data but overhangs the padding
      expect(pools[0].attrs.get('pads')).toEqual([1, 1, 1, 1]);
    }
    if (pool === POOLS[0]) expect(pools[0].attrs.get('pads')).toEqual([1, 1, 1, 1]);
  });
});

describe('a symbolic batch in the graph', () => {
  const SMALL = `model Small {
  input x: [N, 3, 8, 8]
  conv: Conv2d(3, 4, 3, padding=1, padding_mode='circular') { bias = [1, 2, 3, 4] }
  pool: AdaptiveAvgPool2d((3, 3))
  flat: Flatten()
  soft: Softmax(dim=1)
  output soft
}
`;

  it('is dim_param N on the input and the output, and no batch size is baked in', async () => {
    const weights = join(dir, 'small.safetensors');
    const { writeSafetensors } = await import('../../runtime/io/safetensors.ts');
    writeFileSync(weights, writeSafetensors({ 'conv.weight': randomTensor([4, 3, 3, 3], prng(1)) }));
    const a = await exported('small-1', SMALL, ['--weights', weights]);
    const b = await exported('small-5', SMALL, ['--weights', weights, '--shape', 'x=5,3,8,8']);
    expect(a.model.inputs).toEqual([{ name: 'x', dims: ['N', 3, 8, 8] }]);
    expect(a.model.outputs).toEqual([{ name: 'soft', dims: ['N', 36] }]);
    // compiled at batch 1 and at batch 5 (probes 2 and 6): if any size followed the batch, the bytes would differ
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    // Flatten became a view (elide-copies): the Reshape Softmax reads through
    const flatten = a.model.nodes.find((n) => n.opType === 'Reshape')!;
    const target = exportedInts(a.bytes, flatten.inputs[1]);
    expect(target).toEqual([-1, 36]);
  });
});

/** The values of an int64 initializer. */
function exportedInts(bytes: Uint8Array, name: string): number[] {
  const raw = readOnnx(bytes).initializers.find((i) => i.name === name)!.raw;
  // a copy: the reader's bytes may be a view into a shared pool (Buffer.slice does not copy)
  return [...new BigInt64Array(Uint8Array.from(raw).buffer)].map(Number);
}

describe('the opset decides the ops', () => {
  const steps: OneStep<OpName>[] = [
    {
      op: 'layer_norm',
      attrs: { begin: 2, end: 3, eps: 1e-5, elementwise_affine: false },
      inputShapes: [[1, 2, 4]],
      outputShape: [1, 2, 4],
    },
    { op: 'gelu', attrs: { approximate: 'tanh' }, inputShapes: [[1, 4]], outputShape: [1, 4] },
    { op: 'mish', attrs: {}, inputShapes: [[1, 4]], outputShape: [1, 4] },
    { op: 'hardswish', attrs: {}, inputShapes: [[1, 4]], outputShape: [1, 4] },
    { op: 'reduce', attrs: { op: 'mean', dims: [1], keepdim: true }, inputShapes: [[1, 4]], outputShape: [1, 1] },
  ];
  const opsAt = (opset: number) =>
    steps.map((s) => {
      const { plan, weights } = oneStepPlan(s);
      const m = readOnnx(exportOnnx(plan, weights, { opset }).model);
      return { ir: m.irVersion, opset: m.opset, ops: m.nodes.map((n) => n.opType), nodes: m.nodes };
    });

  it('13: LayerNorm, GELU, Mish and HardSwish written out, ReduceMean axes an attribute, IR 7', () => {
    const [ln, gelu, mish, hswish, reduce] = opsAt(13);
    expect(ln.ir).toBe(7);
    expect(ln.opset).toBe(13);
    expect(ln.ops).toContain('ReduceMean');
    expect(ln.ops).not.toContain('LayerNormalization');
    expect(gelu.ops).toContain('Tanh');
    expect(mish.ops).toEqual(['Softplus', 'Tanh', 'Mul']);
    expect(hswish.ops).toEqual(['HardSigmoid', 'Mul']);
    expect(reduce.nodes[0].attrs.get('axes')).toEqual([1]);
  });

  it('17: LayerNormalization; 18: Mish, ReduceMean axes an input; 21: Gelu, IR 10', () => {
    expect(opsAt(17)[0].ops).toEqual(['LayerNormalization']);
    const at18 = opsAt(18);
    expect(at18[2].ops).toEqual(['Mish']);
    expect(at18[4].nodes[0].inputs).toHaveLength(2);
    const at21 = opsAt(21);
    expect(at21[1].ops).toEqual(['Gelu']);
    expect(at21[1].nodes[0].attrs.get('approximate')).toBe('tanh');
    expect(at21[0].ir).toBe(10);
  });
});

describe('external data as ONNX describes it', () => {
  it('location, offset (4096-aligned) and length per tensor, data_location EXTERNAL, small tensors inline', () => {
    const { plan, weights } = oneStepPlan({
      op: 'linear',
      attrs: { in_features: 300, out_features: 4, bias: true },
      inputShapes: [[1, 300]],
      outputShape: [1, 4],
      params: { weight: randomTensor([4, 300], prng(1)), bias: randomTensor([4], prng(2)) },
    });
    const r = exportOnnx(plan, weights, { externalDataAbove: 10, externalDataLocation: 'w.onnx.data' });
    const m = readOnnx(r.model);
    const w = m.initializers.find((t) => t.name === 'layer.weight')!;
    expect(Object.fromEntries(w.external!)).toEqual({ location: 'w.onnx.data', offset: '0', length: '4800' });
    expect(w.raw.length).toBe(0);
    expect(m.initializers.find((t) => t.name === 'layer.bias')!.external).toBeNull();
    expect(r.externalData!.bytes).toBe(4800);
    expect(Buffer.concat(r.externalData!.chunks)).toEqual(Buffer.from(weights.get('layer.weight')!.data.buffer));
  });
});

describe('the protobuf writer', () => {
  it('shares nested messages without copying and still writes the bytes a copy would', () => {
    const leaf = () =>
      new ProtoWriter()
        .int(1, 300)
        .string(2, 'naïve')
        .bytes(3, Uint8Array.of(1, 2, 3));
    const mid = new ProtoWriter().message(1, leaf()).int(2, -1).message(3, leaf());
    const top = new ProtoWriter().message(7, mid).int(9, 5).finish();
    // the same message built from finished bytes
    const copied = new ProtoWriter()
      .bytes(7, new ProtoWriter().bytes(1, leaf().finish()).int(2, -1).bytes(3, leaf().finish()).finish())
      .int(9, 5)
      .finish();
    expect([...top]).toEqual([...copied]);
  });
});
