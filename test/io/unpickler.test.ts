/**
 * The restricted unpickler: torch's weights-only allow-list, hostile pickles written opcode by opcode
 * (and crafted in Python with __reduce__), refused by name with nothing executed; damaged pickles
 * refused without a crash; the values torch.save's pickles hold read exactly.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { ALLOWED_GLOBALS } from '../../runtime/io/pth/allow-list.ts';
import { PyDict, PyGlobal, type PyList, PyTuple, type PyValue } from '../../runtime/io/pth/py-values.ts';
import { callAllowed } from '../../runtime/io/pth/rebuild.ts';
import { unpickle } from '../../runtime/io/pth/unpickler.ts';
import { UnsafePickleError } from '../../runtime/io/pth/unsafe-pickle-error.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import { makeCheckpoints } from '../checkpoints/fixtures.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

/** Pickle bytes from opcodes and arguments: numbers are bytes, strings their latin1 characters. */
function pk(...parts: (number | string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else for (const b of p) out.push(b);
  }
  return Uint8Array.from(out);
}
const PROTO2 = [0x80, 2];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
/** BINUNICODE of an ASCII string. */
const str = (s: string) => [0x58, ...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** SHORT_BINUNICODE (protocol 4). */
const short = (s: string) => [0x8c, s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const global = (module: string, name: string) => `c${module}\n${name}\n`;

const load = (bytes: Uint8Array): PyValue =>
  unpickle(bytes, 0, { source: 'x.pkl', what: 'the pickle', call: (f, a) => callAllowed(f, a, 'x.pkl', 'the pickle') })
    .value;

/** The error `load` throws; it must be a TensorFileError naming the file. */
function refusal(bytes: Uint8Array): TensorFileError {
  try {
    load(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(TensorFileError);
    expect((e as Error).message).toMatch(/^x\.pkl: the pickle: /);
    return e as TensorFileError;
  }
  throw new Error('expected the pickle to be refused');
}

describe('the allow-list', () => {
  it("is exactly torch 1.13's weights-only allow-list", () => {
    const dir = tempDir('allow-list');
    const script = join(dir, 'allowed.py');
    writeFileSync(
      script,
      'import json, torch._weights_only_unpickler as w\nprint(json.dumps(sorted(w._get_allowed_globals())))\n',
    );
    const torchs = JSON.parse(runPython(script).stdout) as string[];
    expect([...ALLOWED_GLOBALS].sort()).toEqual(torchs);
  });
});

describe('pickles that would run code, written opcode by opcode', () => {
  const calls: [string, Uint8Array, RegExp][] = [
    ['os.system', pk(PROTO2, global('os', 'system'), str('touch /tmp/x'), 0x85, 'R.'), /refuses global `os\.system`/],
    ['posix.system', pk(PROTO2, global('posix', 'system'), str('id'), 0x85, 'R.'), /refuses global `posix\.system`/],
    [
      'builtins.eval',
      pk(PROTO2, global('builtins', 'eval'), str("__import__('os').system('id')"), 0x85, 'R.'),
      /refuses global `builtins\.eval`/,
    ],
    [
      'subprocess.Popen',
      pk(PROTO2, global('subprocess', 'Popen'), str('id'), 0x85, 'R.'),
      /refuses global `subprocess\.Popen`/,
    ],
    [
      'builtins.eval by STACK_GLOBAL (protocol 4)',
      pk(0x80, 4, short('builtins'), short('eval'), 0x93, short('1'), 0x85, 'R.'),
      /refuses global `builtins\.eval`/,
    ],
    [
      'a whole nn.Module',
      pk(PROTO2, global('torch.nn.modules.conv', 'Conv2d'), ').'),
      /refuses global `torch\.nn\.modules\.conv\.Conv2d`.*save model\.state_dict\(\) instead/,
    ],
  ];
  it.each(calls)('%s is refused by name, before anything is called', (_what, bytes, reason) => {
    const e = refusal(bytes);
    expect(e).toBeInstanceOf(UnsafePickleError);
    expect(e.message).toMatch(reason);
    expect(e.message).toMatch(/nothing was executed$/);
  });

  const opcodes: [string, Uint8Array, RegExp][] = [
    ['INST', pk(PROTO2, '(', 'ios\nsystem\n', '.'), /opcode INST \(0x69, 'i'\) is not allowed/],
    ['OBJ', pk(PROTO2, '(', global('collections', 'OrderedDict'), 'o.'), /opcode OBJ \(0x6f, 'o'\)/],
    ['PERSID', pk(PROTO2, 'P0\n.'), /opcode PERSID \(0x50, 'P'\)/],
    ['EXT1', pk(PROTO2, 0x82, 1, '.'), /opcode EXT1 \(0x82\)/],
    ['NEWOBJ_EX', pk(PROTO2, ')', ')', '}', 0x92, '.'), /opcode NEWOBJ_EX \(0x92\)/],
    ['POP', pk(PROTO2, 'N0N.'), /opcode POP \(0x30, '0'\)/],
    ['an unknown opcode', pk(PROTO2, 0xff, '.'), /opcode an unknown opcode \(0xff\)/],
  ];
  it.each(opcodes)('%s is refused by name', (_what, bytes, reason) => {
    const e = refusal(bytes);
    expect(e).toBeInstanceOf(UnsafePickleError);
    expect(e.message).toMatch(reason);
  });

  const misuse: [string, Uint8Array, RegExp][] = [
    ['REDUCE on a tuple', pk(PROTO2, ')', ')', 'R.'), /REDUCE calls a tuple, which is not an allow-listed function/],
    [
      'NEWOBJ of an OrderedDict',
      pk(PROTO2, global('collections', 'OrderedDict'), ')', 0x81, '.'),
      /NEWOBJ instantiates `collections\.OrderedDict`: only torch\.nn\.parameter\.Parameter may be/,
    ],
    ['BUILD on a list', pk(PROTO2, ']', '}', 'b.'), /BUILD sets the state of a list: only an OrderedDict's/],
    ['BUILD on a plain dict', pk(PROTO2, '}', '}', 'b.'), /BUILD sets the state of a dict/],
    ['APPEND to a dict', pk(PROTO2, '}', 'N', 'a.'), /APPEND to a dict: only lists/],
    ['SETITEM on a list', pk(PROTO2, ']', 'K', 0, 'N', 's.'), /SETITEM on a list: only dicts take items/],
    [
      'a persistent id that is not a storage',
      pk(PROTO2, str('module'), 0x85, 'Q.'),
      /a persistent id of kind "module": only storages may be loaded/,
    ],
  ];
  it.each(misuse)('%s is refused', (_what, bytes, reason) => {
    const e = refusal(bytes);
    expect(e).toBeInstanceOf(UnsafePickleError);
    expect(e.message).toMatch(reason);
  });

  it('allow-listed names that a state dict never calls are refused by name, not called', () => {
    for (const [name, reason] of [
      ['torch FloatStorage', /torch\.FloatStorage: calling it is not supported/],
      ['torch._utils _rebuild_sparse_tensor', /sparse tensors are not supported/],
      ['torch._utils _rebuild_meta_tensor_no_storage', /meta tensors hold no data/],
      ['torch Tensor', /torch\.Tensor: calling it is not supported/],
    ] as const) {
      const [module, fn] = name.split(' ');
      expect(refusal(pk(PROTO2, global(module, fn), ')R.')).message).toMatch(reason);
    }
  });
});

describe('pickles crafted in Python with __reduce__', () => {
  const files = makeCheckpoints('hostile');
  it.each([
    ['hostile-os-system.pth', /refuses global `posix\.system`/],
    ['hostile-os-system-legacy.pth', /refuses global `posix\.system`/],
    ['hostile-builtins-eval.pth', /refuses global `__builtin__\.eval`/],
    ['hostile-builtins-eval-legacy.pth', /refuses global `__builtin__\.eval`/],
    ['hostile-posix-system.pth', /refuses global `posix\.system`/],
    ['hostile-subprocess-popen.pth', /refuses global `commands\.Popen`/],
    ['hostile-subprocess-popen-legacy.pth', /refuses global `commands\.Popen`/],
    ['hostile-proto4-eval.pth', /refuses global `builtins\.eval`/],
    ['hostile-os-system.pkl', /the first pickle: refuses global `posix\.system`/],
  ])('%s is refused, and the command it carries never runs', (name, reason) => {
    expect(() => readCheckpoint(files.bytes(name), name)).toThrowError(UnsafePickleError);
    expect(() => readCheckpoint(files.bytes(name), name)).toThrow(reason);
    expect(existsSync(files.at('pwned'))).toBe(false);
  });
});

describe('values', () => {
  it('ints, floats, strings, bytes, None, bools, tuples, lists, dicts as torch.save writes them', () => {
    const v = load(
      pk(
        PROTO2,
        '}q',
        0,
        '(',
        str('ints'),
        '(',
        'J',
        [0xff, 0xff, 0xff, 0xff],
        'K',
        200,
        'M',
        [0x34, 0x12],
        0x8a,
        1,
        0xff,
        0x8a,
        9,
        [0, 0, 0, 0, 0, 0, 0, 0, 1],
        't',
        str('float'),
        'G',
        [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
        str('misc'),
        ']',
        '(',
        'N',
        0x88,
        0x89,
        'C',
        2,
        [1, 2],
        'U',
        2,
        'hi',
        'e',
        str('same'),
        'h',
        0,
        'u.',
      ),
    ) as PyDict;
    expect(v).toBeInstanceOf(PyDict);
    expect((v.get('ints') as PyTuple).items).toEqual([-1n, 200n, 0x1234n, -1n, 2n ** 64n]);
    expect(v.get('float')).toBe(0.1);
    const misc = v.get('misc') as PyList;
    expect(misc.items).toEqual([null, true, false, Uint8Array.from([1, 2]), 'hi']);
    // the memo hands back the same object, as Python's does
    expect(v.get('same')).toBe(v);
  });

  it('a dict that sets one key twice is ambiguous, even as True and 1', () => {
    expect(refusal(pk(PROTO2, '}(', str('w'), 'N', str('w'), 'Nu.')).message).toMatch(
      /the dict sets key `w` twice \(ambiguous/,
    );
    expect(refusal(pk(PROTO2, '}(', 'K', 1, 'N', 0x88, 'Nu.')).message).toMatch(/sets key True twice/);
  });

  it('unhashable and deeply nested keys are refused; keys sharing big tuples stay cheap', () => {
    expect(refusal(pk(PROTO2, '}', ']', 'Ns.')).message).toMatch(/a dict key of type list \(unhashable/);
    const deep = pk(PROTO2, '}', 'N', ...new Array(100).fill(0x85), 'Ns.');
    expect(refusal(deep).message).toMatch(/a dict key of type tuple \(unhashable or too deeply nested\)/);
    // a tuple of 5000 items in the memo, then 20000 keys (it, i): each key costs its own two items
    const keys: number[] = [];
    for (let i = 1; i < 20000; i++) keys.push(0x68, 2, 0x4a, ...u32(i), 0x86, 0x4e);
    const bytes = pk(
      PROTO2,
      '}((',
      ...new Array(5000).fill([0x4b, 7]).flat(),
      'tq',
      2,
      'J',
      u32(0),
      0x86,
      'N',
      keys,
      'u.',
    );
    const t0 = performance.now();
    const v = load(bytes) as PyDict;
    expect(v.entries.size).toBe(20000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a damaged pickle is refused at every truncation, never read past its end', () => {
    const valid = pk(
      PROTO2,
      global('collections', 'OrderedDict'),
      ')R(',
      str('a'),
      'K',
      1,
      str('b'),
      'G',
      [0, 0, 0, 0, 0, 0, 0, 0],
      'u.',
    );
    expect((load(valid) as PyDict).entries.size).toBe(2);
    for (let n = 0; n < valid.length; n++) {
      const e = refusal(valid.subarray(0, n));
      expect(e.message).toMatch(/truncated|stack underflow|no MARK|ends/);
    }
    expect(refusal(pk(PROTO2, 'h', 5, '.')).message).toMatch(/memo entry 5 is read before it is written/);
    expect(refusal(pk(PROTO2, 0x8b, [0xff, 0xff, 0xff, 0x7f], '.')).message).toMatch(/LONG4 of 2147483647 bytes/);
    expect(refusal(pk(PROTO2, 'X', [0xff, 0xff, 0xff, 0xff], 'abc')).message).toMatch(/ends inside a string/);
  });

  it('OrderedDict() builds an ordered dict; BUILD sets its attributes (a state_dict _metadata), not items', () => {
    const v = load(
      pk(PROTO2, global('collections', 'OrderedDict'), ')R', str('k'), 'N', 's}', str('_metadata'), 'Ns', 'b.'),
    ) as PyDict;
    expect(v.ordered).toBe(true);
    expect([...v.entries.values()].map((e) => e.key)).toEqual(['k']);
    expect(v.attributes.has('_metadata')).toBe(true);
    expect(load(pk(PROTO2, global('torch', 'Size'), '(K', 2, 'K', 3, 't', 0x85, 'R.'))).toEqual(new PyTuple([2n, 3n]));
    expect(load(pk(PROTO2, global('torch', 'float32'), '.'))).toEqual(new PyGlobal('torch', 'float32'));
  });
});
