import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorFileError, bigIntToFloat32, readNpy, writeNpy } from '../../runtime/io/npy.ts';
import { tensor } from '../../compiler/ir/tensor.ts';

/**
 * An .npy file built by hand from the format spec, as np.save writes it: magic, version, header length,
 * the dict text padded with spaces so that magic+length+header is a multiple of 64, a final '\n', then data.
 */
function npy(dict: string, data: ArrayLike<number>, version: [number, number] = [1, 0]): Uint8Array {
  const prefix = version[0] === 1 ? 10 : 12;
  const padded = `${dict + ' '.repeat(64 - ((prefix + dict.length + 1) % 64))}\n`;
  const out = new Uint8Array(prefix + padded.length + data.length);
  out.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), ...version]);
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(
    padded.split('').map((c) => c.charCodeAt(0)),
    prefix,
  );
  out.set(Array.from(data), prefix + padded.length);
  return out;
}

const header = (descr: string, shape: string, fortran = false): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;

/** NumPy >= 1.23 adds 21 - len(str(shape[0])) spaces so the first axis can grow in place. */
const withGrowth = (dict: string, firstDim: number): string => dict + ' '.repeat(21 - String(firstDim).length);

const bytesOf = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function refusal(bytes: Uint8Array, source = 'x.npy'): TensorFileError {
  try {
    readNpy(bytes, source);
  } catch (e) {
    expect(e).toBeInstanceOf(TensorFileError);
    expect((e as TensorFileError).message).toContain(source);
    return e as TensorFileError;
  }
  throw new Error('expected readNpy to refuse the file');
}

describe('npy files as NumPy writes them', () => {
  // np.save(f, np.array([[0, 1.5, -2], [3.25, 1e-3, 65504]], dtype='<f4'))
  const values = [0, 1.5, -2, 3.25, 1e-3, 65504];
  const f4File = npy(withGrowth(header('<f4', '(2, 3)'), 2), bytesOf(new Float32Array(values)));

  it('reads a 2x3 <f4 array', () => {
    expect(f4File.length).toBe(128 + 24);
    expect(f4File[8]).toBe(118); // header length, little-endian u16
    const t = readNpy(f4File);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual(values.map(Math.fround));
  });

  it('reads a 3-element <i8 array', () => {
    // np.save(f, np.array([1, -2, 2**60 + 2**36 + 1], dtype='<i8'))
    const ints = new BigInt64Array([1n, -2n, 2n ** 60n + 2n ** 36n + 1n]);
    const t = readNpy(npy(withGrowth(header('<i8', '(3,)'), 3), bytesOf(ints)));
    expect(t.shape).toEqual([3]);
    // The last value rounds once to float32 (2^60 + 2^37); rounding via float64 first would give 2^60.
    expect(Array.from(t.data)).toEqual([1, -2, 2 ** 60 + 2 ** 37]);
  });

  it('writeNpy produces exactly the bytes np.save does', () => {
    expect(bytesOf(writeNpy(tensor([2, 3], new Float32Array(values))))).toEqual(bytesOf(f4File));
    const scalar = npy(header('<f4', '()'), bytesOf(new Float32Array([7])));
    expect(bytesOf(writeNpy(tensor([], new Float32Array([7]))))).toEqual(bytesOf(scalar));
    const vector = npy(withGrowth(header('<f4', '(1,)'), 1), bytesOf(new Float32Array([-1])));
    expect(bytesOf(writeNpy(tensor([1], new Float32Array([-1]))))).toEqual(bytesOf(vector));
  });

  it('round-trips shapes of every rank, including empty ones', () => {
    for (const shape of [[], [0], [4], [2, 0, 3], [1, 2, 3, 4], [123456789012, 0]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
      const bytes = writeNpy(tensor(shape, data));
      expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
      const back = readNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('switches to version 2.0 when the header outgrows 16 bits, and reads it back', () => {
    // NumPy itself caps arrays at 64 dimensions, so only this format-level path can reach version 2.0 for '<f4'.
    const shape = new Array(22000).fill(1);
    const bytes = writeNpy(tensor(shape, new Float32Array([2.5])));
    expect([bytes[6], bytes[7]]).toEqual([2, 0]);
    expect((12 + new DataView(bytes.buffer).getUint32(8, true)) % 64).toBe(0);
    expect(Array.from(readNpy(bytes).data)).toEqual([2.5]);
  });

  it('reads versions 2.0 and 3.0', () => {
    const data = bytesOf(new Float32Array([1, 2]));
    expect(Array.from(readNpy(npy(header('<f4', '(2,)'), data, [2, 0])).data)).toEqual([1, 2]);
    expect(Array.from(readNpy(npy(header('<f4', '(2,)'), data, [3, 0])).data)).toEqual([1, 2]);
  });
});

describe('npy dtype conversion', () => {
  const read = (descr: string, shape: string, data: ArrayBufferView | number[]): number[] =>
    Array.from(readNpy(npy(header(descr, shape), Array.isArray(data) ? data : bytesOf(data))).data);

  it('integers, unsigned integers and bool', () => {
    expect(read('|i1', '(3,)', [0x80, 0x7f, 0xff])).toEqual([-128, 127, -1]);
    expect(read('<i2', '(2,)', new Int16Array([-32768, 1234]))).toEqual([-32768, 1234]);
    expect(read('<i4', '(2,)', new Int32Array([-2147483648, 16777217]))).toEqual([-2147483648, 16777216]);
    expect(read('|u1', '(2,)', [0, 255])).toEqual([0, 255]);
    expect(read('<u2', '(1,)', new Uint16Array([65535]))).toEqual([65535]);
    expect(read('<u4', '(1,)', new Uint32Array([4294967295]))).toEqual([4294967296]);
    expect(read('<u8', '(1,)', new BigUint64Array([2n ** 64n - 1n]))).toEqual([2 ** 64]);
    expect(read('|b1', '(3,)', [1, 0, 1])).toEqual([1, 0, 1]);
  });

  it('float16 and float64', () => {
    expect(read('<f2', '(4,)', new Uint16Array([0x3c00, 0xc100, 0x7bff, 0x0001]))).toEqual([1, -2.5, 65504, 2 ** -24]);
    expect(read('<f8', '(3,)', new Float64Array([0.1, -2.5, 1e39]))).toEqual([Math.fround(0.1), -2.5, Infinity]);
  });

  it('big-endian data', () => {
    expect(read('>f4', '(2,)', [0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0])).toEqual([1, -2.5]);
    expect(read('>i2', '(2,)', [0x01, 0x02, 0xff, 0xfe])).toEqual([258, -2]);
    expect(read('>f2', '(1,)', [0x3c, 0x00])).toEqual([1]);
    expect(read('>i8', '(1,)', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd])).toEqual([-3]);
  });

  it('fortran_order True is transposed into C order', () => {
    // np.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores 1 4 2 5 3 6.
    const f = npy(header('<f4', '(2, 3)', true), bytesOf(new Float32Array([1, 4, 2, 5, 3, 6])));
    expect(Array.from(readNpy(f).data)).toEqual([1, 2, 3, 4, 5, 6]);
    // 3-D: element (i, j, k) sits at i + 2*j + 6*k in the file and at 12*i + 4*j + k in C order.
    const fileOrder = new Float32Array(24);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fileOrder[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
    const t = readNpy(npy(header('<f4', '(2, 3, 4)', true), bytesOf(fileOrder)));
    expect(t.shape).toEqual([2, 3, 4]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) expect(t.data[12 * i + 4 * j + k]).toBe(100 * i + 10 * j + k);
  });

  it('bigIntToFloat32 rounds once, ties to even', () => {
    expect(bigIntToFloat32(2n ** 24n + 1n)).toBe(2 ** 24); // tie -> even
    expect(bigIntToFloat32(2n ** 24n + 3n)).toBe(2 ** 24 + 4); // tie -> even (up)
    expect(bigIntToFloat32(2n ** 60n + 2n ** 36n)).toBe(2 ** 60); // exact tie -> even
    expect(bigIntToFloat32(2n ** 60n + 3n * 2n ** 36n)).toBe(2 ** 60 + 2 ** 38); // tie -> even (up)
    expect(bigIntToFloat32(-(2n ** 63n))).toBe(-(2 ** 63));
    expect(bigIntToFloat32(-(2n ** 60n + 2n ** 36n + 1n))).toBe(-(2 ** 60 + 2 ** 37));
  });
});

describe('npy refusals', () => {
  const data6 = bytesOf(new Float32Array(6));

  it('bad magic, bad version, too short', () => {
    const f = npy(header('<f4', '(2, 3)'), data6);
    const badMagic = f.slice();
    badMagic[1] = 0x6e; // 'n'
    expect(refusal(badMagic).message).toMatch(/bad magic/);
    for (const v of [
      [4, 0],
      [1, 1],
      [0, 0],
    ]) {
      const bad = f.slice();
      bad.set(v, 6);
      expect(refusal(bad).message).toMatch(new RegExp(`unsupported .npy format version ${v[0]}\\.${v[1]}`));
    }
    expect(refusal(f.slice(0, 7)).message).toMatch(/too short/);
    expect(refusal(f.slice(0, 60)).message).toMatch(/header length 118 is larger than the file/);
  });

  it('object, structured and unsupported dtypes', () => {
    expect(refusal(npy(header('|O', '(2,)'), new Array(16).fill(0))).message).toMatch(
      /object dtype '\|O' is not supported/,
    );
    const structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }";
    expect(refusal(npy(structured, new Array(8).fill(0))).message).toMatch(
      /structured \(record\) dtypes are not supported/,
    );
    expect(refusal(npy(header('<c8', '(1,)'), new Array(8).fill(0))).message).toMatch(
      /unsupported dtype '<c8' \(supported: /,
    );
    expect(refusal(npy(header('<U3', '(1,)'), new Array(12).fill(0))).message).toMatch(/unsupported dtype '<U3'/);
    expect(refusal(npy(header('<M8[ns]', '(1,)'), new Array(8).fill(0))).message).toMatch(/unsupported dtype/);
    expect(refusal(npy(header('|f4', '(1,)'), new Array(4).fill(0))).message).toMatch(/no byte order/);
  });

  it('header not a Python dict literal (and never evaluated)', () => {
    expect(refusal(npy("__import__('os').system('echo hi')", [])).message).toMatch(
      /not a Python dict literal .*unexpected name '__import__'/,
    );
    expect(refusal(npy('[1, 2]', [])).message).toMatch(/not a Python dict literal/);
    expect(refusal(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", data6)).message).toMatch(
      /not a Python dict literal/,
    );
    expect(refusal(npy("{'descr': '<f4' 'fortran_order': False}", [])).message).toMatch(/expected ',' or '}'/);
    expect(
      refusal(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data6)).message,
    ).toMatch(/duplicate key 'descr'/);
    expect(refusal(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } extra", data6)).message).toMatch(
      /after the literal/,
    );
    expect(refusal(npy('('.repeat(100) + ')'.repeat(100), [])).message).toMatch(/nesting deeper/);
  });

  it('missing or unexpected keys, and a non-bool fortran_order', () => {
    expect(refusal(npy("{'descr': '<f4', 'shape': (2, 3), }", data6)).message).toMatch(/missing 'fortran_order'/);
    expect(refusal(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", data6)).message).toMatch(
      /unexpected key 'x'/,
    );
    expect(refusal(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", data6)).message).toMatch(
      /'fortran_order' must be True or False/,
    );
  });

  it('shape not a tuple of non-negative ints', () => {
    for (const shape of ['[2, 3]', '(2, -3)', "('2',)", '(2.5,)', '6', '(6)', '(None,)', '(99999999999999999999,)']) {
      expect(refusal(npy(header('<f4', shape), data6)).message, shape).toMatch(
        /'shape' must be a tuple of non-negative integers|not a Python dict literal/,
      );
    }
    expect(refusal(npy(header('<f4', '(2, -3)'), data6)).message).toMatch(
      /'shape' must be a tuple of non-negative integers \(found -3\)/,
    );
    expect(refusal(npy(header('<f4', '(6)'), data6)).message).toMatch(/'shape' must be a tuple/);
  });

  it('data shorter or longer than the shape needs', () => {
    expect(refusal(npy(header('<f4', '(2, 3)'), data6.slice(0, 20))).message).toMatch(
      /data is shorter than the shape needs: shape \(2, 3\) of '<f4' needs 24 bytes, the file has 20/,
    );
    expect(refusal(npy(header('<f4', '(2, 3)'), [...data6, 0])).message).toMatch(
      /data is longer than the shape needs.*the file has 25/,
    );
    // An element count beyond any file: refused before allocating.
    expect(refusal(npy(header('<f4', '(4000000000, 4000000000)'), data6)).message).toMatch(
      /too many elements|shorter than the shape needs/,
    );
    expect(refusal(npy(header('<f4', '(100000, 100000, 100000, 100000)'), data6)).message).toMatch(/too many elements/);
  });

  it('refuses to write inconsistent tensors', () => {
    expect(() => writeNpy({ shape: [2, 2], data: new Float32Array(3) })).toThrow(TensorFileError);
  });

  it('only ever throws TensorFileError on corrupted or random input', () => {
    const valid = writeNpy(tensor([2, 3], new Float32Array([1, 2, 3, 4, 5, 6])));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(valid.length),
        (changes, cut) => {
          const bytes = valid.slice(0, cut);
          for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
          try {
            readNpy(bytes);
          } catch (e) {
            if (!(e instanceof TensorFileError)) throw e;
          }
        },
      ),
      { numRuns: 400, seed: 777 },
    );
    // Mutations restricted to the header text exercise the literal parser harder.
    const headerChars = fc.constantFrom(...'{}()[],:\'" 0123456789-TrueFalseNonedescrshape<>|f4i8L\n'.split(''));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 10, max: 80 }), headerChars), { minLength: 1, maxLength: 6 }),
        (changes) => {
          const bytes = valid.slice();
          for (const [at, ch] of changes) bytes[at] = ch.charCodeAt(0);
          try {
            readNpy(bytes);
          } catch (e) {
            if (!(e instanceof TensorFileError)) throw e;
          }
        },
      ),
      { numRuns: 400, seed: 778 },
    );
  });
});
