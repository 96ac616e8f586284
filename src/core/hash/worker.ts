/**
 * Hashing worker: receives { gen, algorithms, paths, claim } and hashes files whose index it
 * claims from the shared counter claim[0] (the main thread claims from the same counter) until
 * none remain or claim[1] says stop. Answers { gen, results: [{ id, size, digests }] } every
 * few milliseconds and at the end, and { gen, results, error: { id, code } } at the first
 * unreadable file (setting claim[1] so every lane stops). With `leaves`, each file's Merkle
 * leaf goes into the shared leaves.out at its index (engine.ts LeafSpec). Bytes and files
 * hashed go to this lane's own progress slot. Imports only node: modules, ./stream and ../receipt/leaf so
 * that it loads from src (tests) and dist alike.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CHUNK, hashFileSync } from './stream.ts';
import { writeBatchLeaf, type BatchLeaves } from '../receipt/leaf.ts';

// This lane's [bytes, files] slot of the pool's progress counters (engine.ts).
const progress = new Float64Array(workerData.progress as SharedArrayBuffer, 16 * (workerData.slot as number), 2);
const buf = Buffer.allocUnsafeSlow(CHUNK);
const REPORT_MS = 20;

type Leaves = Omit<BatchLeaves, 'out'> & { out: SharedArrayBuffer };

parentPort!.on('message', ({ gen, algorithms, paths, claim: shared, leaves }: { gen: number; algorithms: string[]; paths: string[]; claim: SharedArrayBuffer; leaves?: Leaves }) => {
  const claim = new Int32Array(shared);
  const batch = leaves && { ...leaves, out: Buffer.from(leaves.out) };
  let out: { id: number; size: number; digests: Record<string, string> }[] = [];
  let last = performance.now();
  for (let id; !Atomics.load(claim, 1) && (id = Atomics.add(claim, 0, 1)) < paths.length; ) {
    try {
      const r = hashFileSync(paths[id]!, algorithms, buf, (n) => (progress[0]! += n));
      progress[1]! += 1;
      if (batch) writeBatchLeaf(batch, id, r);
      out.push({ id, ...r });
    } catch (err) {
      Atomics.store(claim, 1, 1);
      parentPort!.postMessage({ gen, results: out, error: { id, code: (err as NodeJS.ErrnoException).code ?? 'EIO' } });
      return;
    }
    if (performance.now() - last > REPORT_MS) {
      parentPort!.postMessage({ gen, results: out });
      out = [];
      last = performance.now();
    }
  }
  parentPort!.postMessage({ gen, results: out });
});
