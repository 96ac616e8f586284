/**
 * The worker of background.ts: opens the registry at once; on { kind: 'entries', packed } commits
 * them ahead of their registration (SqliteRegistry.putEntriesAhead: seen by nobody yet; the write
 * lock is held for the insert alone) and computes their digest for the event;
 * on { kind: 'commit', rec, time } adds the registration and its event and commits; on
 * { kind: 'close' } (or any failure) removes the entries it put ahead. Then it closes the
 * registry and ends. Messages are handled in order, those that come while the registry opens
 * once it is open. Runs from dist/ only (background.ts workerUrl).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { PackedEntries, WorkerReply } from './background.js';
import { entryColumns, packedEntriesSha256 } from './background.js';
import { registrationEventOf } from './record.js';
import { INDEX_FILE, registryPath } from './paths.js';
import { SqliteRegistry } from './sqlite.js';
import type { RegistrationRecord } from './types.js';

const { home, lockWaitMs } = workerData as { home: string; lockWaitMs: number };
const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);
const why = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Message = { kind: 'entries'; packed: PackedEntries } | { kind: 'commit'; rec: RegistrationRecord; time: string } | { kind: 'close' };

let time = new Date();
let store: SqliteRegistry | undefined;
/** The row id of the entries put ahead, until the registration is completed (or they are discarded). */
let ahead: number | undefined;
let digest = '';
let ended = false;

/** Removes the entries put ahead unless completed, closes the registry, answers `last` (after that: a failure's answer comes once nothing is held) and ends. */
function end(last?: WorkerReply): void {
  if (ended) return;
  ended = true;
  try {
    if (ahead !== undefined) store?.discardEntriesAhead(ahead);
  } catch {
    // Left for the next change to the registry, which removes them once this process has ended.
  }
  ahead = undefined;
  try {
    store?.close();
  } catch {
    // Closing a connection that failed: what it committed stays committed.
  }
  store = undefined;
  if (last) reply(last);
  port.close();
}

async function handle(m: Message): Promise<void> {
  if (ended) return;
  try {
    if (m.kind === 'entries' && store && ahead === undefined) {
      // Committed now, while the tree is built, the signature made and the TSAs asked: the lock is
      // held for the inserts alone, and nobody sees the entries until their registration is added.
      const columns = entryColumns(m.packed);
      time = new Date(); // when they are put ahead (pending.started)
      ahead = store.putEntriesAhead(columns);
      // The event's digest of them, while the receipt is written (it is needed only then).
      digest = packedEntriesSha256(m.packed);
      return;
    }
    if (m.kind === 'commit' && ahead !== undefined) {
      time = new Date(m.time);
      const rid = ahead;
      const ev = store!.completeRegistration(rid, m.rec, () => registrationEventOf('registration', m.rec, digest));
      if (ev === 'lost') return end({ kind: 'failed', stage: 'commit', message: 'the entries put ahead were cleared as a leftover' });
      ahead = undefined;
      // Committed: answered at once (the main thread goes on), then the registry is closed.
      // undefined: that id was on record already (the entries put ahead removed): on record all the same.
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
    // Its big commit (the entries) is not checkpointed at once: the pages are copied into
    // registry.db when it closes, after it has answered — not while the receipt is being written.
    store.checkpointOnClose();
  } catch (err) {
    end({ kind: 'failed', stage: 'insert', message: why(err) });
  }
})();
port.on('message', (m: Message) => {
  turn = turn.then(() => handle(m));
});
