/**
 * Files downloaded from strangers: safetensors weights, .npy arrays and PNG/JPEG images, valid ones
 * damaged at random (bytes flipped, truncated, inserted) and with their headers rewritten at random
 * (dtypes, shapes, offsets, lengths, duplicate keys). The readers either return consistent tensors or
 * refuse with their own error type naming the file; they never throw anything else (a RangeError
 * would mean a read out of bounds) and they finish within the time bound.
 * The refusal of each named class of bad file is tested in test/io/*.test.ts and, end to end through
 * the CLI, in test/cli/cli-failures.test.ts.
 */
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../runtime/images/image-error.ts';
import { decodeImage } from '../../runtime/images/decode.ts';
import { encodePng } from '../../runtime/images/encode.ts';
import { readNpy, writeNpy } from '../../runtime/io/npy.ts';
import { readSafetensors, writeSafetensors } from '../../runtime/io/safetensors.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { CASE_MS, fuzz, timed } from './fuzz-config.ts';

const ramp = (shape: number[]) => {
  const t = tensor(shape);
  t.data.forEach((_, i) => (t.data[i] = i * 0.5 - 3));
  return t;
};

const VALID_WEIGHTS = writeSafetensors(
  { 'conv.weight': ramp([4, 3, 3, 3]), 'conv.bias': ramp([4]), 'fc.weight': ramp([2, 5]) },
  { format: 'pt' },
);
const VALID_NPY = writeNpy(ramp([1, 3, 4, 5]));

type ByteEdit =
  | { readonly op: 'flip'; readonly at: number; readonly value: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array };

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
);

/** Applies edits; `hot` bytes at the start (the header) are hit more often. */
function editBytes(file: Uint8Array, edits: readonly ByteEdit[], hot: number): Uint8Array {
  let out = Uint8Array.from(file);
  for (const e of edits) {
    if (out.length === 0) break;
    const at = (e.at % 2 === 0 ? e.at % Math.min(hot, out.length) : e.at) % out.length;
    if (e.op === 'flip') out[at] = e.value;
    else if (e.op === 'truncate') out = out.slice(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), ...e.bytes, ...out.subarray(at)]);
  }
  return out;
}

/** What every successful read must satisfy. */
function consistent(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
    expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  }
}

/** Runs a reader: it returns, or throws `errorType`; anything else fails with the error shown. */
function readsOrRefuses<T>(
  read: () => T,
  errorType: abstract new (...a: never[]) => Error,
  accept: (value: T) => void,
): void {
  const { ms } = timed(() => {
    let value: T;
    try {
      value = read();
    } catch (e) {
      if (!(e instanceof errorType))
        throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message} instead of ${errorType.name}`, {
          cause: e,
        });
      expect((e as Error).message.length).toBeGreaterThan(10);
      return;
    }
    accept(value);
  });
  expect(ms).toBeLessThan(CASE_MS);
}

/** Random JSON values in the places a safetensors header holds numbers, strings and arrays. */
const jsonJunk = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(2 ** 31, 2 ** 32 + 4, 2 ** 53, 2 ** 64, 1e308, -0, 0.5, NaN),
  fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'U8', 'BOOL', 'f32', '', 'F32\u0000'),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 200 }), { maxLength: 5 }),
);

describe('safetensors from strangers', () => {
  it('reads the undamaged file', () => {
    expect([...readSafetensors(VALID_WEIGHTS).keys()].sort()).toEqual(['conv.bias', 'conv.weight', 'fc.weight']);
  });

  it('returns consistent tensors or refuses with TensorFileError, for random byte damage', () => {
    fuzz(fc.array(byteEdit, { minLength: 1, maxLength: 4 }), 400, (edits) => {
      readsOrRefuses(
        () => readSafetensors(editBytes(VALID_WEIGHTS, edits, 200), 'w.safetensors'),
        TensorFileError,
        (m) => consistent(m.values()),
      );
    });
  });

  it('likewise for headers rewritten at random: dtypes, shapes, offsets, lengths, duplicate keys', () => {
    const headerLength = Number(new DataView(VALID_WEIGHTS.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(VALID_WEIGHTS.subarray(8, 8 + headerLength)));
    const data = VALID_WEIGHTS.subarray(8 + headerLength);
    const rewrite = fc.record({
      key: fc.constantFrom('conv.weight', 'conv.bias', 'fc.weight', '__metadata__'),
      field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra'),
      value: jsonJunk,
      duplicate: fc.boolean(),
      lengthDelta: fc.oneof(
        fc.constant(0),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom(2 ** 40, -headerLength - 8),
      ),
      dataDelta: fc.integer({ min: -8, max: 8 }),
    });
    fuzz(rewrite, 400, ({ key, field, value, duplicate, lengthDelta, dataDelta }) => {
      const h = structuredClone(header);
      h[key] = typeof h[key] === 'object' && h[key] !== null ? { ...h[key], [field]: value } : value;
      let text = JSON.stringify(h);
      if (duplicate) text = text.replace(/^\{/, `{"${key}":${JSON.stringify(h[key] ?? 0)},`);
      const json = new TextEncoder().encode(text);
      const body =
        dataDelta >= 0
          ? Uint8Array.from([...data, ...new Uint8Array(dataDelta)])
          : data.subarray(0, data.length + dataDelta);
      const file = new Uint8Array(8 + json.length + body.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + lengthDelta)), true);
      file.set(json, 8);
      file.set(body, 8 + json.length);
      readsOrRefuses(
        () => readSafetensors(file, 'w.safetensors'),
        TensorFileError,
        (m) => consistent(m.values()),
      );
    });
  });
});

describe('.npy arrays from strangers', () => {
  const headerOf = (dict: string) => {
    const pad = 64 - ((10 + dict.length + 1) % 64);
    return `${dict}${' '.repeat(pad % 64)}\n`;
  };

  it('returns a consistent tensor or refuses with TensorFileError, for random byte damage', () => {
    fuzz(fc.array(byteEdit, { minLength: 1, maxLength: 4 }), 400, (edits) => {
      readsOrRefuses(
        () => readNpy(editBytes(VALID_NPY, edits, 128), 'x.npy'),
        TensorFileError,
        (t) => consistent([t]),
      );
    });
  });

  it('likewise for header dicts rewritten at random: dtype, shape, order, length field', () => {
    const dict = fc.record({
      descr: fc.constantFrom(
        "'<f4'",
        "'>f8'",
        "'|u1'",
        "'<i8'",
        "'<c8'",
        "'|O'",
        "'<U5'",
        "'<f16'",
        "'f4'",
        "[('a', '<f4')]",
        '3',
        "'|b1'",
        "'<f2'",
      ),
      order: fc.constantFrom('False', 'True', "'no'", '0'),
      shape: fc.oneof(
        fc
          .array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 })
          .map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
        fc.constantFrom(
          '(-1, 3)',
          '(99999999999999999999,)',
          '(2**40,)',
          '[1, 2]',
          '(1.5,)',
          '()',
          '(4294967296, 4294967296)',
        ),
      ),
      extraKey: fc.boolean(),
      dataBytes: fc.nat({ max: 400 }),
      version: fc.constantFrom(1, 2, 3, 4),
      lengthDelta: fc.integer({ min: -4, max: 4 }),
    });
    fuzz(dict, 400, ({ descr, order, shape, extraKey, dataBytes, version, lengthDelta }) => {
      const text = headerOf(
        `{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape}, ${extraKey ? "'x': 1, " : ''}}`,
      );
      const head = new TextEncoder().encode(text);
      const lenBytes = version === 1 ? 2 : 4;
      const file = new Uint8Array(8 + lenBytes + head.length + dataBytes);
      file.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
      const view = new DataView(file.buffer);
      const declared = Math.max(0, head.length + lengthDelta);
      if (version === 1) view.setUint16(8, Math.min(declared, 0xffff), true);
      else view.setUint32(8, declared, true);
      file.set(head, 8 + lenBytes);
      readsOrRefuses(
        () => readNpy(file, 'x.npy'),
        TensorFileError,
        (t) => consistent([t]),
      );
    });
  });
});

describe('images from strangers', () => {
  const pixels = new Uint8Array(6 * 5 * 4).map((_, i) => (i * 37) % 256);
  const PNG = encodePng({ width: 6, height: 5, data: pixels }, 6);
  const JPEG = new Uint8Array(jpeg.encode({ width: 6, height: 5, data: Buffer.from(pixels) }, 90).data);

  it('decodes the undamaged PNG and JPEG', () => {
    expect(decodeImage(PNG, 'a.png')).toMatchObject({ width: 6, height: 5, format: 'png' });
    expect(decodeImage(JPEG, 'a.jpg')).toMatchObject({ width: 6, height: 5, format: 'jpeg' });
  });

  it('returns pixels or refuses with ImageError, for random damage to a PNG and a JPEG', () => {
    fuzz(
      fc.record({ png: fc.boolean(), edits: fc.array(byteEdit, { minLength: 1, maxLength: 3 }) }),
      300,
      ({ png, edits }) => {
        readsOrRefuses(
          () => decodeImage(editBytes(png ? PNG : JPEG, edits, 64), png ? 'a.png' : 'a.jpg'),
          ImageError,
          (img) => {
            expect(img.data.length).toBe(img.width * img.height * 4);
          },
        );
      },
    );
  });

  it('refuses a PNG header declaring a giant image before allocating its pixels', () => {
    const giant = Uint8Array.from(PNG);
    new DataView(giant.buffer).setUint32(16, 100_000);
    new DataView(giant.buffer).setUint32(20, 100_000);
    const { ms } = timed(() =>
      expect(() => decodeImage(giant, 'giant.png')).toThrow(/declares 100000x100000 pixels, more than the limit/),
    );
    expect(ms).toBeLessThan(CASE_MS);
  });
});
