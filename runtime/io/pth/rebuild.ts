/**
 * What "calling" an allow-listed global builds: torch._utils._rebuild_tensor_v2 and friends become a
 * PyTensor (a strided view of a storage), OrderedDict() an empty dict, torch.Size a tuple. Every
 * argument is checked; the allow-listed names that a state dict never calls (sparse and meta tensors,
 * tensor and storage constructors, dtypes) are refused, naming the global. Then each tensor becomes a
 * StoredTensor: a view of its storage's bytes when contiguous, a copy when strided, never a read
 * outside the storage.
 */
import { DTYPE_BYTES, type StoredTensor, TORCH_DTYPE_NAMES } from '../stored-tensor.ts';
import { TensorFileError } from '../tensor-file-error.ts';
import { PyDict, type PyGlobal, PyList, PyStorage, PyTensor, PyTuple, type PyValue, pyTypeName } from './py-values.ts';
import { shown } from '../shown.ts';

/** torch's limit on dimensions. */
const MAX_DIMS = 64;

export function callAllowed(fn: PyGlobal, args: readonly PyValue[], source: string, what: string): PyValue {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, `${what}: ${fn.path}: ${problem}`);
  };
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max)
      fail(`takes ${min === max ? min : `${min} to ${max}`} arguments, not ${args.length}`);
  };
  switch (fn.path) {
    case 'collections.OrderedDict':
      if (args.length !== 0) fail('only OrderedDict() with no arguments is read (torch.save never passes any)');
      return new PyDict(true);
    case 'torch._utils._rebuild_tensor_v2':
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      arity(6, 7);
      if (typeof args[4] !== 'boolean') fail(`requires_grad must be a bool, not ${pyTypeName(args[4])}`);
      return tensorOf(args, fail);
    case 'torch._utils._rebuild_tensor':
      arity(4);
      return tensorOf(args, fail);
    case 'torch._utils._rebuild_parameter':
      // (data, requires_grad, backward_hooks)
      arity(3);
      if (!(args[0] instanceof PyTensor)) fail(`its data must be a tensor, not ${pyTypeName(args[0])}`);
      return args[0];
    case 'torch.nn.parameter.Parameter':
      // Parameter(data=None, requires_grad=True)
      arity(1, 2);
      if (!(args[0] instanceof PyTensor)) fail(`its data must be a tensor, not ${pyTypeName(args[0])}`);
      return args[0];
    case 'torch.Size': {
      arity(1);
      const items = args[0] instanceof PyTuple || args[0] instanceof PyList ? args[0].items : null;
      if (!items?.every((d) => typeof d === 'bigint')) return fail('takes a tuple of ints');
      return new PyTuple(items);
    }
    case 'torch._utils._rebuild_sparse_tensor':
    case 'torch._utils._rebuild_sparse_csr_tensor':
    case 'torch.serialization._get_layout':
      return fail('sparse tensors are not supported (save them dense: tensor.to_dense())');
    case 'torch._utils._rebuild_meta_tensor_no_storage':
      return fail('meta tensors hold no data');
    default:
      return fail('calling it is not supported (torch.save never does for a state dict)');
  }
}

/** (storage, storage_offset, size, stride) checked: non-negative integers, as many strides as sizes. */
function tensorOf(args: readonly PyValue[], fail: (problem: string) => never): PyTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof PyStorage)) return fail(`its storage must be a storage, not ${pyTypeName(storage)}`);
  const dims = (v: PyValue, what: string): number[] => {
    if (!(v instanceof PyTuple)) return fail(`its ${what} must be a tuple, not ${pyTypeName(v)}`);
    if (v.items.length > MAX_DIMS) fail(`its ${what} has ${v.items.length} dimensions (at most ${MAX_DIMS})`);
    return v.items.map((d) => natural(d, `its ${what}`, fail));
  };
  const sizes = dims(size, 'size');
  const strides = dims(stride, 'stride');
  if (sizes.length !== strides.length) fail(`its size has ${sizes.length} dimensions, its stride ${strides.length}`);
  return new PyTensor(storage, natural(offset, 'its storage offset', fail), sizes, strides);
}

function natural(v: PyValue, what: string, fail: (problem: string) => never): number {
  if (typeof v !== 'bigint') return fail(`${what} must be an int, not ${pyTypeName(v)}`);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
    return fail(`${what} holds ${v}, not a non-negative integer below 2^53`);
  return Number(v);
}

/** A shared allowance for copying strided tensors, so views shared through the memo cannot multiply the work. */
export interface CopyBudget {
  bytesLeft: number;
}

/** The tensor's elements, in row-major order, as a StoredTensor; refuses reads outside its storage. */
export function materialize(t: PyTensor, key: string, source: string, budget: CopyBudget): StoredTensor {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem, key);
  };
  const storage = t.storage;
  const bytes = storage.bytes;
  const { dtype } = storage;
  if (!bytes) return fail(`its storage \`${shown(storage.key)}\` has no data in the file`);
  const es = DTYPE_BYTES[dtype];
  let count = 1;
  for (const d of t.size) {
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER) fail(`shape [${t.size.join(', ')}] has more than 2^53 elements`);
  }
  const shape = [...t.size];
  if (count === 0) return { dtype, shape, bytes: new Uint8Array(0) };
  // the furthest element the view reads
  let last = t.offset;
  for (let i = 0; i < t.size.length; i++) last += (t.size[i] - 1) * t.stride[i];
  if (!(last < storage.numel))
    fail(
      `shape [${t.size.join(', ')}] with stride [${t.stride.join(', ')}] at offset ${t.offset} reads element ${last} of a ${TORCH_DTYPE_NAMES[dtype]} storage of ${storage.numel} elements: the storage is shorter than the tensor needs`,
    );
  if (isContiguous(t.size, t.stride))
    return { dtype, shape, bytes: bytes.subarray(t.offset * es, (t.offset + count) * es) };
  // a strided view (a transpose, a slice, an expanded dimension): copy its elements in order
  const total = count * es;
  if (total > budget.bytesLeft)
    fail(
      `a strided view of ${count} elements needs a copy of ${total} bytes, more than the file could hold (a view expanded past its storage?)`,
    );
  budget.bytesLeft -= total;
  const out = new Uint8Array(total);
  const rank = t.size.length;
  const index = new Array<number>(rank).fill(0);
  let from = t.offset;
  for (let n = 0; n < count; n++) {
    for (let b = 0, src = from * es, dst = n * es; b < es; b++) out[dst + b] = bytes[src + b];
    // odometer: advance the last dimension, carrying into earlier ones
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < t.size[d]) {
        from += t.stride[d];
        break;
      }
      from -= (t.size[d] - 1) * t.stride[d];
      index[d] = 0;
    }
  }
  return { dtype, shape, bytes: out };
}

/** Row-major strides, ignoring dimensions of size 1 (whose stride never matters). */
function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    if (size[i] !== 1 && stride[i] !== expected) return false;
    expected *= size[i];
  }
  return true;
}
