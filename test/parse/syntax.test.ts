import { describe, expect, it } from 'vitest';
import type { BlockDecl, LayerStmt } from '../../compiler/1-parse/ast.ts';
import { expr, parseClean, statements, stripSpans, textOf } from './helpers.ts';

const value = (text: string) => stripSpans(expr(text).value);

describe('literals', () => {
  it('reads integers and floats as JS numbers', () => {
    expect(value('0')).toEqual({ kind: 'int', value: 0 });
    expect(value('42')).toEqual({ kind: 'int', value: 42 });
    expect(value('9007199254740991')).toEqual({ kind: 'int', value: Number.MAX_SAFE_INTEGER });
    expect(value('1.5')).toEqual({ kind: 'float', value: 1.5 });
    expect(value('1e-05')).toEqual({ kind: 'float', value: 1e-5 });
    expect(value('.5')).toEqual({ kind: 'float', value: 0.5 });
    expect(value('2.')).toEqual({ kind: 'float', value: 2 });
    expect(value('1E3')).toEqual({ kind: 'float', value: 1000 });
    expect(value('2.5e+2')).toEqual({ kind: 'float', value: 250 });
  });

  it('reads strings with either quote and their escapes', () => {
    expect(value('"same"')).toEqual({ kind: 'string', value: 'same' });
    expect(value("'same'")).toEqual({ kind: 'string', value: 'same' });
    expect(value(String.raw`"a\"b\'c\\d\ne\tf\rg\u00e9"`)).toEqual({ kind: 'string', value: 'a"b\'c\\d\ne\tf\rgé' });
    expect(value(`'say "hi"'`)).toEqual({ kind: 'string', value: 'say "hi"' });
    expect(value('""')).toEqual({ kind: 'string', value: '' });
  });

  it('reads both spellings of booleans, and None', () => {
    expect(value('True')).toEqual({ kind: 'bool', value: true });
    expect(value('true')).toEqual({ kind: 'bool', value: true });
    expect(value('False')).toEqual({ kind: 'bool', value: false });
    expect(value('false')).toEqual({ kind: 'bool', value: false });
    expect(value('None')).toEqual({ kind: 'none' });
  });

  it('reads names, and keywords only as whole words', () => {
    expect(value('N')).toEqual({ kind: 'name', name: 'N' });
    expect(value('Truex')).toEqual({ kind: 'name', name: 'Truex' });
    expect(value('model_1')).toEqual({ kind: 'name', name: 'model_1' });
    expect(value('_n')).toEqual({ kind: 'name', name: '_n' });
  });
});

describe('tuples, parentheses and lists', () => {
  it('tells a tuple from a parenthesised expression by its comma', () => {
    expect(value('(3)')).toEqual({ kind: 'int', value: 3 });
    expect(value('(3,)')).toEqual({ kind: 'tuple', items: [{ kind: 'int', value: 3 }] });
    expect(value('()')).toEqual({ kind: 'tuple', items: [] });
    expect(value('(1, 2)')).toEqual({
      kind: 'tuple',
      items: [
        { kind: 'int', value: 1 },
        { kind: 'int', value: 2 },
      ],
    });
    expect(value('(1, 2,)')).toEqual(value('(1, 2)'));
  });

  it('gives a parenthesised expression the span of its parentheses', () => {
    const { value: v, source } = expr('( c )');
    expect(textOf(source, v.span)).toBe('( c )');
  });

  it('reads lists, nested and with a trailing comma', () => {
    expect(value('[]')).toEqual({ kind: 'list', items: [] });
    expect(value('[1, [2, 3],]')).toEqual({
      kind: 'list',
      items: [
        { kind: 'int', value: 1 },
        {
          kind: 'list',
          items: [
            { kind: 'int', value: 2 },
            { kind: 'int', value: 3 },
          ],
        },
      ],
    });
  });
});

describe('arithmetic', () => {
  it('folds a minus in front of a number into the literal, span included', () => {
    const { value: v, source } = expr('-3');
    expect(stripSpans(v)).toEqual({ kind: 'int', value: -3 });
    expect(textOf(source, v.span)).toBe('-3');
    expect(value('-1.5e-3')).toEqual({ kind: 'float', value: -0.0015 });
    expect(value('- 2')).toEqual({ kind: 'int', value: -2 });
    expect(value('-0')).toEqual({ kind: 'int', value: 0 });
    expect(value('+4')).toEqual({ kind: 'int', value: 4 });
  });

  it('negates anything else with a neg node', () => {
    expect(value('-c')).toEqual({ kind: 'neg', operand: { kind: 'name', name: 'c' } });
    expect(value('-(2)')).toEqual({ kind: 'neg', operand: { kind: 'int', value: 2 } });
    expect(value('--2')).toEqual({ kind: 'neg', operand: { kind: 'int', value: -2 } });
  });

  it('binds * / // tighter than + -, and both to the left', () => {
    expect(value('a + b * 2')).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'name', name: 'a' },
      right: { kind: 'binary', op: '*', left: { kind: 'name', name: 'b' }, right: { kind: 'int', value: 2 } },
    });
    expect(value('a - b - c')).toEqual({
      kind: 'binary',
      op: '-',
      left: { kind: 'binary', op: '-', left: { kind: 'name', name: 'a' }, right: { kind: 'name', name: 'b' } },
      right: { kind: 'name', name: 'c' },
    });
    expect(value('c // 4 / 2')).toEqual({
      kind: 'binary',
      op: '/',
      left: { kind: 'binary', op: '//', left: { kind: 'name', name: 'c' }, right: { kind: 'int', value: 4 } },
      right: { kind: 'int', value: 2 },
    });
    expect(value('(a + b) * -2')).toEqual({
      kind: 'binary',
      op: '*',
      left: { kind: 'binary', op: '+', left: { kind: 'name', name: 'a' }, right: { kind: 'name', name: 'b' } },
      right: { kind: 'int', value: -2 },
    });
  });

  it('spans a binary expression from its left to its right operand', () => {
    const { value: v, source } = expr('(c+1)  *  2');
    expect(textOf(source, v.span)).toBe('(c+1)  *  2');
  });
});

describe('statements', () => {
  it('reads keyword and positional arguments, with a trailing comma', () => {
    const [conv] = statements('c: Conv2d(3, 8, kernel_size=3, stride=(2, 2),)') as LayerStmt[];
    expect(conv.args.map((a) => a.name?.name ?? null)).toEqual([null, null, 'kernel_size', 'stride']);
    expect(stripSpans(conv.args[3].value)).toEqual({
      kind: 'tuple',
      items: [
        { kind: 'int', value: 2 },
        { kind: 'int', value: 2 },
      ],
    });
  });

  it('takes a name followed by an operator as a positional argument', () => {
    const [layer] = statements('l: Linear(c * 2, c)') as LayerStmt[];
    expect(layer.args.every((a) => a.name === null)).toBe(true);
  });

  it('reads `<-` inputs, or null when there are none', () => {
    const [a, b] = statements('a: ReLU()\nb: Concat(dim=1) <- a, x, y') as LayerStmt[];
    expect(a.inputs).toBeNull();
    expect(b.inputs!.map((i) => i.name)).toEqual(['a', 'x', 'y']);
  });

  it('reads inline parameter values separated by commas, semicolons or nothing', () => {
    const [a, b, c] = statements(
      'a: Linear(2, 1) { weight = [[1, -1]], bias = [0.5] }\n' +
        'b: Linear(2, 1) { weight = [[1, 2]]; bias = [0] }\n' +
        'c: Linear(2, 1) { weight = [[3, 4]]\n bias = [1], }',
    ) as LayerStmt[];
    for (const layer of [a, b, c]) expect(layer.params.map((p) => p.name.name)).toEqual(['weight', 'bias']);
    expect(stripSpans(a.params[1].value)).toEqual({ kind: 'list', items: [{ kind: 'float', value: 0.5 }] });
  });

  it('reads `<-` inputs and parameter values together', () => {
    const [layer] = statements('e: Conv2d(1, 1, 1) <- x { weight = [[[[2]]]] }') as LayerStmt[];
    expect(layer.inputs!.map((i) => i.name)).toEqual(['x']);
    expect(layer.params).toHaveLength(1);
  });

  it('accepts an optional `;` after each statement', () => {
    const body = statements('input x: [1, 2];\nweights "w.safetensors";\na: ReLU(); b: ReLU() <- a;\noutput a, b;');
    expect(body.map((s) => s.kind)).toEqual(['input', 'weights', 'layer', 'layer', 'output']);
  });

  it('reads input shapes with names and arithmetic', () => {
    const [input] = statements('input x: [N, C * 2, 32, 32]');
    if (input.kind !== 'input') throw new Error('expected an input');
    expect(stripSpans(input.shape)).toEqual([
      { kind: 'name', name: 'N' },
      { kind: 'binary', op: '*', left: { kind: 'name', name: 'C' }, right: { kind: 'int', value: 2 } },
      { kind: 'int', value: 32 },
      { kind: 'int', value: 32 },
    ]);
  });
});

describe('declarations', () => {
  it('reads blocks with defaults, a trailing comma, and no parameters', () => {
    const program = parseClean(
      'block A(c, mid=c // 4, act="relu",) { input x\n y: ReLU() }\nblock B() { input x }\nmodel M { input x: [1] }',
    );
    const [a, b] = program.decls as BlockDecl[];
    expect(a.params.map((p) => p.name.name)).toEqual(['c', 'mid', 'act']);
    expect(stripSpans(a.params[1].default)).toEqual({
      kind: 'binary',
      op: '//',
      left: { kind: 'name', name: 'c' },
      right: { kind: 'int', value: 4 },
    });
    expect(b.params).toEqual([]);
    expect(program.decls.map((d) => d.kind)).toEqual(['block', 'block', 'model']);
  });

  it('skips comments and whitespace anywhere', () => {
    const source = '# header\nmodel M # name\n{ # open\n  input x: [1, # dims\n 2] # end\n  a: ReLU() #\n} # done';
    const body = parseClean(source).decls[0].body;
    expect(body.map((s) => s.kind)).toEqual(['input', 'layer']);
    expect(textOf(source, body[0].span)).toBe('input x: [1, # dims\n 2]');
  });

  it('reads an empty file and an empty model', () => {
    expect(parseClean('').decls).toEqual([]);
    expect(parseClean('# nothing here\n').decls).toEqual([]);
    expect(parseClean('model M {}').decls[0].body).toEqual([]);
  });

  it('ignores a byte order mark and keeps offsets', () => {
    const source = '\uFEFFmodel M { input x: [1] }';
    const decl = parseClean(source).decls[0];
    expect(textOf(source, decl.name.span)).toBe('M');
  });
});
