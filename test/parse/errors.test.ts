import { describe, expect, it } from 'vitest';
import { parse } from '../../compiler/1-parse/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { codeOf } from '../../compiler/diagnostics/catalogue.ts';
import { textOf } from './helpers.ts';

function diagnose(source: string): Diagnostic[] {
  return parse('bad.cnn', source).diagnostics;
}

/** code, message and the text under the primary span of each diagnostic. */
function summary(source: string) {
  return diagnose(source).map((d) => ({
    code: codeOf(d.code),
    message: d.message,
    at: textOf(source, d.labels[0].span),
    start: d.labels[0].span.start,
  }));
}

describe('syntax errors', () => {
  it('reports each of two broken statements once, at the offending token', () => {
    const source = 'model M {\n  a: Conv2d(1, 6 kernel_size=5)\n  b: ReLU()\n  c: Linear(4,, 2)\n}';
    expect(summary(source)).toEqual([
      {
        code: 'E0102',
        message: 'expected `)` to close the argument list of `Conv2d`, found `kernel_size`',
        at: 'kernel_size',
        start: source.indexOf('kernel_size'),
      },
      {
        code: 'E0102',
        message: 'expected `)` to close the argument list of `Linear`, found `,`',
        at: ',',
        start: source.indexOf(',, 2') + 1,
      },
    ]);
  });

  it('keeps parsing the statements after an error', () => {
    const result = parse('bad.cnn', 'model M {\n  a: Conv2d(1 2)\n  b: ReLU()\n  c: Sigmoid()\n}');
    expect(result.diagnostics).toHaveLength(1);
    const names = result.program.decls[0].body.map((s) => (s.kind === 'layer' ? s.name?.name : s.kind));
    expect(names).toContain('b');
    expect(names).toContain('c');
  });

  it('says which argument list a missing `)` belongs to, and where it opened', () => {
    const source = 'model M {\n  a: Conv2d(1, 6\n  b: ReLU()\n}';
    const [d] = diagnose(source);
    expect(d.message).toBe('expected `)` to close the argument list of `Conv2d`, found `b`');
    expect(d.labels[1]).toMatchObject({ message: 'opened here', primary: false });
    expect(textOf(source, d.labels[1].span)).toBe('(');
    expect(d.help).toBeNull(); // `b` starts the next layer: no "add a comma" hint
  });

  it('suggests a comma when the next token could be another argument', () => {
    const [d] = diagnose('model M { a: F(1 2) }');
    expect(d.help).toBe('separate arguments with `,`');
  });

  it('words the common mistakes for a user', () => {
    const cases: [string, string][] = [
      ['model M { conv1 Conv2d(1) }', 'expected `:` after the layer name `conv1`, found `Conv2d`'],
      ['model M { a: ReLU }', 'expected `(` to start the argument list of `ReLU`, found `}`'],
      ['model M { a: (1) }', 'expected an op name after `a:`, found `(`'],
      ['model M { input x: 3 }', 'expected `[` to start the shape of input `x`, found `3`'],
      ['model M { input x: [1, 2 }', 'expected `]` to close the shape of input `x`, found `}`'],
      ['model M { weights w }', 'expected a quoted file name after `weights`, found `w`'],
      ['model M { output }', 'expected a layer name after `output`, found `}`'],
      ['model M { a: F() <- }', 'expected a layer name after `<-`, found `}`'],
      ['model M { a: F() { w 1 } }', 'expected `=` after the parameter name `w`, found `1`'],
      ['model M { a: F() { w = [1 } }', 'expected `]` to close `[`, found `}`'],
      ['model M { a: F(k=(1, 2) }', 'expected `)` to close the argument list of `F`, found `}`'],
      ['model M { a: F(1 + ) }', 'expected a value after `+`, found `)`'],
      ['model M { a: F() ) }', 'expected a statement or `}` to close model `M`, found `)`'],
      ['model { }', 'expected a name after `model`, found `{`'],
      ['model M input x }', 'expected `{` to start the body of model `M`, found `input`'],
      ['block B { input x }', 'expected `(` and the parameters of block `B`, found `{`'],
      ['block B(a b) { input x }', 'expected `)` to close the parameters of block `B`, found `b`'],
      ['x = 1\nmodel M {}', 'expected `model` or `block`, found `x`'],
      ['model M {} }', 'unexpected `}` after the end of model `M`'],
      ['model M { a: F(', 'expected `)` to close the argument list of `F`, found the end of the file'],
    ];
    for (const [source, message] of cases) {
      const ds = diagnose(source);
      expect({ source, messages: ds.map((d) => d.message) }).toEqual({ source, messages: [message] });
      expect(ds[0].code).toBe('SyntaxError');
    }
  });

  it('treats a missing `}` as ending at the next declaration, which still parses', () => {
    const source = 'model A { a: ReLU()\nblock B() { input x }';
    const result = parse('bad.cnn', source);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'expected a statement or `}` to close model `A`, found `block`',
    ]);
    expect(textOf(source, result.diagnostics[0].labels[0].span)).toBe('block');
    // Recovery keeps what it could read of A.
    expect(result.program.decls.map((d) => d.name.name)).toEqual(['A', 'B']);
    expect(result.program.decls[0].body).toHaveLength(1);
  });

  it('points at the end of the file when the file stops early', () => {
    const source = 'model A { a: ReLU()';
    const [d] = diagnose(source);
    expect(d.labels[0].span).toMatchObject({ start: source.length, end: source.length });
    expect(d.message).toBe('expected a statement or `}` to close model `A`, found the end of the file');
  });

  it('keeps every message on one line without chevrotain wording', () => {
    const sources = ['model M { a: F(1 2) b: G(] c: (', 'block (', 'model M { input x: [ }', 'model M { a: F(1 -) }'];
    for (const source of sources) {
      for (const d of diagnose(source)) {
        expect(d.message).not.toMatch(/\n|Expecting|Token|\bEOF\b|Identifier|RParen|--> |<-- /);
        expect(d.message.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('lexical errors', () => {
  it('reports an unterminated string and goes on after it', () => {
    const source = 'model M {\n  a: F(padding="same)\n  b: G(1 2)\n}';
    expect(summary(source)).toEqual([
      {
        code: 'E0103',
        message: 'string is not closed before the end of the line',
        at: '"same)',
        start: source.indexOf('"'),
      },
      {
        code: 'E0102',
        message: 'expected `)` to close the argument list of `G`, found `2`',
        at: '2',
        start: source.indexOf('2)'),
      },
    ]);
  });

  it('reports an unterminated string at the end of the file', () => {
    const [d] = diagnose("model M { weights 'w.safe");
    expect(d.code).toBe('UnterminatedString');
    expect(d.message).toBe('string is not closed before the end of the file');
  });

  it('treats an escaped quote as part of the string', () => {
    const [d] = diagnose('model M { weights "a\\" }');
    expect(d.code).toBe('UnterminatedString');
  });

  it('reports an unknown escape', () => {
    const source = 'model M { weights "a\\qb" }';
    const ds = summary(source);
    expect(ds).toEqual([{ code: 'E0102', message: 'unknown escape `\\q` in a string', at: '\\q', start: 20 }]);
  });

  it('reports malformed and out-of-range numbers', () => {
    const source = 'model M { a: F(1e, 1.2.3, 9007199254740992, 1e999, 3x) }';
    expect(summary(source).map((d) => [d.code, d.message, d.at])).toEqual([
      ['E0104', 'malformed number `1e`', '1e'],
      ['E0104', 'malformed number `1.2.3`', '1.2.3'],
      ['E0104', 'integer `9007199254740992` is too large', '9007199254740992'],
      ['E0104', 'number `1e999` is too large', '1e999'],
      ['E0104', 'malformed number `3x`', '3x'],
    ]);
  });

  it('reports an unexpected character, escaped when invisible', () => {
    const source = 'model M {\u2028 a: F(1) @ }';
    expect(summary(source).map((d) => [d.code, d.message, d.at])).toEqual([
      ['E0101', 'unexpected character `\\u2028`', '\u2028'],
      ['E0101', 'unexpected character `@`', '@'],
    ]);
  });

  it('names a non-ASCII letter and its code point, and gives no echo syntax error', () => {
    const source = 'model M { größe: ReLU() }';
    const ds = diagnose(source);
    expect(ds.map((d) => d.message)).toEqual(['unexpected characters `öß`']);
    expect(ds[0].help).toBe('names use only ASCII letters, digits and `_`');
    expect(diagnose('model M { é: ReLU() }')[0].message).toBe('unexpected character `é` (\\u00e9)');
  });
});
