/**
 * Reading a BER-encoded CMS object straight from a file, piece by piece: a deposit is gigabytes
 * of ciphertext in an indefinite-length structure (X.690 §8.1.3.6), so it is never parsed as one
 * buffer. Small parts (recipient infos, algorithm parameters, attributes) are read whole, with
 * a bound on each; the encrypted content is walked segment by segment, either skipped (seeking)
 * or delivered in pieces to the decryptor.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { t, type Text } from '../text.js';

/** One TLV header. `length` is -1 for the indefinite form. */
export interface Tlv {
  tagClass: number;
  constructed: boolean;
  tag: number;
  length: number;
  /** File offset of the identifier octet. */
  start: number;
  /** File offset of the first content octet. */
  contentStart: number;
}

export const isEoc = (h: Tlv) => h.tagClass === 0 && h.tag === 0 && !h.constructed && h.length === 0;

const WINDOW = 1 << 20;

/** A malformed or truncated deposit: bad input, exit 2. */
export function malformed(what: Text): InputError {
  return new InputError({ code: 'MALFORMED_DEPOSIT', message: what });
}

/**
 * A cursor over a file with a read window. With `hash`, every byte consumed (read, skipped or
 * delivered) is hashed once, in order, so that a pass over the file also yields its digest.
 */
export class FileCursor {
  pos = 0;
  private win = Buffer.alloc(0);
  private winStart = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly what: string,
    private readonly hash?: Hash,
  ) {}

  /** Makes [pos, pos + n) available in the window (n ≤ WINDOW). */
  private async fill(n: number): Promise<void> {
    if (this.pos + n > this.size) throw malformed(t`${this.what} is truncated (it ends at byte ${this.size})`);
    if (this.pos >= this.winStart && this.pos + n <= this.winStart + this.win.length) return;
    const len = Math.min(Math.max(n, WINDOW), this.size - this.pos);
    const buf = this.win.length >= len ? this.win.subarray(0, len) : Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(buf, got, len - got, this.pos + got);
      if (bytesRead === 0) throw malformed(t`${this.what} is truncated (it ends at byte ${this.pos + got})`);
      got += bytesRead;
    }
    this.win = buf;
    this.winStart = this.pos;
  }

  private view(n: number): Buffer {
    const off = this.pos - this.winStart;
    const v = this.win.subarray(off, off + n);
    this.hash?.update(v);
    this.pos += n;
    return v;
  }

  /** `n` bytes (at most `limit`), copied out of the window. */
  async bytes(n: number, limit: number, what: string): Promise<Buffer> {
    if (n > limit) throw malformed(t`${this.what}: ${what} is ${n} bytes long (the limit is ${limit})`);
    const out = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const k = Math.min(WINDOW, n - done);
      await this.fill(k);
      this.view(k).copy(out, done);
      done += k;
    }
    return out;
  }

  /** Skips `n` bytes: a seek, or a hashed read when hashing. */
  async skip(n: number): Promise<void> {
    if (!this.hash) {
      if (this.pos + n > this.size) throw malformed(t`${this.what} is truncated (it ends at byte ${this.size})`);
      this.pos += n;
      return;
    }
    await this.data(n, () => undefined);
  }

  /** Delivers `n` bytes in window-sized views, valid only during the call. */
  async data(n: number, onData: (view: Buffer) => void | Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      const k = Math.min(WINDOW, left);
      await this.fill(k);
      await onData(this.view(k));
      left -= k;
    }
  }

  /** Reads a TLV header. */
  async header(): Promise<Tlv> {
    const start = this.pos;
    const [b0] = await this.bytes(1, 1, 'tag');
    const tag = b0! & 0x1f;
    if (tag === 0x1f) throw malformed(t`${this.what}: unexpected high tag number at byte ${start}`);
    const [lb] = await this.bytes(1, 1, 'length');
    let length = -1;
    if (lb! < 0x80) length = lb!;
    else if (lb !== 0x80) {
      const n = lb! & 0x7f;
      if (n > 6) throw malformed(t`${this.what}: oversized length at byte ${start}`);
      length = 0;
      for (const b of await this.bytes(n, 6, 'length')) length = length * 256 + b;
    } else if ((b0! & 0x20) === 0) throw malformed(t`${this.what}: indefinite length on a primitive value at byte ${start}`);
    return { tagClass: b0! >> 6, constructed: (b0! & 0x20) !== 0, tag, length, start, contentStart: this.pos };
  }

  /** Reads a header and checks its tag. */
  async expect(tagClass: number, constructed: boolean, tag: number, where: string): Promise<Tlv> {
    const h = await this.header();
    if (h.tagClass !== tagClass || h.constructed !== constructed || h.tag !== tag) throw malformed(t`${this.what}: ${where} expected at byte ${h.start}`);
    return h;
  }

  /** A whole TLV (header included) of at most `limit` bytes, for the small parts (not while hashing: it reads twice). */
  async tlv(limit: number, where: string): Promise<{ h: Tlv; raw: Buffer }> {
    const h = await this.header();
    if (h.length < 0) {
      // Small indefinite-length parts (originator info, attributes written by other tools) are
      // read by walking to their end-of-contents.
      await this.skipIndefinite(0);
      const end = this.pos;
      this.pos = h.start;
      if (end - h.start > limit) throw malformed(t`${this.what}: ${where} is ${end - h.start} bytes long (the limit is ${limit})`);
      return { h, raw: await this.bytes(end - h.start, limit, where) };
    }
    if (h.contentStart + h.length - h.start > limit) throw malformed(t`${this.what}: ${where} is ${h.contentStart + h.length - h.start} bytes long (the limit is ${limit})`);
    this.pos = h.start;
    return { h, raw: await this.bytes(h.contentStart + h.length - h.start, limit, where) };
  }

  /** Skips the contents of an indefinite-length value whose header was just read. */
  private async skipIndefinite(depth: number): Promise<void> {
    if (depth > 32) throw malformed(t`${this.what}: nests too deeply`);
    for (;;) {
      const c = await this.header();
      if (isEoc(c)) return;
      if (c.length < 0) await this.skipIndefinite(depth + 1);
      else await this.skip(c.length);
    }
  }

  /** After a value's contents: its end-of-contents (indefinite form) or its exact end (definite). */
  async close(h: Tlv, where: string): Promise<void> {
    if (h.length < 0) {
      const e = await this.header();
      if (!isEoc(e)) throw malformed(t`${this.what}: unexpected data at byte ${e.start}, where ${where} should end`);
    } else if (this.pos !== h.contentStart + h.length) throw malformed(t`${this.what}: ${where} does not end where its length says`);
  }
}
