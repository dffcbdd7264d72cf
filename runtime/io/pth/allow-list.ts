/**
 * The globals a weights-only pickle may name: exactly torch 1.13's `_get_allowed_globals()` (see
 * torch/_weights_only_unpickler.py; a test compares this list with torch's own). Naming one does
 * nothing; what calling one does is decided in rebuild.ts, and most may not be called at all.
 */
import type { StoredDtype } from '../stored-tensor.ts';

const TYPES = ['BFloat16', 'Bool', 'Byte', 'Char', 'Double', 'Float', 'Half', 'Int', 'Long', 'Short'] as const;
const SPARSE_TYPES = TYPES.filter((t) => t !== 'Bool');
const COMPLEX_STORAGES = ['ComplexDouble', 'ComplexFloat'];
const QUANTIZED_STORAGES = ['QInt32', 'QInt8', 'QUInt2x4', 'QUInt4x2', 'QUInt8'];

export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  ...['complex32', 'complex64', 'complex128', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64'].map(
    (d) => `torch.${d}`,
  ),
  ...TYPES.flatMap((t) => [`torch.${t}Tensor`, `torch.cuda.${t}Tensor`]),
  ...SPARSE_TYPES.flatMap((t) => [`torch.sparse.${t}Tensor`, `torch.cuda.sparse.${t}Tensor`]),
  ...[...TYPES, ...COMPLEX_STORAGES].flatMap((t) => [`torch.${t}Storage`, `torch.cuda.${t}Storage`]),
  ...QUANTIZED_STORAGES.map((t) => `torch.${t}Storage`),
  'torch.storage.TypedStorage',
  'torch.storage.UntypedStorage',
  ...[
    '_rebuild_parameter',
    '_rebuild_tensor',
    '_rebuild_tensor_v2',
    '_rebuild_sparse_tensor',
    '_rebuild_meta_tensor_no_storage',
    '_rebuild_sparse_csr_tensor',
  ].map((f) => `torch._utils.${f}`),
]);

/** The dtype of each storage class whose elements we read (CPU and CUDA classes alike). */
const STORAGE_DTYPES: Readonly<Record<string, StoredDtype>> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/**
 * The dtype of an allow-listed storage class (`torch.FloatStorage`, `torch.cuda.HalfStorage`,
 * `torch.storage.UntypedStorage` as bytes), or a reason it is not read.
 */
export function storageDtype(path: string): { dtype: StoredDtype } | { refused: string } {
  if (path === 'torch.storage.UntypedStorage') return { dtype: 'U8' };
  const name = path.replace(/^torch\.(cuda\.)?/, '');
  if (ALLOWED_GLOBALS.has(path) && Object.hasOwn(STORAGE_DTYPES, name)) return { dtype: STORAGE_DTYPES[name] };
  if (/^(Complex|Q)/.test(name)) return { refused: `complex and quantized storages (${path}) are not supported` };
  return { refused: `\`${path}\` is not a storage type` };
}
