/**
 * Every dtype PyTorch writes, through safetensors (laid out as safetensors.torch.save_file does) and
 * torch.save (zip and legacy), compared with the values torch holds; strided views; integers that
 * cannot become float32.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { readSafetensors, readStoredSafetensors } from '../../runtime/io/safetensors.ts';
import { type StoredTensor, storedIntegerAt, storedToFloat32 } from '../../runtime/io/stored-tensor.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import { type ExpectedTensor, expectedNumber, makeCheckpoints, safetensorsOf } from './fixtures.ts';

const files = makeCheckpoints('dtypes');
const expected = JSON.parse(readFileSync(files.at('dtypes.json'), 'utf8')) as Record<string, ExpectedTensor>;
const DTYPES = ['f64', 'f32', 'f16', 'bf16', 'i64', 'i32', 'i16', 'i8', 'u8', 'bool', 'scalar_i64', 'empty_f32'];
const VIEWS = ['view.offset', 'view.transposed', 'view.expanded', 'view.step', 'view.half_t', 'tied.a', 'tied.b'];

/** The tensor's float32 values equal torch's .to(torch.float32), bit for bit (NaN as NaN). */
function expectValues(key: string, t: StoredTensor): void {
  const want = expected[key];
  expect(t.dtype, key).toBe(want.dtype);
  expect(t.shape, key).toEqual(want.shape);
  const converted = storedToFloat32(t);
  if (want.float32) {
    if (!('data' in converted)) throw new Error(`${key}: ${converted.lossy.value} is lossy`);
    // toEqual tells NaN and -0 apart as Object.is does
    expect(Array.from(converted.data), key).toEqual(want.float32.map(expectedNumber));
  } else {
    expect('lossy' in converted, key).toBe(true);
  }
  if (want.ints)
    expect(
      want.ints.map((_, i) => storedIntegerAt(t, i)),
      key,
    ).toEqual(want.ints);
}

describe.each([
  ['safetensors', 'dtypes.safetensors', 'safetensors', DTYPES],
  ['torch.save, zip', 'dtypes.pth', 'torch-zip', [...DTYPES, ...VIEWS]],
  ['torch.save, legacy', 'dtypes-legacy.pth', 'torch-legacy', [...DTYPES, ...VIEWS]],
])('%s', (_what, name, format, keys) => {
  const checkpoint = readCheckpoint(files.bytes(name), name);

  it('is recognised by its content', () => {
    expect(checkpoint.format).toBe(format);
    expect(checkpoint.location).toBe('');
  });

  it.each(keys)('%s has the dtype, shape and values torch holds', (key) => {
    expectValues(key, checkpoint.tensors.get(key)!);
  });

  it('keeps a 0-dim int64 beyond 2^32 exact', () => {
    expect(storedIntegerAt(checkpoint.tensors.get('scalar_i64')!, 0)).toBe(12345678901);
  });

  it.each([
    ['lossy_i64', '16777217', 1],
    ['lossy_i32', '-16777219', 0],
    ['lossy_i64_huge', '4611686018427387904', 0],
  ])('%s cannot become float32: the first bad value is named', (key, value, index) => {
    const converted = storedToFloat32(checkpoint.tensors.get(key)!);
    expect(converted).toEqual({ lossy: { index, value } });
  });
});

describe('safetensors as safetensors.torch.save_file writes it', () => {
  const bytes = files.bytes('dtypes.safetensors');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

  it('has the layout the library writes: padded header, `__metadata__` first, tensors by dtype then name', () => {
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(header.startsWith('{"__metadata__":{"format":"pt"}')).toBe(true);
    const { tensors } = readStoredSafetensors(bytes, 'dtypes.safetensors');
    const order = [...tensors.keys()];
    expect(order.slice(0, 4)).toEqual(['i64', 'lossy_i64', 'lossy_i64_huge', 'scalar_i64']);
    expect(order.at(-1)).toBe('bool');
  });

  it('readSafetensors gives float32 tensors that remember their dtype, and refuses lossy integers by key', () => {
    expect(() => readSafetensors(bytes, 'dtypes.safetensors')).toThrowError(TensorFileError);
    expect(() => readSafetensors(bytes, 'dtypes.safetensors')).toThrow(
      /dtypes\.safetensors: tensor "lossy_i64": I64 value 16777217 \(element 1\) cannot become float32 without loss/,
    );
    // a file of the tensors a float32 holds exactly reads, each remembering its dtype
    const { tensors } = readStoredSafetensors(bytes, 'dtypes.safetensors');
    const exact = readSafetensors(safetensorsOf([...tensors].filter(([k]) => expected[k].float32)), 'exact');
    expect(exact.size).toBe(11);
    for (const [key, t] of exact) {
      expect(t.dtype, key).toBe(expected[key].dtype);
      expect(Array.from(t.data), key).toEqual(expected[key].float32!.map(expectedNumber));
    }
    // a long training run's num_batches_tracked (12345678901) is no float32: readSafetensors refuses the
    // whole file, readCheckpoint (what cnnc itself uses) keeps the count exact
    expect(() => readSafetensors(files.bytes('resnet.safetensors'), 'resnet.safetensors')).toThrow(
      /tensor "bn1\.num_batches_tracked": I64 value 12345678901/,
    );
    const stored = readCheckpoint(files.bytes('resnet.safetensors'), 'resnet.safetensors').tensors;
    expect(storedIntegerAt(stored.get('bn1.num_batches_tracked')!, 0)).toBe(12345678901);
  });
});

describe('torch.save archives', () => {
  it('a view of a storage reads its own elements; two keys for one tensor share them', () => {
    const { tensors } = readCheckpoint(files.bytes('dtypes.pth'), 'dtypes.pth');
    expect(tensors.get('tied.a')!.bytes).toBe(tensors.get('tied.b')!.bytes);
    // contiguous views are views of the file, not copies
    expect(tensors.get('view.offset')!.bytes.buffer).toBe(tensors.get('f32')!.bytes.buffer);
  });

  it('protocol 4 pickles (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) read the same as protocol 2', () => {
    const a = readCheckpoint(files.bytes('resnet.pth'), 'resnet.pth').tensors;
    const b = readCheckpoint(files.bytes('resnet-proto4.pth'), 'resnet-proto4.pth').tensors;
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [key, t] of a) expect(Array.from(b.get(key)!.bytes), key).toEqual(Array.from(t.bytes));
  });
});
