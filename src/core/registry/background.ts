/**
 * Recording a registration in the background (docs/registry.md#recording-a-registration):
 * `register` starts a worker thread that opens the registry (when there is one already) while the
 * files are walked and hashed, and hands it the entries as soon as they are: the worker puts them
 * aside in a table of its own connection, without locking the registry, while the main thread
 * builds the Merkle tree, signs and asks the TSAs. Once the network part is over (`lock`), the
 * worker takes the write lock and moves the entries in, in a transaction it leaves open, while the
 * main thread checks and writes the receipt; once the receipt is in place, `commit` adds the
 * registration row and its event and commits. So the lock is never held across network I/O, and
 * the order of the synchronous path holds: a crash before the commit leaves a receipt the
 * registry does not list yet (`registry import` adopts it), never a record of a receipt that is
 * not there — the open transaction dies with the process.
 *
 * It is an optimisation only. When the worker cannot be used (running from source in tests, a
 * registry busy for longer than `lockWaitMs`, any storage error), `commit` answers false and the
 * caller records the registration the ordinary way, which reports the error, if any, as always.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { registryPath } from './paths.js';
import type { EntryRecord, RegistrationRecord } from './types.js';

/** What the worker is given: the entries packed into a few strings and one typed array (cheap to copy). */
export interface PackedEntries {
  count: number;
  /** The names, NUL-separated (a NUL cannot occur in a path). */
  names: string;
  sizes: Float64Array;
  /** Per algorithm, every entry's hex digest end to end (fixed width); absent when no entry has it. */
  digests: { sha256?: string; sha384?: string; sha512?: string };
}

export interface BackgroundOptions {
  /** How long the worker waits for the registry's write lock before giving up (the caller then records the ordinary way). */
  lockWaitMs?: number;
}

/** Messages from the worker. */
export type WorkerReply = { kind: 'inserted' } | { kind: 'committed'; recorded: boolean } | { kind: 'failed'; stage: 'insert' | 'commit'; message: string };

export interface Recorder {
  /** Hands over the registration's entries, once (false: they cannot go this way: record the ordinary way). They are put aside, the registry not locked. */
  record(entries: readonly EntryRecord[]): boolean;
  /**
   * The registration's network part (TSAs, revocation data) is over: the worker takes the
   * registry's write lock and moves the entries in, while the receipt is checked and written.
   */
  lock(): void;
  /**
   * Adds the registration and commits (call it once the receipt is in place). `time` is the
   * event's time. True: on record (or found on record already); false: not recorded — record it
   * the ordinary way.
   */
  commit(rec: RegistrationRecord, time: Date): Promise<boolean>;
  /** Why the worker did not record (for TSPROOF_DEBUG); undefined when it did. */
  failure(): string | undefined;
  /** Rolls back what is not committed and waits for the worker to end. */
  close(): Promise<void>;
}

const HEX: Record<keyof PackedEntries['digests'], number> = { sha256: 64, sha384: 96, sha512: 128 };

/** The entries of a registration packed for the worker; undefined when they do not pack (indexes not 0…n−1, a NUL in a name). */
export function packEntries(entries: readonly EntryRecord[]): PackedEntries | undefined {
  const sizes = new Float64Array(entries.length);
  const names: string[] = new Array(entries.length);
  const digests: PackedEntries['digests'] = {};
  for (const alg of Object.keys(HEX) as (keyof typeof HEX)[]) {
    if (!entries.some((e) => e.digests[alg] !== undefined)) continue;
    const parts: string[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const d = entries[i]!.digests[alg];
      if (d === undefined || d.length !== HEX[alg]) return undefined;
      parts[i] = d;
    }
    digests[alg] = parts.join('');
  }
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== i || e.name.includes('\0')) return undefined;
    names[i] = e.name;
    sizes[i] = e.size;
  }
  return { count: entries.length, names: names.join('\0'), sizes, digests };
}

/** The entries back from their packed form, one at a time (no array of 100,000s of objects). */
export function* unpackEntries(p: PackedEntries): Generator<EntryRecord> {
  let from = 0;
  for (let i = 0; i < p.count; i++) {
    const to = i === p.count - 1 ? p.names.length : p.names.indexOf('\0', from);
    const digests: EntryRecord['digests'] = {};
    for (const alg of Object.keys(p.digests) as (keyof typeof HEX)[]) digests[alg] = p.digests[alg]!.slice(i * HEX[alg], (i + 1) * HEX[alg]);
    yield { index: i, name: p.names.slice(from, to), size: p.sizes[i]!, digests };
    from = to + 1;
  }
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
    if (m.kind !== 'inserted') waiting.shift()?.(m);
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
    lock() {
      if (given && !ended && !exited && failure === undefined) worker.postMessage({ kind: 'lock' });
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
      // Committed: the worker closes the registry and ends by itself. Else nothing of it is to be
      // kept: stopped at once (a stopped thread's connection is closed, its transaction dropped).
      if (!committed && !exited) await worker.terminate();
      ended = true;
      await exit;
    },
  };
}
