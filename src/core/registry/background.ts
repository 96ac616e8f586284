/**
 * Recording a registration in the background (docs/registry.md#recording-a-registration):
 * `register` starts a worker thread that opens the registry (when there is one already) while the
 * files are walked and hashed, and hands it the entries as soon as they are. The worker commits
 * them at once, ahead of their registration (SqliteRegistry.putEntriesAhead: under a reserved row
 * id, with no registration row, so seen by nobody; the write lock held for the inserts alone),
 * while the main thread builds the Merkle tree, signs, asks the TSAs and writes the receipt. Once
 * the receipt is in place, `commit` adds the registration row and its event — a small
 * transaction. So the lock is never held across network I/O, and the order of the synchronous
 * path holds: a crash before the commit leaves a receipt the registry does not list yet
 * (`registry import` adopts it), never a record of a receipt that is not there; the entries it
 * put ahead are removed by the next change to the registry once this process has ended.
 *
 * It is an optimisation only. When the worker cannot be used (running from source in tests, a
 * registry busy for longer than `lockWaitMs`, any storage error), `commit` answers false and the
 * caller records the registration the ordinary way, which reports the error, if any, as always.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DIGEST_LENGTH, FILE_HASHES, type HashAlgorithm } from '../crypto/algorithms.js';
import { registryPath } from './paths.js';
import { EntriesDigest, ESCAPED_BUT_NUL } from './record.js';
import type { EntryColumns, EntryRecord, RegistrationRecord } from './types.js';

/** What the worker is given: the entries packed into a few strings and one typed array (cheap to copy). */
export interface PackedEntries {
  count: number;
  /** The names, NUL-separated (a NUL cannot occur in a path). */
  names: string;
  sizes: Float64Array;
  /** Per algorithm, every entry's hex digest end to end (fixed width); absent when no entry has it. */
  digests: Partial<Record<HashAlgorithm, string>>;
}

export interface BackgroundOptions {
  /** How long the worker waits for the registry's write lock before giving up (the caller then records the ordinary way). */
  lockWaitMs?: number;
}

/** Messages from the worker. */
export type WorkerReply = { kind: 'committed'; recorded: boolean } | { kind: 'failed'; stage: 'insert' | 'commit'; message: string };

export interface Recorder {
  /** Hands over the registration's entries, once (false: they cannot go this way: record the ordinary way). They are committed ahead of the registration, seen by nobody. */
  record(entries: readonly EntryRecord[]): boolean;
  /**
   * Adds the registration and commits (call it once the receipt is in place). `time` is the
   * event's time. True: on record (or found on record already); false: not recorded — record it
   * the ordinary way.
   */
  commit(rec: RegistrationRecord, time: Date): Promise<boolean>;
  /** Why the worker did not record (for TSPROOF_DEBUG); undefined when it did. */
  failure(): string | undefined;
  /** Removes the entries put ahead unless the registration was committed, and waits for the worker to end. */
  close(): Promise<void>;
}

/** How long a registration that is not recorded this way waits for the worker to remove what it put ahead. */
const DISCARD_WAIT_MS = 10_000;

/** Hex digits per digest. */
const hexOf = (alg: HashAlgorithm) => DIGEST_LENGTH[alg] * 2;

/**
 * The entries of a registration packed for the worker (on the main thread: as little work as can
 * be); undefined when they do not pack (indexes not 0…n−1, a NUL in a name, a digest not of its
 * algorithm's length, a size that is not a whole number of bytes). What else the registry could not
 * take faithfully, the worker refuses (entryColumns).
 */
export function packEntries(entries: readonly EntryRecord[]): PackedEntries | undefined {
  const sizes = new Float64Array(entries.length);
  const names: string[] = new Array(entries.length);
  const digests: PackedEntries['digests'] = {};
  for (const alg of FILE_HASHES) {
    if (!entries.some((e) => e.digests[alg] !== undefined)) continue;
    const parts: string[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const d = entries[i]!.digests[alg];
      if (d === undefined || d.length !== hexOf(alg)) return undefined;
      parts[i] = d;
    }
    digests[alg] = parts.join('');
  }
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== i || e.name.includes('\0') || !Number.isSafeInteger(e.size) || e.size < 0) return undefined;
    names[i] = e.name;
    sizes[i] = e.size;
  }
  return { count: entries.length, names: names.join('\0'), sizes, digests };
}

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What the worker does with packed entries: the columns the registry inserts them from in one
 * statement (SqliteRegistry.putEntriesAhead). Throws what the registry could not take faithfully
 * (digests that are not hex, a lone surrogate in a name: it would be stored as U+FFFD); the
 * registration is then recorded the ordinary way.
 */
export function entryColumns(p: PackedEntries): EntryColumns {
  // (NUL is no surrogate: a lone one stays lone when the names are joined.)
  if (SURROGATE.test(p.names) && LONE_SURROGATE.test(p.names)) throw new Error('a name with a lone surrogate');
  // Each size as 16 decimal digits, written digit by digit (a string per number costs twice as much).
  const sizes = Buffer.alloc(p.count * 16, 0x30);
  for (let i = 0; i < p.count; i++) {
    let v = p.sizes[i]!;
    for (let at = i * 16 + 15; v > 0; at--) {
      sizes[at] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  const digests: EntryColumns['digests'] = {};
  for (const alg of Object.keys(p.digests) as HashAlgorithm[]) {
    const hex = p.digests[alg]!;
    const raw = Buffer.from(hex, 'hex');
    // Buffer.from stops at the first character that is not hex (as unhex() of the ordinary path, it takes upper case).
    if (raw.byteLength * 2 !== hex.length) throw new Error(`${alg} digests that are not hex`);
    digests[alg] = raw;
  }
  // Names that need no escaping (nearly always) become a JSON array by putting quotes and commas in place of the NULs.
  const names = p.count === 0 ? '[]' : ESCAPED_BUT_NUL.test(p.names) ? JSON.stringify(p.names.split('\0')) : `["${p.names.replaceAll('\0', '","')}"]`;
  return { count: p.count, names, sizes, digests };
}

/**
 * The digest of packed entries for their registration event: entriesSha256 of the same entries
 * (tested), computed in one plain loop — run once per registration, in a fresh thread, it is done
 * before the optimising compiler could help a loop of calls.
 */
export function packedEntriesSha256(p: PackedEntries): string {
  const d = new EntriesDigest();
  const { sha256, sha384, sha512 } = p.digests;
  const names = p.names;
  let from = 0;
  if (sha256 === undefined || sha384 !== undefined || sha512 !== undefined) {
    for (let i = 0; i < p.count; i++) {
      const to = i === p.count - 1 ? names.length : names.indexOf('\0', from);
      d.line(i, names.slice(from, to), p.sizes[i]!, sha256?.slice(i * 64, i * 64 + 64), sha384?.slice(i * 96, i * 96 + 96), sha512?.slice(i * 128, i * 128 + 128));
      from = to + 1;
    }
    return d.digest();
  }
  // SHA-256 alone (most registrations): each line written here, as EntriesDigest.line writes it.
  const h = createHash('sha256');
  const plain = !ESCAPED_BUT_NUL.test(names);
  let chunk = '';
  for (let i = 0; i < p.count; i++) {
    const to = i === p.count - 1 ? names.length : names.indexOf('\0', from);
    const name = plain ? `"${names.slice(from, to)}"` : JSON.stringify(names.slice(from, to));
    chunk += `[${i},${name},${p.sizes[i]},"${sha256.slice(i * 64, i * 64 + 64)}",null,null]\n`;
    if (chunk.length > 1 << 16) {
      h.update(chunk, 'utf8');
      chunk = '';
    }
    from = to + 1;
  }
  h.update(chunk, 'utf8');
  return h.digest('hex');
}

function workerUrl(): URL | undefined {
  // Only from a build: the worker loads the registry's modules, which run from dist/ alone.
  const js = new URL('./background-worker.js', import.meta.url);
  return existsSync(js) ? js : undefined;
}

/**
 * A worker thread that opens the registry of `home` now (it loads and opens while the files are
 * walked and hashed) and records the entries it is given with `record`; undefined when that cannot
 * be done here, or there is no registry yet (then record the ordinary way).
 */
export function startRecorder(home: string, o: BackgroundOptions = {}): Recorder | undefined {
  const url = workerUrl();
  // A home without a registry yet gets it the ordinary way, after its first receipt: a
  // registration that fails or is killed leaves no registry behind (as before there was a worker).
  if (!url || !existsSync(registryPath(home))) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: { home, lockWaitMs: o.lockWaitMs ?? 2000 }, stdout: true, stderr: true });
  } catch {
    return undefined;
  }
  let exited = false;
  let given = false;
  const waiting: ((r: WorkerReply | undefined) => void)[] = [];
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      for (const w of waiting.splice(0)) w(undefined);
      resolve();
    }),
  );
  /** Set when the worker failed: it will not record. */
  let failure: string | undefined;
  worker.on('error', (err) => {
    failure ??= `worker: ${err.message}`;
  });
  worker.on('message', (m: WorkerReply) => {
    if (m.kind === 'failed') failure ??= `${m.stage}: ${m.message}`;
    waiting.shift()?.(m);
  });
  let ended = false;
  let committed = false;
  return {
    record(entries) {
      const packed = !given && !ended && !exited ? packEntries(entries) : undefined;
      if (!packed) return false;
      given = true;
      worker.postMessage({ kind: 'entries', packed });
      return true;
    },
    async commit(rec, time) {
      if (!given || ended || failure !== undefined || exited) return false;
      ended = true;
      const reply = new Promise<WorkerReply | undefined>((resolve) => waiting.push(resolve));
      worker.postMessage({ kind: 'commit', rec, time: time.toISOString() });
      const r = await reply;
      committed = r?.kind === 'committed';
      return committed;
    },
    failure: () => failure ?? (committed ? undefined : given ? 'not committed' : 'no entries given'),
    async close() {
      // Committed: the worker closes the registry and ends by itself. Else it removes the entries
      // it put ahead (after what it is doing: an insert, a wait for the lock of at most lockWaitMs),
      // then ends; stopped after DISCARD_WAIT_MS all the same (the next change to the registry
      // removes them once this process has ended).
      if (!committed && !exited) {
        worker.postMessage({ kind: 'close' });
        const timer = setTimeout(() => void worker.terminate(), DISCARD_WAIT_MS);
        await exit;
        clearTimeout(timer);
      }
      ended = true;
      await exit;
    },
  };
}
