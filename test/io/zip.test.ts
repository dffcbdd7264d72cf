/**
 * The zip reader under torch.save archives: stored entries are views of the file, deflated ones are
 * inflated to their declared size, ZIP64 records are followed, and every damaged offset, size,
 * signature or checksum is refused by name, never read out of bounds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { readZip } from '../../runtime/io/pth/zip.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

const dir = tempDir('zip');
const PAYLOAD = Array.from({ length: 3000 }, (_, i) => (i * 37) % 251);
writeFileSync(
  join(dir, 'make.py'),
  `
import sys, zipfile, torch
out = sys.argv[1]
payload = bytes(${JSON.stringify(PAYLOAD)})
with zipfile.ZipFile(out + '/plain.zip', 'w') as z:
    z.writestr('a/stored', payload, compress_type=zipfile.ZIP_STORED)
    z.writestr('a/deflated', payload, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('a/empty', b'', compress_type=zipfile.ZIP_STORED)
with zipfile.ZipFile(out + '/bzip2.zip', 'w') as z:
    z.writestr('a/b', payload, compress_type=zipfile.ZIP_BZIP2)
with zipfile.ZipFile(out + '/twice.zip', 'w') as z:
    z.writestr('a/x', b'1')
    z.writestr('a/x', b'2')
sd = {'w': torch.arange(6.0).reshape(2, 3), 'n': torch.tensor(7)}
torch.save(sd, out + '/m.pth')
# every record ZIP64: the limits lowered so zipfile writes the ZIP64 extra fields and end records
zipfile.ZIP64_LIMIT = 0
zipfile.ZIP_FILECOUNT_LIMIT = 0
with zipfile.ZipFile(out + '/m.pth') as src, zipfile.ZipFile(out + '/m64.pth', 'w') as dst:
    for info in src.infolist():
        dst.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_STORED)
# torch itself reads the ZIP64 archive
assert torch.equal(torch.load(out + '/m64.pth')['w'], sd['w'])
`,
);
runPython(join(dir, 'make.py'), [dir]);
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

function refusal(bytes: Uint8Array): string {
  try {
    const zip = readZip(bytes, 'z.zip');
    for (const name of zip.entries.keys()) zip.read(name);
  } catch (e) {
    expect(e).toBeInstanceOf(TensorFileError);
    expect((e as Error).message).toMatch(/^z\.zip: zip archive: /);
    return (e as Error).message;
  }
  throw new Error('expected the archive to be refused');
}

/** The offset of the last occurrence of a 4-byte little-endian signature. */
function lastSignature(bytes: Uint8Array, sig: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.length - 4; at >= 0; at--) if (view.getUint32(at, true) === sig) return at;
  throw new Error('no signature');
}
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const edit = (bytes: Uint8Array, f: (view: DataView, out: Uint8Array) => void) => {
  const out = Uint8Array.from(bytes);
  f(new DataView(out.buffer), out);
  return out;
};

describe('valid archives', () => {
  it('stored entries are views of the file; deflated ones inflate to the same bytes', () => {
    const bytes = file('plain.zip');
    const zip = readZip(bytes, 'plain.zip');
    expect([...zip.entries.keys()]).toEqual(['a/stored', 'a/deflated', 'a/empty']);
    const stored = zip.read('a/stored');
    expect(Array.from(stored)).toEqual(PAYLOAD);
    expect(stored.buffer).toBe(bytes.buffer);
    expect(zip.entries.get('a/deflated')!.method).toBe(8);
    expect(Array.from(zip.read('a/deflated'))).toEqual(PAYLOAD);
    expect(zip.read('a/empty').length).toBe(0);
  });

  it('ZIP64 end records and extra fields are followed (an archive torch.load reads too)', () => {
    const bytes = file('m64.pth');
    // the archive really is ZIP64: an end record locator, and saturated sizes in the directory
    const cd = lastSignature(bytes, CENTRAL);
    expect(lastSignature(bytes, 0x07064b50)).toBeGreaterThan(cd);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(cd + 24, true)).toBe(0xffffffff);
    const a = readCheckpoint(bytes, 'm64.pth');
    const b = readCheckpoint(file('m.pth'), 'm.pth');
    expect(a.format).toBe('torch-zip');
    expect(Array.from(a.tensors.get('w')!.bytes)).toEqual(Array.from(b.tensors.get('w')!.bytes));
  });

  it('torch aligns stored entries, so a float32 storage is an aligned view', () => {
    const bytes = file('m.pth');
    const w = readCheckpoint(bytes, 'm.pth').tensors.get('w')!;
    expect(w.bytes.buffer).toBe(bytes.buffer);
    expect((w.bytes.byteOffset - bytes.byteOffset) % 64).toBe(0);
  });
});

describe('damaged archives', () => {
  const plain = file('plain.zip');
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const eocd = lastSignature(plain, EOCD);
  const cd = view.getUint32(eocd + 16, true);

  it.each([
    ['truncated (no end record)', plain.subarray(0, plain.length - 10), /no end-of-central-directory record/],
    ['truncated inside the data', plain.subarray(0, 2000), /no end-of-central-directory record/],
    [
      'a central directory past its end record',
      edit(plain, (v) => v.setUint32(eocd + 16, cd + 40, true)),
      /the central directory \(offset \d+, \d+ bytes\) runs past its end record/,
    ],
    [
      'more entries than the directory can hold',
      edit(plain, (v) => v.setUint16(eocd + 10, 5000, true)),
      /5000 entries cannot fit in a central directory of \d+ bytes/,
    ],
    [
      'a bad central directory signature',
      edit(plain, (v) => v.setUint32(cd, 0x12345678, true)),
      /central directory entry 0 \(offset \d+\) has a bad signature/,
    ],
    [
      'a name running past the directory',
      edit(plain, (v) => v.setUint16(cd + 28, 60000, true)),
      /central directory entry 0 runs past the directory's end/,
    ],
    [
      'a local header offset pointing elsewhere',
      edit(plain, (v) => v.setUint32(cd + 42, 7, true)),
      /entry `a\/stored`: no local header at offset 7/,
    ],
    [
      'a local header offset beyond the data',
      edit(plain, (v) => v.setUint32(cd + 42, 0xfffffff0, true)),
      /its local header \(offset 4294967280\) is outside the file's data/,
    ],
    [
      'a size running past the data',
      edit(plain, (v) => {
        v.setUint32(cd + 20, 1e9, true);
        v.setUint32(cd + 24, 1e9, true);
      }),
      /entry `a\/stored`: its 1000000000 bytes at offset \d+ run past the data/,
    ],
    [
      'a damaged byte (CRC-32)',
      edit(plain, (_v, out) => {
        out[60] ^= 0xff;
      }),
      /entry `a\/stored` is damaged: its CRC-32 is 0x[0-9a-f]{8}, the directory says/,
    ],
    [
      'a deflated size that deflate cannot reach',
      edit(plain, (v) => {
        const second = cd + 46 + v.getUint16(cd + 28, true) + v.getUint16(cd + 30, true) + v.getUint16(cd + 32, true);
        expect(v.getUint32(second, true)).toBe(CENTRAL);
        v.setUint32(second + 24, 2e9, true);
      }),
      /entry `a\/deflated` claims to inflate \d+ bytes to 2000000000, which deflate cannot/,
    ],
    ['an encrypted entry', edit(plain, (v) => v.setUint16(cd + 8, 1, true)), /entry `a\/stored` is encrypted/],
    [
      'a saturated size without a ZIP64 extra field',
      edit(plain, (v) => v.setUint32(cd + 24, 0xffffffff, true)),
      /entry `a\/stored` has saturated sizes but no ZIP64 extra field/,
    ],
    [
      'a ZIP64 end record promised but missing',
      edit(plain, (v) => v.setUint32(eocd + 16, 0xffffffff, true)),
      /the end record says ZIP64, but there is no ZIP64 end-of-central-directory locator/,
    ],
  ])('%s', (_what, bytes, reason) => {
    expect(refusal(bytes)).toMatch(reason);
  });

  it('two entries with one name, and an unsupported compression method', () => {
    expect(refusal(file('twice.zip'))).toMatch(/two entries are named `a\/x`/);
    expect(refusal(file('bzip2.zip'))).toMatch(/entry `a\/b` uses compression method 12/);
  });

  it('a damaged ZIP64 end record', () => {
    const bytes = file('m64.pth');
    const locator = lastSignature(bytes, 0x07064b50);
    const bad = edit(bytes, (v) => v.setBigUint64(locator + 8, 2n ** 40n, true));
    expect(refusal(bad)).toMatch(/ZIP64 end record offset 1099511627776 is outside the file/);
  });

  it('a torch archive whose deflate stream is longer than its declared size is refused', () => {
    const bytes = file('plain.zip');
    const second =
      cd + 46 + view.getUint16(cd + 28, true) + view.getUint16(cd + 30, true) + view.getUint16(cd + 32, true);
    const bad = edit(bytes, (v) => v.setUint32(second + 24, PAYLOAD.length - 10, true));
    expect(refusal(bad)).toMatch(/entry `a\/deflated` inflates to more bytes, not 2990/);
  });
});
