/** checkpointFormat tells formats apart by content, also where a safetensors header's length looks like a pickle. */
import { describe, expect, it } from 'vitest';
import { checkpointFormat, readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';

/** A safetensors file whose header is exactly `length` bytes (the writer pads the header to 8). */
function safetensorsWithHeaderLength(length: number): Uint8Array {
  for (let nameLength = 1; nameLength < 2000; nameLength++) {
    const bytes = writeSafetensors({ ['w'.repeat(nameLength)]: { shape: [2], data: new Float32Array([1, -2]) } });
    const header = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    if (header === length) return bytes;
  }
  throw new Error(`no header of ${length} bytes`);
}

describe('checkpointFormat', () => {
  // 640 = 0x280: the file starts 0x80 0x02, a pickle's protocol-2 opcode
  it.each([640, 896, 1152, 1408])('reads a safetensors file whose header is %i bytes long', (length) => {
    const bytes = safetensorsWithHeaderLength(length);
    expect([bytes[0], bytes[1]]).toEqual([0x80, length >> 8]);
    expect(checkpointFormat(bytes)).toBe('safetensors');
    const tensors = [...readCheckpoint(bytes).tensors.values()];
    expect(tensors.map((t) => t.shape)).toEqual([[2]]);
  });

  it('still tells a legacy torch.save pickle and a zip archive apart', () => {
    const legacy = Uint8Array.from([
      0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
    ]);
    expect(checkpointFormat(legacy)).toBe('torch-legacy');
    expect(checkpointFormat(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]))).toBe('torch-zip');
  });

  it('does not take a header length longer than the file for safetensors', () => {
    const bytes = new Uint8Array(16);
    bytes[0] = 0xff;
    bytes[8] = 0x7b;
    expect(checkpointFormat(bytes)).toBe('safetensors'); // the lenient fallback: the reader then names the problem
    expect(() => readCheckpoint(bytes, 'bad.safetensors')).toThrow(/bad\.safetensors/);
  });
});
