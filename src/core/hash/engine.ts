/**
 * The hashing engine. Reads every file once, in constant memory, with reused buffers:
 * - one file: hashed on this thread with overlapped reads (read k+1 while hashing k);
 * - several files: a pool of worker threads, one per core, each with its own reused buffer
 *   and synchronous I/O, fed two jobs at a time so none idles.
 * Measured in bench/hash.ts against openssl dgst and sha256sum.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { CHUNK, hashFileCooperative, hashFileOverlapped, yieldNow } from './stream.ts';
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

export interface HashOptions {
  algorithms: readonly HashAlgorithm[];
  /** Worker threads for multi-file jobs (default: available parallelism). */
  threads?: number;
  /** Called with running totals; the caller decides how often to render. */
  progress?: (read: () => HashProgress) => void;
}

export function fileError(code: string | undefined, display: string): InputError {
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
  readonly counters = new BigInt64Array(new SharedArrayBuffer(16));
  private readonly workers: Worker[];
  private readonly buf = Buffer.allocUnsafeSlow(CHUNK);
  private closed = false;
  /** Tags each hash() call's batches, so a late answer from a failed call is never taken for a later call's. */
  private generation = 0;

  constructor(readonly threads = os.availableParallelism()) {
    this.workers = Array.from({ length: Math.max(0, threads - 1) }, () => new Worker(workerUrl(), { workerData: { progress: this.counters.buffer }, resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
  }

  progress(): HashProgress {
    return { bytes: Number(this.counters[0]), files: Number(this.counters[1]) };
  }

  /** Results in input order. The first unreadable file rejects with a one-line InputError. */
  async hash(targets: readonly HashTarget[], algorithms: readonly HashAlgorithm[]): Promise<FileDigest[]> {
    const results = new Array<FileDigest>(targets.length);
    if (targets.length === 0) return results;
    const gen = ++this.generation;
    const workers = this.workers.slice(0, Math.max(0, targets.length - 1));
    const lanes = workers.length + 1;
    let next = 0;
    let done = 0;
    let failure: Error | undefined;
    // Large batches while much remains, small ones near the end so all lanes finish together.
    const take = (): { id: number; path: string }[] => {
      const size = Math.max(1, Math.min(64, Math.floor((targets.length - next) / (lanes * 4))));
      const jobs = [];
      for (const end = Math.min(targets.length, next + size); next < end; next++) jobs.push({ id: next, path: targets[next]!.path });
      return jobs;
    };
    type Batch = { gen: number; results: { id: number; size: number; digests: FileDigest['digests']; error?: { code: string } }[] };
    let wake: () => void = () => undefined;
    const allDone = new Promise<void>((r) => (wake = r));
    const settle = () => (failure || done === targets.length) && wake();
    const listeners: [Worker, (b: Batch) => void, (e: Error) => void][] = [];
    const feed = (w: Worker) => {
      if (failure || next >= targets.length) return;
      w.postMessage({ gen, algorithms, jobs: take() });
    };
    for (const w of workers) {
      const onMessage = (batch: Batch) => {
        if (batch.gen !== gen) return;
        for (const m of batch.results) {
          if (m.error) failure ??= fileError(m.error.code, targets[m.id]!.display);
          else {
            results[m.id] = { size: m.size, digests: m.digests };
            done++;
          }
        }
        feed(w);
        settle();
      };
      const onError = (err: Error) => {
        failure ??= err;
        settle();
      };
      listeners.push([w, onMessage, onError]);
      w.on('message', onMessage);
      w.on('error', onError);
      // Two batches in flight per worker: the next is queued while the current hashes.
      feed(w);
      feed(w);
    }
    // This thread's lane.
    const clock = { last: performance.now(), budgetMs: 10 };
    while (!failure && next < targets.length) {
      if (this.closed) {
        failure = new Error('hashing cancelled');
        break;
      }
      for (const job of take()) {
        try {
          results[job.id] = await hashFileCooperative(job.path, algorithms, this.buf, clock, (n) => (this.counters[0]! += BigInt(n)));
          this.counters[1]! += 1n;
          done++;
        } catch (err) {
          failure ??= fileError((err as NodeJS.ErrnoException).code, targets[job.id]!.display);
          break;
        }
      }
      if (performance.now() - clock.last > clock.budgetMs) await yieldNow(clock);
    }
    settle();
    await allDone;
    for (const [w, onMessage, onError] of listeners) {
      w.off('message', onMessage);
      w.off('error', onError);
    }
    if (failure) throw failure;
    return results;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Hashes files, results in input order: one file on this thread (overlapped reads), several
 * on a worker pool (started here unless one is given).
 */
export async function hashFiles(targets: readonly HashTarget[], o: HashOptions & { pool?: HashPool }): Promise<FileDigest[]> {
  if (targets.length === 1 && !o.pool) {
    const counters = new BigInt64Array(2);
    o.progress?.(() => ({ bytes: Number(counters[0]), files: Number(counters[1]) }));
    const t = targets[0]!;
    const r = await hashFile(t.path, o.algorithms, t.display, (n) => (counters[0]! += BigInt(n)));
    counters[1] = 1n;
    return [r];
  }
  const pool = o.pool ?? new HashPool(Math.min(o.threads ?? os.availableParallelism(), targets.length));
  o.progress?.(() => pool.progress());
  try {
    return await pool.hash(targets, o.algorithms);
  } finally {
    if (!o.pool) await pool.close();
  }
}
