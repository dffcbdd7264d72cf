import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../compiler/source/source-file.ts';
import { diag, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { diagnosticToJson, renderJson } from '../../compiler/diagnostics/render/json.ts';
import { channelMismatch, FILES, linearInFeatures, unusedBlockBody } from './fixtures.ts';

describe('diagnosticToJson', () => {
  it('gives the printed code, 1-based positions and every label', () => {
    expect(diagnosticToJson(channelMismatch(), FILES)).toEqual({
      code: 'E0301',
      severity: 'error',
      message: 'Conv2d `conv2` expects 32 input channels, but `pool1` produces 16',
      file: 'lenet.cnn',
      line: 7,
      column: 17,
      endLine: 7,
      endColumn: 19,
      labels: [
        { file: 'lenet.cnn', line: 7, column: 17, endLine: 7, endColumn: 19, message: 'expects 32', primary: true },
        {
          file: 'lenet.cnn',
          line: 5,
          column: 10,
          endLine: 5,
          endColumn: 38,
          message: '16 channels are produced here',
          primary: false,
        },
      ],
      notes: ['input of `conv2` has shape [N, 16, 12, 12]'],
      help: 'write `Conv2d(16, 64, kernel_size=5)`',
    });
  });

  it('reports the end of a multi-line span as the position of its end offset', () => {
    const j = diagnosticToJson(unusedBlockBody(), FILES);
    expect([j.file, j.line, j.column, j.endLine, j.endColumn]).toEqual(['lib/blocks.cnn', 3, 3, 5, 3]);
    expect(j.severity).toBe('warning');
    expect(j.help).toBeNull();
  });

  it('puts labels in other files under their own file', () => {
    const j = diagnosticToJson(linearInFeatures(), FILES);
    expect(j.labels.map((l) => [l.file, l.line, l.column])).toEqual([
      ['lenet.cnn', 10, 15],
      ['lenet.cnn', 9, 9],
      ['lib/blocks.cnn', 3, 6],
    ]);
  });

  it('gives an empty span equal start and end, and a span ending at a line break the next line', () => {
    const f = new SourceFile('x.cnn', 'ab\ncd\n');
    const files = new Map([['x.cnn', f]]);
    const empty = diagnosticToJson(diag('SyntaxError', 'e', { file: 'x.cnn', start: 4, end: 4 }).build(), files);
    expect([empty.line, empty.column, empty.endLine, empty.endColumn]).toEqual([2, 2, 2, 2]);
    const toBreak = diagnosticToJson(diag('SyntaxError', 'e', { file: 'x.cnn', start: 0, end: 3 }).build(), files);
    expect([toBreak.line, toBreak.column, toBreak.endLine, toBreak.endColumn]).toEqual([1, 1, 2, 1]);
  });

  it('uses nulls where nothing can be located', () => {
    const noLabel: Diagnostic = {
      code: 'NoWeights',
      severity: 'warning',
      message: 'm',
      labels: [],
      notes: [],
      help: null,
    };
    expect(diagnosticToJson(noLabel, FILES)).toMatchObject({
      code: 'W0405',
      file: null,
      line: null,
      column: null,
      labels: [],
    });
    const noSource = diagnosticToJson(
      diag('UnknownName', 'm', { file: 'gone.cnn', start: 1, end: 2 }, 'x').build(),
      FILES,
    );
    expect(noSource).toMatchObject({ file: 'gone.cnn', line: null, endColumn: null });
    expect(noSource.labels[0]).toEqual({
      file: 'gone.cnn',
      line: null,
      column: null,
      endLine: null,
      endColumn: null,
      message: 'x',
      primary: true,
    });
  });
});

describe('renderJson', () => {
  it('renders a parseable array ending with a newline', () => {
    const out = renderJson([channelMismatch(), unusedBlockBody()], FILES);
    expect(out.endsWith(']\n')).toBe(true);
    const parsed = JSON.parse(out) as { code: string }[];
    expect(parsed.map((d) => d.code)).toEqual(['E0301', 'W0220']);
    expect(renderJson([], FILES)).toBe('[]\n');
  });
});
