import { SourceFile } from '../../compiler/source/source-file.ts';
import type { Span } from '../../compiler/source/span.ts';
import { diag, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';

/** Hand-written sources and diagnostics shared by the renderer tests. */

export const LENET_TEXT = `model LeNet {
  input x: [N, 1, 28, 28]

  # features
  conv1: Conv2d(1, 16, kernel_size=5)
  pool1: MaxPool2d(2)
  conv2: Conv2d(32, 64, kernel_size=5)
  pool2: MaxPool2d(2)
  flat: Flatten()
  fc1: Linear(1024, 120)
  fc2: Linear(120, 10)
  output fc2
}
`;

export const BLOCKS_TEXT = `block Residual(c) {
  input x
  a: Conv2d(c, c, kernel_size=3, padding=1)
  y: Add(a, x)
  output y
}
`;

export const lenet = new SourceFile('lenet.cnn', LENET_TEXT);
export const blocks = new SourceFile('lib/blocks.cnn', BLOCKS_TEXT);
export const FILES: ReadonlyMap<string, SourceFile> = new Map([
  [lenet.path, lenet],
  [blocks.path, blocks],
]);

/** The span of the `nth` occurrence of `needle` in a file, optionally narrowed to [from, to) within it. */
export function find(file: SourceFile, needle: string, nth = 0, from = 0, to = needle.length): Span {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = file.text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} #${nth} not in ${file.path}`);
  }
  return { file: file.path, start: at + from, end: at + to };
}

/** The example from the design notes: conv2 wants 32 channels, pool1 gives 16. */
export function channelMismatch(): Diagnostic {
  return diag(
    'ChannelMismatch',
    'Conv2d `conv2` expects 32 input channels, but `pool1` produces 16',
    find(lenet, 'Conv2d(32', 0, 7, 9),
    'expects 32',
  )
    .label(find(lenet, 'Conv2d(1, 16, kernel_size=5)'), '16 channels are produced here')
    .note('input of `conv2` has shape [N, 16, 12, 12]')
    .help('write `Conv2d(16, 64, kernel_size=5)`')
    .build();
}

/** Three labels on one line, given out of order. */
export function wrongInputCount(): Diagnostic {
  return diag(
    'WrongInputCount',
    '`Linear` takes 1 input, but `fc1` receives 2',
    find(lenet, 'Linear(1024, 120)'),
    'takes 1 input',
  )
    .label(find(lenet, '120', 0), 'out_features')
    .label(find(lenet, 'fc1'), 'this layer')
    .build();
}

/** A primary label in lenet.cnn on line 10 and a secondary one in another file. */
export function linearInFeatures(): Diagnostic {
  return diag(
    'LinearInFeatures',
    'Linear `fc1` expects 1024 input features, but `flat` produces 256',
    find(lenet, '1024'),
    'expects 1024',
  )
    .label(find(lenet, 'Flatten()'), 'flattens [N, 16, 4, 4] to [N, 256]')
    .label(find(blocks, 'Conv2d(c, c, kernel_size=3, padding=1)'), 'also used here')
    .note('in_features must equal the size of the last input dimension:\n  16 * 4 * 4 = 256')
    .build();
}

/** A warning whose primary span covers several lines. */
export function unusedBlockBody(): Diagnostic {
  const start = BLOCKS_TEXT.indexOf('a: Conv2d');
  const end = BLOCKS_TEXT.indexOf('output y');
  return diag(
    'UnusedLayer',
    'layer `a` is never used',
    { file: blocks.path, start, end },
    'nothing reads these',
  ).build();
}

export const ALL_EXAMPLES = (): Diagnostic[] => [
  channelMismatch(),
  wrongInputCount(),
  linearInFeatures(),
  unusedBlockBody(),
];
