import { describe, it } from 'vitest';
import { SourceFile } from '../../compiler/source/source-file.ts';
import { diag } from '../../compiler/diagnostics/diagnostic.ts';
import { renderRich, renderSummary } from '../../compiler/diagnostics/render/rich.ts';
import { renderShort } from '../../compiler/diagnostics/render/short.ts';
import { renderJson } from '../../compiler/diagnostics/render/json.ts';
import { expectMatchesGoldenFile } from '../golden-file.ts';
import {
  ALL_EXAMPLES,
  channelMismatch,
  FILES,
  linearInFeatures,
  unusedBlockBody,
  wrongInputCount,
} from './fixtures.ts';

/** Whole rendered outputs, reviewed by eye once and pinned (UPDATE_GOLDEN=1 rewrites them). */
describe('rendered diagnostics match their golden files', () => {
  it('rich: channel mismatch with a gap, note and help', () => {
    expectMatchesGoldenFile(renderRich([channelMismatch()], FILES), 'diagnostics/rich/channel-mismatch.txt');
  });

  it('rich: three labels on one line', () => {
    expectMatchesGoldenFile(renderRich([wrongInputCount()], FILES), 'diagnostics/rich/labels-on-one-line.txt');
  });

  it('rich: two-digit gutter, a label in another file, a two-line note', () => {
    expectMatchesGoldenFile(renderRich([linearInFeatures()], FILES), 'diagnostics/rich/two-files.txt');
  });

  it('rich: a warning over several lines', () => {
    expectMatchesGoldenFile(renderRich([unusedBlockBody()], FILES), 'diagnostics/rich/multi-line-span.txt');
  });

  it('rich: tabs, a zero-width span at the end of the file and overlapping labels', () => {
    const text = 'model M {\n\tinput x: [N, 3, 8, 8]\n\tc:\tConv2d(3, 8, kernel_size=3\n';
    const f = new SourceFile('tabs.cnn', text);
    const files = new Map([[f.path, f]]);
    const conv = text.indexOf('Conv2d');
    const d1 = diag(
      'SyntaxError',
      'expected `)` but the file ends',
      { file: f.path, start: text.length, end: text.length },
      'file ends here',
    )
      .label({ file: f.path, start: text.indexOf('(3'), end: text.indexOf('(3') + 1 }, 'unclosed `(`')
      .help('add `)` after `kernel_size=3`')
      .build();
    const d2 = diag(
      'KernelLargerThanInput',
      'kernel 3 does not fit',
      { file: f.path, start: conv + 21, end: conv + 22 },
      'kernel 3',
    )
      .label({ file: f.path, start: conv, end: conv + 22 }, 'in this layer')
      .label({ file: f.path, start: text.indexOf('8, 8'), end: text.indexOf('8, 8') + 4 }, 'input is 8x8')
      .build();
    expectMatchesGoldenFile(renderRich([d1, d2], files), 'diagnostics/rich/tabs-and-eof.txt');
  });

  it('rich + summary: the whole terminal output of a failed compile', () => {
    const diags = ALL_EXAMPLES();
    expectMatchesGoldenFile(
      `${renderRich(diags, FILES)}\n${renderSummary(diags, 'lenet.cnn')}`,
      'diagnostics/rich/all-with-summary.txt',
    );
  });

  it('short: every example', () => {
    expectMatchesGoldenFile(renderShort(ALL_EXAMPLES(), FILES), 'diagnostics/short/all.txt');
  });

  it('json: every example', () => {
    expectMatchesGoldenFile(renderJson(ALL_EXAMPLES(), FILES), 'diagnostics/json/all.json');
  });
});
