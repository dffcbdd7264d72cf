import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TensorFileError,
  readSafetensors,
  readSafetensorsWithMetadata,
  writeSafetensors,
} from '../../runtime/io/safetensors.ts';
import { tensor } from '../../compiler/ir/tensor.ts';

const goldenDir = fileURLToPath(new URL('../../../shared/golden/', import.meta.url));

/** A safetensors file from raw header text and data bytes (header length is the text's UTF-8 length). */
function file(headerText: string | Uint8Array, data: ArrayLike<number> = []): Uint8Array {
  const header = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(Array.from(data), 8 + header.length);
  return out;
}

/** Little-endian bytes of 16-bit words. */
function u16le(words: number[]): number[] {
  return words.flatMap((w) => [w & 0xff, w >>> 8]);
}

function bits(data: Float32Array): number[] {
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}

/** The TensorFileError thrown by `read`, failing the test if something else happens. */
function refusal(bytes: Uint8Array, source = 'bad.safetensors'): TensorFileError {
  try {
    readSafetensors(bytes, source);
  } catch (e) {
    expect(e).toBeInstanceOf(TensorFileError);
    const err = e as TensorFileError;
    expect(err.message).toContain(source);
    return err;
  }
  throw new Error('expected readSafetensors to refuse the file');
}

const f32Entry = (begin: number, end: number, shape: number[]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('safetensors round trip', () => {
  it('writes then reads back the same shapes, bits and metadata', () => {
    const a = tensor([2, 3], new Float32Array([0, -0, 1.5, -2.25, Infinity, 3.4028234663852886e38]));
    const b = tensor([1], new Float32Array([NaN]));
    const scalar = tensor([], new Float32Array([7]));
    const empty = tensor([0, 4]);
    const bytes = writeSafetensors(
      { 'layer.weight': a, 'layer.bias': b, scalar, empty },
      { format: 'pt', note: 'ünï' },
    );
    const { tensors, metadata } = readSafetensorsWithMetadata(bytes, 'rt');
    expect([...tensors.keys()].sort()).toEqual(['empty', 'layer.bias', 'layer.weight', 'scalar']);
    expect(tensors.get('layer.weight')!.shape).toEqual([2, 3]);
    expect(bits(tensors.get('layer.weight')!.data)).toEqual(bits(a.data));
    expect(bits(tensors.get('layer.bias')!.data)).toEqual(bits(b.data));
    expect(tensors.get('scalar')!.shape).toEqual([]);
    expect(Array.from(tensors.get('scalar')!.data)).toEqual([7]);
    expect(tensors.get('empty')!.shape).toEqual([0, 4]);
    expect(tensors.get('empty')!.data.length).toBe(0);
    expect({ ...metadata }).toEqual({ format: 'pt', note: 'ünï' });
    // Header is padded to a multiple of 8 bytes.
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });

  it('round-trips a Map and an empty set of tensors', () => {
    const m = new Map([['x', tensor([3], new Float32Array([1, 2, 3]))]]);
    expect(Array.from(readSafetensors(writeSafetensors(m)).get('x')!.data)).toEqual([1, 2, 3]);
    expect(readSafetensors(writeSafetensors({})).size).toBe(0);
  });

  it('keeps a tensor named "__proto__" as a plain key', () => {
    const bytes = writeSafetensors(new Map([['__proto__', tensor([1], new Float32Array([5]))]]));
    expect(Array.from(readSafetensors(bytes).get('__proto__')!.data)).toEqual([5]);
  });

  it('refuses to write inconsistent tensors', () => {
    expect(() => writeSafetensors({ t: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/3 elements.*needs 4/);
    expect(() => writeSafetensors({ __metadata__: tensor([1]) })).toThrow(/reserved/);
  });

  it('reads from a Uint8Array at an odd offset with unaligned tensor data', () => {
    // Header of odd length, so the data starts at an odd byte, and the file sits at offset 3 of a larger buffer.
    const header = `${JSON.stringify({ a: f32Entry(0, 8, [2]), b: { dtype: 'F16', shape: [1], data_offsets: [8, 10] } })} `;
    const inner = file(header.length % 2 === 1 ? header : `${header} `, [
      ...new Uint8Array(new Float32Array([1.25, -3]).buffer),
      ...u16le([0x3c00]),
    ]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 3);
    const t = readSafetensors(outer.subarray(3, 3 + inner.length));
    expect(Array.from(t.get('a')!.data)).toEqual([1.25, -3]);
    expect(Array.from(t.get('b')!.data)).toEqual([1]);
  });
});

describe('safetensors dtype conversion', () => {
  const read1 = (dtype: string, raw: number[], count: number): Float32Array => {
    const size = raw.length / count;
    return readSafetensors(
      file(JSON.stringify({ t: { dtype, shape: [count], data_offsets: [0, count * size] } }), raw),
    ).get('t')!.data;
  };

  it('converts F16 exactly: 1, -2.5, 65504, subnormals, ±inf, -0, NaN', () => {
    const words = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x7e00, 0x3555];
    const got = read1('F16', u16le(words), words.length);
    expect(Array.from(got.slice(0, 8))).toEqual([
      1,
      -2.5,
      65504,
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
    ]);
    expect(Object.is(got[8], -0)).toBe(true);
    expect(Number.isNaN(got[9])).toBe(true);
    expect(got[10]).toBe(0.333251953125); // 0x3555 = 1365/4096
  });

  it('converts BF16 exactly: 1, -2.5, largest finite, subnormal, ±inf', () => {
    const words = [0x3f80, 0xc020, 0x477f, 0x7f7f, 0x0001, 0x7f80, 0xff80];
    const got = read1('BF16', u16le(words), words.length);
    expect(Array.from(got)).toEqual([1, -2.5, 65280, 3.3895313892515355e38, 2 ** -133, Infinity, -Infinity]);
  });

  it('converts F64 to the nearest float32', () => {
    const raw = Array.from(new Uint8Array(new Float64Array([0.1, -2.5, 1e300, 1e-50]).buffer));
    const got = read1('F64', raw, 4);
    expect(Array.from(got)).toEqual([Math.fround(0.1), -2.5, Infinity, 0]);
  });
});

describe('safetensors golden files', () => {
  for (const id of ['model_lenet5', 'model_mobilenet_dw_separable', 'model_resnet_basic_block']) {
    it(`${id}.safetensors equals the params of ${id}.json bitwise, and writing them reproduces the file`, () => {
      const bytes = new Uint8Array(readFileSync(`${goldenDir}${id}.safetensors`));
      const golden = JSON.parse(readFileSync(`${goldenDir}${id}.json`, 'utf8')) as {
        params: Record<string, { shape: number[]; dtype: string; data: string }>;
      };
      const { tensors, metadata } = readSafetensorsWithMetadata(bytes, `${id}.safetensors`);
      expect({ ...metadata }).toEqual({ format: 'pt' });
      expect([...tensors.keys()].sort()).toEqual(Object.keys(golden.params).sort());
      for (const [key, p] of Object.entries(golden.params)) {
        const raw = Buffer.from(p.data, 'base64');
        // Copy into a fresh buffer: Buffer's own storage need not be 4-byte aligned.
        const expected = new Uint32Array(new Uint8Array(raw).buffer);
        const got = tensors.get(key)!;
        expect(got.shape, key).toEqual(p.shape);
        expect(bits(got.data), key).toEqual(Array.from(expected));
      }
      const again = writeSafetensors(tensors, metadata);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    });
  }
});

describe('safetensors refusals', () => {
  const ok = JSON.stringify({ a: f32Entry(0, 8, [2]) });
  const eightBytes = new Array(8).fill(0);

  it('accepts the baseline file the refusals below mutate', () => {
    expect(readSafetensors(file(ok, eightBytes)).get('a')!.shape).toEqual([2]);
  });

  it('file shorter than 8 bytes', () => {
    expect(refusal(new Uint8Array(5)).message).toMatch(/too short \(5 bytes\)/);
  });

  it('header length larger than the file, or absurd', () => {
    const big = file(ok, eightBytes);
    new DataView(big.buffer).setBigUint64(0, 10_000n, true);
    expect(refusal(big).message).toMatch(/header length 10000 is larger than the file/);
    new DataView(big.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(refusal(big).message).toMatch(/absurd/);
  });

  it('header not UTF-8, not JSON, or not an object', () => {
    expect(refusal(file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).message).toMatch(/not valid UTF-8/);
    expect(refusal(file('{"a": ')).message).toMatch(/not valid JSON/);
    expect(refusal(file('[1, 2]')).message).toMatch(/not a JSON object \(found an array\)/);
    expect(refusal(file('null')).message).toMatch(/not a JSON object/);
    expect(refusal(file('"text"')).message).toMatch(/not a JSON object/);
  });

  it('entry missing a field or with wrong types, naming the tensor', () => {
    const missing = refusal(file(JSON.stringify({ w: { shape: [2], data_offsets: [0, 8] } }), eightBytes));
    expect(missing.message).toMatch(/tensor "w": entry is missing "dtype"/);
    expect(missing.key).toBe('w');
    expect(refusal(file(JSON.stringify({ w: { dtype: 'F32', data_offsets: [0, 8] } }), eightBytes)).message).toMatch(
      /missing "shape"/,
    );
    expect(refusal(file(JSON.stringify({ w: { dtype: 'F32', shape: [2] } }), eightBytes)).message).toMatch(
      /missing "data_offsets"/,
    );
    expect(refusal(file(JSON.stringify({ w: 3 }), eightBytes)).message).toMatch(/entry must be an object/);
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 4, shape: [2], data_offsets: [0, 8] } }), eightBytes)).message,
    ).toMatch(/"dtype" must be a string/);
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }), eightBytes)).message,
    ).toMatch(/"shape" must be an array/);
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [8] } }), eightBytes)).message,
    ).toMatch(/"data_offsets" must be an array \[begin, end\]/);
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, '8'] } }), eightBytes)).message,
    ).toMatch(/"data_offsets" must be non-negative integers/);
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [-1, 7] } }), eightBytes)).message,
    ).toMatch(/"data_offsets" must be non-negative integers/);
  });

  it('negative or non-integer shape dimensions', () => {
    expect(refusal(file(JSON.stringify({ w: f32Entry(0, 8, [-2]) }), eightBytes)).message).toMatch(
      /negative dimension -2/,
    );
    expect(refusal(file(JSON.stringify({ w: f32Entry(0, 8, [1.5]) }), eightBytes)).message).toMatch(
      /non-integer dimension 1\.5/,
    );
    expect(
      refusal(file(JSON.stringify({ w: f32Entry(0, 8, ['2' as unknown as number]) }), eightBytes)).message,
    ).toMatch(/non-integer dimension/);
  });

  it('unknown dtype, naming it and the supported ones', () => {
    const err = refusal(file(JSON.stringify({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }), eightBytes));
    expect(err.message).toMatch(
      /tensor "w": unknown or unsupported dtype "C64" \(supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL\)/,
    );
    expect(
      refusal(file(JSON.stringify({ w: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }), eightBytes)).message,
    ).toMatch(/unsupported dtype "toString"/);
  });

  it('offsets out of range, begin > end, byte count disagreeing with the shape', () => {
    expect(refusal(file(JSON.stringify({ w: f32Entry(0, 12, [3]) }), eightBytes)).message).toMatch(
      /out of range: the data region has 8 bytes/,
    );
    expect(refusal(file(JSON.stringify({ w: f32Entry(8, 0, [2]) }), eightBytes)).message).toMatch(/begin > end/);
    expect(refusal(file(JSON.stringify({ w: f32Entry(0, 8, [3]) }), eightBytes)).message).toMatch(
      /byte count 8 .* disagrees with shape \[3\] of F32, which needs 12 bytes/,
    );
    // A shape whose element count overflows must not be trusted (nor allocated).
    const huge = refusal(file(JSON.stringify({ w: f32Entry(0, 8, [2 ** 40, 2 ** 40]) }), eightBytes));
    expect(huge.message).toMatch(/disagrees with shape.*more than 2\^53 elements/);
  });

  it('overlapping tensors', () => {
    const h = JSON.stringify({ a: f32Entry(0, 8, [2]), b: f32Entry(4, 12, [2]) });
    expect(refusal(file(h, new Array(12).fill(0))).message).toMatch(
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a" \[0, 8\]/,
    );
  });

  it('holes and trailing bytes in the data region', () => {
    const hole = JSON.stringify({ a: f32Entry(0, 4, [1]), b: f32Entry(8, 12, [1]) });
    expect(refusal(file(hole, new Array(12).fill(0))).message).toMatch(
      /bytes 4\.\.8 .* not covered by any tensor \(a hole/,
    );
    expect(refusal(file(ok, new Array(9).fill(0))).message).toMatch(/1 trailing bytes after the last tensor/);
    expect(refusal(file('{}', [1, 2])).message).toMatch(/2 trailing bytes/);
  });

  it('duplicate keys, at the top level and inside an entry', () => {
    const dupTop =
      '{"a": {"dtype":"F32","shape":[1],"data_offsets":[0,4]}, "a": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(refusal(file(dupTop, eightBytes)).message).toMatch(/duplicate key "a" in the header/);
    // Escapes do not hide a duplicate: "\u0061" is "a".
    const dupEscaped =
      '{"a": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}, "\\u0061": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(refusal(file(dupEscaped, eightBytes)).message).toMatch(/duplicate key "a"/);
    const dupInner = '{"a": {"dtype":"F16","shape":[2],"dtype":"F32","data_offsets":[0,8]}}';
    expect(refusal(file(dupInner, eightBytes)).message).toMatch(/duplicate key "dtype" in the header entry "a"/);
    // Equal strings as values, or keys in different objects, are not duplicates.
    const fine = '{"__metadata__": {"a": "a"}, "a": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(readSafetensors(file(fine, eightBytes)).size).toBe(1);
  });

  it('malformed __metadata__', () => {
    expect(refusal(file('{"__metadata__": {"format": 1}}')).message).toMatch(
      /"__metadata__" value for "format" must be a string/,
    );
    expect(refusal(file('{"__metadata__": ["pt"]}')).message).toMatch(/"__metadata__" must be an object of strings/);
  });

  it('only ever throws TensorFileError on corrupted or random input', () => {
    const valid = writeSafetensors(
      { w: tensor([2, 3], new Float32Array([1, 2, 3, 4, 5, 6])), b: tensor([2]) },
      { format: 'pt' },
    );
    const mutation = fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(mutation, fc.nat(valid.length), (changes, cut) => {
        const bytes = valid.slice(0, Math.max(cut, 9));
        for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
        try {
          readSafetensors(bytes);
        } catch (e) {
          if (!(e instanceof TensorFileError)) throw e;
        }
      }),
      { numRuns: 400, seed: 12345 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(() => readSafetensors(bytes)).toThrow(TensorFileError);
      }),
      { numRuns: 200, seed: 54321 },
    );
  });
});

describe('reading from a Node Buffer', () => {
  it('copies exactly the tensor bytes, even though Buffer.slice() is a view of a shared pool', async () => {
    const { readSafetensors: read, writeSafetensors: write } = await import('../../runtime/io/safetensors.ts');
    const bytes = write({ w: { shape: [2], data: new Float32Array([1.5, -2]) } });
    // a small Buffer lives inside Node's 8 KiB pool, at a non-zero offset
    const pooled = Buffer.from(bytes);
    const t = read(pooled).get('w')!;
    expect(t.data.length).toBe(2);
    expect(Array.from(t.data)).toEqual([1.5, -2]);
  });
});
