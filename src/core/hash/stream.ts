/**
 * The hashing loops, self-contained (node: imports only) so the worker can load this file
 * directly. Two strategies:
 * - `hashFileOverlapped` (async): the next chunk is read on the libuv pool while the
 *   current one is hashed — used for a single large file on the main thread;
 * - `hashFileSync`: plain read/hash with a reused buffer — used inside worker threads, where
 *   blocking is free and per-file event-loop round trips would dominate for small files.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

export const CHUNK = 1 << 20;

export interface RawDigest {
  size: number;
  digests: Record<string, string>;
}

export async function hashFileOverlapped(path: string, algorithms: readonly string[], bufs: [Buffer, Buffer], onBytes?: (n: number) => void): Promise<RawDigest> {
  const fh = await open(path, 'r');
  try {
    const hashes: Hash[] = algorithms.map((a) => createHash(a));
    let cur = 0;
    let pending = fh.read(bufs[0], 0, bufs[0].length, null);
    let size = 0;
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const buf = bufs[cur]!;
      cur ^= 1;
      // Start reading the next chunk before hashing this one.
      pending = fh.read(bufs[cur]!, 0, bufs[cur]!.length, null);
      const chunk = buf.subarray(0, bytesRead);
      for (const h of hashes) h.update(chunk);
      size += bytesRead;
      onBytes?.(bytesRead);
    }
    return { size, digests: Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')])) };
  } finally {
    await fh.close();
  }
}

/** Callers pass regular files (the walk checks); read() on a directory fails with EISDIR anyway. */
export function hashFileSync(path: string, algorithms: readonly string[], buf: Buffer, onBytes?: (n: number) => void): RawDigest {
  const fd = openSync(path, 'r');
  try {
    const hashes: Hash[] = algorithms.map((a) => createHash(a));
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      for (const h of hashes) h.update(chunk);
      size += n;
      onBytes?.(n);
    }
    return { size, digests: Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')])) };
  } finally {
    closeSync(fd);
  }
}

/**
 * For the main thread when it hashes alongside workers: synchronous reads (no per-file
 * event-loop round trips) that yield to the event loop whenever `budgetMs` has passed, so
 * worker messages and progress output are still served.
 */
export async function hashFileCooperative(path: string, algorithms: readonly string[], buf: Buffer, clock: { last: number; budgetMs: number }, onBytes?: (n: number) => void): Promise<RawDigest> {
  const fd = openSync(path, 'r');
  try {
    const hashes: Hash[] = algorithms.map((a) => createHash(a));
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      for (const h of hashes) h.update(chunk);
      size += n;
      onBytes?.(n);
      if (performance.now() - clock.last > clock.budgetMs) await yieldNow(clock);
    }
    return { size, digests: Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')])) };
  } finally {
    closeSync(fd);
  }
}

export function yieldNow(clock: { last: number }): Promise<void> {
  return new Promise((r) =>
    setImmediate(() => {
      clock.last = performance.now();
      r();
    }),
  );
}
