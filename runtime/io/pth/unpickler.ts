/**
 * A restricted unpickler with torch.load(weights_only=True)'s rules (torch/_weights_only_unpickler.py):
 * GLOBAL may name only the allow-list (allow-list.ts); REDUCE may call only an allow-listed global,
 * NEWOBJ may instantiate only torch.nn.parameter.Parameter, BUILD may set state only on an
 * OrderedDict, APPEND only on lists and SETITEM only on dicts, BINPERSID may load only storages;
 * any other opcode is refused by name. Besides torch 1.13's opcodes it reads the data-only ones that
 * newer picklers write (BINFLOAT, the protocol 3-5 strings and bytes, MEMOIZE, FRAME, STACK_GLOBAL
 * under the same allow-list); none of them can call anything. Nothing is ever executed: values are
 * plain data (py-values.ts), and "calling" an allow-listed function builds data (rebuild.ts).
 *
 * A pickle has no jumps, so the work is bounded by its length; every read is checked against the end.
 */
import { TensorFileError } from '../tensor-file-error.ts';
import { ALLOWED_GLOBALS } from './allow-list.ts';
import { KeyHasher, PyDict, PyGlobal, PyList, PySet, PyTuple, type PyValue, pyTypeName } from './py-values.ts';
import { UnsafePickleError } from './unsafe-pickle-error.ts';
import { shown } from '../shown.ts';

export interface UnpickleOptions {
  /** the file, for messages */
  readonly source: string;
  /** the pickle within it, for messages (`data.pkl`, `the object pickle`) */
  readonly what: string;
  /** BINPERSID: what a persistent id (already checked to be a ('storage', ...) tuple) stands for */
  readonly persistentLoad?: (pid: PyTuple) => PyValue;
  /** REDUCE or NEWOBJ of an allow-listed global: the value the call builds */
  readonly call: (fn: PyGlobal, args: readonly PyValue[]) => PyValue;
}

export interface Unpickled {
  readonly value: PyValue;
  /** the offset just after STOP */
  readonly end: number;
}

/** Every pickle opcode, for messages about the refused ones. */
const OPCODE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x28, 'MARK'],
  [0x2e, 'STOP'],
  [0x30, 'POP'],
  [0x31, 'POP_MARK'],
  [0x32, 'DUP'],
  [0x46, 'FLOAT'],
  [0x49, 'INT'],
  [0x4a, 'BININT'],
  [0x4b, 'BININT1'],
  [0x4c, 'LONG'],
  [0x4d, 'BININT2'],
  [0x4e, 'NONE'],
  [0x50, 'PERSID'],
  [0x51, 'BINPERSID'],
  [0x52, 'REDUCE'],
  [0x53, 'STRING'],
  [0x54, 'BINSTRING'],
  [0x55, 'SHORT_BINSTRING'],
  [0x56, 'UNICODE'],
  [0x58, 'BINUNICODE'],
  [0x61, 'APPEND'],
  [0x62, 'BUILD'],
  [0x63, 'GLOBAL'],
  [0x64, 'DICT'],
  [0x7d, 'EMPTY_DICT'],
  [0x65, 'APPENDS'],
  [0x67, 'GET'],
  [0x68, 'BINGET'],
  [0x69, 'INST'],
  [0x6a, 'LONG_BINGET'],
  [0x6c, 'LIST'],
  [0x5d, 'EMPTY_LIST'],
  [0x6f, 'OBJ'],
  [0x70, 'PUT'],
  [0x71, 'BINPUT'],
  [0x72, 'LONG_BINPUT'],
  [0x73, 'SETITEM'],
  [0x74, 'TUPLE'],
  [0x29, 'EMPTY_TUPLE'],
  [0x75, 'SETITEMS'],
  [0x47, 'BINFLOAT'],
  [0x80, 'PROTO'],
  [0x81, 'NEWOBJ'],
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x85, 'TUPLE1'],
  [0x86, 'TUPLE2'],
  [0x87, 'TUPLE3'],
  [0x88, 'NEWTRUE'],
  [0x89, 'NEWFALSE'],
  [0x8a, 'LONG1'],
  [0x8b, 'LONG4'],
  [0x42, 'BINBYTES'],
  [0x43, 'SHORT_BINBYTES'],
  [0x8c, 'SHORT_BINUNICODE'],
  [0x8d, 'BINUNICODE8'],
  [0x8e, 'BINBYTES8'],
  [0x8f, 'EMPTY_SET'],
  [0x90, 'ADDITEMS'],
  [0x91, 'FROZENSET'],
  [0x92, 'NEWOBJ_EX'],
  [0x93, 'STACK_GLOBAL'],
  [0x94, 'MEMOIZE'],
  [0x95, 'FRAME'],
  [0x96, 'BYTEARRAY8'],
  [0x97, 'NEXT_BUFFER'],
  [0x98, 'READONLY_BUFFER'],
]);

/** `INST (0x69, 'i')`: an opcode as a message names it. */
export function describeOpcode(op: number): string {
  const name = OPCODE_NAMES.get(op) ?? 'an unknown opcode';
  const char = op >= 0x20 && op < 0x7f ? `, '${String.fromCharCode(op)}'` : '';
  return `${name} (0x${op.toString(16).padStart(2, '0')}${char})`;
}

const PARAMETER = 'torch.nn.parameter.Parameter';
const MAX_LONG_BYTES = 255;
const utf8 = new TextDecoder('utf-8');

/** Hints for globals people meet: a whole pickled module, or a classic exploit. */
function globalHint(path: string): string {
  if (/^(torch\.nn\.modules\.|torchvision\.models\.|__main__\.)/.test(path))
    return ' (torch.save(model) pickles the whole module and its code; save model.state_dict() instead)';
  return '';
}

export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): Unpickled {
  const { source, what } = options;
  let pos = start;
  let opAt = start;
  const fail = (problem: string): never => {
    throw new TensorFileError(source, `${what}: ${problem} (at byte ${opAt})`);
  };
  const refuse = (problem: string): never => {
    throw new UnsafePickleError(source, `${what}: ${problem} (at byte ${opAt}); nothing was executed`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what2: string) => {
    if (n > bytes.length - pos) fail(`the pickle ends inside ${what2} (truncated?)`);
  };
  const u8 = () => {
    need(1, 'an argument');
    return bytes[pos++];
  };
  const u16 = () => {
    need(2, 'an argument');
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = () => {
    need(4, 'an argument');
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = () => {
    need(8, 'an argument');
    pos += 8;
    const v = view.getBigUint64(pos - 8, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };
  const take = (n: number, what2: string): Uint8Array => {
    need(n, what2);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('the pickle ends inside a GLOBAL name (truncated?)');
    const text = utf8.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };

  let stack: PyValue[] = [];
  const metastack: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const keys = new KeyHasher();
  const pop = (): PyValue => {
    if (stack.length === 0) fail('stack underflow (a corrupt pickle)');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('stack underflow (a corrupt pickle)');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) fail('no MARK to pop to (a corrupt pickle)');
    stack = outer!;
    return items;
  };
  const global = (module: string, name: string): PyGlobal => {
    const path = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(path))
      refuse(`refuses global \`${shown(path)}\`: only torch's weights-only allow-list may be named${globalHint(path)}`);
    return new PyGlobal(module, name);
  };
  const setItem = (dict: PyValue, key: PyValue, value: PyValue) => {
    if (!(dict instanceof PyDict)) refuse(`SETITEM on a ${pyTypeName(dict)}: only dicts take items`);
    const k = keys.key(key);
    if (k === null) fail(`a dict key of type ${pyTypeName(key)} (unhashable or too deeply nested)`);
    const d = dict as PyDict;
    if (d.entries.has(k!)) fail(`the dict sets key ${describeKey(key)} twice (ambiguous: which value is meant?)`);
    d.entries.set(k!, { key, value });
  };

  while (true) {
    opAt = pos;
    if (pos >= bytes.length) fail('the pickle ends without STOP (truncated?)');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME: a length hint; the data follows inline
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4, 'BININT');
        pos += 4;
        stack.push(BigInt(view.getInt32(pos - 4, true)));
        break;
      case 0x4b: // BININT1
        stack.push(BigInt(u8()));
        break;
      case 0x4d: // BININT2
        stack.push(BigInt(u16()));
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8(), 'LONG1')));
        break;
      case 0x8b: {
        // LONG4
        need(4, 'LONG4');
        const n = view.getInt32(pos, true);
        pos += 4;
        // decoding is quadratic in the length; no integer torch writes comes near this
        if (n < 0 || n > MAX_LONG_BYTES) fail(`LONG4 of ${n} bytes (at most ${MAX_LONG_BYTES} are read)`);
        stack.push(decodeLong(take(n, 'LONG4')));
        break;
      }
      case 0x47: // BINFLOAT: big-endian, unlike everything else
        need(8, 'BINFLOAT');
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32(), 'a string')));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8(), 'a string')));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64(), 'a string')));
        break;
      case 0x55: // SHORT_BINSTRING: torch.load decodes these as UTF-8
        stack.push(utf8.decode(take(u8(), 'a string')));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32(), 'bytes'));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8(), 'bytes'));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64(), 'bytes'));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: {
        // TUPLE (popMark() replaces `stack`: take the items before pushing)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict(false));
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new PySet());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        const list = top();
        if (!(list instanceof PyList)) refuse(`APPEND to a ${pyTypeName(list)}: only lists may be appended to`);
        (list as PyList).items.push(item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!(list instanceof PyList)) refuse(`APPENDS to a ${pyTypeName(list)}: only lists may be extended`);
        for (const item of items) (list as PyList).items.push(item);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItem(top(), key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items (a corrupt pickle)');
        const dict = top();
        for (let i = 0; i < items.length; i += 2) setItem(dict, items[i], items[i + 1]);
        break;
      }
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const index = op === 0x68 ? u8() : u32();
        if (!memo.has(index)) fail(`memo entry ${index} is read before it is written (a corrupt pickle)`);
        stack.push(memo.get(index) as PyValue);
        break;
      }
      case 0x71: // BINPUT
      case 0x72: {
        // LONG_BINPUT
        const index = op === 0x71 ? u8() : u32();
        memo.set(index, top());
        break;
      }
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL: the protocol-4 GLOBAL, same allow-list
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = top();
        if (!(fn instanceof PyGlobal))
          refuse(`REDUCE calls a ${pyTypeName(fn)}, which is not an allow-listed function`);
        if (!(args instanceof PyTuple)) fail(`REDUCE with arguments that are a ${pyTypeName(args)}, not a tuple`);
        stack[stack.length - 1] = options.call(fn as PyGlobal, (args as PyTuple).items);
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(cls instanceof PyGlobal) || cls.path !== PARAMETER)
          refuse(`NEWOBJ instantiates \`${shown(pyTypeName(cls))}\`: only ${PARAMETER} may be instantiated`);
        if (!(args instanceof PyTuple)) fail(`NEWOBJ with arguments that are a ${pyTypeName(args)}, not a tuple`);
        stack.push(options.call(cls as PyGlobal, (args as PyTuple).items));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const inst = top();
        if (!(inst instanceof PyDict) || !inst.ordered)
          refuse(`BUILD sets the state of a ${pyTypeName(inst)}: only an OrderedDict's may be set`);
        if (!(state instanceof PyDict)) fail(`BUILD of an OrderedDict with a ${pyTypeName(state)} state`);
        for (const { key, value } of (state as PyDict).entries.values())
          if (typeof key === 'string') (inst as PyDict).attributes.set(key, value);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        const kind = pid instanceof PyTuple ? pid.items[0] : undefined;
        const name = kind instanceof Uint8Array ? utf8.decode(kind) : kind;
        if (!(pid instanceof PyTuple) || name !== 'storage')
          refuse(
            `a persistent id of ${pid instanceof PyTuple ? `kind ${JSON.stringify(String(name))}` : `type ${pyTypeName(pid)}`}: only storages may be loaded`,
          );
        if (!options.persistentLoad) fail('a persistent id where none may be');
        stack.push(options.persistentLoad!(pid as PyTuple));
        break;
      }
      default:
        refuse(`opcode ${describeOpcode(op)} is not allowed in a weights-only pickle`);
    }
  }
}

/** Python's decode_long: little-endian two's complement. */
function decodeLong(data: Uint8Array): bigint {
  if (data.length === 0) return 0n;
  let v = 0n;
  for (let i = data.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]);
  if (data[data.length - 1] & 0x80) v -= 1n << BigInt(8 * data.length);
  return v;
}

function describeKey(key: PyValue): string {
  if (typeof key === 'string') return `\`${shown(key)}\``;
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (typeof key === 'bigint' || typeof key === 'number') return String(key);
  return `of type ${pyTypeName(key)}`;
}
