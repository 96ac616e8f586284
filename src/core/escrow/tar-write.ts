/**
 * POSIX tar (pax interchange format, POSIX.1-2001 / IEEE 1003.1 `pax`) headers for the deposit
 * archive. Self-contained (node: imports only) so that the sealing worker loads it from src and
 * dist alike.
 *
 * Each member is a ustar header; a name that is not ASCII or longer than 100 bytes, or a size
 * of 8 GiB or more, is carried in a pax extended header ('x') before it, as GNU tar, bsdtar and
 * busybox read it. No directories, links or devices are ever written: only the registered
 * regular files, under their registered (relative, NFC) names.
 */

export const BLOCK = 512;
/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = 2 * BLOCK;
/** The largest size the ustar field holds (11 octal digits). */
const USTAR_MAX_SIZE = 0o77777777777;

export interface TarFile {
  /** The registered name: relative POSIX path, NFC. */
  name: string;
  size: number;
  /** Permission bits (0644 or 0755). */
  mode: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
}

/** Bytes of zero padding after `size` bytes of content. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The header block(s) that precede a file's content. */
export function fileHeader(f: TarFile): Buffer {
  const name = Buffer.from(f.name, 'utf8');
  const ascii = /^[\x20-\x7e]*$/.test(f.name);
  const records: string[] = [];
  if (!ascii || name.length > 100) records.push(paxRecord('path', f.name));
  if (f.size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(f.size)));
  const main = ustar({ name: truncate(name, 100), size: Math.min(f.size, USTAR_MAX_SIZE), mode: f.mode, mtime: f.mtime, type: '0' });
  if (records.length === 0) return main;
  const body = Buffer.from(records.join(''), 'utf8');
  const base = f.name.split('/').pop()!;
  const pax = ustar({ name: truncate(Buffer.from(`PaxHeaders/${base}`, 'utf8'), 100), size: body.length, mode: 0o644, mtime: f.mtime, type: 'x' });
  return Buffer.concat([pax, body, Buffer.alloc(padding(body.length)), main]);
}

/** A pax record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(rest, 'utf8');
  let len = n + String(n).length;
  if (String(len).length !== String(n).length) len = n + String(len).length;
  return `${len}${rest}`;
}

/** At most `max` bytes, cut at a UTF-8 character boundary. */
function truncate(b: Buffer, max: number): Buffer {
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

function ustar(h: { name: Buffer; size: number; mode: number; mtime: number; type: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  h.name.copy(b, 0);
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime)));
  b.write(h.type, 156, 'latin1');
  b.write('ustar\u000000', 257, 'latin1');
  // The checksum is computed with its own field as spaces (POSIX).
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return b;
}

/** An octal field of `width` bytes: width-1 digits and a NUL. */
function octal(b: Buffer, at: number, width: number, v: number): void {
  b.write(`${v.toString(8).padStart(width - 1, '0')}\u0000`, at, 'latin1');
}
