/**
 * The Python values a weights-only pickle can build, as plain data: nothing here can run code. Python
 * ints are bigints (so 1 and 1.0 stay apart), floats are numbers, str is string, bytes Uint8Array.
 */
import type { StoredDtype } from '../stored-tensor.ts';

export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyGlobal
  | PyStorage
  | PyTensor;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export class PyList {
  readonly items: PyValue[] = [];
}

export class PySet {}

/** dict or collections.OrderedDict; a key may be set once only (a second setting is ambiguous). */
export class PyDict {
  /** by KeyHasher key: the Python key and its value, in insertion order */
  readonly entries = new Map<string, { readonly key: PyValue; readonly value: PyValue }>();
  /** attributes an OrderedDict's BUILD set (a state_dict's `_metadata`); not items */
  readonly attributes = new Map<string, PyValue>();
  constructor(readonly ordered: boolean) {}

  /** The value under string key `name`, if any. */
  get(name: string): PyValue | undefined {
    for (const { key, value } of this.entries.values()) if (key === name) return value;
    return undefined;
  }
}

/** A name from the allow-list; what it may do is decided where it is called (REDUCE, NEWOBJ). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get path(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * A storage a persistent id names: its dtype and element count; the bytes arrive when the file's
 * storages are read (after the pickle, in the legacy format). A legacy storage view is a slice of a root.
 */
export class PyStorage {
  bytes: Uint8Array | null = null;
  constructor(
    readonly key: string,
    readonly dtype: StoredDtype,
    readonly numel: number,
    readonly view: { readonly root: PyStorage; readonly offset: number } | null = null,
  ) {}
}

/** torch._utils._rebuild_tensor_v2's arguments: a strided view of a storage. */
export class PyTensor {
  constructor(
    readonly storage: PyStorage,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** How deep a tuple may nest inside a dict key before we stop looking (Python itself recurses). */
const MAX_KEY_DEPTH = 64;

/**
 * Dict keys: a short string that is equal for equal hashable Python values (str, int, float, bool,
 * None, bytes and tuples of them), or null for unhashable or too deeply nested ones (True == 1 in
 * Python, and here). Strings and tuples are interned to small ids, and a tuple's key is kept, so a
 * key costs about as much as its own opcodes, however large the values it shares through the memo.
 */
export class KeyHasher {
  private readonly strings = new Map<string, number>();
  private readonly composites = new Map<string, number>();
  private readonly tuples = new WeakMap<PyTuple, string | null>();
  private readonly byteKeys = new WeakMap<Uint8Array, string>();

  key(v: PyValue, depth = 0): string | null {
    if (typeof v === 'string') return `s${intern(this.strings, v)}`;
    if (typeof v === 'bigint') return `i${v}`;
    if (typeof v === 'boolean') return `i${v ? 1 : 0}`;
    if (typeof v === 'number') return Number.isInteger(v) ? `i${BigInt(v)}` : `f${v}`;
    if (v === null) return 'n';
    if (v instanceof Uint8Array) {
      let k = this.byteKeys.get(v);
      if (k === undefined) {
        k = `b${intern(this.strings, latin1.decode(v))}`;
        this.byteKeys.set(v, k);
      }
      return k;
    }
    if (v instanceof PyTuple) {
      const known = this.tuples.get(v);
      if (known !== undefined) return known;
      let k: string | null = null;
      if (depth < MAX_KEY_DEPTH) {
        const parts: string[] = [];
        for (const item of v.items) {
          const p = this.key(item, depth + 1);
          if (p === null) {
            parts.length = 0;
            break;
          }
          parts.push(p);
        }
        if (parts.length === v.items.length) k = `t${intern(this.composites, parts.join(','))}`;
      }
      this.tuples.set(v, k);
      return k;
    }
    if (v instanceof PyGlobal) return `g${intern(this.strings, v.path)}`;
    return null;
  }
}

const latin1 = new TextDecoder('latin1');

function intern(ids: Map<string, number>, text: string): number {
  let id = ids.get(text);
  if (id === undefined) {
    id = ids.size;
    ids.set(text, id);
  }
  return id;
}

/** What a value is, in Python's words, for messages: `int`, `str`, `dict`, `tensor`, ... */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return v.ordered ? 'OrderedDict' : 'dict';
  if (v instanceof PySet) return 'set';
  if (v instanceof PyGlobal) return v.path;
  if (v instanceof PyStorage) return 'storage';
  return 'tensor';
}
