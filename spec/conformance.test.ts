/**
 * The conformance suite: every .cnn file under spec/conformance/ carries its expectations in
 * comments (spec/conformance/README.md). A file marked `# known-bug: ...` states PyTorch's
 * behaviour where cnnc does not follow it yet; it runs as `it.fails`, so fixing the bug makes the
 * test fail until the marker is removed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../compiler/front-end.ts';
import { CATALOGUE } from '../compiler/diagnostics/catalogue.ts';
import { OPS } from '../compiler/2-analyze/ops/registry.ts';
import { type Expectations, readExpectations } from './harness/directives.ts';
import { NOT_EXPRESSIBLE } from './harness/not-expressible.ts';
import { cliProblems, conformanceProblems } from './harness/observe.ts';

const root = fileURLToPath(new URL('./conformance/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  );
}

interface Case {
  readonly rel: string;
  readonly text: string;
  readonly expectations: Expectations | Error;
}

const cases: Case[] = walk(root)
  .filter((f) => f.endsWith('.cnn'))
  .sort()
  .map((f) => {
    const text = readFileSync(f, 'utf8');
    let expectations: Expectations | Error;
    try {
      expectations = readExpectations(text);
    } catch (err) {
      expectations = err as Error;
    }
    return { rel: relative(root, f).split('\\').join('/'), text, expectations };
  });

const parsed = cases.filter((c): c is Case & { expectations: Expectations } => !(c.expectations instanceof Error));

describe('conformance files', () => {
  for (const c of cases) {
    const e = c.expectations;
    if (e instanceof Error) {
      it(c.rel, () => {
        throw new Error(`${c.rel}: ${e.message}`);
      });
      continue;
    }
    const body = async () => {
      const problems = e.cli ? await cliProblems(c.rel, c.text, e) : conformanceProblems(c.rel, c.text, e);
      // one string, so the report shows every difference in full
      expect(problems.join('\n'), `${c.rel} differs from its expectations`).toBe('');
    };
    // known bug: the file states PyTorch's behaviour (the reason is in the file and the test name)
    if (e.knownBug) it.fails(`${c.rel} [known bug: ${e.knownBug}]`, body);
    else it(c.rel, body);
  }
});

describe('conformance coverage', () => {
  const expected = new Map<string, string[]>();
  for (const c of parsed) {
    for (const d of [...c.expectations.errors, ...c.expectations.warnings])
      expected.set(d.code, [...(expected.get(d.code) ?? []), c.rel]);
  }
  const codes = Object.values(CATALOGUE).map((e) => e.code);

  it('has a file for every catalogue code, or says why none can exist', () => {
    const uncovered = codes.filter((code) => !expected.has(code) && !(code in NOT_EXPRESSIBLE));
    expect(uncovered, 'catalogue codes without a conformance file or a NOT_EXPRESSIBLE entry').toEqual([]);
  });

  it('keeps the not-expressible list honest', () => {
    for (const [code, why] of Object.entries(NOT_EXPRESSIBLE)) {
      expect(codes, `${code} is not a catalogue code`).toContain(code);
      expect(why.length, `${code} needs a reason`).toBeGreaterThan(20);
      expect(expected.get(code), `${code} has conformance files, so it is expressible`).toBeUndefined();
    }
  });

  it('expects only codes the catalogue has', () => {
    expect([...expected.keys()].filter((c) => !codes.includes(c))).toEqual([]);
  });

  it('shows every code in at least one file that is not a known bug', () => {
    const onlyBuggy = [...expected.entries()]
      .filter(([, files]) => files.every((f) => parsed.find((c) => c.rel === f)?.expectations.knownBug))
      .map(([code]) => code);
    // codes whose every file is a known bug: cnnc cannot report them correctly yet
    expect(onlyBuggy.sort()).toEqual(KNOWN_UNREPORTED);
  });

  it('has a shape rule file for every op, under the op name written in the file', () => {
    const shown = new Set<string>();
    for (const c of parsed) {
      const e = c.expectations;
      if (e.cli || e.shapes.length + e.evals.length === 0) continue;
      for (const s of [...e.shapes, ...e.evals]) {
        const op = opOf(c.text, c.rel, s.node, e.bind);
        if (op) shown.add(op);
      }
    }
    expect([...OPS.keys()].filter((op) => !shown.has(op) && !(op in NEEDS_UNPACKING))).toEqual([]);
  });

  it('keeps the list of ops without a shape file honest', () => {
    for (const [op, why] of Object.entries(NEEDS_UNPACKING)) {
      expect([...OPS.keys()], `${op} is not an op`).toContain(op);
      expect(why.length, `${op} needs a reason`).toBeGreaterThan(20);
    }
  });

  it('gives every area folder at least one file', () => {
    const folders = new Set(cases.map((c) => c.rel.split('/')[0]));
    for (const area of AREAS) expect(folders, `spec/conformance/${area}/`).toContain(area);
  });
});

/**
 * The op a node was written with (`Cat` and `Concat` make the same node): from check(), or, where
 * check() fails outright (a known bug), from the text of the statement `name: Op(`.
 */
function opOf(text: string, file: string, node: string, bind: Expectations['bind']): string | undefined {
  try {
    const r = check(text, { file, inputShapes: bind ?? undefined });
    const n = r.graphs.flatMap((g) => g.nodes).find((x) => x.id === node);
    if (n) return /^[A-Za-z_]\w*/.exec(text.slice(n.spans.call.start, n.spans.call.end))?.[0];
  } catch {
    // fall through to the text
  }
  const last = node.split('.').at(-1)!;
  return new RegExp(`^\\s*${last}\\s*:\\s*([A-Za-z_]\\w*)\\s*\\(`, 'm').exec(text)?.[1];
}

/** The areas of the suite, one folder each (spec/conformance/README.md). */
const AREAS = [
  'lexical',
  'syntax',
  'statements',
  'names',
  'arguments',
  'values',
  'blocks',
  'inline',
  'conv2d',
  'pooling',
  'adaptive',
  'batchnorm',
  'activations',
  'flatten',
  'linear',
  'softmax',
  'merge',
  'broadcast',
  'slicing',
  'reshape',
  'padding',
  'norms',
  'reduce',
  'params',
  'symbolic',
  'limits',
  'runtime',
  'summary',
];

/**
 * Ops whose shape rule no .cnn file can show yet, with the reason: multi-output ops need the
 * program to unpack their pieces, which today's grammar cannot write. Their rules are tested by
 * constructing the resolver's output directly (test/analyze/pieces.test.ts).
 */
const NEEDS_UNPACKING: Readonly<Record<string, string>> = {
  Chunk: 'gives several tensors; the grammar cannot unpack them yet (test/analyze/pieces.test.ts)',
  Split: 'gives several tensors; the grammar cannot unpack them yet (test/analyze/pieces.test.ts)',
};

/** Codes shown only by known-bug files, because cnnc does not report them correctly yet. */
const KNOWN_UNREPORTED: string[] = [];
