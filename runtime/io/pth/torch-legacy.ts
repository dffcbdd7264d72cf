/**
 * torch.save's legacy format (`_use_new_zipfile_serialization=False`, and every file before PyTorch
 * 1.6): five pickles in a row (torch's magic number, the protocol version 1001, a sys_info dict
 * with the byte order, the object with persistent ids for its storages, the list of storage keys),
 * then each storage in that order as an 8-byte little-endian element count and its raw bytes.
 */
import { DTYPE_BYTES } from '../stored-tensor.ts';
import { TensorFileError } from '../tensor-file-error.ts';
import { PyDict, PyList, type PyValue, pyTypeName } from './py-values.ts';
import { type FoundStateDict, findStateDict } from './state-dict.ts';
import { callAllowed } from './rebuild.ts';
import { StorageTable } from './storages.ts';
import { unpickle } from './unpickler.ts';
import { shown } from '../shown.ts';

export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001n;

/** True when the bytes start like a pickle (PROTO 2 to 5): a legacy torch.save file is five of them. */
export function looksLikePickle(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
}

export function readTorchLegacy(bytes: Uint8Array, source: string): FoundStateDict {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem);
  };
  const storages = new StorageTable(source, 'the object pickle');
  let at = 0;
  const next = (what: string, persistent = false): PyValue => {
    const r = unpickle(bytes, at, {
      source,
      what,
      call: (fn, args) => callAllowed(fn, args, source, what),
      persistentLoad: persistent ? (pid) => storages.load(pid, true) : undefined,
    });
    at = r.end;
    return r.value;
  };

  const magic = next('the first pickle');
  if (magic !== LEGACY_MAGIC) fail("a pickle, but not a torch.save file: it does not start with torch's magic number");
  const protocol = next('the protocol pickle');
  if (protocol !== PROTOCOL_VERSION) fail(`legacy protocol version ${String(protocol)}, not ${PROTOCOL_VERSION}`);
  const sysInfo = next('the sys_info pickle');
  if (!(sysInfo instanceof PyDict)) return fail(`sys_info is a ${pyTypeName(sysInfo)}, not a dict`);
  const little = sysInfo.get('little_endian');
  if (little === false)
    fail('the tensors are big-endian (saved on a big-endian machine); only little-endian files are read');
  if (little !== true) fail('sys_info does not say the byte order (`little_endian`)');

  const object = next('the object pickle', true);
  const keys = next('the storage-key pickle');
  if (!(keys instanceof PyList) || !keys.items.every((k) => typeof k === 'string'))
    fail(`the storage-key pickle is a ${pyTypeName(keys)}, not a list of strings`);
  const seen = new Set<string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of (keys as PyList).items as string[]) {
    const storage = storages.byKey.get(key);
    if (!storage || storage.view) fail(`the storage list names \`${shown(key)}\`, which no tensor uses`);
    if (seen.has(key)) fail(`the storage list names \`${shown(key)}\` twice`);
    seen.add(key);
    if (at + 8 > bytes.length) fail(`the file ends before storage \`${shown(key)}\` (truncated?)`);
    const count = view.getBigUint64(at, true);
    if (count !== BigInt(storage!.numel))
      fail(`storage \`${shown(key)}\` says ${count} elements in the data, ${storage!.numel} in the pickle`);
    const length = storage!.numel * DTYPE_BYTES[storage!.dtype];
    if (at + 8 + length > bytes.length)
      fail(
        `storage \`${shown(key)}\` needs ${length} bytes at offset ${at + 8}, past the end of the file (truncated?)`,
      );
    storages.attach(storage!, bytes.subarray(at + 8, at + 8 + length), `at offset ${at + 8}`);
    at += 8 + length;
  }
  storages.resolveViews();
  return findStateDict(object, source, { bytesLeft: 2 * bytes.length });
}
