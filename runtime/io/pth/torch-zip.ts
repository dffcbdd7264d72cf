/**
 * torch.save's zip format (the default since PyTorch 1.6): `<archive>/data.pkl`, the pickled object
 * whose persistent ids name storages, each stored as `<archive>/data/<key>`; `<archive>/version` and,
 * since PyTorch 2.1, `<archive>/byteorder`. torch stores every entry uncompressed and aligned, so
 * storages are views of the file.
 */
import { TensorFileError } from '../tensor-file-error.ts';
import { type FoundStateDict, findStateDict } from './state-dict.ts';
import { callAllowed } from './rebuild.ts';
import { StorageTable } from './storages.ts';
import { unpickle } from './unpickler.ts';
import { readZip } from './zip.ts';
import { shown } from '../shown.ts';

export function readTorchZip(bytes: Uint8Array, source: string): FoundStateDict {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem);
  };
  const zip = readZip(bytes, source);
  const first = zip.entries.keys().next();
  if (first.done) return fail('an empty zip archive, not a torch.save file');
  // every record lives under one folder, named after the file torch.save wrote
  const slash = first.value.indexOf('/');
  const prefix = slash < 0 ? '' : first.value.slice(0, slash + 1);
  const record = (name: string) => `${prefix}${name}`;
  if (zip.entries.has(record('constants.pkl')))
    fail('a TorchScript archive (torch.jit.save) is not read: save model.state_dict() with torch.save');
  if (!zip.entries.has(record('data.pkl')))
    fail(`a zip archive without \`${shown(record('data.pkl'))}\`: not a torch.save file`);
  if (zip.entries.has(record('byteorder'))) {
    const order = new TextDecoder().decode(zip.read(record('byteorder'))).trim();
    if (order === 'big') fail('the tensors are big-endian (byteorder `big`); only little-endian files are read');
    if (order !== 'little') fail(`byteorder record says \`${shown(order, 40)}\`, not \`little\``);
  }

  const what = shown(record('data.pkl'));
  const storages = new StorageTable(source, what);
  const { value } = unpickle(zip.read(what), 0, {
    source,
    what,
    call: (fn, args) => callAllowed(fn, args, source, what),
    persistentLoad: (pid) => {
      const storage = storages.load(pid, false);
      if (!storage.bytes) {
        const name = record(`data/${storage.key}`);
        if (!zip.entries.has(name)) fail(`storage \`${shown(storage.key)}\` has no record \`${shown(name)}\``);
        storages.attach(storage, zip.read(name), `\`${shown(name)}\``);
      }
      return storage;
    },
  });
  return findStateDict(value, source, { bytesLeft: 2 * bytes.length });
}
