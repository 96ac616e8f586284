/**
 * Hashing worker: receives { gen, algorithms, jobs: [{ id, path }] }, answers { gen, results }
 * with one result per job — { id, size, digests } or { id, error: { code, message } } (stopping at the first error). Bytes hashed are added to a shared counter for progress.
 * Imports only node: modules and ./stream so that it loads from src (tests) and dist alike.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CHUNK, hashFileSync } from './stream.ts';

const progress = new BigInt64Array(workerData.progress as SharedArrayBuffer);
const buf = Buffer.allocUnsafeSlow(CHUNK);

// Jobs arrive in batches so that the main thread, which shares the cores, stays idle.
parentPort!.on('message', ({ gen, algorithms, jobs }: { gen: number; algorithms: string[]; jobs: { id: number; path: string }[] }) => {
  const out = [];
  for (const job of jobs) {
    try {
      const r = hashFileSync(job.path, algorithms, buf, (n) => Atomics.add(progress, 0, BigInt(n)));
      Atomics.add(progress, 1, 1n);
      out.push({ id: job.id, ...r });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      out.push({ id: job.id, error: { code: e.code ?? 'EIO', message: e.message } });
      break;
    }
  }
  parentPort!.postMessage({ gen, results: out });
});
