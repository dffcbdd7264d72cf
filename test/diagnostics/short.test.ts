import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../compiler/source/source-file.ts';
import { diag, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { renderShort } from '../../compiler/diagnostics/render/short.ts';
import { channelMismatch, FILES, linearInFeatures, unusedBlockBody } from './fixtures.ts';

describe('renderShort', () => {
  it('prints one line per diagnostic at the primary span start', () => {
    expect(renderShort([channelMismatch(), unusedBlockBody()], FILES)).toBe(
      'lenet.cnn:7:17: error E0301: Conv2d `conv2` expects 32 input channels, but `pool1` produces 16\n' +
        'lib/blocks.cnn:3:3: warning W0220: layer `a` is never used\n',
    );
  });

  it('uses the primary label even when a secondary one comes earlier in the file', () => {
    expect(renderShort([linearInFeatures()], FILES)).toMatch(/^lenet\.cnn:10:15: error E0312: /);
  });

  it('returns the empty string for no diagnostics', () => {
    expect(renderShort([], FILES)).toBe('');
  });

  it('keeps a multi-line message on one line', () => {
    const f = new SourceFile('x.cnn', 'abc');
    const d = diag('SyntaxError', 'expected `)`\n  found `]`', { file: 'x.cnn', start: 1, end: 2 }).build();
    expect(renderShort([d], new Map([['x.cnn', f]]))).toBe('x.cnn:1:2: error E0102: expected `)` found `]`\n');
  });

  it('degrades gracefully without a label or without the source', () => {
    const noLabel: Diagnostic = {
      code: 'NoWeights',
      severity: 'warning',
      message: 'no weights',
      labels: [],
      notes: [],
      help: null,
    };
    const noSource = diag('UnknownName', 'gone', { file: 'gone.cnn', start: 5, end: 6 }).build();
    expect(renderShort([noLabel, noSource], FILES)).toBe('warning W0405: no weights\ngone.cnn: error E0204: gone\n');
  });

  it('clamps a span past the end of the file', () => {
    const f = new SourceFile('x.cnn', 'ab\ncd');
    const d = diag('SyntaxError', 'eof', { file: 'x.cnn', start: 100, end: 100 }).build();
    expect(renderShort([d], new Map([['x.cnn', f]]))).toBe('x.cnn:2:3: error E0102: eof\n');
  });
});
