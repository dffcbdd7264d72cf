import { describe, expect, it } from 'vitest';
import { tensor } from '../../compiler/ir/tensor.ts';
import { compareClose, decodeTensor, expectClose, listGoldenCases, loadGoldenCase, unravel } from '../golden.ts';
import { convPads, goldenToGraph } from '../golden-to-ir.ts';

describe('golden loader', () => {
  it('decodes little-endian float32 base64', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(1.5, 0);
    bytes.writeFloatLE(-2, 4);
    const x = decodeTensor({ shape: [1, 2], dtype: 'float32', data: bytes.toString('base64') });
    expect(x.shape).toEqual([1, 2]);
    expect(Array.from(x.data)).toEqual([1.5, -2]);
  });

  it('lists cases by kind and loads their tensors', () => {
    const all = listGoldenCases();
    const kinds = ['layer', 'model', 'shape_ok', 'shape_error', 'train'] as const;
    const byKind = kinds.map((k) => listGoldenCases(k));
    expect(byKind.reduce((a, ids) => a + ids.length, 0)).toBe(all.length);
    expect(byKind.every((ids) => ids.length > 0)).toBe(true);

    const c = loadGoldenCase('conv_k3_s2_p1');
    expect(c.kind).toBe('layer');
    expect(c.input.x.shape).toEqual([1, 3, 9, 9]);
    expect(c.params['conv.weight'].shape).toEqual([4, 3, 3, 3]);
    expect(c.output!.shape).toEqual(c.outputShape);
    expect(c.tolerance).toEqual({ rtol: 1e-4, atol: 1e-5 });

    const train = loadGoldenCase('train_edge_kernel_1x2').train!;
    expect(train.losses).toHaveLength(train.steps);
    expect(train.finalParams['conv.weight'].shape).toEqual([1, 1, 1, 2]);

    const err = loadGoldenCase(listGoldenCases('shape_error')[0]);
    expect(err.output).toBeNull();
    expect(err.error?.layer).toBeTypeOf('string');
  });
});

describe('expectClose', () => {
  const want = tensor([2, 2], Float32Array.from([1, 2, 3, 100]));
  const tol = { rtol: 1e-3, atol: 1e-4 };

  it('passes within atol + rtol*|want|', () => {
    expectClose(tensor([2, 2], Float32Array.from([1.0001, 2, 3, 100.09])), want, tol);
  });

  it('fails naming the worst element', () => {
    const got = tensor([2, 2], Float32Array.from([1.01, 2, 3, 100]));
    expect(() => expectClose(got, want, tol)).toThrow(
      /1 of 4 elements .* worst at \[0, 0\]: got 1.0099999904632568, want 1/,
    );
  });

  it('fails on shape or NaN mismatch', () => {
    expect(() => expectClose(tensor([4], want.data), want, tol)).toThrow(/shape/);
    expect(() => expectClose(tensor([2, 2], Float32Array.from([1, 2, NaN, 100])), want, tol)).toThrow(
      /worst at \[1, 0\]/,
    );
    expect(compareClose(Float32Array.from([NaN, Infinity]), Float32Array.from([NaN, Infinity]), tol).ok).toBe(true);
  });

  it('unravels flat indices row-major', () => {
    expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
  });
});

describe('golden-to-ir adapter', () => {
  it('resolves conv padding: [ph, pw], same (odd, even, dilated) and valid', () => {
    expect(convPads([2, 1], [3, 3], [1, 1])).toEqual([2, 2, 1, 1]);
    expect(convPads('same', [3, 3], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(convPads('same', [4, 2], [1, 1])).toEqual([1, 2, 0, 1]);
    expect(convPads('same', [3, 3], [2, 2])).toEqual([2, 2, 2, 2]);
    expect(convPads('valid', [5, 5], [1, 1])).toEqual([0, 0, 0, 0]);
  });

  it('chains layers without inputs, maps global pooling and resolves flatten dims', () => {
    const g = goldenToGraph(loadGoldenCase('model_lenet5'));
    expect(g.inputs.map((i) => i.name)).toEqual(['x']);
    expect(g.nodes[0].inputs).toEqual(['x']);
    expect(g.nodes[1].inputs).toEqual(['conv1']);
    expect(g.nodes.find((n) => n.id === 'flatten')!.attrs).toEqual({ start_dim: 1, end_dim: 3 });
    expect(g.nodes.find((n) => n.id === 'fc1')!.params.map((p) => [p.key, p.shape])).toEqual([
      ['fc1.weight', [120, 400]],
      ['fc1.bias', [120]],
    ]);
    expect(g.outputs).toEqual(['fc3']);
    const gap = goldenToGraph(loadGoldenCase('global_avgpool')).nodes[0];
    expect([gap.op, gap.attrs]).toEqual(['adaptive_avgpool2d', { output_size: [1, 1] }]);
  });

  it('keeps explicit inputs and batchnorm params in state_dict order', () => {
    const g = goldenToGraph(loadGoldenCase('model_resnet_basic_block'));
    expect(g.nodes.find((n) => n.id === 'add')!.inputs).toEqual(['bn2', 'x']);
    expect(g.nodes.find((n) => n.id === 'bn1')!.params.map((p) => p.name)).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
    ]);
    expect(g.nodes.find((n) => n.id === 'conv1')!.params.map((p) => p.key)).toEqual(['conv1.weight']);
  });
});
