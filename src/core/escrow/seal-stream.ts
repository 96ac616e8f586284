/**
 * The sealing loop: the registered files, as a tar stream, encrypted (AES-256-CBC with an
 * AES-256-GMAC over the ciphertext, or AES-256-GCM) and appended to the deposit as the encrypted
 * content's OCTET STRING segments (envelope.ts). Each file is read once, straight into a reused
 * plaintext segment buffer. With a `PlainTap` (the deposit's), the segment buffers are shared
 * memory that another thread hashes for the registration while this one encrypts: the files are
 * read once in all, and the registered digests are of the very bytes the archive holds.
 * Synchronous, for the worker thread that runs it. Self-contained (node: imports and
 * ./tar-write only) so that the worker loads it from src and dist alike.
 *
 * A file that changed since the caller's snapshot (size, modification or change time, inode) is
 * an error: the archive must hold exactly the bytes that were registered.
 */
import { createCipheriv, hkdfSync, type Cipher, type CipherGCM } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { END_OF_ARCHIVE, fileHeader, padding, type TarFile } from './tar-write.ts';
import { scavenger } from './scavenge.ts';

/** Plaintext per ciphertext segment. */
export const SEGMENT = 1 << 20;

export interface SealFile extends TarFile {
  /** Where to read it. */
  path: string;
  /** The snapshot taken before registration began. */
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The content encryption of a deposit (docs/escrow.md, "Why CBC by default"). */
export type ContentCipherName = 'aes-256-cbc' | 'aes-256-gcm';

export interface SealKeys {
  cipher: ContentCipherName;
  /** The content-encryption key (32 bytes). */
  key: Uint8Array;
  /** CBC: the 16-byte IV; GCM: the 12-byte nonce. */
  iv: Uint8Array;
  /** CBC: the GMAC nonce (12 bytes). */
  macNonce?: Uint8Array;
}

export interface SealResult {
  /** GCM: the authentication tag; CBC: the AES-256-GMAC over IV ‖ ciphertext. 16 bytes. */
  tag: Uint8Array;
  ciphertextBytes: number;
  archiveBytes: number;
}

/** The GMAC key of a CBC deposit: HKDF-SHA256 of the content-encryption key (RFC 5869), no salt. */
export const MAC_KEY_INFO = 'tsproof escrow AES-256-GMAC key';

export function macKey(cek: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', cek, new Uint8Array(0), MAC_KEY_INFO, 32));
}

/**
 * AES-256-GMAC (NIST SP 800-38D; RFC 9044's id-aes256-GMAC): GCM with everything as additional
 * data and no plaintext. Fed in pieces; `tag()` ends it.
 */
export function gmac(key: Uint8Array, nonce: Uint8Array): { update: (b: Uint8Array) => void; tag: () => Buffer } {
  const g = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  return {
    update: (b) => void g.setAAD(b),
    tag: () => {
      g.final();
      return g.getAuthTag();
    },
  };
}

/** A file changed while it was sealed (`changed`), or could not be read (`io`, with its errno code). */
export class SealError extends Error {
  // No parameter properties: the worker loads this file with Node's type stripping.
  readonly kind: 'changed' | 'io';
  readonly index: number;
  readonly errno?: string;
  constructor(kind: 'changed' | 'io', index: number, errno?: string) {
    super(`${kind} ${index} ${errno ?? ''}`);
    this.kind = kind;
    this.index = index;
    if (errno !== undefined) this.errno = errno;
  }
}

/** An OCTET STRING header (tag 04, DER length). */
export function segmentHeader(n: number): Buffer {
  if (n < 0x80) return Buffer.from([0x04, n]);
  const len: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
  return Buffer.from([0x04, 0x80 | len.length, ...len]);
}

/** Writes a segment's header and bytes: one system call (writev) in the usual case. */
function writeSegmentBytes(fd: number, header: Buffer, b: Buffer): void {
  let n = writevSync(fd, [header, b]);
  if (n < header.length) {
    for (let off = n; off < header.length; ) off += writeSync(fd, header, off, header.length - off);
    n = header.length;
  }
  for (let off = n - header.length; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
}

/**
 * The other thread of a deposit (seal.ts): it hashes the plaintext for the registration and
 * writes the ciphertext, while this one reads and encrypts. Segment n is assembled in
 * `slots[n % slots.length]` (shared memory); `segment` hands it over with its ciphertext pieces
 * (each an OCTET STRING segment's content, in order; the last segment's include the cipher's
 * final block), the file-content ranges the plaintext holds (flat triples: file index, offset,
 * length — tar headers and padding are not file content) and the files whose content ended with
 * it. `waitFor(n)` blocks until the other thread is done with segment n, before its slot is
 * filled again.
 */
export interface PlainTap {
  slots: readonly Buffer[];
  segment(n: number, ranges: number[], ends: number[], ciphertext: Buffer[]): void;
  waitFor(n: number): void;
}

/** Seals `files`, appending to the open file `out`, or handing each segment to a tap. */
export function sealFiles(files: readonly SealFile[], out: number | PlainTap, k: SealKeys): SealResult {
  const tap = typeof out === 'number' ? undefined : out;
  const gcmCipher: CipherGCM | undefined = k.cipher === 'aes-256-gcm' ? createCipheriv('aes-256-gcm', k.key, k.iv, { authTagLength: 16 }) : undefined;
  const cipher: Cipher = gcmCipher ?? createCipheriv('aes-256-cbc', k.key, k.iv);
  // CBC: the GMAC covers the IV and then every ciphertext byte, in order.
  const mac = gcmCipher ? undefined : gmac(macKey(k.key), k.macNonce!);
  mac?.update(k.iv);
  const slots = tap?.slots ?? [Buffer.allocUnsafeSlow(SEGMENT)];
  let segments = 0;
  let plain = slots[0]!;
  // What the tap is told about the segment being filled, and the fill of its output slot.
  let ranges: number[] = [];
  let ends: number[] = [];
  let pieces: Buffer[] = [];
  let fill = 0;
  let ciphertextBytes = 0;
  let archiveBytes = 0;
  const scavenge = scavenger();
  const emit = (c: Buffer) => {
    if (c.length === 0) return;
    mac?.update(c);
    if (tap) pieces.push(c);
    else writeSegmentBytes(out as number, segmentHeader(c.length), c);
    ciphertextBytes += c.length;
    scavenge(c.length);
  };
  const flush = (final = false) => {
    if (fill > 0) emit(cipher.update(plain.subarray(0, fill)));
    if (final) emit(cipher.final()); // CBC: the padded last block
    archiveBytes += fill;
    fill = 0;
    if (tap) {
      tap.segment(segments, ranges, ends, pieces);
      ranges = [];
      ends = [];
      pieces = [];
    }
    segments++;
    if (tap && !final) {
      // The next slots are free once the other thread finished the segment that last used them.
      if (segments >= slots.length) tap.waitFor(segments - slots.length);
      plain = slots[segments % slots.length]!;
    }
  };
  const put = (b: Buffer) => {
    for (let off = 0; off < b.length; ) {
      const n = b.copy(plain, fill, off);
      fill += n;
      off += n;
      if (fill === SEGMENT) flush();
    }
  };
  files.forEach((f, index) => {
    let fd: number;
    try {
      fd = openSync(f.path, 'r');
    } catch (err) {
      throw new SealError('io', index, (err as NodeJS.ErrnoException).code);
    }
    try {
      const same = (st: ReturnType<typeof fstatSync>) => st.size === f.size && st.mtimeMs === f.mtimeMs && st.ctimeMs === f.ctimeMs && st.ino === f.ino;
      if (!same(fstatSync(fd))) throw new SealError('changed', index);
      put(fileHeader(f));
      for (let left = f.size; left > 0; ) {
        let n: number;
        try {
          n = readSync(fd, plain, fill, Math.min(SEGMENT - fill, left), null);
        } catch (err) {
          throw new SealError('io', index, (err as NodeJS.ErrnoException).code);
        }
        if (n === 0) throw new SealError('changed', index);
        if (tap) {
          const last = ranges.length - 3;
          if (last >= 0 && ranges[last] === index && ranges[last + 1]! + ranges[last + 2]! === fill) ranges[last + 2]! += n;
          else ranges.push(index, fill, n);
        }
        fill += n;
        left -= n;
        if (fill === SEGMENT) flush();
      }
      if (!same(fstatSync(fd))) throw new SealError('changed', index);
      ends.push(index);
      put(Buffer.alloc(padding(f.size)));
    } finally {
      closeSync(fd);
    }
  });
  put(Buffer.alloc(END_OF_ARCHIVE));
  flush(true);
  const tag = gcmCipher ? gcmCipher.getAuthTag() : mac!.tag();
  return { tag: new Uint8Array(tag), ciphertextBytes, archiveBytes };
}
