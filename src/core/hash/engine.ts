/**
 * The hashing engine. Reads every file once, in constant memory, with reused buffers:
 * - one file: hashed on this thread with overlapped reads (read k+1 while hashing k);
 * - several files: this thread and a worker thread per further core, each with its own reused
 *   buffer and synchronous I/O, claiming files one by one from a shared counter so none idles.
 * Measured in bench/hash.ts against openssl dgst and sha256sum.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { CHANGED, CHUNK, hashFileCooperative, hashFileOverlapped, yieldNow } from './stream.ts';
import { writeBatchLeaf, type BatchLeaves } from '../receipt/leaf.ts';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { t } from '../text.js';

export interface FileDigest {
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

export interface HashTarget {
  /** Path to read. */
  path: string;
  /** Name for messages. */
  display: string;
}

export interface HashProgress {
  bytes: number;
  files: number;
}

/**
 * Also compute each file's Merkle leaf (receipt/leaf.ts) in the hashing lanes, right after its
 * digests, into `out` (n × the digest length of `algorithm`, over a SharedArrayBuffer so that
 * workers write their leaves in place): a 100,000-file registration builds its leaves in
 * parallel instead of on one thread afterwards.
 */
export interface LeafSpec extends BatchLeaves {
  algorithm: HashAlgorithm;
}

export interface HashOptions {
  algorithms: readonly HashAlgorithm[];
  leaves?: LeafSpec;
  /** Worker threads for multi-file jobs (default: available parallelism). */
  threads?: number;
  /** Called with running totals; the caller decides how often to render. */
  progress?: (read: () => HashProgress) => void;
  /**
   * Called once for each file as soon as its digests are known (in no particular order, on this
   * thread, before the call resolves), so that a caller can use them while the other files are
   * still being hashed. Must not throw. Not called for a file that could not be read.
   */
  onResult?: OnResult;
}

export type OnResult = (index: number, digest: FileDigest) => void;

export function fileError(code: string | undefined, display: string): InputError {
  if (code === CHANGED) return new InputError({ code: 'FILE_CHANGED', message: t`${display} changed while it was read (written or replaced meanwhile), so no digest of it was taken; try again once it is no longer being written` });
  if (code === 'ENOENT') return new InputError({ code: 'FILE_NOT_FOUND', message: t`${display}: no such file` });
  if (code === 'EISDIR') return new InputError({ code: 'FILE_UNREADABLE', message: t`${display}: not a regular file` });
  if (code === 'EACCES' || code === 'EPERM') return new InputError({ code: 'FILE_UNREADABLE', message: t`${display}: permission denied` });
  return new InputError({ code: 'FILE_UNREADABLE', message: t`${display}: cannot read (${code ?? 'error'})` });
}

/** Hashes one file on this thread, overlapping reads with hashing. */
export async function hashFile(path: string, algorithms: readonly HashAlgorithm[], display = path, onBytes?: (n: number) => void): Promise<FileDigest> {
  try {
    return await hashFileOverlapped(path, algorithms, [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)], onBytes);
  } catch (err) {
    throw fileError((err as NodeJS.ErrnoException).code, display);
  }
}

function workerUrl(): URL {
  // dist/core/hash/worker.js in a build; src/core/hash/worker.ts when running from source (tests).
  const js = new URL('./worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('./worker.ts', import.meta.url);
}

/**
 * A pool of hashing threads: `threads - 1` workers plus this thread, which hashes too
 * (cooperatively, yielding every few milliseconds) — on a 2-core machine one worker boot is
 * a measurable share of a 10,000-file run. Start it early (a worker takes ~20 ms to boot),
 * e.g. while the directory walk runs; hash any number of batches; close it.
 */
export class HashPool {
  /**
   * Progress, one [bytes, files] slot per lane (this thread's first), each written only by its
   * own lane — no atomics or BigInts per file; a reader sums them.
   */
  private readonly counters: Float64Array;
  private readonly workers: Worker[];
  private readonly buf = Buffer.allocUnsafeSlow(CHUNK);
  private closed = false;
  /** Tags each hash() call's batches, so a late answer from a failed call is never taken for a later call's. */
  private generation = 0;
  /** Ends the hash() call under way (close() while hashing): it rejects instead of waiting for terminated workers. */
  private cancel: (() => void) | undefined;

  constructor(readonly threads = os.availableParallelism()) {
    const lanes = Math.max(1, threads);
    this.counters = new Float64Array(new SharedArrayBuffer(16 * lanes));
    this.workers = Array.from({ length: lanes - 1 }, (_, i) => new Worker(workerUrl(), { workerData: { progress: this.counters.buffer, slot: i + 1 }, resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
  }

  progress(): HashProgress {
    let bytes = 0;
    let files = 0;
    for (let i = 0; i < this.counters.length; i += 2) {
      bytes += this.counters[i]!;
      files += this.counters[i + 1]!;
    }
    return { bytes, files };
  }

  /** Results in input order. The first unreadable file rejects with a one-line InputError. */
  async hash(targets: readonly HashTarget[], algorithms: readonly HashAlgorithm[], leaves?: LeafSpec, onResult?: OnResult): Promise<FileDigest[]> {
    const results = new Array<FileDigest>(targets.length);
    if (targets.length === 0) return results;
    const gen = ++this.generation;
    const workers = this.workers.slice(0, Math.max(0, targets.length - 1));
    // Every lane (this thread and each worker) claims the next file from one shared counter:
    // no lane waits for another to hand it work (this thread hashes too and answers messages
    // only between files), and all lanes finish together. claim[1] set = stop (an error).
    const claim = new Int32Array(new SharedArrayBuffer(8));
    let done = 0;
    let failure: Error | undefined;
    const fail = (err: Error) => {
      failure ??= err;
      Atomics.store(claim, 1, 1);
    };
    type Batch = { gen: number; results: { id: number; size: number; digests: FileDigest['digests'] }[]; error?: { id: number; code: string } };
    let wake: () => void = () => undefined;
    const allDone = new Promise<void>((r) => (wake = r));
    const settle = () => (failure || done === targets.length) && wake();
    this.cancel = () => {
      fail(new Error('hashing cancelled'));
      settle();
    };
    const listeners: [Worker, (b: Batch) => void, (e: Error) => void][] = [];
    const paths = targets.map((x) => x.path);
    for (const w of workers) {
      const onMessage = (batch: Batch) => {
        if (batch.gen !== gen) return;
        for (const m of batch.results) {
          const r = (results[m.id] = { size: m.size, digests: m.digests });
          onResult?.(m.id, r);
        }
        done += batch.results.length;
        if (batch.error) fail(fileError(batch.error.code, targets[batch.error.id]!.display));
        settle();
      };
      const onError = (err: Error) => {
        fail(err);
        settle();
      };
      listeners.push([w, onMessage, onError]);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ gen, algorithms, paths, claim: claim.buffer, ...(leaves ? { leaves: { ...leaves, out: leaves.out.buffer } } : {}) });
    }
    // This thread's lane.
    const clock = { last: performance.now(), budgetMs: 10 };
    for (let id; !Atomics.load(claim, 1) && (id = Atomics.add(claim, 0, 1)) < targets.length; ) {
      if (this.closed) {
        fail(new Error('hashing cancelled'));
        break;
      }
      try {
        results[id] = await hashFileCooperative(paths[id]!, algorithms, this.buf, clock, (n) => (this.counters[0]! += n));
        if (leaves) writeBatchLeaf(leaves, id, results[id]!);
        this.counters[1]! += 1;
        done++;
        onResult?.(id, results[id]!);
      } catch (err) {
        fail(fileError((err as NodeJS.ErrnoException).code, targets[id]!.display));
        break;
      }
      if (performance.now() - clock.last > clock.budgetMs) await yieldNow(clock);
    }
    settle();
    await allDone;
    this.cancel = undefined;
    for (const [w, onMessage, onError] of listeners) {
      w.off('message', onMessage);
      w.off('error', onError);
    }
    if (failure) throw failure;
    return results;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancel?.();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let prestarted: HashPool | undefined;

/**
 * Starts the hashing threads now, before the rest of the program loads: a worker thread takes
 * ~40 ms to boot, as long as loading the CLI and walking a folder. `takeHashPool` hands the
 * pool over; `releaseHashPool` closes it if nobody took it.
 */
export function prestartHashPool(): void {
  prestarted ??= new HashPool();
}

/** The prestarted pool (once), else a new one. The caller closes it. */
export function takeHashPool(): HashPool {
  const pool = prestarted ?? new HashPool();
  prestarted = undefined;
  return pool;
}

export async function releaseHashPool(): Promise<void> {
  const pool = prestarted;
  prestarted = undefined;
  await pool?.close();
}

/**
 * Hashes files, results in input order: one file on this thread (overlapped reads), several
 * on a worker pool (started here unless one is given).
 */
export async function hashFiles(targets: readonly HashTarget[], o: HashOptions & { pool?: HashPool }): Promise<FileDigest[]> {
  if (targets.length === 1 && !o.pool) {
    const counters = { bytes: 0, files: 0 };
    o.progress?.(() => ({ ...counters }));
    const t = targets[0]!;
    const r = await hashFile(t.path, o.algorithms, t.display, (n) => (counters.bytes += n));
    counters.files = 1;
    if (o.leaves) writeBatchLeaf(o.leaves, 0, r);
    o.onResult?.(0, r);
    return [r];
  }
  const pool = o.pool ?? new HashPool(Math.min(o.threads ?? os.availableParallelism(), targets.length));
  o.progress?.(() => pool.progress());
  try {
    return await pool.hash(targets, o.algorithms, o.leaves, o.onResult);
  } finally {
    if (!o.pool) await pool.close();
  }
}
