/**
 * Damaged .pth files: valid torch.save checkpoints (zip and legacy, written by PyTorch) with bytes
 * flipped, cut and inserted anywhere, and, so the unpickler sees them behind valid checksums, their
 * data.pkl damaged inside a freshly written zip. Every result is a clean refusal (TensorFileError,
 * UnsafePickleError among them) or a consistent state dict; never another exception (a RangeError
 * would mean a read out of bounds), and each case within the time bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { crc32 } from '../../runtime/io/pth/crc32.ts';
import { readZip } from '../../runtime/io/pth/zip.ts';
import { DTYPE_BYTES, STORED_DTYPES, storedToFloat32 } from '../../runtime/io/stored-tensor.ts';
import { TensorFileError } from '../../runtime/io/tensor-file-error.ts';
import { CASE_MS, fuzz, timed } from '../fuzz/fuzz-config.ts';
import { makeCheckpoints } from './fixtures.ts';

const files = makeCheckpoints('pth-fuzz');
const ZIP = files.bytes('dtypes.pth');
const LEGACY = files.bytes('dtypes-legacy.pth');
const NESTED = files.bytes('resnet-nested.pth');

type Edit =
  | { readonly op: 'flip'; readonly at: number; readonly value: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
);

/** Applies edits; even positions land in the first `hot` bytes (the pickles, the zip's first header). */
function damage(file: Uint8Array, edits: readonly Edit[], hot: number): Uint8Array {
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

/** A zip of stored entries with correct sizes and checksums, as torch writes them (without alignment). */
function storedZip(entries: readonly [string, Uint8Array][]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = enc.encode(name);
    const local = new Uint8Array(30 + n.length + data.length);
    const lv = new DataView(local.buffer);
    const crc = crc32(data);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    local.set(data, 30 + n.length);
    const central = new Uint8Array(46 + n.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, n.length, true);
    cv.setUint32(42, offset, true);
    central.set(n, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The entries of a zip (all of them readable). */
function entriesOf(zip: Uint8Array): [string, Uint8Array][] {
  const archive = readZip(zip, 'valid');
  return [...archive.entries.keys()].map((name) => [name, Uint8Array.from(archive.read(name))]);
}

/** A read either refuses with TensorFileError or returns tensors whose bytes fit their dtype and shape. */
function readsOrRefuses(bytes: Uint8Array): 'read' | 'refused' {
  let outcome: 'read' | 'refused' = 'refused';
  const { ms } = timed(() => {
    let checkpoint: ReturnType<typeof readCheckpoint>;
    try {
      checkpoint = readCheckpoint(bytes, 'fuzzed.pth');
    } catch (e) {
      if (!(e instanceof TensorFileError)) throw e;
      expect(e.message.startsWith('fuzzed.pth: ')).toBe(true);
      expect(e.message).not.toContain('\n');
      return;
    }
    outcome = 'read';
    for (const [key, t] of checkpoint.tensors) {
      expect(typeof key).toBe('string');
      expect(STORED_DTYPES).toContain(t.dtype);
      expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
      expect(t.bytes.length).toBe(t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype]);
      const converted = storedToFloat32(t);
      if ('data' in converted) expect(converted.data.length * DTYPE_BYTES[t.dtype]).toBe(t.bytes.length);
    }
  });
  expect(ms).toBeLessThan(CASE_MS);
  return outcome;
}

describe('damaged .pth files', () => {
  it('the valid files read', () => {
    expect(readsOrRefuses(ZIP)).toBe('read');
    expect(readsOrRefuses(LEGACY)).toBe('read');
    expect(readsOrRefuses(NESTED)).toBe('read');
  });

  it.each([
    ['zip', ZIP, 1500],
    ['legacy', LEGACY, 2500],
    ['a nested training checkpoint', NESTED, 6000],
  ])('%s: random byte damage', (_what, file, hot) => {
    const outcomes = { read: 0, refused: 0 };
    fuzz(fc.array(edit, { minLength: 1, maxLength: 4 }), 300, (edits) => {
      outcomes[readsOrRefuses(damage(file, edits, hot))]++;
    });
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it.each([
    ['zip', ZIP],
    ['a nested training checkpoint', NESTED],
  ])('%s: data.pkl damaged behind valid zip checksums', (_what, file) => {
    const entries = entriesOf(file);
    const pkl = entries.findIndex(([name]) => name.endsWith('/data.pkl'));
    expect(pkl).toBeGreaterThanOrEqual(0);
    expect(readsOrRefuses(storedZip(entries))).toBe('read');
    const outcomes = { read: 0, refused: 0 };
    fuzz(fc.array(edit, { minLength: 1, maxLength: 3 }), 400, (edits) => {
      const damaged = entries.map(([name, data], i): [string, Uint8Array] => [
        name,
        i === pkl ? damage(data, edits, data.length) : data,
      ]);
      outcomes[readsOrRefuses(storedZip(damaged))]++;
    });
    // both happen: some damage leaves a valid pickle (a changed value), most does not
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.read).toBeGreaterThan(0);
  });
});
