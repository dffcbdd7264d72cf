/** Reshape / View with -1 against PyTorch, and what a -1 may stand for when sizes are symbols. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, shapeToString, sym } from '../../compiler/ir/dim.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { notes, run } from './build.ts';

const CASES: [number[], number[]][] = [
  [
    [2, 3, 4],
    [2, -1, 5],
  ],
  [[2, 3, 4], [-1]],
  [
    [2, 3, 4],
    [4, -1],
  ],
  [
    [2, 3, 4],
    [-1, 4, 3, 2],
  ],
  [
    [2, 3, 4],
    [24, 1],
  ],
  [
    [2, 3, 4],
    [5, -1],
  ],
  [
    [2, 3, 4],
    [0, -1],
  ],
  [
    [2, 3, 4],
    [6, 5],
  ],
  [
    [1, 64, 7, 7],
    [1, -1],
  ],
  [
    [1, 64, 7, 7],
    [-1, 49, 2],
  ],
  [[5], [1, 5, 1]],
];

describe('Reshape with -1 against PyTorch', () => {
  it("gives torch's shape, or its message", () => {
    const dir = tempDir('reshape');
    const script = join(dir, 'reshape.py');
    writeFileSync(
      script,
      [
        'import json, torch',
        `cases = ${JSON.stringify(CASES)}`,
        'out = []',
        'for shape, sizes in cases:',
        '    try:',
        '        out.append(list(torch.zeros(shape).reshape(sizes).shape))',
        '    except RuntimeError as e:',
        '        out.append(str(e))',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const torch: (number[] | string)[] = JSON.parse(runPython(script).stdout);
    CASES.forEach(([shape, sizes], i) => {
      const r = run({ x: shape }, [{ id: 'r', op: 'Reshape', args: [sizes], inputs: ['x'] }]);
      const want = torch[i];
      if (typeof want === 'string') {
        expect(r.codes(), `${shape} -> ${sizes}`).toEqual(['ReshapeSize']);
        expect(notes(r)).toContain(`PyTorch would fail at run time: ${want}`);
      } else {
        expect(r.codes(), `${shape} -> ${sizes}`).toEqual([]);
        expect(r.node('r').shape).toEqual(want);
        expect(r.node('r').attrs).toEqual({ shape: want });
      }
    });
  });
});

describe('Reshape with symbolic sizes', () => {
  const [N, H, W] = ['N', 'H', 'W'].map(sym);

  it('a -1 is c/K * S when the known sizes divide the known factor, for every value of the symbols', () => {
    const r = run({ x: [N, 64, 7, 7] }, [{ id: 'r', op: 'Reshape', args: [[-1, 784]], inputs: ['x'] }]);
    expect(r.codes()).toEqual([]);
    expect(shapeToString(r.node('r').shape!)).toBe('[4*N, 784]');
    for (const n of [1, 2, 5]) expect(evaluate(r.node('r').shape![0], new Map([['N', n]]))).toBe(4 * n);
    // a symbolic size of the output is 0 in attrs, which backends read only after binding
    expect(r.node('r').attrs).toEqual({ shape: [0, 784] });
  });

  it('factors of 2*H count as known: [N, 3, 2*H] with (-1, 6) is N*H', () => {
    const doubled = { kind: 'mul', factor: 2, operand: H } as const;
    const r = run({ x: [N, 3, doubled] }, [{ id: 'r', op: 'View', args: [[-1, 6]], inputs: ['x'] }]);
    expect(r.codes()).toEqual([]);
    expect(shapeToString(r.node('r').shape!)).toBe('[N*H, 6]');
  });

  it('a -1 that is whole only for some values is E0327', () => {
    const r = run({ x: [1, 3, H] }, [{ id: 'r', op: 'Reshape', args: [[2, -1]], inputs: ['x'] }]);
    expect(r.codes()).toEqual(['UnknownSize']);
  });

  it('without -1, sizes a symbolic count may reach are W0319, and others E0328 at once', () => {
    const maybe = run({ x: [N, 3, 16] }, [{ id: 'r', op: 'Reshape', args: [[2, 48]], inputs: ['x'] }]);
    expect(maybe.codes()).toEqual(['SymbolicCheck']);
    expect(shapeToString(maybe.node('r').shape!)).toBe('[2, 48]');
    const never = run({ x: [N, 3, 16] }, [{ id: 'r', op: 'Reshape', args: [[5, 5]], inputs: ['x'] }]);
    expect(never.codes()).toEqual(['ReshapeSize']);
    const below = run({ x: [N, H, W] }, [{ id: 'r', op: 'Reshape', args: [[0, -1]], inputs: ['x'] }]);
    expect(below.codes()).toEqual(['ReshapeSize']);
  });

  it('Unflatten of a symbolic dim follows the same rule', () => {
    const ok = run({ x: [N, { kind: 'mul', factor: 16, operand: H }] }, [
      { id: 'u', op: 'Unflatten', args: [1, [4, -1]], inputs: ['x'] },
    ]);
    expect(ok.codes()).toEqual([]);
    expect(shapeToString(ok.node('u').shape!)).toBe('[N, 4, 4*H]');
    const uneven = run({ x: [N, H] }, [{ id: 'u', op: 'Unflatten', args: [1, [4, -1]], inputs: ['x'] }]);
    expect(uneven.codes()).toEqual(['UnknownSize']);
  });
});
