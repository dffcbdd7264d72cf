/**
 * Chunk and Split as the resolver hands them over: one node per piece the program unpacks, each
 * with ctx.piece = {index, count}. PyTorch is the oracle for the piece sizes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkPieces, sizesOf, splitPieces } from '../../compiler/2-analyze/ops/slice.ts';
import { shapeToString, sym } from '../../compiler/ir/dim.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { notes, pieces, run } from './build.ts';

describe('piece sizes match torch.chunk and tensor.split', () => {
  it('for every n up to 12 and every count up to 13', () => {
    const dir = tempDir('pieces');
    const script = join(dir, 'sizes.py');
    writeFileSync(
      script,
      [
        'import json, torch',
        'out = {}',
        'for n in range(1, 13):',
        '    for k in range(1, 14):',
        '        x = torch.zeros(n)',
        '        out[f"chunk {n} {k}"] = [t.shape[0] for t in x.chunk(k)]',
        '        out[f"split {n} {k}"] = [t.shape[0] for t in x.split(k)]',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const torch: Record<string, number[]> = JSON.parse(runPython(script).stdout);
    let compared = 0;
    for (const [key, sizes] of Object.entries(torch)) {
      const [op, n, k] = key.split(' ');
      const ours = sizesOf(op === 'chunk' ? chunkPieces(Number(n), Number(k)) : splitPieces(Number(n), Number(k)));
      expect(ours, key).toEqual(sizes);
      compared++;
    }
    expect(compared).toBe(2 * 12 * 13);
    // the case the brief names: torch.arange(5).chunk(4) gives 3 pieces
    expect(torch['chunk 5 4']).toEqual([2, 2, 1]);
  });
});

describe('Chunk', () => {
  it('gives each piece its slice of the dim: Chunk(3) of 10 is 4, 4, 2', () => {
    const r = run({ x: [2, 10, 5] }, [
      ...pieces(['a', 'b', 'c'], 'Chunk', [3], { dim: 1 }, 'x'),
      { id: 'after', op: 'ReLU', inputs: ['c'] },
    ]);
    expect(r.codes()).toEqual([]);
    expect(['a', 'b', 'c'].map((id) => shapeToString(r.node(id).shape!))).toEqual([
      '[2, 4, 5]',
      '[2, 4, 5]',
      '[2, 2, 5]',
    ]);
    expect(r.node('a').op).toBe('slice');
    expect(['a', 'b', 'c'].map((id) => r.node(id).attrs)).toEqual([
      { dim: 1, start: 0, end: 4 },
      { dim: 1, start: 4, end: 8 },
      { dim: 1, start: 8, end: 10 },
    ]);
    expect(shapeToString(r.node('after').shape!)).toBe('[2, 2, 5]');
  });

  it('resolves a negative dim and keeps symbolic sizes elsewhere', () => {
    const r = run({ x: [sym('N'), 8, sym('H'), sym('W')] }, pieces(['a', 'b'], 'Chunk', [2], { dim: -3 }, 'x'));
    expect(r.codes()).toEqual([]);
    expect(shapeToString(r.node('b').shape!)).toBe('[N, 4, H, W]');
    expect(r.node('b').attrs).toEqual({ dim: 1, start: 4, end: 8 });
  });

  it("reports unpacking 4 names from the 3 pieces of Chunk(4) of 5 once, with Python's message", () => {
    const r = run({ x: [5] }, pieces(['a', 'b', 'c', 'd'], 'Chunk', [4], {}, 'x'));
    expect(r.codes()).toEqual(['UnpackCount']);
    expect(r.diagnostics[0].message).toBe('Chunk `a` gives 3 tensors, but the program takes 4');
    expect(notes(r)).toContain('Python raises ValueError: not enough values to unpack (expected 4, got 3)');
    expect(r.diagnostics[0].help).toBe('take 3 pieces, or use Split([2, 1, 1, 1], dim=0) for 4');
    for (const id of ['a', 'b', 'c', 'd']) expect(r.node(id).shape, id).toBeNull();
  });

  it('reports unpacking fewer names than pieces', () => {
    const r = run({ x: [5] }, pieces(['a', 'b'], 'Chunk', [3], {}, 'x'));
    expect(r.codes()).toEqual(['UnpackCount']);
    expect(notes(r)).toContain('Python raises ValueError: too many values to unpack (expected 2)');
  });

  it('reports an error of the op once, not once per piece', () => {
    const r = run({ x: [2, 6] }, pieces(['a', 'b', 'c'], 'Chunk', [3], { dim: 2 }, 'x'));
    expect(r.codes()).toEqual(['DimOutOfRange']);
    const s = run({ x: [2, sym('C')] }, pieces(['a', 'b'], 'Chunk', [2], { dim: 1 }, 'x'));
    expect(s.codes()).toEqual(['UnknownSize']);
  });
});

describe('Split', () => {
  it('with an int: pieces of that size, the last smaller', () => {
    const r = run({ x: [10, 3] }, pieces(['a', 'b', 'c', 'd'], 'Split', [3], {}, 'x'));
    expect(r.codes()).toEqual([]);
    expect(['a', 'b', 'c', 'd'].map((id) => r.node(id).shape![0])).toEqual([3, 3, 3, 1]);
    expect(r.node('d').attrs).toEqual({ dim: 0, start: 9, end: 10 });
  });

  it('with a size larger than the dim: one piece', () => {
    const r = run({ x: [2, 5] }, pieces(['only'], 'Split', [7], { dim: 1 }, 'x'));
    expect(r.codes()).toEqual([]);
    expect(r.node('only').attrs).toEqual({ dim: 1, start: 0, end: 5 });
  });

  it('with sizes: one piece each; they must add up to the dim', () => {
    const ok = run({ x: [2, 10] }, pieces(['a', 'b'], 'Split', [[3, 7]], { dim: 1 }, 'x'));
    expect(ok.codes()).toEqual([]);
    expect(ok.node('b').attrs).toEqual({ dim: 1, start: 3, end: 10 });
    const bad = run({ x: [2, 10] }, pieces(['a', 'b'], 'Split', [[3, 3]], { dim: -1 }, 'x'));
    expect(bad.codes()).toEqual(['SliceOutOfRange']);
    expect(notes(bad)).toContain(
      "PyTorch would fail at run time: split_with_sizes expects split_sizes to sum exactly to 10 (input tensor's size at dimension -1), but got split_sizes=[3, 3]",
    );
    expect(bad.diagnostics[0].help).toBe('make the last size 7: [3, 7]');
  });

  it('refuses an empty piece (PyTorch gives an empty tensor; cnnc has none)', () => {
    const r = run({ x: [2, 10] }, pieces(['a', 'b'], 'Split', [[0, 10]], { dim: 1 }, 'x'));
    expect(r.codes()).toEqual(['OutputTooSmall']);
  });

  it('counts the pieces the program takes against the sizes given', () => {
    const r = run({ x: [2, 10] }, pieces(['a', 'b', 'c'], 'Split', [[3, 7]], { dim: 1 }, 'x'));
    expect(r.codes()).toEqual(['UnpackCount']);
    expect(notes(r)).toContain('Python raises ValueError: not enough values to unpack (expected 3, got 2)');
  });
});

describe('a huge dim', () => {
  it('is cut without building every piece: Split(1) of 2^40 pieces reports at once', () => {
    const started = Date.now();
    const r = run({ x: [1, 2 ** 40] }, pieces(['a', 'b'], 'Split', [1], { dim: 1 }, 'x'));
    expect(r.codes()).toEqual(['UnpackCount']);
    expect(r.diagnostics[0].notes[0]).toBe(
      'split cuts dim 1 (size 1099511627776) into pieces of 1: 1099511627776 pieces (1, 1, 1, ..., 1)',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
