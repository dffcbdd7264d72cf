/** compile({ taps }): tapped layers become extra plan outputs, named by their layer id. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';

const SOURCE = `block B(c) {
  input x
  conv: Conv2d(c, c, kernel_size=3, padding=1)
  relu: ReLU()
  output relu
}
model M {
  input x: [1, 2, 4, 4]
  b1: B(2)
  b2: B(2)
  output b2
}
`;

describe('compile with taps', () => {
  it('adds each tapped layer after the outputs, keeping its buffer out of storage reuse', () => {
    const c = compile(SOURCE, { taps: ['b1.conv', 'b2.conv', 'b1.conv'] });
    expect(c.ok).toBe(true);
    expect(c.plan!.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['b2', [1, 2, 4, 4]],
      ['b1.conv', [1, 2, 4, 4]],
      ['b2.conv', [1, 2, 4, 4]],
    ]);
    // the passes still run, but a tapped conv keeps its own output buffer
    for (const id of ['b1.conv', 'b2.conv']) expect(c.plan!.steps.some((s) => s.output === id)).toBe(true);
  });

  it('does not repeat a layer that is already an output', () => {
    const c = compile(SOURCE, { taps: ['b2.relu'] });
    expect(c.plan!.outputs.map((o) => o.name)).toEqual(['b2']);
  });

  it('taps an input-reading layer of a model without blocks by its plain name', () => {
    const c = compile('model M {\n  input x: [1, 1, 2, 2]\n  a: ReLU()\n  b: Sigmoid()\n  output b\n}\n', {
      taps: ['a'],
    });
    expect(c.plan!.outputs.map((o) => [o.name, o.buffer])).toEqual([
      ['b', 'b'],
      ['a', 'a'],
    ]);
  });

  it('refuses a layer that does not exist, with a suggestion', () => {
    const c = compile(SOURCE, { taps: ['b1.cnv'] });
    expect(c.ok).toBe(false);
    expect(c.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['UnknownName', 'cannot tap `b1.cnv`: `M` has no layer of that name'],
    ]);
    expect(JSON.stringify(c.diagnostics[0])).toContain('did you mean `b1.conv`?');
  });
});
