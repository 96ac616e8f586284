/** Runs the sealing loop (seal-stream.ts) on a worker thread, so that it overlaps the registration. */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { SealFile, SealKeys, SealResult } from './seal-stream.ts';

export interface Sealing {
  done: Promise<SealResult>;
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

function workerUrl(): URL {
  // dist/core/escrow/seal-worker.js in a build; the .ts source when running from source (tests).
  const js = new URL('./seal-worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('./seal-worker.ts', import.meta.url);
}

export function sealInWorker(files: readonly SealFile[], out: string, keys: SealKeys): Sealing {
  const worker = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const done = new Promise<SealResult>((resolve, reject) => {
    worker.once('message', (m: { result?: SealResult; error?: SealFailure }) => (m.result ? resolve(m.result) : reject(new SealFailed(m.error!))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the sealing worker exited (${code})`)));
  });
  done.then(() => worker.terminate()).catch(() => worker.terminate());
  worker.postMessage({ files, out, keys });
  return { done, cancel: async () => void (await worker.terminate()) };
}
