/**
 * Whatever text arrives, the front end (parse, analyze, bind, plan) answers with diagnostics: it
 * never throws, never reports an internal error, and finishes each file within a time bound.
 * Inputs: valid models (generated, and the examples) with tokens dropped, duplicated, swapped,
 * replaced and truncated; random bytes; very long lines; deep nesting.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../compiler/diagnostics/catalogue.ts';
import { diagnosticToJson } from '../../compiler/diagnostics/render/json.ts';
import { renderRich } from '../../compiler/diagnostics/render/rich.ts';
import { renderShort } from '../../compiler/diagnostics/render/short.ts';
import { check, compile } from '../../compiler/index.ts';
import { CASE_MS, fuzz, timed } from './fuzz-config.ts';
import { validModel } from './model-gen.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);
const CODES = new Set(Object.values(CATALOGUE).map((e) => e.code));

/** The example .cnn files (blocks, inline values, several outputs), plus a hand-written one with every construct. */
function corpus(): string[] {
  const dir = EXAMPLES.pathname;
  const examples = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(dir, d.name))
        .filter((f) => f.endsWith('.cnn'))
        .map((f) => readFileSync(join(dir, d.name, f), 'utf8')),
    );
  return [...examples, KITCHEN_SINK];
}

const KITCHEN_SINK = `# every construct of the language once
block Res(c, stride=1) {
  input x
  a: Conv2d(c, c * 2 // 2, 3, stride=stride, padding=1, bias=False)
  bn: BatchNorm2d(c)
  r: ReLU()
  s: Add() <- r, x
  output s
}
model Sink {
  input x: [N, 3, 16, 16]
  input y: [N, 2, 16, 16]
  weights "w.safetensors"
  stem: Conv2d(3, 4, kernel_size=(3, 3), padding='same', padding_mode="reflect")
  cat: Concat(dim=1) <- stem, y
  b1: Res(6)
  edge: Conv2d(6, 1, kernel_size=(1, 2), groups=1, bias=False) <- b1 { weight = [[[1, -1]], [[1, -1]], [[1, -1]], [[1, -1]], [[1, -1]], [[1, -1]]] }
  pool: MaxPool2d(2, ceil_mode=True) <- b1
  ap: AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
  gap: AdaptiveAvgPool2d((1, None))
  flat: Flatten()
  fc: LazyLinear(10)
  sm: Softmax(dim=-1)
  output sm, edge
}
`;

const TOKEN = /\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|'[^'\n]*'|"[^"\n]*"|\/\/|./g;
const tokens = (source: string): string[] => [...(source.match(TOKEN) ?? [])];

/** Tokens that make interesting replacements: keywords, ops, odd numbers and strings, brackets. */
const VOCABULARY = [
  'model',
  'block',
  'input',
  'output',
  'weights',
  'None',
  'True',
  'False',
  'Conv2d',
  'Linear',
  'Add',
  'Concat',
  'MaxPool2d',
  'BatchNorm2d',
  'Res',
  'x',
  'N',
  '0',
  '-1',
  '1',
  '3',
  '65536',
  '2147483648',
  '99999999999999999999',
  '1e999',
  '1e-999',
  '0.5',
  "'same'",
  "'valid'",
  '"reflect"',
  "'\\u2028'",
  '""',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  ';',
  '=',
  '<-',
  '*',
  '//',
  '+',
  '-',
  '\n',
  ' ',
  '\u2028',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '😀',
  '#',
];

type Mutation =
  | { readonly op: 'drop' | 'duplicate'; readonly at: number }
  | { readonly op: 'swap'; readonly at: number; readonly with: number }
  | { readonly op: 'replace'; readonly at: number; readonly token: string }
  | { readonly op: 'truncate'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('drop' as const, 'duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.nat(),
    token: fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 4, unit: 'binary' })),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(source: string, mutations: readonly Mutation[]): string {
  let ts = tokens(source);
  for (const m of mutations) {
    if (ts.length === 0) break;
    const i = m.at % ts.length;
    if (m.op === 'drop') ts.splice(i, 1);
    else if (m.op === 'duplicate') ts.splice(i, 0, ts[i]);
    else if (m.op === 'swap') {
      const j = m.with % ts.length;
      [ts[i], ts[j]] = [ts[j], ts[i]];
    } else if (m.op === 'replace') ts[i] = m.token;
    else ts = ts.slice(0, i);
  }
  return ts.join('');
}

/**
 * What must hold for any text: no exception from check(), compile() or the renderers; known codes
 * only; spans inside the text; no internal error; within the time bound.
 */
function answersWithDiagnostics(source: string): void {
  const { result, ms } = timed(() => {
    const checked = check(source, { file: 'fuzz.cnn' });
    // compile binds sizes, plans and runs the passes: it must refuse as cleanly as check does
    const compiled = checked.ok && checked.graphs.length === 1 ? compile(source, { file: 'fuzz.cnn' }) : null;
    const all = [...checked.diagnostics, ...(compiled?.diagnostics ?? [])];
    renderRich(all, checked.files);
    renderShort(all, checked.files);
    all.forEach((d) => diagnosticToJson(d, checked.files));
    return { checked, all };
  });
  expect(ms, `check/compile/render took ${ms.toFixed(0)} ms`).toBeLessThan(CASE_MS);
  const { checked, all } = result;
  expect(checked.ok).toBe(!checked.diagnostics.some((d) => d.severity === 'error'));
  for (const d of all) {
    expect(CODES.has(CATALOGUE[d.code]?.code), `unknown code ${d.code}`).toBe(true);
    expect(d.message, 'a swallowed crash').not.toMatch(
      /internal error|is not a function|Cannot read propert|undefined is not|NaN/,
    );
    for (const l of d.labels) {
      expect(
        l.span.start >= 0 && l.span.start <= l.span.end && l.span.end <= source.length,
        `label span ${JSON.stringify(l.span)} outside ${source.length} chars`,
      ).toBe(true);
    }
  }
}

describe('mutated valid files', () => {
  const bases = corpus();

  it('starts from files that are valid (so the mutations damage something real)', () => {
    for (const b of bases.filter((s) => !s.includes('mistakes on purpose')))
      expect(check(b).ok, b.slice(0, 200)).toBe(true);
  });

  it('answers every mutation of the examples with diagnostics, never a throw, within the time bound', () => {
    fuzz(
      fc.record({
        base: fc.nat({ max: bases.length - 1 }),
        mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
      }),
      400,
      ({ base, mutations }) => {
        answersWithDiagnostics(mutate(bases[base], mutations));
      },
    );
  });

  it('answers every mutation of generated models likewise', () => {
    fuzz(
      fc.record({ model: validModel(4), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
      300,
      ({ model, mutations }) => {
        answersWithDiagnostics(mutate(model.source, mutations));
      },
    );
  });
});

describe('text that is not a model', () => {
  it('answers random bytes (decoded as UTF-8 with replacement, and as Latin-1) with diagnostics', () => {
    fuzz(fc.uint8Array({ maxLength: 2000 }), 150, (bytes) => {
      answersWithDiagnostics(new TextDecoder('utf-8').decode(bytes));
      answersWithDiagnostics(new TextDecoder('latin1').decode(bytes));
    });
  });

  it('answers random Unicode, including lone surrogates and line separators', () => {
    fuzz(fc.string({ maxLength: 500, unit: 'binary' }), 150, answersWithDiagnostics);
  });

  it('answers very long lines: a long string, name, number, argument list or token soup inside a model', () => {
    const long = fc.record({
      kind: fc.constantFrom('string', 'name', 'number', 'args', 'soup', 'tuple', 'stmts'),
      n: fc.integer({ min: 1_000, max: 30_000 }),
    });
    fuzz(long, 25, ({ kind, n }) => {
      const filler =
        kind === 'string'
          ? `weights "${'a'.repeat(n)}"`
          : kind === 'name'
            ? `${'a'.repeat(n)}: ReLU()`
            : kind === 'number'
              ? `c: Conv2d(3, ${'9'.repeat(n)}, 3)`
              : kind === 'args'
                ? `c: Conv2d(${Array(n).fill('1').join(', ')})`
                : kind === 'tuple'
                  ? `c: MaxPool2d(kernel_size=(${Array(n).fill('2').join(', ')}))`
                  : kind === 'stmts'
                    ? Array.from({ length: Math.floor(n / 10) }, (_, i) => `r${i}: ReLU()`).join('; ')
                    : Array.from({ length: n }, (_, i) => VOCABULARY[(i * 7919) % VOCABULARY.length]).join(' ');
      answersWithDiagnostics(`model M {\n  input x: [1, 3, 8, 8]\n  ${filler}\n}\n`);
    });
  });

  it('answers deep nesting of brackets, blocks and expressions', () => {
    const deep = fc.record({
      opener: fc.constantFrom('(', '[', '{', '-', '(1+', 'model M {'),
      depth: fc.integer({ min: 10, max: 5_000 }),
      closed: fc.boolean(),
    });
    fuzz(deep, 40, ({ opener, depth, closed }) => {
      const close = closed
        ? { '(': ')', '[': ']', '{': '}', '-': '', '(1+': ')', 'model M {': '}' }[opener]!.repeat(depth)
        : '';
      answersWithDiagnostics(
        `model M {\n  input x: [1, 3, 8, 8]\n  c: Conv2d(3, 4, ${opener.repeat(depth)}3${close})\n}\n`,
      );
    });
  });
});
