/** `cnnc run` with image inputs: batching, size and channel matching, bad files, taps, top-k tables. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../runtime/io/npy.ts';
import { runGraph } from '../../runtime/reference/index.ts';
import { check } from '../../compiler/front-end.ts';
import { runCli } from '../cli-harness.ts';
import { jpegBytes, pattern, pngBytes, rgba, tempDir, writeFile } from './helpers.ts';

const dir = tempDir('images-cli');
const RGB_MODEL = `model M {
  input x: [N, 3, 8, 8]
  conv: Conv2d(3, 2, kernel_size=3, padding=1)
  relu: ReLU()
  output relu
}
`;
const rgbModel = writeFile(dir, 'rgb.cnn', RGB_MODEL);
const greyModel = writeFile(
  dir,
  'grey.cnn',
  'model G {\n  input x: [1, 1, 8, 8]\n  conv: Conv2d(1, 1, kernel_size=3, padding=1)\n  output conv\n}\n',
);
const imageA = writeFile(dir, 'a.png', pngBytes(8, 8, rgba(8, 8, pattern)));
const imageB = writeFile(
  dir,
  'b.png',
  pngBytes(
    8,
    8,
    rgba(8, 8, (x, y) => pattern(y, x)),
  ),
);
const small = writeFile(dir, 'small.png', pngBytes(4, 4, rgba(4, 4, pattern)));
const out = (name: string) => join(dir, `out-${name}`);
const npy = (path: string) => readNpy(readFileSync(path));

describe('batches', () => {
  it('a folder of images is one batch, in name order, with one PNG per image', async () => {
    const folder = join(dir, 'photos');
    mkdirSync(folder);
    writeFile(
      folder,
      '2.png',
      pngBytes(
        8,
        8,
        rgba(8, 8, (x, y) => pattern(y, x)),
      ),
    );
    writeFile(folder, '1.png', pngBytes(8, 8, rgba(8, 8, pattern)));
    writeFile(folder, 'notes.txt', 'not an image');
    const run = await runCli(['run', rgbModel, '--input', `x=${folder}`, '--png', '--out', out('folder')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('x: 2 files -> [2, 3, 8, 8]');
    const batch = npy(join(out('folder'), 'relu.npy'));
    expect(batch.shape).toEqual([2, 2, 8, 8]);
    // each sample equals the same image run alone
    const alone = await runCli(['run', rgbModel, '--input', `x=${imageB}`, '--out', out('alone')]);
    expect(alone.code, alone.stderr).toBe(0);
    expect([...batch.data.subarray(128)]).toEqual([...npy(join(out('alone'), 'relu.npy')).data]);
    for (const k of [0, 1]) expect(existsSync(join(out('folder'), `relu-${k}.png`))).toBe(true);
    expect(run.stdout).toContain(`picture 1 (${join(folder, '2.png')})`);
  });

  it('repeated --input for one name stacks the files', async () => {
    const run = await runCli([
      'run',
      rgbModel,
      '--input',
      `x=${imageA}`,
      '--input',
      `x=${imageB}`,
      '--out',
      out('repeat'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(npy(join(out('repeat'), 'relu.npy')).shape).toEqual([2, 2, 8, 8]);
  });

  it('a fixed batch size refuses more images, saying how to declare any batch', async () => {
    const fixed = writeFile(dir, 'fixed.cnn', RGB_MODEL.replace('[N, 3, 8, 8]', '[1, 3, 8, 8]'));
    const run = await runCli(['run', fixed, '--input', `x=${imageA}`, '--input', `x=${imageB}`, '--out', out('fixed')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'input `x` is declared [1, 3, 8, 8], a batch of 1, but 2 files give 2 samples; declare `input x: [N, 3, 8, 8]`',
    );
  });

  it('images of different sizes need --resize', async () => {
    const sym = writeFile(dir, 'sym.cnn', RGB_MODEL.replace('[N, 3, 8, 8]', '[N, 3, H, W]'));
    const run = await runCli(['run', sym, '--input', `x=${imageA}`, '--input', `x=${small}`, '--out', out('sizes')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the files of a batch must have one shape');
    expect(run.stderr).toContain('add --resize');
    const resized = await runCli([
      'run',
      sym,
      '--input',
      `x=${imageA}`,
      '--input',
      `x=${small}`,
      '--resize',
      '6x5',
      '--out',
      out('sizes'),
    ]);
    expect(resized.code, resized.stderr).toBe(0);
    expect(npy(join(out('sizes'), 'relu.npy')).shape).toEqual([2, 2, 6, 5]);
  });
});

describe('fitting images to the model', () => {
  it('a size other than the declared one is an error that names both; --resize fixes it', async () => {
    const run = await runCli(['run', rgbModel, '--input', `x=${small}`, '--out', out('size')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'cnnc: error: E0408: input `x` [N, 3, 8, 8] takes images of height 8 and width 8, but `' +
        small +
        '` is 4 high and 4 wide; add --resize',
    );
    const fixed = await runCli(['run', rgbModel, '--input', `x=${small}`, '--resize', '--out', out('size')]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain('-> [1, 3, 8, 8] (resized)');
  });

  it('a colour image for a grey model is an error unless --grey; a grey image feeds it as is', async () => {
    const run = await runCli(['run', greyModel, '--input', `x=${imageA}`, '--out', out('grey')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`takes 1 channel (grey), but \`${imageA}\` is a colour image (RGB); add --grey`);
    expect((await runCli(['run', greyModel, '--input', `x=${imageA}`, '--grey', '--out', out('grey')])).code).toBe(0);
    const greyImage = writeFile(
      dir,
      'grey.png',
      pngBytes(
        8,
        8,
        rgba(8, 8, (x) => [x * 9, x * 9, x * 9]),
        0,
      ),
    );
    expect((await runCli(['run', greyModel, '--input', `x=${greyImage}`, '--out', out('grey')])).code).toBe(0);
  });

  it('reads JPEG', async () => {
    const jpg = writeFile(dir, 'photo.jpg', jpegBytes(8, 8, rgba(8, 8, pattern)));
    const run = await runCli(['run', rgbModel, '--input', `x=${jpg}`, '--scale', '1/255', '--out', out('jpeg')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('-> [1, 3, 8, 8] (scale 1/255)');
  });

  it('an input that is not [N, C, H, W] or wants 4 channels cannot take images', async () => {
    const flat = writeFile(dir, 'flat.cnn', 'model F {\n  input x: [1, 192]\n  fc: Linear(192, 2)\n  output fc\n}\n');
    const r1 = await runCli(['run', flat, '--input', `x=${imageA}`, '--out', out('flat')]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('input `x` [1, 192] is not [N, C, H, W]: images fit only 4-D inputs');
    const four = writeFile(
      dir,
      'four.cnn',
      'model F {\n  input x: [1, 4, 8, 8]\n  conv: Conv2d(4, 1, kernel_size=1)\n  output conv\n}\n',
    );
    const r2 = await runCli(['run', four, '--input', `x=${imageA}`, '--out', out('four')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('input `x` [1, 4, 8, 8] takes 4 channels, but images give 1 (grey) or 3 (RGB)');
  });
});

describe('bad image files exit 1 with a clear error', () => {
  const bytes = pngBytes(8, 8, rgba(8, 8, pattern));
  const cases: [string, string, Uint8Array | string, string][] = [
    ['a truncated PNG', 'cut.png', bytes.subarray(0, bytes.length - 30), 'is a truncated PNG'],
    ['a truncated JPEG', 'cut.jpg', jpegBytes(8, 8, rgba(8, 8, pattern)).subarray(0, 200), 'is a truncated JPEG'],
    ['a GIF named .png', 'fake.png', 'GIF89a\x08\x00\x08\x00', 'is not a PNG or JPEG image (it is a GIF)'],
    ['an empty file', 'empty.jpg', '', 'is not a PNG or JPEG image (the file is empty)'],
  ];
  it.each(cases)('%s', async (_, name, content, message) => {
    const path = writeFile(dir, name, content);
    const run = await runCli(['run', rgbModel, '--input', `x=${path}`, '--out', out('bad')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `cnnc: error: E0408: \`${path}\` ${message}${run.stderr.slice(run.stderr.indexOf(message) + message.length)}`,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown extension says which ones are read', async () => {
    const path = writeFile(dir, 'pic.bmp', 'BM');
    const run = await runCli(['run', rgbModel, '--input', `x=${path}`, '--out', out('bad')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('inputs must be .npy, .png, .jpg, .jpeg files');
  });

  it('normalisation flags that fit no input are usage errors or warnings', async () => {
    expect(
      (await runCli(['run', rgbModel, '--input', `x=${imageA}`, '--preset', 'cifar', '--out', out('bad')])).code,
    ).toBe(2);
    expect((await runCli(['run', rgbModel, '--input', `x=${imageA}`, '--scale', 'x', '--out', out('bad')])).code).toBe(
      2,
    );
    const mean = await runCli(['run', rgbModel, '--input', `x=${imageA}`, '--mean', '0.5,0.5', '--out', out('bad')]);
    expect(mean.code).toBe(1);
    expect(mean.stderr).toContain('--mean has 2 values, but input `x` [N, 3, 8, 8] has 3 channels');
  });
});

describe('--tap', () => {
  it('writes a layer the passes would fuse away, with its own (pre-ReLU) values', async () => {
    const run = await runCli([
      'run',
      rgbModel,
      '--input',
      `x=${imageA}`,
      '--tap',
      'conv',
      '--png',
      '--seed',
      '3',
      '--out',
      out('tap'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const conv = npy(join(out('tap'), 'conv.npy'));
    const relu = npy(join(out('tap'), 'relu.npy'));
    expect(conv.data.some((v) => v < 0)).toBe(true);
    expect([...relu.data]).toEqual([...conv.data].map((v) => Math.max(v, 0)));
    const picture = PNG.sync.read(readFileSync(join(out('tap'), 'conv.png')));
    expect(picture.width).toBeGreaterThan(2 * 8 * 16);
    const ranges = JSON.parse(readFileSync(join(out('tap'), 'conv.json'), 'utf8'));
    expect(ranges.samples[0].ranges[0].min).toBe(Math.min(...conv.data.subarray(0, 64)));
  });

  it('an unknown layer is a usage error with a suggestion; `all` taps every layer', async () => {
    const run = await runCli(['run', rgbModel, '--input', `x=${imageA}`, '--tap', 'conv1', '--out', out('tap2')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--tap `conv1`: `M` has no layer of that name; did you mean `conv`?');
    const all = await runCli(['run', rgbModel, '--input', `x=${imageA}`, '--tap', 'all', '--out', out('tap2')]);
    expect(all.code, all.stderr).toBe(0);
    expect(existsSync(join(out('tap2'), 'conv.npy'))).toBe(true);
  });

  it('tap values equal the reference interpreter on the same tensor', async () => {
    const model = writeFile(
      dir,
      'inline.cnn',
      'model I {\n  input x: [1, 1, 3, 3]\n  conv: Conv2d(1, 1, kernel_size=2, bias=False) { weight = [[1, -2], [3, -4]] }\n  relu: ReLU()\n  output relu\n}\n',
    );
    const img = writeFile(
      dir,
      'tiny.png',
      pngBytes(
        3,
        3,
        rgba(3, 3, (x, y) => [x * 50 + y * 10, x * 50 + y * 10, x * 50 + y * 10]),
        0,
      ),
    );
    const run = await runCli(['run', model, '--input', `x=${img}`, '--tap', 'conv', '--out', out('tap3')]);
    expect(run.code, run.stderr).toBe(0);
    const graph = check(readFileSync(model, 'utf8')).graphs[0];
    const x = { shape: [1, 1, 3, 3], data: new Float32Array([0, 50, 100, 10, 60, 110, 20, 70, 120]) };
    const seen: Record<string, number[]> = {};
    runGraph(graph, { x }, new Map(), { tap: (id, t) => (seen[id] = [...t.data]) });
    expect([...npy(join(out('tap3'), 'conv.npy')).data]).toEqual(seen.conv);
    expect(seen.conv).toEqual([0 - 100 + 30 - 240, 50 - 200 + 180 - 440, 10 - 120 + 60 - 280, 60 - 220 + 210 - 480]);
  });
});

describe('top-k tables of 2-D outputs', () => {
  const logits = writeFile(
    dir,
    'logits.cnn',
    'model L {\n  input x: [N, 1, 1, 2]\n  flat: Flatten()\n  fc: Linear(2, 4, bias=False) { weight = [[1, 0], [0, 1], [1, 1], [-1, 0]] }\n  output fc\n}\n',
  );
  const probs = writeFile(
    dir,
    'probs.cnn',
    'model P {\n  input x: [N, 1, 1, 2]\n  flat: Flatten()\n  fc: Linear(2, 4, bias=False) { weight = [[1, 0], [0, 1], [1, 1], [-1, 0]] }\n  sm: Softmax(dim=1)\n  output sm\n}\n',
  );
  const img = writeFile(
    dir,
    'two.png',
    pngBytes(
      2,
      1,
      rgba(
        2,
        1,
        (x) =>
          [
            [2, 2, 2],
            [1, 1, 1],
          ][x] as [number, number, number],
      ),
      0,
    ),
  );

  it('prints the largest scores first, with softmax probabilities of logits', async () => {
    const run = await runCli(['run', logits, '--input', `x=${img}`, '--top-k', '3', '--out', out('topk')]);
    expect(run.code, run.stderr).toBe(0);
    // scores: 2, 1, 3, -2; softmax over them
    const z = Math.exp(2) + Math.exp(1) + Math.exp(3) + Math.exp(-2);
    expect(run.stdout).toContain(
      [
        `  top 3 of 4 (${img}):`,
        '    rank  class  score  softmax',
        `    1     2          3    ${(Math.exp(3) / z).toFixed(3)}`,
        `    2     0          2    ${(Math.exp(2) / z).toFixed(3)}`,
        `    3     1          1    ${(Math.exp(1) / z).toFixed(3)}`,
      ].join('\n'),
    );
  });

  it('uses labels, leaves out softmax for probabilities, and --top-k 0 prints none', async () => {
    const labels = writeFile(dir, 'labels.txt', 'cat\ndog\nbird\nfish\n');
    const run = await runCli(['run', probs, '--input', `x=${img}`, '--labels', labels, '--out', out('topk2')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('top 4 of 4');
    expect(run.stdout).toMatch(/rank {2}class +score\n/);
    expect(run.stdout).toContain('1     2 bird');
    const none = await runCli(['run', logits, '--input', `x=${img}`, '--top-k', '0', '--out', out('topk3')]);
    expect(none.stdout.trim().split('\n')).toHaveLength(1);
    expect(none.stdout).not.toContain('top 4 of');
  });
});
