/**
 * The persistent ids torch.save writes for storages: ('storage', <storage class>, key, location,
 * numel) in the zip format, with a sixth item, a view (view key, offset, size) or None, in the legacy
 * one. The location (`cpu`, `cuda:0`) does not matter: the bytes are in the file either way.
 */
import { DTYPE_BYTES } from '../stored-tensor.ts';
import { TensorFileError } from '../tensor-file-error.ts';
import { storageDtype } from './allow-list.ts';
import { PyGlobal, PyStorage, PyTuple, type PyValue, pyTypeName } from './py-values.ts';
import { shown } from '../shown.ts';

/** The storages a pickle names, by key; the same key always means the same storage. */
export class StorageTable {
  readonly byKey = new Map<string, PyStorage>();
  constructor(
    private readonly source: string,
    private readonly what: string,
  ) {}

  /** The storage a persistent id names (made on first sight); `legacy` ids carry the view item. */
  load(pid: PyTuple, legacy: boolean): PyStorage {
    const fail = (problem: string): never => {
      throw new TensorFileError(this.source, `${this.what}: storage persistent id: ${problem}`);
    };
    const items = pid.items;
    if (items.length !== (legacy ? 6 : 5))
      fail(`has ${items.length} items, not ${legacy ? 6 : 5} (${legacy ? 'legacy' : 'zip'} format)`);
    const [, type, key, , numelValue] = items;
    if (!(type instanceof PyGlobal)) return fail(`its storage type is a ${pyTypeName(type)}`);
    const dtype = storageDtype(type.path);
    if ('refused' in dtype) return fail(dtype.refused);
    if (typeof key !== 'string') return fail(`its key is a ${pyTypeName(key)}, not a str`);
    if (typeof numelValue !== 'bigint' || numelValue < 0n || numelValue > BigInt(Number.MAX_SAFE_INTEGER))
      return fail(`storage \`${shown(key)}\` has an element count of ${pyTypeName(numelValue)} ${String(numelValue)}`);
    const numel = Number(numelValue);
    const existing = this.byKey.get(key);
    let root = existing;
    if (!root) {
      root = new PyStorage(key, dtype.dtype, numel);
      this.byKey.set(key, root);
    } else if (root.dtype !== dtype.dtype || root.numel !== numel) {
      fail(`storage \`${shown(key)}\` is named twice with different dtypes or sizes`);
    }
    const view = legacy ? items[5] : null;
    if (view === null) return root;
    return this.viewOf(root, view, fail);
  }

  /** A legacy storage view: (view key, offset, size) in elements of the root storage. */
  private viewOf(root: PyStorage, view: PyValue, fail: (problem: string) => never): PyStorage {
    if (!(view instanceof PyTuple) || view.items.length !== 3)
      return fail(`the view of storage \`${shown(root.key)}\` is not (key, offset, size)`);
    const [key, offset, size] = view.items;
    if (typeof key !== 'string' || typeof offset !== 'bigint' || typeof size !== 'bigint' || offset < 0n || size < 0n)
      return fail(`the view of storage \`${shown(root.key)}\` is not (key, offset, size)`);
    if (offset + size > BigInt(root.numel))
      return fail(
        `the view \`${shown(key)}\` (offset ${offset}, ${size} elements) runs past storage \`${shown(root.key)}\` of ${root.numel}`,
      );
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const v = new PyStorage(key, root.dtype, Number(size), { root, offset: Number(offset) });
    this.byKey.set(key, v);
    return v;
  }

  /** Gives storage `key` its bytes, which must be exactly numel elements. */
  attach(storage: PyStorage, bytes: Uint8Array, where: string): void {
    const want = storage.numel * DTYPE_BYTES[storage.dtype];
    if (bytes.length !== want)
      throw new TensorFileError(
        this.source,
        `storage \`${shown(storage.key)}\` (${where}) has ${bytes.length} bytes, but its ${storage.numel} elements of ${storage.dtype} need ${want}`,
      );
    storage.bytes = bytes;
  }

  /** Views take their bytes from their roots, once the roots have theirs. */
  resolveViews(): void {
    for (const s of this.byKey.values()) {
      const rootBytes = s.view?.root.bytes;
      if (!s.view || !rootBytes) continue;
      const es = DTYPE_BYTES[s.dtype];
      s.bytes = rootBytes.subarray(s.view.offset * es, (s.view.offset + s.numel) * es);
    }
  }
}
