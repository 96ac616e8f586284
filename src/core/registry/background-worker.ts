/**
 * The worker of background.ts: opens the registry at once; on { kind: 'entries', packed } puts
 * them aside in a table of its own connection (no lock on the registry) and computes their
 * digest for the event; on { kind: 'lock' } takes the write lock and moves them in, in a
 * transaction left open; on { kind: 'commit', rec, time } adds the registration and its event
 * and commits; on { kind: 'close' } (or any failure) rolls back. Then it closes the registry and ends. Messages
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

type Message = { kind: 'entries'; packed: PackedEntries } | { kind: 'lock' } | { kind: 'commit'; rec: RegistrationRecord; time: string } | { kind: 'close' };

let time = new Date();
let store: SqliteRegistry | undefined;
let staged = false;
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
  try {
    if (m.kind === 'entries' && store && !staged) {
      // Put aside without taking the registry's lock: the TSAs are being asked meanwhile.
      store.stageEntries(unpackEntries(m.packed));
      staged = true;
      digest = entriesSha256(unpackEntries(m.packed));
      return;
    }
    if ((m.kind === 'lock' || m.kind === 'commit') && staged && !pending) {
      // The network is behind us: take the lock (waiting at most lockWaitMs) and move the entries in.
      pending = store!.beginRegistration('staged');
      reply({ kind: 'inserted' });
      if (m.kind === 'lock') return;
    }
    if (m.kind === 'commit' && pending) {
      time = new Date(m.time);
      const p = pending;
      pending = undefined;
      const ev = p.commit(m.rec, () => registrationEventOf('registration', m.rec, digest));
      // Committed: answered at once (the main thread goes on), then the registry is closed.
      // undefined: that id was on record already (rolled back): on record all the same.
      reply({ kind: 'committed', recorded: ev !== undefined });
      return end();
    }
    end();
  } catch (err) {
    end({ kind: 'failed', stage: m.kind === 'entries' ? 'insert' : 'commit', message: why(err) });
  }
}

// Messages are handled one after the other, in order; the first waits for the registry to open.
let turn: Promise<unknown> = (async () => {
  try {
    // Only the store's own modules load here (not open.ts, whose index.jsonl migration brings in
    // half of tsproof): a home with an index.jsonl still to migrate is left to the ordinary path.
    if (existsSync(path.join(home, INDEX_FILE))) throw new Error('index.jsonl to migrate first');
    store = SqliteRegistry.open(registryPath(home), { now: () => time, busyTimeoutMs: lockWaitMs });
    store.checkpointOnClose();
  } catch (err) {
    end({ kind: 'failed', stage: 'insert', message: why(err) });
  }
})();
port.on('message', (m: Message) => {
  turn = turn.then(() => handle(m));
});
