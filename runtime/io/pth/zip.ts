/**
 * A zip reader for torch.save archives, strict about every offset and size: the end-of-central-
 * directory record (and its ZIP64 form), the central directory, and each entry's local header are
 * checked against the file before anything is read. Stored entries (what torch writes) are views of
 * the file, nothing copied; deflated ones are inflated by fflate into a buffer of the declared size.
 * Every entry's CRC-32 is checked.
 */
import { inflateSync } from 'fflate';
import { TensorFileError } from '../tensor-file-error.ts';
import { crc32 } from './crc32.ts';
import { shown } from '../shown.ts';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  /** entries by name, in central-directory order */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** the entry's bytes (a view of the file when stored); throws TensorFileError when damaged */
  read(name: string): Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_EXTRA = 0x0001;

/** Deflate expands at most about 1032 times; a larger claimed size is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** The most a typed array can hold in every JavaScript engine we run on. */
const MAX_ENTRY_BYTES = 2 ** 31 - 1;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** True when the bytes start like a zip archive (a local header, or the record of an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6);
}

export function readZip(bytes: Uint8Array, source: string): ZipArchive {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, `zip archive: ${problem}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number, what: string): number => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${v} is absurd`);
    return Number(v);
  };

  const eocd = findEndRecord(bytes, view);
  if (eocd < 0) fail('no end-of-central-directory record (the file is truncated or not a zip archive)');
  let disk = u16(eocd + 4);
  let cdDisk = u16(eocd + 6);
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdLimit = eocd;
  // a ZIP64 end record, when there is one, holds the true values (as Python's zipfile reads it)
  const locator = eocd - 20;
  const hasLocator = locator >= 0 && u32(locator) === ZIP64_LOCATOR;
  const saturated = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || disk === 0xffff;
  if (saturated && !hasLocator)
    fail('the end record says ZIP64, but there is no ZIP64 end-of-central-directory locator before it');
  if (hasLocator) {
    const at = u64(locator + 8, 'ZIP64 end record offset');
    if (at + 56 > locator) fail(`ZIP64 end record offset ${at} is outside the file`);
    if (u32(at) !== ZIP64_EOCD) fail(`no ZIP64 end-of-central-directory record at offset ${at}`);
    disk = u32(at + 16);
    cdDisk = u32(at + 20);
    count = u64(at + 32, 'ZIP64 entry count');
    cdSize = u64(at + 40, 'ZIP64 central directory size');
    cdOffset = u64(at + 48, 'ZIP64 central directory offset');
    cdLimit = at;
  }
  if (disk !== 0 || cdDisk !== 0) fail('archives split over several disks are not read');
  if (cdOffset + cdSize > cdLimit)
    fail(`the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at offset ${cdLimit}`);
  // each central-directory entry takes at least 46 bytes
  if (count * 46 > cdSize) fail(`${count} entries cannot fit in a central directory of ${cdSize} bytes`);

  const entries = new Map<string, ZipEntry>();
  const cdEnd = cdOffset + cdSize;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdEnd) fail(`central directory entry ${i} runs past the directory's end`);
    if (u32(p) !== CENTRAL) fail(`central directory entry ${i} (offset ${p}) has a bad signature`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLength = u16(p + 28);
    const extraLength = u16(p + 30);
    const commentLength = u16(p + 32);
    let startDisk = u16(p + 34);
    let localHeaderOffset = u32(p + 42);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cdEnd) fail(`central directory entry ${i} runs past the directory's end`);
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLength);
    const name = (flags & 0x800 ? utf8 : latin1).decode(nameBytes);
    // the ZIP64 extra field holds, in this order, each field whose 32-bit slot is saturated
    const extra = findExtra(view, p + 46 + nameLength, extraLength, ZIP64_EXTRA);
    if (
      size === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff ||
      startDisk === 0xffff
    ) {
      if (!extra) fail(`entry \`${shown(name)}\` has saturated sizes but no ZIP64 extra field`);
      let q = extra!.start;
      const take = (what: string): number => {
        if (q + 8 > extra!.end) fail(`entry \`${shown(name)}\`: the ZIP64 extra field is too short for its ${what}`);
        const v = u64(q, `entry \`${shown(name)}\` ${what}`);
        q += 8;
        return v;
      };
      if (size === 0xffffffff) size = take('size');
      if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
      if (startDisk === 0xffff) {
        if (q + 4 > extra!.end)
          fail(`entry \`${shown(name)}\`: the ZIP64 extra field is too short for its disk number`);
        startDisk = u32(q);
      }
    }
    if (startDisk !== 0) fail(`entry \`${shown(name)}\` is on disk ${startDisk}; split archives are not read`);
    if (entries.has(name)) fail(`two entries are named \`${shown(name)}\` (ambiguous: which one is meant?)`);
    entries.set(name, { name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
    p = next;
  }

  const read = (name: string): Uint8Array => {
    const e = entries.get(name);
    if (!e) return fail(`has no entry \`${shown(name)}\``);
    return readEntry(bytes, view, e, cdOffset, fail);
  };
  return { entries, read };
}

/** The offset of the end-of-central-directory record, searched backwards over the largest comment; -1 if none. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) {
    if (bytes[at] !== 0x50 || view.getUint32(at, true) !== EOCD) continue;
    // the comment must end exactly where the file does
    if (at + 22 + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  return -1;
}

/** The data span of extra field `id` within [start, start + length), or undefined. */
function findExtra(
  view: DataView,
  start: number,
  length: number,
  id: number,
): { start: number; end: number } | undefined {
  let q = start;
  const end = start + length;
  while (q + 4 <= end) {
    const fieldId = view.getUint16(q, true);
    const fieldSize = view.getUint16(q + 2, true);
    if (q + 4 + fieldSize > end) return undefined;
    if (fieldId === id) return { start: q + 4, end: q + 4 + fieldSize };
    q += 4 + fieldSize;
  }
  return undefined;
}

function readEntry(
  bytes: Uint8Array,
  view: DataView,
  e: ZipEntry,
  cdOffset: number,
  fail: (problem: string) => never,
): Uint8Array {
  const at = e.localHeaderOffset;
  if (at + 30 > cdOffset)
    fail(`entry \`${shown(e.name)}\`: its local header (offset ${at}) is outside the file's data`);
  if (view.getUint32(at, true) !== LOCAL) fail(`entry \`${shown(e.name)}\`: no local header at offset ${at}`);
  if (e.flags & 0x1) fail(`entry \`${shown(e.name)}\` is encrypted`);
  const nameLength = view.getUint16(at + 26, true);
  const extraLength = view.getUint16(at + 28, true);
  const start = at + 30 + nameLength + extraLength;
  if (start + e.compressedSize > cdOffset)
    fail(
      `entry \`${shown(e.name)}\`: its ${e.compressedSize} bytes at offset ${start} run past the data (the file is truncated?)`,
    );
  const localName = (e.flags & 0x800 ? utf8 : latin1).decode(bytes.subarray(at + 30, at + 30 + nameLength));
  if (localName !== e.name) fail(`entry \`${shown(e.name)}\`: its local header names a different file`);
  const stored = bytes.subarray(start, start + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size)
      fail(`entry \`${shown(e.name)}\` is stored, but its sizes differ (${e.compressedSize} and ${e.size} bytes)`);
    data = stored;
  } else if (e.method === 8) {
    if (e.size > MAX_ENTRY_BYTES || e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024)
      fail(`entry \`${shown(e.name)}\` claims to inflate ${e.compressedSize} bytes to ${e.size}, which deflate cannot`);
    // one spare byte: a stream longer than declared fills it, and is refused
    const out = new Uint8Array(e.size + 1);
    try {
      data = inflateSync(stored, { out });
    } catch (err) {
      return fail(`entry \`${shown(e.name)}\` does not inflate (${(err as Error).message})`);
    }
    if (data.length !== e.size)
      fail(
        `entry \`${shown(e.name)}\` inflates to ${data.length === e.size + 1 ? 'more' : data.length} bytes, not ${e.size}`,
      );
  } else {
    return fail(
      `entry \`${shown(e.name)}\` uses compression method ${e.method} (only stored and deflated entries are read)`,
    );
  }
  const crc = crc32(data);
  if (crc !== e.crc32)
    fail(`entry \`${shown(e.name)}\` is damaged: its CRC-32 is ${hex(crc)}, the directory says ${hex(e.crc32)}`);
  return data;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
