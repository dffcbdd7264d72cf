/** Broadcasting of Add, Sub, Mul, Div: PyTorch's rule and message, and sizes that are symbols. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { broadcastMessage, scalarOpDefs } from '../../compiler/2-analyze/ops/binary.ts';
import { broadcastShapes } from '../../compiler/2-analyze/ops/broadcast.ts';
import { type Dim, shapeToString, sym } from '../../compiler/ir/dim.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { run } from './build.ts';

const SHAPES: number[][] = [
  [],
  [1],
  [3],
  [4],
  [1, 3],
  [2, 1],
  [2, 3],
  [3, 3],
  [4, 1, 3],
  [2, 3, 1, 1],
  [1, 3, 5, 5],
  [2, 4, 5, 5],
  [5, 1],
];

describe('broadcastShapes against PyTorch', () => {
  it("gives torch's shape, or its message, for every pair of a set of shapes", () => {
    const dir = tempDir('broadcast');
    const script = join(dir, 'broadcast.py');
    writeFileSync(
      script,
      [
        'import json, torch',
        `shapes = ${JSON.stringify(SHAPES)}`,
        'out = []',
        'for a in shapes:',
        '    for b in shapes:',
        '        try:',
        '            out.append(list((torch.zeros(a) * torch.zeros(b)).shape))',
        '        except RuntimeError as e:',
        '            out.append(str(e))',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const torch: (number[] | string)[] = JSON.parse(runPython(script).stdout);
    let k = 0;
    let errors = 0;
    for (const a of SHAPES) {
      for (const b of SHAPES) {
        const want = torch[k++];
        const r = broadcastShapes(a, b);
        const got = r.shape ?? broadcastMessage(r.mismatch!);
        expect(got, `${shapeToString(a)} * ${shapeToString(b)}`).toEqual(want);
        if (typeof want === 'string') errors++;
      }
    }
    expect(errors).toBeGreaterThan(20);
  });
});

describe('broadcasting symbolic sizes', () => {
  const [N, C, H, W, H2] = ['N', 'C', 'H', 'W', 'H2'].map(sym);
  const show = (s: readonly Dim[] | null) => (s ? shapeToString(s) : null);

  it('a symbol broadcasts against 1 and against itself', () => {
    const r = broadcastShapes([N, C, 1, 1], [N, C, H, W]);
    expect(show(r.shape)).toBe('[N, C, H, W]');
    expect(r.undecided).toEqual([]);
    expect(show(broadcastShapes([H], [1, 1]).shape)).toBe('[1, H]');
  });

  it('against another symbol or a number other than 1 it is undecided, and the known size is the output', () => {
    const r = broadcastShapes([N, 3, H], [5]);
    expect(show(r.shape)).toBe('[N, 3, 5]');
    expect(r.undecided.map((u) => u.dim)).toEqual([2]);
    const s = broadcastShapes([H], [H2]);
    expect(show(s.shape)).toBe('[H]');
    expect(s.undecided).toHaveLength(1);
  });

  it('known sizes still decide: 3 against 4 fails next to symbols', () => {
    const r = broadcastShapes([N, 3, H], [N, 4, H]);
    expect(r.shape).toBeNull();
    expect(broadcastMessage(r.mismatch!)).toBe(
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1',
    );
  });

  it('Mul warns W0319 once for undecided sizes and the bound check decides', () => {
    const r = run({ a: [N, 3, H], b: [H2] }, [{ id: 'm', op: 'Mul', inputs: ['a', 'b'] }]);
    expect(r.codes()).toEqual(['SymbolicCheck']);
    expect(shapeToString(r.node('m').shape!)).toBe('[N, 3, H]');
    const bound = run({ a: [2, 3, 5], b: [4] }, [{ id: 'm', op: 'Mul', inputs: ['a', 'b'] }]);
    expect(bound.codes()).toEqual(['BroadcastMismatch']);
  });
});

describe('Add', () => {
  it('is n-ary `add` for inputs of one shape, symbols included', () => {
    const H = sym('H');
    const r = run({ a: [1, 3, H, 4], b: [1, 3, H, 4] }, [{ id: 's', op: 'Add', inputs: ['a', 'b', 'a'] }]);
    expect(r.codes()).toEqual([]);
    expect(r.node('s').op).toBe('add');
    expect(r.node('s').attrs).toEqual({});
  });

  it('is `binary` {op: add} for two inputs that broadcast', () => {
    const r = run({ a: [2, 8, 1, 1], b: [2, 8, 5, 5] }, [{ id: 's', op: 'Add', inputs: ['a', 'b'] }]);
    expect(r.codes()).toEqual([]);
    expect(r.node('s').op).toBe('binary');
    expect(r.node('s').attrs).toEqual({ op: 'add' });
    expect(shapeToString(r.node('s').shape!)).toBe('[2, 8, 5, 5]');
  });

  it('of two same-rank inputs whose sizes may differ (H, H2) stays `add` with W0319, as before', () => {
    const r = run({ a: [1, sym('H')], b: [1, sym('H2')] }, [{ id: 's', op: 'Add', inputs: ['a', 'b'] }]);
    expect(r.codes()).toEqual(['SymbolicCheck']);
    expect(r.node('s').op).toBe('add');
  });

  it('of three inputs of different shapes is E0313 even when they broadcast', () => {
    const r = run({ a: [2, 8, 5, 5], b: [2, 8, 1, 1] }, [{ id: 's', op: 'Add', inputs: ['a', 'b', 'a'] }]);
    expect(r.codes()).toEqual(['AddShapeMismatch']);
    expect(r.diagnostics[0].help).toBe(
      'add two inputs at a time (`Add() <- a, b`, then the others): two inputs broadcast',
    );
  });
});

describe('the scalar ops the resolver makes of `x * 0.5`, `1 - x`', () => {
  it('keep the shape and carry the operator, the constant and its side', () => {
    const r = run({ x: [2, 3] }, [
      { id: 'half', op: scalarOpDefs.mul, args: [0.5], inputs: ['x'] },
      { id: 'one_minus', op: scalarOpDefs.sub, args: [1], kwargs: { reversed: true }, inputs: ['x'] },
    ]);
    expect(r.codes()).toEqual([]);
    expect(r.node('half').op).toBe('scalar');
    expect(r.node('half').attrs).toEqual({ op: 'mul', value: 0.5, reversed: false });
    expect(r.node('one_minus').attrs).toEqual({ op: 'sub', value: 1, reversed: true });
    expect(shapeToString(r.node('one_minus').shape!)).toBe('[2, 3]');
    expect(Object.values(scalarOpDefs).map((d) => d.className)).toEqual(['Add', 'Sub', 'Mul', 'Div']);
  });
});

describe('Add of a size 1 and a symbol', () => {
  it('broadcasts two inputs ([N, C, 1, 1] + [N, C, H, W] is binary, no warning)', () => {
    const [N, C, H, W] = ['N', 'C', 'H', 'W'].map(sym);
    const r = run({ a: [N, C, 1, 1], b: [N, C, H, W] }, [{ id: 's', op: 'Add', inputs: ['a', 'b'] }]);
    expect(r.codes()).toEqual([]);
    expect(r.node('s').op).toBe('binary');
    expect(shapeToString(r.node('s').shape!)).toBe('[N, C, H, W]');
  });

  it('for three inputs stays the one-shape rule: checked once bound (W0319), as before broadcasting', () => {
    const H = sym('H');
    const r = run({ a: [1, 3, 1], b: [1, 3, H] }, [{ id: 's', op: 'Add', inputs: ['a', 'b', 'b'] }]);
    expect(r.codes()).toEqual(['SymbolicCheck']);
    expect(r.node('s').op).toBe('add');
  });
});
