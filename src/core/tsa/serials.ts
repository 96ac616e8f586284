/**
 * Serial numbers for the bundled TSA: unique and strictly increasing, across concurrent
 * requests (one process, one JavaScript thread) and across restarts — even if the clock
 * steps back. serial = max(previous + 1, milliseconds since the epoch × 2^20), and blocks of
 * serials (about ten seconds' worth) are reserved in a state file (written, fsynced, renamed)
 * before any is issued, so a crash can skip serials but never repeat one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';
import { t } from '../text.js';

export const SERIAL_STATE_FILE = 'serial-state.json';
/** How far ahead (in time) each persisted reservation reaches: one fsync per ~10 s of issuance. */
const AHEAD_MS = 10_000n;

export class PersistentSerials {
  private last: bigint;
  private reserved: bigint;

  constructor(
    private readonly file: string,
    private readonly clock: () => Date,
  ) {
    let persisted = 0n;
    try {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { reservedUpTo?: string };
      if (typeof v.reservedUpTo !== 'string' || !/^\d+$/.test(v.reservedUpTo)) throw new Error('bad');
      persisted = BigInt(v.reservedUpTo);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: corrupt serial state (refusing to risk a repeated serial number)` });
    }
    // Anything up to the last reservation may have been issued before a crash.
    this.last = persisted;
    this.reserved = persisted;
  }

  private reserve(upTo: bigint): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ reservedUpTo: upTo.toString() }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.reserved = upTo;
  }

  next(): bigint {
    const timeBased = BigInt(this.clock().getTime()) << 20n;
    const n = this.last + 1n > timeBased ? this.last + 1n : timeBased;
    // Reserve ahead in time (serials advance 2^20 per millisecond), and past n whatever the clock says.
    if (n > this.reserved) this.reserve(n + (AHEAD_MS << 20n));
    this.last = n;
    return n;
  }

  get lastIssued(): bigint {
    return this.last;
  }
}
