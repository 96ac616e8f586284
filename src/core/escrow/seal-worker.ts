/**
 * Sealing worker: receives { files, keys, shared, slots } and seals the files (seal-stream.ts),
 * assembling the plaintext in `shared` (`slots` slots of SEGMENT bytes, then one Int32 counter).
 * Complete segments are announced as { segments: [[n, ranges, ends, ciphertext], …] }, a few at
 * a time, the ciphertext's memory transferred, not copied; the main thread hashes each segment's
 * plaintext for the registration and appends its ciphertext to the deposit, then sets the counter
 * to the number of segments it finished, which frees their slots (seal.ts). Answers { result } or
 * { error: { kind, index, errno } } last. Each file is read once, here; a deposit costs about the
 * longer of reading and encrypting (here) and hashing and writing (there), not their sum.
 */
import { parentPort } from 'node:worker_threads';
import { SealError, sealFiles, SEGMENT, type PlainTap, type SealFile, type SealKeys } from './seal-stream.ts';

/** Segments announced per message: fewer wake-ups of the main thread, its slots still kept busy. */
const BATCH = 2;

/** A Buffer that owns all of its ArrayBuffer, which can then be transferred (else a copy that does). */
function own(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length && !(b.buffer instanceof SharedArrayBuffer)) return b;
  const c = Buffer.allocUnsafeSlow(b.length);
  b.copy(c);
  return c;
}

function tapOf(shared: SharedArrayBuffer, slots: number): PlainTap & { announce(): void } {
  const done = new Int32Array(shared, slots * SEGMENT, 1);
  let pending: [number, number[], number[], Buffer[]][] = [];
  const announce = () => {
    if (!pending.length) return;
    parentPort!.postMessage(
      { segments: pending },
      pending.flatMap(([, , , c]) => c.map((b) => b.buffer as ArrayBuffer)),
    );
    pending = [];
  };
  return {
    slots: Array.from({ length: slots }, (_, i) => Buffer.from(shared, i * SEGMENT, SEGMENT)),
    segment: (n, ranges, ends, ciphertext) => {
      pending.push([n, ranges, ends, ciphertext.map(own)]);
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
