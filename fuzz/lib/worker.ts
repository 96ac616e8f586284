/**
 * Runs one target inside a worker thread (memory bounded by the worker's resource limits), for a
 * time or a number of inputs, with fast-check generating the inputs from a seed. Before each input
 * it copies the input into shared memory and bumps a counter, so that the parent can name the
 * input that hung or ran out of memory and kill the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { codeOf, contractBreach, type Target } from './target.ts';

export interface WorkerInput {
  target: string;
  seed: number;
  timeMs: number;
  maxRuns: number;
  control: SharedArrayBuffer;
  current: SharedArrayBuffer;
}

export interface WorkerResult {
  type: 'done';
  runs: number;
  codes: Record<string, number>;
  finding?: { input: Uint8Array; problem: string; seed: number; path?: string };
}

/** control[0]: inputs started; control[1]: length of the current input; control[2]: 1 while an input runs. */
const w = workerData as WorkerInput;
const control = new Int32Array(w.control);
const current = new Uint8Array(w.current);
const { target } = (await import(`../targets/${w.target}.ts`)) as { target: Target };
await target.setup?.();
const seeds = target.seeds();
const codes: Record<string, number> = {};

function enter(input: Uint8Array) {
  const n = Math.min(input.length, current.length);
  current.set(input.subarray(0, n));
  Atomics.store(control, 1, input.length);
  Atomics.add(control, 0, 1);
  Atomics.store(control, 2, 1);
}

async function judge(input: Uint8Array): Promise<void> {
  enter(input);
  try {
    await target.run(input);
    codes.ok = (codes.ok ?? 0) + 1;
  } catch (err) {
    const breach = contractBreach(err);
    if (breach) throw new Error(breach);
    const c = codeOf(err);
    codes[c] = (codes[c] ?? 0) + 1;
  } finally {
    Atomics.store(control, 2, 0);
  }
}

// Typed errors are the common outcome and capturing their stacks would cost most of the time:
// stacks are captured again when a finding is run once more at the end.
Error.stackTraceLimit = 0;
const r = await fc.check(
  fc.asyncProperty(target.inputs(seeds), (input) => judge(input)),
  { seed: w.seed, numRuns: w.maxRuns, interruptAfterTimeLimit: w.timeMs, markInterruptAsFailure: false, skipAllAfterTimeLimit: w.timeMs + 30_000 },
);
const result: WorkerResult = { type: 'done', runs: Atomics.load(control, 0), codes };
if (r.failed && r.counterexample) {
  const input = r.counterexample[0] as Uint8Array;
  let problem = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance);
  Error.stackTraceLimit = 12;
  try {
    await judge(input);
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  result.finding = { input, problem, seed: r.seed, path: r.counterexamplePath ?? undefined };
}
parentPort!.postMessage(result);
