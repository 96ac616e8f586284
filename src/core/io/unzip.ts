/**
 * A minimal ZIP reader (PKWARE APPNOTE 6.3) for evidence packs received as one file: the central
 * directory, stored and deflated entries, CRC-32 checked. In memory and bounded — an archive is
 * evidence from outside: sizes are checked before anything is inflated, inflation stops at the
 * declared size, and no entry is ever written to disk (so names like `../x` are only names).
 * No ZIP64, no encryption, no multi-disk archives: each is refused with a clear message.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { t, type Text } from '../text.js';

export interface ZipLimits {
  /** Most entries read. */
  entries: number;
  /** Largest uncompressed entry. */
  entryBytes: number;
  /** Largest total of uncompressed entries. */
  totalBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { entries: 65_535, entryBytes: 16 << 20, totalBytes: 512 << 20 };

export interface ZipFile {
  /** Entry names (files only, in archive order). */
  names: string[];
  /** The uncompressed bytes of an entry, or undefined when the archive has no such file. */
  read(name: string): Uint8Array | undefined;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function unzip(bytes: Uint8Array, what: string, limits: ZipLimits = ZIP_LIMITS): ZipFile {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: Text): never => {
    throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: not a zip tsproof can read (${why})` });
  };
  // The end-of-central-directory record: in the last 22 + 65,535 bytes (its comment may follow it).
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === EOCD && i + 22 + b.readUInt16LE(i + 20) === b.length) {
      end = i;
      break;
    }
  }
  if (end < 0) bad(t`no end of central directory`);
  if (b.readUInt16LE(end + 4) !== 0 || b.readUInt16LE(end + 6) !== 0) bad(t`a multi-part archive`);
  const count = b.readUInt16LE(end + 10);
  const cdSize = b.readUInt32LE(end + 12);
  const cdOffset = b.readUInt32LE(end + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) bad(t`ZIP64 is not supported`);
  if (count > limits.entries) bad(t`more than ${limits.entries} entries`);
  if (cdOffset + cdSize > end) bad(t`the central directory lies outside the file`);

  const entries = new Map<string, { method: number; flags: number; crc: number; compressed: number; size: number; offset: number }>();
  let total = 0;
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > end || b.readUInt32LE(p) !== CENTRAL) bad(t`a broken central directory`);
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    const crc = b.readUInt32LE(p + 16);
    const compressed = b.readUInt32LE(p + 20);
    const size = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const offset = b.readUInt32LE(p + 42);
    if (p + 46 + nameLen > end) bad(t`a broken central directory`);
    // Names are UTF-8 when flag bit 11 says so; otherwise, as zip tools do, bytes read as Latin-1.
    const name = b.toString(flags & 0x0800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (flags & 0x0001) bad(t`"${name}" is encrypted`);
    if (method !== 0 && method !== 8) bad(t`"${name}" uses compression method ${method}`);
    if (size > limits.entryBytes) bad(t`"${name}" is larger than ${limits.entryBytes} bytes`);
    total += size;
    if (total > limits.totalBytes) bad(t`more than ${limits.totalBytes} bytes in all`);
    if (entries.has(name)) bad(t`"${name}" appears twice`);
    entries.set(name, { method, flags, crc, compressed, size, offset });
  }

  return {
    names: [...entries.keys()],
    read(name) {
      const e = entries.get(name);
      if (!e) return undefined;
      const o = e.offset;
      if (o + 30 > b.length || b.readUInt32LE(o) !== LOCAL) bad(t`"${name}": no local header`);
      const start = o + 30 + b.readUInt16LE(o + 26) + b.readUInt16LE(o + 28);
      if (start + e.compressed > cdOffset) bad(t`"${name}": data outside the archive`);
      const body = b.subarray(start, start + e.compressed);
      let data: Buffer;
      if (e.method === 0) data = body;
      else {
        try {
          // Inflation never goes beyond the declared size (a zip bomb stops there and fails).
          data = inflateRawSync(body, { maxOutputLength: Math.max(1, e.size) });
        } catch {
          return bad(t`"${name}" does not inflate to its declared ${e.size} bytes`);
        }
      }
      if (data.length !== e.size) bad(t`"${name}" is ${data.length} bytes, the directory says ${e.size}`);
      if (crc32(data) >>> 0 !== e.crc) bad(t`"${name}": CRC-32 mismatch`);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
  };
}
