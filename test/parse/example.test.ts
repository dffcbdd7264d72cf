import { describe, expect, it } from 'vitest';
import { parse } from '../../compiler/1-parse/index.ts';
import type { BlockDecl, LayerStmt, ModelDecl } from '../../compiler/1-parse/ast.ts';
import type { Span } from '../../compiler/source/span.ts';
import { stripSpans, textOf } from './helpers.ts';

const LENET = `# lenet.cnn
model LeNet5 {
  input x: [N, 1, 28, 28]
  weights "lenet5.safetensors"
  conv1: Conv2d(1, 6, kernel_size=5, padding=2)
  relu1: ReLU()
  pool1: MaxPool2d(2)
  flat:  Flatten()
  fc1:   Linear(400, 120, bias=True)
  sum: Add() <- fc1, x
  edge: Conv2d(1, 1, kernel_size=(1, 2), bias=False) { weight = [[1, -1]] }
  output fc1, sum
}
block BasicBlock(c, stride=1) {
  input x
  conv1: Conv2d(c, c * 2, 3, stride=stride, padding='same', padding_mode="reflect")
  out: Add() <- conv1, x
}
`;

const id = (name: string) => ({ kind: 'ident', name });
const int = (value: number) => ({ kind: 'int', value });
const name = (n: string) => ({ kind: 'name', name: n });
const pos = (value: unknown) => ({ name: null, value });
const kw = (k: string, value: unknown) => ({ name: id(k), value });
const layer = (n: string, op: string, args: unknown[], inputs: string[] | null = null, params: unknown[] = []) => ({
  kind: 'layer',
  name: id(n),
  op: id(op),
  args,
  inputs: inputs ? inputs.map(id) : null,
  params,
  children: null,
});

describe('the LeNet example', () => {
  const result = parse('lenet.cnn', LENET);

  it('parses without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.program.file).toBe('lenet.cnn');
  });

  it('gives exactly the expected AST', () => {
    expect(stripSpans(result.program)).toEqual({
      file: 'lenet.cnn',
      decls: [
        {
          kind: 'model',
          name: id('LeNet5'),
          body: [
            { kind: 'input', name: id('x'), shape: [name('N'), int(1), int(28), int(28)] },
            { kind: 'weights', path: { value: 'lenet5.safetensors' } },
            layer('conv1', 'Conv2d', [pos(int(1)), pos(int(6)), kw('kernel_size', int(5)), kw('padding', int(2))]),
            layer('relu1', 'ReLU', []),
            layer('pool1', 'MaxPool2d', [pos(int(2))]),
            layer('flat', 'Flatten', []),
            layer('fc1', 'Linear', [pos(int(400)), pos(int(120)), kw('bias', { kind: 'bool', value: true })]),
            layer('sum', 'Add', [], ['fc1', 'x']),
            layer(
              'edge',
              'Conv2d',
              [
                pos(int(1)),
                pos(int(1)),
                kw('kernel_size', { kind: 'tuple', items: [int(1), int(2)] }),
                kw('bias', { kind: 'bool', value: false }),
              ],
              null,
              [{ name: id('weight'), value: { kind: 'list', items: [{ kind: 'list', items: [int(1), int(-1)] }] } }],
            ),
            { kind: 'output', names: [id('fc1'), id('sum')] },
          ],
        },
        {
          kind: 'block',
          name: id('BasicBlock'),
          params: [
            { name: id('c'), default: null },
            { name: id('stride'), default: int(1) },
          ],
          body: [
            { kind: 'input', name: id('x'), shape: null },
            layer('conv1', 'Conv2d', [
              pos(name('c')),
              pos({ kind: 'binary', op: '*', left: name('c'), right: int(2) }),
              pos(int(3)),
              kw('stride', name('stride')),
              kw('padding', { kind: 'string', value: 'same' }),
              kw('padding_mode', { kind: 'string', value: 'reflect' }),
            ]),
            layer('out', 'Add', [], ['conv1', 'x']),
          ],
        },
      ],
    });
  });

  it('puts the right text under the spans', () => {
    const model = result.program.decls[0] as ModelDecl;
    const block = result.program.decls[1] as BlockDecl;
    const t = (s: Span) => textOf(LENET, s);
    expect(t(model.span)).toMatch(/^model LeNet5 \{[\s\S]*output fc1, sum\n\}$/);
    expect(t(model.name.span)).toBe('LeNet5');
    expect(t(model.body[0].span)).toBe('input x: [N, 1, 28, 28]');
    expect(t(model.body[1].span)).toBe('weights "lenet5.safetensors"');
    if (model.body[1].kind !== 'weights') throw new Error('expected weights');
    expect(t(model.body[1].path.span)).toBe('"lenet5.safetensors"');

    const conv1 = model.body[2] as LayerStmt;
    expect(t(conv1.span)).toBe('conv1: Conv2d(1, 6, kernel_size=5, padding=2)');
    expect(t(conv1.callSpan)).toBe('Conv2d(1, 6, kernel_size=5, padding=2)');
    expect(t(conv1.op.span)).toBe('Conv2d');
    expect(t(conv1.args[2].span)).toBe('kernel_size=5');
    expect(t(conv1.args[2].name!.span)).toBe('kernel_size');
    expect(t(conv1.args[2].value.span)).toBe('5');

    const sum = model.body[7] as LayerStmt;
    expect(t(sum.span)).toBe('sum: Add() <- fc1, x');
    expect(sum.inputs!.map((i) => t(i.span))).toEqual(['fc1', 'x']);

    const edge = model.body[8] as LayerStmt;
    expect(t(edge.span)).toBe('edge: Conv2d(1, 1, kernel_size=(1, 2), bias=False) { weight = [[1, -1]] }');
    expect(t(edge.callSpan)).toBe('Conv2d(1, 1, kernel_size=(1, 2), bias=False)');
    expect(t(edge.args[2].value.span)).toBe('(1, 2)');
    expect(t(edge.params[0].span)).toBe('weight = [[1, -1]]');
    const weight = edge.params[0].value;
    if (weight.kind !== 'list' || weight.items[0].kind !== 'list') throw new Error('expected a nested list');
    expect(t(weight.span)).toBe('[[1, -1]]');
    expect(t(weight.items[0].items[1].span)).toBe('-1');

    expect(t(model.body[9].span)).toBe('output fc1, sum');

    expect(t(block.span)).toMatch(/^block BasicBlock\(c, stride=1\) \{[\s\S]*\}$/);
    expect(t(block.params[1].span)).toBe('stride=1');
    expect(t(block.params[1].default!.span)).toBe('1');
    expect(t(block.body[0].span)).toBe('input x');
    const blockConv = block.body[1] as LayerStmt;
    expect(t(blockConv.args[1].value.span)).toBe('c * 2');
    expect(t(blockConv.args[4].value.span)).toBe("'same'");
  });

  it('uses the file name it was given in every span', () => {
    const files = new Set<string>();
    JSON.stringify(result.program, (k, v) => {
      if ((k === 'span' || k === 'callSpan') && v) files.add(v.file);
      return v;
    });
    expect([...files]).toEqual(['lenet.cnn']);
  });
});
