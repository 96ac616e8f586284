/**
 * Streaming file digests: one read of each file, large reused-size chunks, constant
 * memory, several algorithms at once; several files concurrently on the libuv pool
 * (node:crypto hashing of large chunks and fs reads both run off the main thread).
 */
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';

const CHUNK = 1 << 20; // 1 MiB: large enough to amortise syscalls, small enough to stay in cache

export interface FileDigest {
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

/** Hashes one file with every algorithm in `algorithms`, reading it once. */
export async function hashFile(path: string, algorithms: readonly HashAlgorithm[], display = path): Promise<FileDigest> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fileError(err, display);
  }
  try {
    const hashes: Hash[] = algorithms.map((a) => createHash(a));
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      for (const h of hashes) h.update(chunk);
      size += bytesRead;
    }
    const digests: Partial<Record<HashAlgorithm, string>> = {};
    algorithms.forEach((a, i) => (digests[a] = hashes[i]!.digest('hex')));
    return { size, digests };
  } catch (err) {
    throw fileError(err, display);
  } finally {
    await fh.close();
  }
}

function fileError(err: unknown, display: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError({ code: 'FILE_NOT_FOUND', message: `${display}: no such file`, cause: err });
  if (code === 'EISDIR') return new InputError({ code: 'FILE_UNREADABLE', message: `${display}: is a directory`, cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new InputError({ code: 'FILE_UNREADABLE', message: `${display}: permission denied`, cause: err });
  return new InputError({ code: 'FILE_UNREADABLE', message: `${display}: cannot read (${code ?? 'error'})`, cause: err });
}

/** Maps `items` through `fn` with at most `limit` in flight, preserving order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
