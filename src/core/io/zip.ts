/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3: local headers, deflate or store, central
 * directory; no ZIP64, so under 4 GiB and 65,535 entries) for evidence packs sent as one file.
 * Names are UTF-8 (flag bit 11); Unix modes are kept so verify.sh stays executable.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { t } from '../text.js';

export interface ZipEntry {
  path: string;
  data: Uint8Array | string;
  executable?: boolean;
}

/** DOS date and time of `at` (local fields in UTC: packs are the same wherever they are made). */
function dosTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((Math.max(at.getUTCFullYear(), 1980) - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** `store`: no compression (every entry method 0), for callers that make many zips and want them fast. */
export function zip(entries: readonly ZipEntry[], at: Date, o: { store?: boolean } = {}): Buffer {
  if (entries.length > 0xffff) throw new InputError({ code: 'BAD_ARGUMENT', message: t`a zip holds at most 65,535 entries (this pack has ${entries.length}); write a folder instead` });
  const { time, date } = dosTime(at);
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.path, 'utf8');
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    const deflated = o.store ? raw : deflateRawSync(raw);
    const [method, body] = deflated.length < raw.length ? [8, deflated] : [0, raw];
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    // Method, time, date, CRC, sizes and name length: the same run in both records, 2 bytes apart.
    const common = (b: Buffer, at: number) => {
      b.writeUInt16LE(method, at);
      b.writeUInt16LE(time, at + 2);
      b.writeUInt16LE(date, at + 4);
      b.writeUInt32LE(crc, at + 6);
      b.writeUInt32LE(body.length, at + 10);
      b.writeUInt32LE(raw.length, at + 14);
      b.writeUInt16LE(name.length, at + 18);
    };
    common(local, 8);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, spec 2.0
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    common(cd, 10);
    cd.writeUInt32LE(((e.executable ? 0o100755 : 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
    if (offset > 0xffffffff) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the pack is too large for a zip without ZIP64; write a folder instead` });
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}
