/** Params, MACs and receptive fields of torchvision's ops in `cnnc summary`. */
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/front-end.ts';
import { summarize } from '../../compiler/report/summary.ts';
import { run } from './build.ts';

const MODEL = `model M {
  input x: [1, 3, 8, 8]
  c: Conv2d(3, 8, 3, padding=1)
  ln: LayerNorm2d(8)
  g: GELU()
  p: ZeroPad2d(1)
  m: Mean((2, 3))
  fc: Linear(8, 4)
  t: Reshape((2, 2)) <- fc
}`;

describe('summary of torchvision ops', () => {
  const r = check(MODEL);
  const s = summarize(r.graphs[0]);
  const row = (name: string) => s.rows.find((x) => x.name === name)!;

  it('counts LayerNorm2d weight and bias as params, and only conv and linear work as MACs', () => {
    expect(r.diagnostics).toEqual([]);
    expect(s.rows.map((x) => [x.name, x.op, x.params, x.macs])).toEqual([
      ['c', 'Conv2d', 8 * 27 + 8, 8 * 8 * 8 * 27],
      ['ln', 'LayerNorm2d', 16, 0],
      ['g', 'GELU', 0, 0],
      ['p', 'ZeroPad2d', 0, 0],
      ['m', 'Mean', 0, 0],
      ['fc', 'Linear', 36, 32],
      ['t', 'Reshape', 0, 0],
    ]);
    expect(s.totalMacs).toBe(8 * 8 * 8 * 27 + 32);
  });

  it('keeps the receptive field through norms, activations and padding; Mean over H, W makes it global', () => {
    expect(row('p').receptiveField).toEqual({ size: [3, 3], jump: [1, 1], global: false });
    expect(row('m').receptiveField?.global).toBe(true);
  });

  it('counts a free Parameter as params, as model.parameters() does', () => {
    const p = run({ x: [2, 96, 7, 7] }, [
      { id: 'scale', op: 'Parameter', args: [[96, 1, 1]], kwargs: { fill: 1e-6 }, inputs: [] },
      { id: 'y', op: 'Mul', inputs: ['scale', 'x'] },
    ]);
    expect(p.codes()).toEqual([]);
    expect(p.node('scale').params).toEqual([{ key: 'scale', name: 'value', shape: [96, 1, 1], inline: null }]);
    expect(p.node('scale').attrs).toEqual({ shape: [96, 1, 1], fill: 1e-6 });
    const sum = summarize(p.graph);
    expect(sum.rows.map((x) => [x.op, x.params])).toEqual([
      ['Parameter', 96],
      ['Mul', 0],
    ]);
  });
});
