/**
 * Sealing worker: receives { files, keys, shared, slots } and seals the files (seal-stream.ts)
 * into shared memory: `shared` holds `slots` plaintext slots (SEGMENT bytes each), as many
 * output slots (OUT_SLOT bytes each) and one Int32 counter. Complete segments are announced as
 * { segments: [[n, ranges, ends, outBytes], …] }, a few at a time; the main thread hashes each
 * segment's plaintext for the registration and appends its output to the deposit, then sets the
 * counter to the number of segments it finished, which frees their slots (seal.ts). Answers
 * { result } or { error: { kind, index, errno } } last. Each file is read once, here; the
 * deposit costs about the longest of reading and encrypting (here) and hashing and writing
 * (there), not their sum.
 */
import { parentPort } from 'node:worker_threads';
import { OUT_SLOT, SealError, sealFiles, SEGMENT, type PlainTap, type SealFile, type SealKeys } from './seal-stream.ts';

/** Segments announced per message: fewer wake-ups of the main thread, its slots still kept busy. */
const BATCH = 2;

function tapOf(shared: SharedArrayBuffer, slots: number): PlainTap & { announce(): void } {
  const done = new Int32Array(shared, slots * (SEGMENT + OUT_SLOT), 1);
  let pending: [number, number[], number[], number][] = [];
  const announce = () => {
    if (pending.length) parentPort!.postMessage({ segments: pending });
    pending = [];
  };
  return {
    slots: Array.from({ length: slots }, (_, i) => Buffer.from(shared, i * SEGMENT, SEGMENT)),
    out: Array.from({ length: slots }, (_, i) => Buffer.from(shared, slots * SEGMENT + i * OUT_SLOT, OUT_SLOT)),
    segment: (n, ranges, ends, outBytes) => {
      pending.push([n, ranges, ends, outBytes]);
      if (pending.length >= BATCH) announce();
    },
    waitFor: (n) => {
      if (Atomics.load(done, 0) > n) return;
      announce();
      for (let v; (v = Atomics.load(done, 0)) <= n; ) Atomics.wait(done, 0, v);
    },
    announce,
  };
}

parentPort!.once('message', (m: { files: SealFile[]; keys: SealKeys; shared: SharedArrayBuffer; slots: number }) => {
  const tap = tapOf(m.shared, m.slots);
  try {
    const result = sealFiles(m.files, tap, m.keys);
    tap.announce();
    parentPort!.postMessage({ result });
  } catch (err) {
    const e = err instanceof SealError ? { kind: err.kind, index: err.index, errno: err.errno } : { kind: 'io', index: -1, errno: (err as NodeJS.ErrnoException).code ?? String(err) };
    parentPort!.postMessage({ error: e });
  }
});
