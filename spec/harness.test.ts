/** The conformance harness itself: it must notice every kind of difference, or the suite proves nothing. */
import { describe, expect, it } from 'vitest';
import { DirectiveError, readExpectations } from './harness/directives.ts';
import { conformanceProblems, diagnosticsInOutput } from './harness/observe.ts';

const MODEL = `model M {
  input x: [1, 3, 8, 8]
  a: Conv2d(4, 8, 3)
}
`;

function problems(directives: string, body = MODEL): string[] {
  const text = `${directives}\n${body}`;
  return conformanceProblems('t.cnn', text, readExpectations(text));
}

describe('readExpectations', () => {
  it('reads every directive', () => {
    const e = readExpectations(
      [
        '# expect-error: E0301 @ 7',
        '# expect-warning: W0220',
        '# expect-shape: M2/conv1 [N, 16, floor((H - 1)/2) + 1, 8]',
        '# expect-eval: p with H=32, W=33 = [1, 1, 16, 17]',
        '# expect-param: conv1.weight [16, 3, 3, 3]',
        '# expect-param-keys: bn =',
        '# expect-attr: c pads = [1, 2, 1, 2]',
        '# expect-outputs: a, b',
        '# bind: x=1,3,32,32',
        '# compile: model=B backend=cpu',
        '# known-bug: why',
        '# fixture: w.safetensors safetensors c.weight [3, 2, 3, 3], c.bias [3]',
      ].join('\n'),
    );
    expect(e.errors).toEqual([{ code: 'E0301', line: 7 }]);
    expect(e.warnings).toEqual([{ code: 'W0220', line: null }]);
    expect(e.shapes).toEqual([{ model: 'M2', node: 'conv1', shape: '[N, 16, floor((H - 1)/2) + 1, 8]' }]);
    expect(e.evals[0].bindings).toEqual(
      new Map([
        ['H', 32],
        ['W', 33],
      ]),
    );
    expect(e.evals[0].shape).toEqual([1, 1, 16, 17]);
    expect(e.params).toEqual([{ key: 'conv1.weight', shape: [16, 3, 3, 3] }]);
    expect(e.paramKeys).toEqual([{ model: null, node: 'bn', keys: [] }]);
    expect(e.attrs).toEqual([{ model: null, node: 'c', attr: 'pads', value: [1, 2, 1, 2] }]);
    expect(e.outputs).toEqual(['a', 'b']);
    expect(e.bind).toEqual({ x: [1, 3, 32, 32] });
    expect(e.compile).toEqual({ model: 'B', backend: 'cpu' });
    expect(e.knownBug).toBe('why');
    expect(e.fixtures).toEqual([
      {
        name: 'w.safetensors',
        kind: 'safetensors',
        tensors: [
          { key: 'c.weight', shape: [3, 2, 3, 3] },
          { key: 'c.bias', shape: [3] },
        ],
      },
    ]);
  });

  it('refuses what looks like a directive but is not one', () => {
    expect(() => readExpectations('# expect-eror: E0301 @ 3')).toThrow(DirectiveError);
    expect(() => readExpectations('# expect-error: E301 @ 3')).toThrow(/code @ line/);
    expect(() => readExpectations('# expect-error: W0220 @ 3')).toThrow(/errors are E codes/);
    expect(() => readExpectations('# expect-ok\n# expect-error: E0301 @ 3')).toThrow(/contradicts/);
    expect(() => readExpectations('# just a comment\nmodel M {}')).toThrow(/expects nothing/);
  });
});

describe('conformanceProblems', () => {
  it('passes a file that states what happens', () => {
    expect(problems('# expect-error: E0301 @ 5\n# expect-shape: a [1, 8, 6, 6]')).toEqual([]);
  });

  it('notices a wrong line, a missing and an unexpected diagnostic', () => {
    // one directive line: the layer `a` is on line 4
    expect(problems('# expect-error: E0301 @ 3')).toEqual([
      'missing E0301 @ 3',
      'unexpected E0301 @ 4: Conv2d `a` expects 4 input channels, but `x` produces 3',
    ]);
    expect(problems('# expect-ok')).toEqual([
      'unexpected E0301 @ 4: Conv2d `a` expects 4 input channels, but `x` produces 3',
      'check() says ok=false, but the file expects 0 error(s)',
    ]);
    expect(problems('# expect-error: E0301 @ 5\n# expect-warning: W0220 @ 5')).toEqual(['missing W0220 @ 5']);
  });

  it('notices wrong shapes, params, attrs and outputs', () => {
    const found = problems(
      [
        '# expect-error: E0301 @ 9',
        '# expect-shape: a [1, 8, 5, 5]',
        '# expect-param: a.weight [8, 3, 3, 3]',
        '# expect-attr: a stride = [2, 2]',
        '# expect-outputs: b',
        '# expect-shape: nope [1]',
      ].join('\n'),
    );
    expect(found).toEqual([
      'a: shape [1, 8, 6, 6], expected [1, 8, 5, 5]',
      'no node `nope` (nodes: a)',
      'parameter `a.weight` is [8, 4, 3, 3], expected [8, 3, 3, 3]',
      'a.stride is [1,1], expected [2,2]',
      'outputs are [a], expected [b]',
    ]);
  });

  it('evaluates symbolic shapes', () => {
    const body = 'model M {\n  input x: [1, 1, H, W]\n  p: MaxPool2d(2)\n}\n';
    expect(problems('# expect-eval: p with H=9, W=8 = [1, 1, 4, 4]', body)).toEqual([]);
    expect(problems('# expect-eval: p with H=9, W=8 = [1, 1, 5, 4]', body)[0]).toMatch(
      /^p with H=9, W=8: \[1, 1, 4, 4\], expected \[1, 1, 5, 4\]/,
    );
  });
});

describe('diagnosticsInOutput', () => {
  it('reads rich diagnostics with their line, and one-line failures', () => {
    const output = [
      'error[E0406]: input `x` is declared [N, 2, 4, 4], but ...',
      '  ┌─ /tmp/x/m.cnn:7:3',
      'warning[W0405]: no weights given: ...',
      'cnnc: error: E0401: `w.safetensors` has no `c.bias`',
      'cnnc: error: the inputs do not fit the model; nothing ran',
    ].join('\n');
    expect(diagnosticsInOutput(output).map((d) => [d.code, d.line, d.severity])).toEqual([
      ['E0406', 7, 'error'],
      ['W0405', null, 'warning'],
      ['E0401', null, 'error'],
    ]);
  });
});
