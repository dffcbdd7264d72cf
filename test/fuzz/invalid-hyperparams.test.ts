/**
 * A valid model with one invalid layer appended (hyper-parameters PyTorch refuses, or shapes that
 * do not fit) is refused at compile time: check() reports an error with the expected code, pointing
 * into the bad layer; compile() gives no plan and compileModel() nothing to run. Nothing throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, type DiagnosticKey } from '../../compiler/diagnostics/catalogue.ts';
import { check, compile } from '../../compiler/index.ts';
import { compileModel } from '../../runtime/session.ts';
import { CASE_MS, fuzzAsync, timed } from './fuzz-config.ts';
import { appendLayers, type GeneratedModel, validModel4d } from './model-gen.ts';

interface Shape4 {
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

interface BadLayer {
  readonly lines: readonly string[];
  /** the diagnostics any one of which is a correct refusal */
  readonly codes: readonly DiagnosticKey[];
}

/** Each entry makes one kind of invalid layer for an input of C x H x W, from a few random numbers. */
const BAD: Record<string, (s: Shape4, n: readonly number[]) => BadLayer> = {
  'conv kernel larger than the padded input': ({ c, h }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, kernel_size=(${h + 2 * (n[0] % 2) + 1 + (n[1] % 3)}, 1), padding=(${n[0] % 2}, 0))`],
    codes: ['KernelLargerThanInput'],
  }),
  'conv dilated kernel larger than the input': ({ c, h, w }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 3, dilation=${Math.ceil(Math.max(h, w) / 2) + 1 + (n[0] % 3)})`],
    codes: ['KernelLargerThanInput'],
  }),
  'conv stride 0 or negative': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 1, stride=${-(n[0] % 3)})`],
    codes: ['InvalidArgumentValue'],
  }),
  'conv negative padding': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 1, padding=(${n[1] % 2}, ${-1 - (n[0] % 5)}))`],
    codes: ['InvalidArgumentValue'],
  }),
  'conv kernel_size 0 or dilation 0': ({ c }, n) => ({
    lines: [n[0] % 2 ? `bad: Conv2d(${c}, 2, 0)` : `bad: Conv2d(${c}, 2, 1, dilation=(1, 0))`],
    codes: ['InvalidArgumentValue'],
  }),
  'conv groups not dividing in_channels': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, ${(c + 1) * (1 + (n[0] % 2))}, 1, groups=${c + 1})`],
    codes: ['GroupsInChannels'],
  }),
  'conv groups not dividing out_channels': ({ c }, n) =>
    c >= 2
      ? { lines: [`bad: Conv2d(${c}, ${c * (1 + (n[0] % 2)) + 1}, 1, groups=${c})`], codes: ['GroupsOutChannels'] }
      : { lines: [`bad: Conv2d(${c}, 2, 1, groups=${-(n[0] % 3)})`], codes: ['InvalidArgumentValue'] },
  'conv reflect padding not smaller than the input': ({ c, h, w }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 1, padding=${Math.min(h, w) + (n[0] % 2)}, padding_mode='reflect')`],
    codes: ['ReflectPadTooBig'],
  }),
  'conv circular padding larger than the input': ({ c, h, w }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 1, padding=${Math.max(h, w) + 1 + (n[0] % 2)}, padding_mode='circular')`],
    codes: ['CircularPadTooBig'],
  }),
  "conv padding='same' with a stride": ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 3, stride=${2 + (n[0] % 2)}, padding='same')`],
    codes: ['SameWithStride'],
  }),
  'conv unknown padding string': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, 3, padding='${['sane', 'full', 'SAME', '', 'same '][n[0] % 5]}')`],
    codes: ['BadPaddingString'],
  }),
  'conv unknown padding_mode': ({ c }, n) => ({
    lines: [
      `bad: Conv2d(${c}, 2, 3, padding=1, padding_mode='${['zero', 'mirror', 'wrap', 'Reflect', ''][n[0] % 5]}')`,
    ],
    codes: ['BadPaddingMode'],
  }),
  'conv wrong argument type': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c}, 2, ${["'three'", '2.5', 'True', '(1, 2, 3)', 'None'][n[0] % 5]})`],
    codes: ['WrongArgumentType', 'InvalidArgumentValue'],
  }),
  'conv in_channels not what the input has': ({ c }, n) => ({
    lines: [`bad: Conv2d(${c + 1 + (n[0] % 4)}, 2, 1)`],
    codes: ['ChannelMismatch'],
  }),
  'pool padding more than half the kernel': (_s, n) => {
    const k = 1 + (n[0] % 4);
    return {
      lines: [`bad: ${n[1] % 2 ? 'MaxPool2d' : 'AvgPool2d'}(${k}, padding=${Math.floor(k / 2) + 1 + (n[2] % 2)})`],
      codes: ['PoolPadTooBig'],
    };
  },
  'pool window larger than the input': ({ h, w }, n) => ({
    lines: [`bad: ${n[1] % 2 ? 'MaxPool2d' : 'AvgPool2d'}(${Math.max(h, w) + 1 + (n[0] % 3)})`],
    codes: ['OutputTooSmall'],
  }),
  'pool stride 0': (_s, n) => ({
    lines: [`bad: ${n[1] % 2 ? 'MaxPool2d' : 'AvgPool2d'}(1, stride=0)`],
    codes: ['InvalidArgumentValue'],
  }),
  'avg pool divisor_override 0': () => ({ lines: ['bad: AvgPool2d(1, divisor_override=0)'], codes: ['DivisorZero'] }),
  'adaptive pool output size 0': (_s, n) => ({
    lines: [`bad: AdaptiveAvgPool2d(${['0', '(0, 1)', '(1, -2)'][n[0] % 3]})`],
    codes: ['InvalidArgumentValue'],
  }),
  'batchnorm num_features not what the input has': ({ c }, n) => ({
    lines: [`bad: BatchNorm2d(${c + 1 + (n[0] % 3)})`],
    codes: ['ChannelMismatch'],
  }),
  'linear in_features not what the input has': ({ c, h, w }, n) => ({
    lines: ['flat: Flatten()', `bad: Linear(${c * h * w + 1 + (n[0] % 7)}, 3)`],
    codes: ['LinearInFeatures'],
  }),
  'linear on a 4-D input': ({ c, h, w }) => ({
    lines: [`bad: Linear(${w === 1 ? 2 : 1}, 3)`],
    codes: ['LinearInFeatures', 'WrongRank'],
  }),
  'add of different shapes': ({ c }, n) => ({
    // two channel counts of at least 2 that differ: neither broadcasts to the other
    lines: [
      `a: Conv2d(${c}, ${c + 1 + (n[0] % 2)}, 1)`,
      `b: Conv2d(${c}, ${c + 3 + (n[0] % 2)}, 1) <- LAST`,
      'bad: Add() <- a, b',
    ],
    codes: ['AddShapeMismatch'],
  }),
  'concat of different heights': ({ c }) => ({
    lines: [`a: Conv2d(${c}, 1, 1, padding=1)`, `bad: Concat(dim=1) <- a, LAST`],
    codes: ['ConcatShapeMismatch'],
  }),
  'softmax or concat dim out of range': (_s, n) => ({
    lines: [n[1] % 2 ? `bad: Softmax(dim=${4 + (n[0] % 3)})` : `bad: Concat(dim=${-5 - (n[0] % 3)}) <- LAST, LAST`],
    codes: ['DimOutOfRange'],
  }),
  'flatten end_dim before start_dim': () => ({
    lines: ['bad: Flatten(start_dim=3, end_dim=1)'],
    codes: ['DimOutOfRange'],
  }),
  'dropout probability outside [0, 1]': (_s, n) => ({
    lines: [`bad: Dropout(${[1.5, -0.1, 2, 100][n[0] % 4]})`],
    codes: ['InvalidArgumentValue'],
  }),
};

const KINDS = Object.keys(BAD);

function invalidModel(m: GeneratedModel, kind: string, n: readonly number[]): { source: string; bad: BadLayer } {
  const [, c, h, w] = m.lastShape;
  const bad = BAD[kind]({ c, h, w }, n);
  const lines = bad.lines.map((l) => l.replaceAll('LAST', m.last));
  // the first new line reads the model's last layer explicitly
  lines[0] = lines[0].includes(' <- ') ? lines[0] : `${lines[0]} <- ${m.last}`;
  return { source: appendLayers(m, lines, 'bad'), bad: { ...bad, lines } };
}

describe('random invalid hyper-parameters', () => {
  it('covers every kind of invalid layer', () => {
    expect(KINDS.length).toBeGreaterThanOrEqual(25);
  });

  it('are refused by check() with the right error, at the bad layer, and compile nothing', async () => {
    const arb = fc.record({
      model: validModel4d(3),
      kind: fc.constantFrom(...KINDS),
      n: fc.array(fc.nat({ max: 50 }), { minLength: 3, maxLength: 3 }),
    });
    await fuzzAsync(arb, 300, async ({ model, kind, n }) => {
      const { source, bad } = invalidModel(model, kind, n);
      const { result: checked, ms } = timed(() => check(source));
      expect(ms).toBeLessThan(CASE_MS);
      const errors = checked.diagnostics.filter((d) => d.severity === 'error');
      expect(checked.ok, `${kind}: accepted\n${source}`).toBe(false);
      const wanted = errors.filter((d) => bad.codes.includes(d.code));
      expect(
        wanted.map((d) => d.code),
        `${kind}: got ${errors.map((d) => `${CATALOGUE[d.code].code} ${d.message}`).join('; ')}`,
      ).not.toEqual([]);
      // the culprit is in the added lines, not in the valid part of the model
      const from = source.indexOf(bad.lines[0]);
      expect(
        wanted.some((d) => d.labels[0].span.start >= from),
        `${kind}: the error points into the valid part of the model`,
      ).toBe(true);

      const compiled = compile(source);
      expect(compiled.ok).toBe(false);
      expect(compiled.plan).toBeNull();
      const loaded = await compileModel(source);
      expect(loaded.ok).toBe(false);
    });
  });
});
