import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SourceFile } from '../../compiler/source/source-file.ts';
import { diag, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { renderRich } from '../../compiler/diagnostics/render/rich.ts';
import { channelMismatch, FILES, find, lenet, linearInFeatures, unusedBlockBody, wrongInputCount } from './fixtures.ts';

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const one = (text: string, path = 'a.cnn') => {
  const f = new SourceFile(path, text);
  return { f, files: new Map([[path, f]]) };
};

describe('renderRich', () => {
  it('renders the design-notes example exactly', () => {
    expect(renderRich([channelMismatch()], FILES)).toBe(
      [
        'error[E0301]: Conv2d `conv2` expects 32 input channels, but `pool1` produces 16',
        '  ┌─ lenet.cnn:7:17',
        '  │',
        '5 │   conv1: Conv2d(1, 16, kernel_size=5)',
        '  │          ---------------------------- 16 channels are produced here',
        '  ·',
        '7 │   conv2: Conv2d(32, 64, kernel_size=5)',
        '  │                 ^^ expects 32',
        '  │',
        '  = note: input of `conv2` has shape [N, 16, 12, 12]',
        '  = help: write `Conv2d(16, 64, kernel_size=5)`',
        '',
      ].join('\n'),
    );
  });

  it('returns the empty string for no diagnostics', () => {
    expect(renderRich([], FILES)).toBe('');
  });

  it('separates diagnostics by exactly one blank line', () => {
    const a = renderRich([channelMismatch()], FILES);
    const b = renderRich([wrongInputCount()], FILES);
    expect(renderRich([channelMismatch(), wrongInputCount()], FILES)).toBe(`${a}\n${b}`);
    expect(a.endsWith('`\n')).toBe(true);
  });

  it('widens the gutter to the largest line number and lines everything up', () => {
    const out = renderRich([linearInFeatures()], FILES).split('\n');
    expect(out[1]).toBe('   ┌─ lenet.cnn:10:15');
    expect(out).toContain(' 9 │   flat: Flatten()');
    expect(out).toContain('10 │   fc1: Linear(1024, 120)');
    // Adjacent lines 9 and 10: no gap marker.
    expect(out.some((l) => l.trim() === '·')).toBe(false);
    for (const l of out.slice(1)) if (l !== '') expect(l).toMatch(/^( {3}[┌│=·]| \d │|\d\d │| {13}\S)/);
  });

  it('gives a secondary label in another file its own header', () => {
    const out = renderRich([linearInFeatures()], FILES).split('\n');
    const headers = out.filter((l) => l.includes('┌─'));
    expect(headers).toEqual(['   ┌─ lenet.cnn:10:15', '   ┌─ lib/blocks.cnn:3:6']);
    const i = out.indexOf('   ┌─ lib/blocks.cnn:3:6');
    expect(out[i + 2]).toBe(' 3 │   a: Conv2d(c, c, kernel_size=3, padding=1)');
    expect(out[i + 3]).toBe('   │      -------------------------------------- also used here');
  });

  it('aligns continuation lines of a multi-line note', () => {
    const out = renderRich([linearInFeatures()], FILES).split('\n');
    const i = out.findIndex((l) => l.startsWith('   = note: '));
    expect(out[i + 1]).toBe('             16 * 4 * 4 = 256');
  });

  it('sorts labels by position and stacks several labels on one line without overlap', () => {
    const out = renderRich([wrongInputCount()], FILES).split('\n');
    expect(out.slice(3)).toEqual([
      '10 │   fc1: Linear(1024, 120)',
      '   │   ---  ^^^^^^^^^^^^^---^',
      '   │   │    │            │',
      '   │   │    │            out_features',
      '   │   │    takes 1 input',
      '   │   this layer',
      '',
    ]);
  });

  it('puts the last label message inline when its label reaches furthest right', () => {
    const { f, files } = one('y = Add(a, b)\n');
    const d = diag('AddShapeMismatch', 'shapes differ', { file: f.path, start: 8, end: 9 }, '[N, 3]')
      .label({ file: f.path, start: 11, end: 12 }, '[N, 4]')
      .build();
    expect(renderRich([d], files).split('\n').slice(3)).toEqual([
      '1 │ y = Add(a, b)',
      '  │         ^  - [N, 4]',
      '  │         │',
      '  │         [N, 3]',
      '',
    ]);
  });

  it('draws marks without messages and skips empty label text', () => {
    const { f, files } = one('abc def\n');
    const d = diag('SyntaxError', 'bad', { file: f.path, start: 4, end: 7 })
      .label({ file: f.path, start: 0, end: 3 }, '')
      .build();
    expect(renderRich([d], files).split('\n').slice(3, 5)).toEqual(['1 │ abc def', '  │ --- ^^^']);
  });

  it('uses a single gap marker for any skipped lines and none between adjacent lines', () => {
    const d = diag('UnknownName', 'x', find(lenet, 'output fc2'), 'here')
      .label(find(lenet, 'model'), 'model')
      .label(find(lenet, 'input'), 'in')
      .build();
    const out = renderRich([d], FILES).split('\n');
    expect(out.filter((l) => l.trim().startsWith('·'))).toHaveLength(1);
    const gap = out.findIndex((l) => l.trim() === '·');
    expect(out[gap - 2]).toMatch(/^ 2 │/);
    expect(out[gap + 1]).toMatch(/^12 │/);
    expect(out[3]).toMatch(/^ 1 │ model LeNet/);
    expect(out[5]).toMatch(/^ 2 │/);
  });

  it('underlines the first line of a multi-line span to its end and names the last line', () => {
    const out = renderRich([unusedBlockBody()], FILES).split('\n');
    expect(out[0]).toBe('warning[W0220]: layer `a` is never used');
    expect(out[3]).toBe('3 │   a: Conv2d(c, c, kernel_size=3, padding=1)');
    expect(out[4]).toBe(`  │   ${'^'.repeat(41)} nothing reads these (continues to line 5)`);
    expect(out).toHaveLength(6);
  });

  it('does not count a span ending just after a line break as multi-line', () => {
    const { f, files } = one('abc\ndef\n');
    const d = diag('SyntaxError', 'bad', { file: f.path, start: 0, end: 4 }, 'line').build();
    expect(renderRich([d], files).split('\n')[4]).toBe('  │ ^^^ line');
  });

  it('expands tabs consistently in the source line and under it', () => {
    const { f, files } = one('\tx:\tReLU()\n');
    const d = diag('UnknownOp', 'bad', { file: f.path, start: 4, end: 8 }, 'here').build();
    const out = renderRich([d], files).split('\n');
    expect(out[1]).toBe('  ┌─ a.cnn:1:5');
    expect(out[3]).toBe('1 │     x:  ReLU()');
    expect(out[4]).toBe('  │         ^^^^ here');
    expect(out[3].indexOf('ReLU')).toBe(out[4].indexOf('^'));
  });

  it('counts wide characters as two columns when placing carets', () => {
    const { f, files } = one('# 畳み込み\nconv: X()\n'.replace('conv', '畳み: X() # conv'));
    const start = f.text.indexOf('X()');
    const d = diag('UnknownOp', 'bad', { file: f.path, start, end: start + 1 }, 'x').build();
    const out = renderRich([d], files).split('\n');
    expect(out[4]).toBe('  │       ^ x');
  });

  it('shows one caret for a zero-width span, also at the end of a line and in an empty file', () => {
    const { f, files } = one('abc\n');
    const at = (o: number) =>
      renderRich([diag('SyntaxError', 'e', { file: f.path, start: o, end: o }, 'here').build()], files).split('\n');
    expect(at(1)[4]).toBe('  │  ^ here');
    expect(at(3)[4]).toBe('  │    ^ here');
    expect(at(3)[1]).toBe('  ┌─ a.cnn:1:4');
    const empty = one('');
    const out = renderRich(
      [diag('NothingToCompile', 'no model', { file: 'a.cnn', start: 0, end: 0 }, 'empty').build()],
      empty.files,
    );
    expect(out.split('\n')).toEqual(['error[E0105]: no model', '  ┌─ a.cnn:1:1', '  │', '1 │', '  │ ^ empty', '']);
  });

  it('never throws on spans past the end or reversed, and clamps them into the file', () => {
    const { f, files } = one('ab\ncd');
    const past = diag('SyntaxError', 'e', { file: f.path, start: 40, end: 99 }, 'eof').build();
    const rev = diag('SyntaxError', 'e', { file: f.path, start: 2, end: 0 }, 'rev').build();
    expect(renderRich([past], files).split('\n').slice(1, 5)).toEqual([
      '  ┌─ a.cnn:2:3',
      '  │',
      '2 │ cd',
      '  │   ^ eof',
    ]);
    expect(renderRich([rev], files).split('\n')[4]).toBe('  │ ^^ rev');
  });

  it('handles CRLF line endings', () => {
    const { f, files } = one('a: X()\r\nb: Y()\r\n');
    const start = f.text.indexOf('Y');
    const out = renderRich([diag('UnknownOp', 'e', { file: f.path, start, end: start + 1 }, 'y').build()], files);
    expect(out).not.toContain('\r');
    expect(out.split('\n').slice(1, 5)).toEqual(['  ┌─ a.cnn:2:4', '  │', '2 │ b: Y()', '  │    ^ y']);
  });

  it('replaces control characters so they cannot reach the terminal', () => {
    const { f, files } = one('a\x1b[2Jb\n');
    const out = renderRich(
      [diag('UnexpectedCharacter', 'e', { file: f.path, start: 1, end: 2 }, 'esc').build()],
      files,
    );
    expect(out).not.toContain('\x1b');
    expect(out.split('\n')[3]).toBe('1 │ a\uFFFD[2Jb');
  });

  it('renders a diagnostic without labels as header and notes only', () => {
    const d: Diagnostic = {
      code: 'NoWeights',
      severity: 'warning',
      message: 'no weights given',
      labels: [],
      notes: ['seed 0'],
      help: 'pass --weights',
    };
    expect(renderRich([d], FILES)).toBe(
      'warning[W0405]: no weights given\n  = note: seed 0\n  = help: pass --weights\n',
    );
  });

  it('names a file that is not in the map instead of throwing', () => {
    const d = diag('UnknownName', 'e', { file: 'gone.cnn', start: 3, end: 5 }, 'here').build();
    expect(renderRich([d], FILES)).toBe('error[E0204]: e\n  ┌─ gone.cnn\n  │ ^ here (source not available)\n');
  });

  it('colours only when asked, and colour changes nothing but escape codes', () => {
    const diags = [channelMismatch(), wrongInputCount(), linearInFeatures(), unusedBlockBody()];
    const plain = renderRich(diags, FILES);
    const coloured = renderRich(diags, FILES, { color: true });
    expect(plain).not.toContain('\x1b');
    expect(stripAnsi(coloured)).toBe(plain);
    expect(coloured).toContain('\x1b[1;31merror[E0301]\x1b[0m\x1b[1m: Conv2d');
    expect(coloured).toContain('\x1b[1;33mwarning[W0220]');
    expect(coloured).toContain('\x1b[31m^^\x1b[0m \x1b[31mexpects 32\x1b[0m');
    expect(coloured).toContain('\x1b[34m5 │\x1b[0m');
  });

  it('never throws and never prints undefined or NaN for arbitrary text and spans', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', '\r\n', '界', '😀', 'é', '\u0301', '\x00'),
          maxLength: 40,
        }),
        fc.array(
          fc.tuple(
            fc.integer({ min: -3, max: 50 }),
            fc.integer({ min: -3, max: 50 }),
            fc.boolean(),
            fc.string({ maxLength: 5 }),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (text, raw) => {
          const { files } = one(text);
          const d: Diagnostic = {
            code: 'SyntaxError',
            severity: 'error',
            message: 'm',
            labels: raw.map(([s, e, p, m], i) => ({
              span: { file: 'a.cnn', start: s, end: e },
              message: m,
              primary: i === 0 || p,
            })),
            notes: [],
            help: null,
          };
          const out = renderRich([d], files);
          expect(out).not.toMatch(/undefined|NaN/);
          expect(stripAnsi(renderRich([d], files, { color: true }))).toBe(out);
        },
      ),
      { numRuns: 300 },
    );
  });
});
