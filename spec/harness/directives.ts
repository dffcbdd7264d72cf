/**
 * The expectations a conformance file carries in its comments (see spec/conformance/README.md).
 * A comment that starts like a directive but does not parse is an error, so a typo cannot turn
 * an expectation into a comment that checks nothing.
 */

export interface Located {
  readonly code: string;
  /** 1-based line of the diagnostic's primary label; null: any line (run-time messages) */
  readonly line: number | null;
}

export interface NodeRef {
  /** the model, when the file declares several (`M2/p`) */
  readonly model: string | null;
  readonly node: string;
}

export interface ShapeExpectation extends NodeRef {
  /** the shape as `shapeToString` prints it, e.g. `[N, 16, floor((H - 1)/2) + 1, 8]` */
  readonly shape: string;
}

export interface EvalExpectation extends NodeRef {
  readonly bindings: ReadonlyMap<string, number>;
  readonly shape: readonly number[];
}

export interface ParamExpectation {
  readonly key: string;
  readonly shape: readonly number[];
  /** fixtures only: an integer tensor instead of float32 */
  readonly dtype?: 'I64';
}

export interface AttrExpectation extends NodeRef {
  readonly attr: string;
  /** JSON, e.g. `[1, 2, 1, 2]` or `1` */
  readonly value: unknown;
}

export interface ParamKeysExpectation extends NodeRef {
  readonly keys: readonly string[];
}

export type Fixture =
  | { readonly name: string; readonly kind: 'npy'; readonly shape: readonly number[] }
  | { readonly name: string; readonly kind: 'safetensors'; readonly tensors: readonly ParamExpectation[] }
  | { readonly name: string; readonly kind: 'text'; readonly text: string };

export interface Expectations {
  /** `# expect-ok`: no errors and no warnings */
  readonly ok: boolean;
  readonly errors: readonly Located[];
  readonly warnings: readonly Located[];
  readonly shapes: readonly ShapeExpectation[];
  readonly evals: readonly EvalExpectation[];
  readonly params: readonly ParamExpectation[];
  readonly paramKeys: readonly ParamKeysExpectation[];
  /** `# expect-attr: s dim = 1`: a normalised attribute of the node (IR attrs, e.g. conv `pads`) */
  readonly attrs: readonly AttrExpectation[];
  /** `# expect-outputs: a, b`: the model's output names, in order */
  readonly outputs: readonly string[] | null;
  /** `# bind: x=1,3,32,32`: concrete input sizes, so every check runs again on them */
  readonly bind: Readonly<Record<string, readonly number[]>> | null;
  /**
   * `# compile` (optionally `model=Name`, `backend=gpujs:headlessgl`): run compile(), which binds a
   * symbolic batch to 1 and checks the backend's limits
   */
  readonly compile: { readonly model: string | null; readonly backend: string | null } | null;
  /** `# known-bug: why`: the file states PyTorch's behaviour, which cnnc does not follow yet */
  readonly knownBug: string | null;
  readonly fixtures: readonly Fixture[];
  /** `# cli: run {file} ...`: the file is checked through the CLI instead of check() */
  readonly cli: readonly string[] | null;
  readonly exit: number | null;
  /** `# expect-stdout: text`: stdout contains the text, whitespace not counting */
  readonly stdout: readonly string[];
}

const DIRECTIVE = /^\s*#\s*(expect-[a-z-]+|bind|compile|known-bug|fixture|cli)\b\s*(?::\s*(.*?))?\s*$/;
/** Comment lines that look meant as a directive but match none: caught as typos. */
const LOOKS_LIKE_DIRECTIVE = /^\s*#\s*(expect|bind|compile|known-bug|fixture|cli)\b/;

export class DirectiveError extends Error {}

export function readExpectations(text: string): Expectations {
  const e = {
    ok: false,
    errors: [] as Located[],
    warnings: [] as Located[],
    shapes: [] as ShapeExpectation[],
    evals: [] as EvalExpectation[],
    params: [] as ParamExpectation[],
    paramKeys: [] as ParamKeysExpectation[],
    attrs: [] as AttrExpectation[],
    outputs: null as string[] | null,
    bind: null as Record<string, number[]> | null,
    compile: null as { model: string | null; backend: string | null } | null,
    knownBug: null as string | null,
    fixtures: [] as Fixture[],
    cli: null as string[] | null,
    exit: null as number | null,
    stdout: [] as string[],
  };
  text.split(/\r\n|\r|\n/).forEach((lineText, i) => {
    const m = DIRECTIVE.exec(lineText);
    if (!m) {
      if (LOOKS_LIKE_DIRECTIVE.test(lineText))
        throw new DirectiveError(`line ${i + 1}: not a directive: ${lineText.trim()}`);
      return;
    }
    const [, name, arg = ''] = m;
    const fail = (why: string): never => {
      throw new DirectiveError(`line ${i + 1}: ${name}: ${why} (in \`${lineText.trim()}\`)`);
    };
    switch (name) {
      case 'expect-ok':
        e.ok = true;
        break;
      case 'expect-error':
      case 'expect-warning': {
        const d = /^([EW]\d{4})(?:\s*@\s*(\d+))?$/.exec(arg) ?? fail('write `E0301 @ 7` (code @ line)');
        const located = { code: d[1], line: d[2] === undefined ? null : Number(d[2]) };
        if ((name === 'expect-error') !== located.code.startsWith('E')) fail('errors are E codes, warnings W codes');
        (name === 'expect-error' ? e.errors : e.warnings).push(located);
        break;
      }
      case 'expect-shape': {
        const s = /^(\S+)\s+(\[.*\])$/.exec(arg) ?? fail('write `node [d1, d2, ...]`');
        e.shapes.push({ ...nodeRef(s[1]), shape: s[2] });
        break;
      }
      case 'expect-eval': {
        const s =
          /^(\S+)\s+with\s+(.+?)\s*=\s*(\[.*\])$/.exec(arg) ?? fail('write `node with H=32, W=33 = [1, 1, 16, 17]`');
        const bindings = new Map<string, number>();
        for (const b of s[2].split(',')) {
          const kv = /^\s*([A-Za-z_]\w*)\s*=\s*(\d+)\s*$/.exec(b) ?? fail(`bad binding \`${b}\``);
          bindings.set(kv[1], Number(kv[2]));
        }
        e.evals.push({ ...nodeRef(s[1]), bindings, shape: intList(s[3], fail) });
        break;
      }
      case 'expect-param': {
        const s = /^(\S+)\s+(\[.*\])$/.exec(arg) ?? fail('write `conv1.weight [16, 3, 3, 3]`');
        e.params.push({ key: s[1], shape: intList(s[2], fail) });
        break;
      }
      case 'expect-param-keys': {
        const s =
          /^(\S+)\s*=\s*(.*)$/.exec(arg) ?? fail('write `conv1 = conv1.weight, conv1.bias` (nothing after = for none)');
        e.paramKeys.push({ ...nodeRef(s[1]), keys: names(s[2]) });
        break;
      }
      case 'expect-attr': {
        const s =
          /^(\S+)\s+([a-z_]+)\s*=\s*(.+)$/.exec(arg) ?? fail('write `node attr = JSON`, e.g. `c pads = [1, 2, 1, 2]`');
        let value: unknown;
        try {
          value = JSON.parse(s[3]);
        } catch {
          fail(`\`${s[3]}\` is not JSON`);
        }
        e.attrs.push({ ...nodeRef(s[1]), attr: s[2], value });
        break;
      }
      case 'expect-outputs':
        e.outputs = names(arg);
        if (e.outputs.length === 0) fail('name at least one output');
        break;
      case 'expect-exit':
        if (!/^\d+$/.test(arg)) fail('write an exit code');
        e.exit = Number(arg);
        break;
      case 'expect-stdout':
        if (!arg) fail('give the text stdout must contain');
        e.stdout.push(arg);
        break;
      case 'bind': {
        const s = /^([A-Za-z_]\w*)\s*=\s*(\d+(?:\s*,\s*\d+)*)$/.exec(arg) ?? fail('write `x=1,3,32,32`');
        e.bind = { ...e.bind, [s[1]]: s[2].split(',').map(Number) };
        break;
      }
      case 'compile': {
        const c = { model: null as string | null, backend: null as string | null };
        for (const part of arg.split(/\s+/).filter(Boolean)) {
          const kv =
            /^(model|backend)=(\S+)$/.exec(part) ??
            fail('write `# compile`, `# compile: model=Name` or `backend=NAME`');
          c[kv[1] as 'model' | 'backend'] = kv[2];
        }
        e.compile = c;
        break;
      }
      case 'known-bug':
        if (!arg) fail('say what cnnc gets wrong');
        e.knownBug = arg;
        break;
      case 'fixture':
        e.fixtures.push(fixture(arg, fail));
        break;
      case 'cli':
        if (!arg) fail('give the command, e.g. `run {file} --input x={dir}/x.npy --out {dir}/out`');
        e.cli = arg.split(/\s+/);
        break;
      default:
        fail('unknown directive');
    }
  });
  if (e.ok && e.errors.length + e.warnings.length > 0)
    throw new DirectiveError('expect-ok contradicts expect-error / expect-warning');
  const expectsSomething =
    e.ok ||
    e.errors.length ||
    e.warnings.length ||
    e.shapes.length ||
    e.evals.length ||
    e.params.length ||
    e.paramKeys.length ||
    e.attrs.length ||
    e.outputs ||
    e.exit !== null;
  if (!expectsSomething)
    throw new DirectiveError('the file expects nothing: add # expect-ok, # expect-error, # expect-shape, ...');
  if (
    e.cli &&
    (e.shapes.length ||
      e.evals.length ||
      e.params.length ||
      e.paramKeys.length ||
      e.attrs.length ||
      e.outputs ||
      e.bind ||
      e.compile)
  ) {
    throw new DirectiveError('a # cli file checks exit code, diagnostics and stdout only');
  }
  return e;
}

function nodeRef(text: string): NodeRef {
  const slash = text.indexOf('/');
  return slash < 0 ? { model: null, node: text } : { model: text.slice(0, slash), node: text.slice(slash + 1) };
}

function names(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function intList(text: string, fail: (why: string) => never): number[] {
  const inner = text
    .trim()
    .replace(/^\[|\]$/g, '')
    .trim();
  if (inner === '') return [];
  return inner.split(',').map((s) => {
    const t = s.trim();
    if (!/^\d+$/.test(t)) fail(`\`${t}\` is not a size`);
    return Number(t);
  });
}

/** `x.npy npy [1, 2, 4, 4]`, `w.safetensors safetensors c.weight [3, 2, 3, 3], c.bias [3]`, `f.npy text hello` */
function fixture(arg: string, fail: (why: string) => never): Fixture {
  const m =
    /^(\S+)\s+(npy|safetensors|text)\s*(.*)$/.exec(arg) ??
    fail('write `NAME npy [shape]`, `NAME safetensors key [shape], ...` or `NAME text CONTENT`');
  const [, name, kind, rest] = m;
  if (kind === 'npy') return { name, kind, shape: intList(rest, fail) };
  if (kind === 'text') return { name, kind, text: rest };
  const tensors: ParamExpectation[] = [];
  // a key, its shape, and optionally `I64` (an integer tensor, as PyTorch saves num_batches_tracked)
  for (const part of rest.matchAll(/([^\s,[\]]+)\s*(\[[^\]]*\])(\s+I64)?/g))
    tensors.push({ key: part[1], shape: intList(part[2], fail), ...(part[3] ? { dtype: 'I64' as const } : {}) });
  return { name, kind: 'safetensors', tensors };
}
