import { describe, expect, it } from 'vitest';
import { MAX_PARSE_DIAGNOSTICS, parse } from '../../compiler/1-parse/index.ts';
import { seededRandom } from './helpers.ts';

const EXAMPLE = `model LeNet5 {
  input x: [N, 1, 28, 28]
  weights "lenet5.safetensors"
  conv1: Conv2d(1, 6, kernel_size=5, padding=2)  # a comment
  sum: Add() <- conv1, x
  edge: Conv2d(1, 1, kernel_size=(1, 2), bias=False) { weight = [[1, -1]]; bias = [-0.5] }
  output sum
}
block B(c, s=1) { input x
  y: Conv2d(c, c * 2 // 3, (3,), stride=-s, padding='same') }
`;

/** Parses and checks what must hold for any input: no throw, sane spans, bounded diagnostics. */
function parseChecked(source: string) {
  const result = parse('fuzz.cnn', source);
  expect(result.diagnostics.length).toBeLessThanOrEqual(MAX_PARSE_DIAGNOSTICS);
  for (const d of result.diagnostics) {
    expect(d.message).not.toMatch(/internal error|undefined|NaN|\n/);
    for (const l of d.labels) checkSpan(l.span, source);
  }
  JSON.stringify(result.program, (key, value) => {
    if (key === 'span' || key === 'callSpan') checkSpan(value, source);
    return value;
  });
  return result;
}

function checkSpan(s: { file: string; start: number; end: number }, source: string): void {
  const ok =
    s.file === 'fuzz.cnn' &&
    Number.isInteger(s.start) &&
    Number.isInteger(s.end) &&
    s.start >= 0 &&
    s.start <= s.end &&
    s.end <= source.length;
  if (!ok) throw new Error(`bad span ${JSON.stringify(s)} in a source of length ${source.length}`);
}

function timed<T>(f: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = f();
  return { result, ms: performance.now() - t0 };
}

describe('deep nesting', () => {
  it.each([
    ['[', 10_000],
    ['(', 10_000],
    ['-', 10_000],
    ['{', 10_000],
  ])('refuses %s nested %i deep with one diagnostic, quickly', (opener, n) => {
    const source = `model M { x: F(${opener.repeat(n)}1) }\nmodel Ok { input x: [1] }`;
    const { result, ms } = timed(() => parseChecked(source));
    expect(result.diagnostics.map((d) => d.message)).toEqual(['nesting deeper than 64 levels']);
    expect(result.diagnostics[0].code).toBe('SyntaxError');
    // The other declaration is unaffected.
    expect(result.program.decls.map((d) => d.name.name)).toEqual(['Ok']);
    expect(ms).toBeLessThan(2000);
  });

  it('accepts nesting just under the limit', () => {
    const depth = 60; // plus the model's braces and the argument list
    const source = `model M { x: F(${'['.repeat(depth)}1${']'.repeat(depth)}, ${'-'.repeat(depth)}c) }`;
    const result = parseChecked(source);
    expect(result.diagnostics).toEqual([]);
    const layer = result.program.decls[0].body[0];
    if (layer.kind !== 'layer') throw new Error('expected a layer');
    let e = layer.args[0].value;
    let levels = 0;
    while (e.kind === 'list') {
      e = e.items[0];
      levels++;
    }
    expect(levels).toBe(depth);
  });

  it('refuses an operator chain deeper than the expression limit', () => {
    const source = `model M { x: F(${Array(5000).fill('1').join(' + ')}) y: G() }`;
    const { result, ms } = timed(() => parseChecked(source));
    expect(result.diagnostics.map((d) => d.message)).toEqual(['expression nests deeper than 200 levels']);
    // The statement is dropped, the rest is kept.
    expect(result.program.decls[0].body.map((s) => (s.kind === 'layer' ? s.name?.name : ''))).toEqual(['y']);
    expect(ms).toBeLessThan(2000);
  });
});

describe('random and damaged input', () => {
  it('never throws on seeded random strings of bytes and of tokens', () => {
    const random = seededRandom(20240601);
    const pieces = [
      'model',
      'block',
      'input',
      'output',
      'weights',
      'x',
      'N',
      ':',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ',',
      ';',
      '=',
      '<-',
      '-',
      '+',
      '*',
      '//',
      '/',
      '1',
      '2.5',
      '1e',
      '"s"',
      "'",
      '"',
      '\\',
      '#',
      '\n',
      ' ',
      'True',
      'None',
      '.',
      '<',
      '\u2028',
      'é',
      '\ud800',
      '\u0000',
    ];
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(random() * 120);
      const bytes = Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
      parseChecked(bytes);
      const tokens = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]);
      parseChecked(tokens.join(random() < 0.5 ? ' ' : ''));
      parseChecked(`model M { ${tokens.join(' ')} }`);
    }
  });

  it('never throws on every truncation of a valid file', () => {
    for (let cut = 0; cut <= EXAMPLE.length; cut++) parseChecked(EXAMPLE.slice(0, cut));
  });

  it('never throws on single-character edits of a valid file', () => {
    const random = seededRandom(7);
    const edits = ['', '(', ')', '[', ']', '{', '}', ',', ':', '=', '"', "'", '-', '1', 'x', '\n', '<', '@'];
    for (let i = 0; i < 400; i++) {
      const at = Math.floor(random() * EXAMPLE.length);
      const edit = edits[Math.floor(random() * edits.length)];
      const drop = Math.floor(random() * 2);
      parseChecked(EXAMPLE.slice(0, at) + edit + EXAMPLE.slice(at + drop));
    }
  });

  it('handles a megabyte of random bytes in bounded time, capping the diagnostics', () => {
    const random = seededRandom(99);
    const chars = new Array<string>(1_000_000);
    for (let i = 0; i < chars.length; i++) chars[i] = String.fromCharCode(Math.floor(random() * 256));
    const { result, ms } = timed(() => parseChecked(chars.join('')));
    expect(result.diagnostics).toHaveLength(MAX_PARSE_DIAGNOSTICS);
    expect(ms).toBeLessThan(10_000);
  });

  it('handles megabyte lines: a string, a name, and token soup inside a model', () => {
    const random = seededRandom(3);
    const soup = ['a', ':', '(', ')', ',', '[', ']', '1', '=', '<-', '-', '"s"', 'input', 'output'];
    const garbage = Array.from({ length: 150_000 }, () => soup[Math.floor(random() * soup.length)]).join(' ');
    const sources = [
      `model M { w: F("${'x'.repeat(1_000_000)}) }`,
      `model M { ${'x'.repeat(1_000_000)}: ReLU() }`,
      `model M { ${garbage} }`,
      `model M { a: F(${'1, '.repeat(100_000)}) }`,
    ];
    for (const source of sources) {
      const { ms } = timed(() => parseChecked(source));
      expect(ms).toBeLessThan(10_000);
    }
  });

  it('starts the edits above from a file that is itself valid', () => {
    expect(parseChecked(EXAMPLE).diagnostics).toEqual([]);
  });
});
