import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../compiler/5-codegen/onnx/proto-writer.ts';

const bytes = (w: ProtoWriter) => [...w.finish()];

describe('the protobuf writer', () => {
  it('writes varint fields with the tag (field << 3 | wire type 0)', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().int(2, 300))).toEqual([0x10, 0xac, 0x02]);
  });

  it("writes a negative int64 as ten bytes of two's complement", () => {
    expect(bytes(new ProtoWriter().int(1, -1))).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('writes strings, packed ints and nested messages length-delimited (wire type 2)', () => {
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([0x12, 0x07, ...Buffer.from('testing')]);
    expect(bytes(new ProtoWriter().packedInts(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    expect(bytes(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('writes a float as fixed32 little-endian (wire type 5)', () => {
    expect(bytes(new ProtoWriter().float(2, 1.5))).toEqual([0x15, 0x00, 0x00, 0xc0, 0x3f]);
  });

  it('refuses what protobuf cannot hold', () => {
    expect(() => new ProtoWriter().int(0, 1)).toThrow(/field number/);
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow(/safe integer/);
  });
});
