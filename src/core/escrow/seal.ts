/**
 * Runs the sealing loop (seal-stream.ts) on a worker thread, so that it overlaps the registration.
 * The worker reads each file once into shared segment slots and encrypts them; this thread hashes
 * each segment's plaintext for the registration (`digests`: of exactly the bytes the archive
 * holds) and appends its ciphertext to the deposit, in order, through the libuv pool — then frees
 * the slots for the worker (seal-worker.ts). Reading and encryption on one thread, hashing and
 * writing on others: a deposit costs about the longest of them, not their sum.
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { SEGMENT, segmentHeader, type SealFile, type SealKeys, type SealResult } from './seal-stream.ts';
import type { FileDigest, HashProgress } from '../hash/engine.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';

export interface Sealing {
  /** Once the worker finished and every segment was written (not synced). */
  done: Promise<SealResult>;
  /** Each file's size and digests, in input order, once every file was hashed. */
  digests: Promise<FileDigest[]>;
  /** Bytes and files hashed so far. */
  progress(): HashProgress;
  cancel(): Promise<void>;
}

/** A failure of the worker, as data the caller turns into a message. */
export interface SealFailure {
  kind: 'changed' | 'io';
  index: number;
  errno?: string;
}

export class SealFailed extends Error {
  constructor(readonly failure: SealFailure) {
    super(`sealing failed: ${failure.kind}`);
  }
}

/** Shared slots: the worker runs at most this many segments ahead of the hashing and writing. */
const SLOTS = 8;

function workerUrl(): URL {
  // dist/core/escrow/seal-worker.js in a build; the .ts source when running from source (tests).
  const js = new URL('./seal-worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('./seal-worker.ts', import.meta.url);
}

type Segment = [n: number, ranges: number[], ends: number[], ciphertext: Uint8Array[]];
type Message = { result?: SealResult; error?: SealFailure; segments?: Segment[] };

/** Seals `files` onto the end of the file `out`, hashing them with `algorithms` on the way. */
export function sealInWorker(files: readonly SealFile[], out: string, keys: SealKeys, algorithms: readonly HashAlgorithm[]): Sealing {
  const worker = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const shared = new SharedArrayBuffer(SLOTS * SEGMENT + 4);
  const pump = new Pump(files, algorithms, shared, out);
  const result = new Promise<SealResult>((resolve, reject) => {
    worker.on('message', (m: Message) => {
      if (m.segments) for (const s of m.segments) pump.segment(...s);
      else if (m.result) resolve(m.result);
      else reject(new SealFailed(m.error!));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the sealing worker exited (${code})`)));
  });
  // A failed write ends the worker, which may be waiting for a slot.
  pump.failed.catch((err: unknown) => void worker.terminate().then(() => pump.fail(err)));
  const done = Promise.race([result.then(async (r) => (await pump.finish(), r)), pump.failed]);
  done
    .then(() => worker.terminate())
    .catch(async (err: unknown) => {
      await worker.terminate();
      await pump.fail(err);
    });
  worker.postMessage({ files, keys, shared, slots: SLOTS });
  return {
    done,
    digests: pump.digests,
    progress: () => pump.progress(),
    cancel: async () => {
      await worker.terminate();
      await pump.fail(new Error('sealing cancelled'));
    },
  };
}

/** This thread's side of the shared slots: hashes each announced segment, appends its output, frees its slots. */
class Pump {
  readonly digests: Promise<FileDigest[]>;
  /** Rejects when a write fails; never resolves. */
  readonly failed: Promise<never>;
  private readonly slots: Buffer[];
  private readonly freed: Int32Array;
  private readonly hashes: (Hash[] | undefined)[];
  private readonly sizes: number[];
  private readonly results: FileDigest[];
  private readonly fh: ReturnType<typeof open>;
  private writes: Promise<void>;
  private bytes = 0;
  private ended = 0;
  private closed = false;
  private resolveDigests!: (d: FileDigest[]) => void;
  private rejectDigests!: (err: unknown) => void;
  private rejectFailed!: (err: unknown) => void;

  constructor(
    private readonly files: readonly SealFile[],
    private readonly algorithms: readonly HashAlgorithm[],
    shared: SharedArrayBuffer,
    path: string,
  ) {
    this.slots = Array.from({ length: SLOTS }, (_, i) => Buffer.from(shared, i * SEGMENT, SEGMENT));
    this.freed = new Int32Array(shared, SLOTS * SEGMENT, 1);
    this.hashes = files.map(() => undefined);
    this.sizes = files.map(() => 0);
    this.results = new Array<FileDigest>(files.length);
    this.digests = new Promise((resolve, reject) => {
      this.resolveDigests = resolve;
      this.rejectDigests = reject;
    });
    this.digests.catch(() => undefined);
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
    if (files.length === 0) this.resolveDigests([]);
    this.fh = open(path, 'a');
    this.fh.catch(() => undefined);
    this.writes = this.fh.then(() => undefined);
    this.writes.catch((err: unknown) => this.rejectFailed(err));
  }

  private hashesOf(f: number): Hash[] {
    return (this.hashes[f] ??= this.algorithms.map((a) => createHash(a)));
  }

  segment(n: number, ranges: readonly number[], ends: readonly number[], ciphertext: Uint8Array[]): void {
    if (this.closed) return;
    const slot = this.slots[n % SLOTS]!;
    for (let i = 0; i < ranges.length; i += 3) {
      const [f, start, length] = [ranges[i]!, ranges[i + 1]!, ranges[i + 2]!];
      const piece = slot.subarray(start, start + length);
      for (const h of this.hashesOf(f)) h.update(piece);
      this.sizes[f]! += length;
      this.bytes += length;
    }
    for (const f of ends) {
      const hs = this.hashesOf(f);
      this.results[f] = { size: this.sizes[f]!, digests: Object.fromEntries(this.algorithms.map((a, i) => [a, hs[i]!.digest('hex')])) };
      this.hashes[f] = undefined;
      this.ended++;
    }
    if (ends.length && this.ended === this.files.length) this.resolveDigests(this.results);
    // Appended in order; the slots are the worker's again once written.
    const rest: Uint8Array[] = ciphertext.flatMap((c) => [segmentHeader(c.length), c]);
    this.writes = this.writes.then(async () => {
      const fh = await this.fh;
      while (rest.length) {
        let { bytesWritten: k } = await fh.writev(rest);
        while (rest.length && k >= rest[0]!.length) k -= rest.shift()!.length;
        if (k > 0) rest[0] = rest[0]!.subarray(k);
      }
      Atomics.store(this.freed, 0, n + 1);
      Atomics.notify(this.freed, 0);
      // Written: the ciphertext's memory is released now (a transfer to nothing), not by a collection.
      for (const c of ciphertext) (c.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
    });
    this.writes.catch((err: unknown) => this.rejectFailed(err));
  }

  /** After the worker's result: every segment written, the file closed. */
  async finish(): Promise<void> {
    await this.writes;
    this.closed = true;
    await (await this.fh).close();
  }

  /** Ends everything after a failure: nothing more is hashed or written. */
  async fail(err: unknown): Promise<void> {
    this.rejectDigests(err);
    if (this.closed) return;
    this.closed = true;
    await this.writes.catch(() => undefined);
    await (await this.fh.catch(() => undefined))?.close().catch(() => undefined);
  }

  progress(): HashProgress {
    return { bytes: this.bytes, files: this.ended };
  }
}
