/**
 * The worker of background.ts: opens the registry at once; on { kind: 'entries', packed } inserts
 * them in a write transaction left open and computes their digest for the event; on
 * { kind: 'commit', rec, time } adds the registration and its event and commits; on
 * { kind: 'close' } (or any failure) rolls back. Then it closes the registry and ends. Messages
 * are handled in order, those that come while the registry opens once it is open. Runs from
 * dist/ only (background.ts workerUrl).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { PackedEntries, WorkerReply } from './background.js';
import { unpackEntries } from './background.js';
import { entriesSha256, registrationEventOf } from './record.js';
import { INDEX_FILE, registryPath } from './paths.js';
import { SqliteRegistry, type PendingRegistration } from './sqlite.js';
import type { RegistrationRecord } from './types.js';

const { home, lockWaitMs } = workerData as { home: string; lockWaitMs: number };
const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);
const why = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Message = { kind: 'entries'; packed: PackedEntries } | { kind: 'commit'; rec: RegistrationRecord; time: string } | { kind: 'close' };

let time = new Date();
let store: SqliteRegistry | undefined;
let pending: PendingRegistration | undefined;
let digest = '';
let ended = false;

/** Rolls back what is not committed, closes the registry, answers `last` (after that: a failure's answer comes once nothing is held) and ends. */
function end(last?: WorkerReply): void {
  if (ended) return;
  ended = true;
  try {
    pending?.rollback();
  } catch {
    // Nothing committed: the transaction ends with the connection.
  }
  pending = undefined;
  try {
    store?.close();
  } catch {
    // Closing a connection that failed: nothing of ours was committed.
  }
  store = undefined;
  if (last) reply(last);
  port.close();
}

async function handle(m: Message): Promise<void> {
  if (ended) return;
  if (m.kind === 'entries' && !pending) {
    try {
      if (!store) throw new Error('no registry to record into');
      pending = store.beginRegistration(unpackEntries(m.packed));
      reply({ kind: 'inserted' });
      digest = entriesSha256(unpackEntries(m.packed));
    } catch (err) {
      end({ kind: 'failed', stage: 'insert', message: why(err) });
    }
  } else if (m.kind === 'commit' && pending) {
    time = new Date(m.time);
    const p = pending;
    pending = undefined;
    let ev: ReturnType<PendingRegistration['commit']>;
    try {
      ev = p.commit(m.rec, () => registrationEventOf('registration', m.rec, digest));
    } catch (err) {
      return end({ kind: 'failed', stage: 'commit', message: why(err) });
    }
    // Committed: answered at once (the main thread goes on), then the registry is closed.
    // undefined: that id was on record already (rolled back): on record all the same.
    reply({ kind: 'committed', recorded: ev !== undefined });
    end();
  } else end();
}

// Messages are handled one after the other, in order; the first waits for the registry to open.
let turn: Promise<unknown> = (async () => {
  try {
    // Only the store's own modules load here (not open.ts, whose index.jsonl migration brings in
    // half of tsproof): a home with an index.jsonl still to migrate is left to the ordinary path.
    if (existsSync(path.join(home, INDEX_FILE))) throw new Error('index.jsonl to migrate first');
    store = SqliteRegistry.open(registryPath(home), { now: () => time, busyTimeoutMs: lockWaitMs });
  } catch (err) {
    end({ kind: 'failed', stage: 'insert', message: why(err) });
  }
})();
port.on('message', (m: Message) => {
  turn = turn.then(() => handle(m));
});
