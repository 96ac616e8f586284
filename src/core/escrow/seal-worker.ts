/**
 * Sealing worker: receives { files, out, keys }, appends the encrypted archive to
 * the file `out` (seal-stream.ts) and answers { result } or { error: { kind, index, errno } }.
 * Runs beside the registration, which hashes the same files on the main thread and the hashing
 * pool: a deposit costs about the longer of the two, not their sum.
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { SealError, sealFiles, type SealFile, type SealKeys } from './seal-stream.ts';

parentPort!.once('message', (m: { files: SealFile[]; out: string; keys: SealKeys }) => {
  let fd: number | undefined;
  try {
    fd = openSync(m.out, 'a');
    // No fsync here: the main thread syncs the whole file once, after appending the attributes.
    const result = sealFiles(m.files, fd, m.keys);
    parentPort!.postMessage({ result });
  } catch (err) {
    const e = err instanceof SealError ? { kind: err.kind, index: err.index, errno: err.errno } : { kind: 'io', index: -1, errno: (err as NodeJS.ErrnoException).code ?? String(err) };
    parentPort!.postMessage({ error: e });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
