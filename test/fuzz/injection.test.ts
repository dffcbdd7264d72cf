/**
 * Code injection: names, strings and paths from a .cnn file (and the file's own path) can never
 * change what a generated module does. Names are identifiers ([A-Za-z_][A-Za-z0-9_]*), so hostile
 * text can enter only through strings (`weights "..."`, padding and padding_mode), comments and the
 * file path. The proofs: a model with hostile strings and comments builds to the very same module
 * as the clean model; hostile padding strings are refused; a hostile file name changes only the
 * header comment (which stays one comment line), and the module imports and computes the same
 * numbers; and everything the CLI prints about them is one escaped line per message.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { emitDeclarations, emitModule } from '../../compiler/5-codegen/module/emit-module.ts';
import { supportBundle } from '../../runtime/module-support/bundle.ts';
import { check, compile } from '../../compiler/index.ts';
import { runCli } from '../cli-harness.ts';
import { expectClose } from '../golden.ts';
import { fuzz, fuzzAsync } from './fuzz-config.ts';
import { randomInput } from './model-run.ts';

/** Text that means something to JavaScript, to comments, to terminals or to shells. */
const HOSTILE = [
  "'",
  '"',
  '`',
  '${globalThis.pwned = 1}',
  '*/',
  '/*',
  '//',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '</script>',
  '\\',
  '\\u0027',
  '\u001b[2J',
  '\u001b]0;title\u0007',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u0000',
  '$(rm -rf ~)',
  '; process.exit(1);',
  '#',
  '😀',
  '\ud800',
];

/** A .cnn string literal whose value is `text`: every character the lexer cannot take raw is a \uXXXX escape. */
function cnnString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

const CLEAN = (weights: string, comment: string) => `# ${comment}
model Hostile {
  input x: [1, 2, 5, 5]
  weights ${weights}   # ${comment}
  conv: Conv2d(2, 3, 3, padding=1, padding_mode='reflect')  # ${comment}
  act: LeakyReLU(0.2)
  pool: MaxPool2d(2, ceil_mode=True)
  output pool
}
`;

/** What a terminal must never receive raw from a message: controls, bidi/format characters, line separators. */
const UNSAFE_FOR_TERMINAL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/;

describe('hostile text in strings and comments', () => {
  const plain = compile(CLEAN('"w.safetensors"', 'a comment'), { backend: 'cpu' });
  const moduleOf = (source: string, backend = 'cpu') => {
    const c = compile(source, { backend });
    expect(c.ok, c.diagnostics.map((d) => d.message).join('; ')).toBe(true);
    return (
      emitModule(c.plan!, { sourceFile: 'model.cnn', backend, support: supportBundle }) +
      emitDeclarations(c.plan!, { sourceFile: 'model.cnn', backend })
    );
  };

  it('identifiers cannot carry hostile text: the lexer refuses it in names', () => {
    for (const name of ['a"b', 'a`b', 'a$b', 'naïve', 'a\u2028b', 'x*/y']) {
      const r = check(`model M {\n  input x: [1, 1, 2, 2]\n  ${name}: ReLU()\n  output ${name}\n}\n`);
      expect(r.ok, name).toBe(false);
    }
  });

  it('a weights path and comments full of hostile text build the very same module as the clean model', () => {
    fuzz(
      fc.record({ weights: hostileText, comment: hostileText.map((t) => t.replace(/[\n\r\u2028\u2029]/g, ' ')) }),
      60,
      ({ weights, comment }) => {
        const source = CLEAN(cnnString(weights), comment);
        expect(check(source).graphs[0].weightsPath).toBe(weights);
        for (const backend of ['cpu', 'gpujs:cpu'])
          expect(moduleOf(source, backend)).toBe(moduleOf(CLEAN('"w.safetensors"', 'a comment'), backend));
      },
    );
    expect(plain.ok).toBe(true);
  });

  it('hostile padding and padding_mode strings are refused; the CLI shows each message as one escaped line', async () => {
    const dir = fileURLToPath(new URL('../../.test-out/hostile/strings/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    let i = 0;
    await fuzzAsync(
      fc.record({ text: hostileText, field: fc.constantFrom('padding', 'padding_mode') }),
      40,
      async ({ text, field }) => {
        const source = `model M {\n  input x: [1, 2, 5, 5]\n  conv: Conv2d(2, 3, 3, ${field}=${cnnString(text)})\n  output conv\n}\n`;
        const r = compile(source);
        expect(r.ok).toBe(false);
        expect(r.diagnostics.map((d) => d.code)).toContain(field === 'padding' ? 'BadPaddingString' : 'BadPaddingMode');
        const file = join(dir, `m${i++}.cnn`);
        writeFileSync(file, source);
        for (const format of ['rich', 'short']) {
          const run = await runCli(['check', file, '--format', format]);
          expect(run.code).toBe(1);
          expect(run.stderr, `${format} output carries a raw control character`).not.toMatch(UNSAFE_FOR_TERMINAL);
          if (format === 'short') expect(run.stderr.trim().split('\n')).toHaveLength(1);
        }
        const built = await runCli(['build', file, '-o', join(dir, 'never.js')]);
        expect(built.code).toBe(1);
        expect(built.stderr).not.toMatch(UNSAFE_FOR_TERMINAL);
        expect(built.stderr.trim().split('\n').at(-1)).toMatch(/^cnnc: error: `.*` was not built$/);
      },
    );
  });

  it('shows the reported example escaped: padding_mode="zeros\\u2028*/ process.exit(1) //"', async () => {
    const dir = fileURLToPath(new URL('../../.test-out/hostile/example/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'm.cnn');
    writeFileSync(
      file,
      'model M {\n  input x: [1, 2, 5, 5]\n  conv: Conv2d(2, 3, 3, padding_mode="zeros\\u2028*/ process.exit(1) //")\n  output conv\n}\n',
    );
    const run = await runCli(['check', file, '--format', 'short']);
    expect(run.stderr).toBe(
      `${file}:3:38: error E0308: padding_mode must be one of 'zeros', 'reflect', 'replicate' or 'circular', but got 'zeros\\u2028*/ process.exit(1) //'\n`,
    );
    const built = await runCli(['build', file, '-o', join(dir, 'never.js')]);
    expect(built.code).toBe(1);
    expect(() => readFileSync(join(dir, 'never.js'))).toThrow(/ENOENT/);
  });
});

describe('a hostile source name in the generated header', () => {
  it('stays one comment line whatever the name holds, and the module still loads (emitModule directly)', async () => {
    const dir = fileURLToPath(new URL('../../.test-out/hostile/header/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const c = compile(CLEAN('"w.safetensors"', 'x'));
    const clean = emitModule(c.plan!, { sourceFile: 'model.cnn', backend: 'cpu', support: supportBundle });
    const sourceFile = HOSTILE.join('');
    const text = emitModule(c.plan!, { sourceFile, backend: 'cpu', support: supportBundle });
    expect(text.split('\n').slice(1)).toEqual(clean.split('\n').slice(1));
    expect(text.split('\n')[0]).not.toMatch(/[\r\u2028\u2029]|\*\//);
    const out = join(dir, 'header.js');
    writeFileSync(out, text);
    const mod = (await import(pathToFileURL(out).href)) as { model: string; inputs: Record<string, number[]> };
    expect(mod.model).toBe('Hostile');
    expect(mod.inputs).toEqual({ x: [1, 2, 5, 5] });
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe('a hostile file path for cnnc build', () => {
  const root = fileURLToPath(new URL('../../.test-out/hostile/paths/', import.meta.url));
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const source = CLEAN('"w.safetensors"', 'x').replace(/ {2}weights .*\n/, '');
  // a file name cannot hold `/`, so `*/` reaches a path only across a folder boundary (`x*` + `/f.cnn`)
  const HOSTILE_NAMES = [
    `a'b"c\`d\${globalThis.pwned = 1}e*`,
    'line\nbreak\r\u2028\u2029.cnn',
    '*\u2028 process.exit(1); *.cnn',
    '\u001b[2J\u202e.cnn',
    '<\\script><script>alert(1)<\\script>.cnn',
  ];

  interface Built {
    load(o?: {
      seed?: number;
      onWarning?: (m: string) => void;
    }): Promise<{ run(f: unknown): Promise<Record<string, { shape: number[]; data: Float32Array }>>; destroy(): void }>;
  }

  async function build(
    name: string,
    backend: string,
    tag: string,
  ): Promise<{ text: string; dts: string; mod: Built; stderr: string }> {
    // the folder name ends in `*`, so the path holds `*/` (and the file name more)
    const dir = join(root, `${tag}-${backend.replace(':', '_')}*`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, source);
    const out = join(dir, 'model.js');
    const r = await runCli(['build', file, '-o', out, '--backend', backend]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(UNSAFE_FOR_TERMINAL);
    const text = readFileSync(out, 'utf8');
    return {
      text,
      dts: readFileSync(join(dir, 'model.d.ts'), 'utf8'),
      mod: (await import(pathToFileURL(out).href)) as Built,
      stderr: r.stderr,
    };
  }

  it.each(['cpu', 'gpujs:cpu'])(
    'changes only the header comment, which stays one comment line, and the module runs the same (%s)',
    async (backend) => {
      const reference = await build('plain.cnn', backend, 'plain');
      const x = randomInput([1, 2, 5, 5], 7);
      const ran = async (b: Built) => {
        const m = await b.load({ seed: 3, onWarning: () => undefined });
        try {
          return (await m.run({ x })).pool;
        } finally {
          m.destroy();
        }
      };
      const want = await ran(reference.mod);
      let k = 0;
      for (const name of HOSTILE_NAMES) {
        const hostile = await build(name, backend, `hostile${k++}`);
        const [head, ...rest] = hostile.text.split('\n');
        const [refHead, ...refRest] = reference.text.split('\n');
        expect(rest.join('\n'), name).toBe(refRest.join('\n'));
        expect(head).toMatch(
          /^\/\/ Generated by cnnc from .*: model Hostile\. Do not edit; rebuild with `cnnc build`\.$/,
        );
        expect(head).not.toMatch(/[\r\u2028\u2029]|\*\//);
        expect(refHead).toContain('plain.cnn');
        // the .d.ts: the same apart from its first comment line
        expect(hostile.dts.split('\n').slice(1)).toEqual(reference.dts.split('\n').slice(1));
        expect(hostile.dts.split('\n')[0]).not.toMatch(/[\r\u2028\u2029]|\*\//);
        const got = await ran(hostile.mod);
        expectClose(got, want, { rtol: 0, atol: 0 }, `${JSON.stringify(name)} on ${backend}`);
        expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
      }
    },
  );
});
