/**
 * Writing a record: the events one command makes are numbered in their secrets' chains, each
 * event's canonical JSON becomes one entry of a registration (signed by the recorder, one
 * timestamp per TSA — one TSA round-trip whatever the number of events), and the registration
 * and its events are appended to the store. Nothing is stored unless all of that succeeded.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InternalError } from '../errors.js';
import { register, type Registration, type RegisterOptions } from '../register.js';
import { t } from '../text.js';
import { EVENT_FORMAT, entryName, eventBytes, eventHash, type EventData, type SecretEvent } from './model.js';
import type { SecretStore, StoredRecord } from './store.js';

export interface Draft {
  secret: string;
  data: EventData;
}

export interface WriteOptions extends Omit<RegisterOptions, 'files' | 'skip' | 'algorithms'> {
  store: SecretStore;
  /** A folder in which a private temporary folder for the events' bytes is made (and removed). */
  scratch: string;
}

export interface Written {
  record: StoredRecord;
  registration: Registration;
}

/** The last event of each secret, in store order. */
export function chainHeads(records: readonly StoredRecord[]): Map<string, SecretEvent> {
  const heads = new Map<string, SecretEvent>();
  for (const r of records) for (const e of r.events) heads.set(e.secret, e);
  return heads;
}

/**
 * Under the store's lock: loads the records, asks `draft` for the events to write (it validates
 * against what is stored and throws on bad input, before anything is signed), registers them and
 * appends the record.
 */
export async function writeRecord(o: WriteOptions, draft: (records: readonly StoredRecord[]) => Promise<Draft[]> | Draft[]): Promise<Written> {
  return o.store.locked(async () => {
    const { records } = await o.store.load();
    const drafts = await draft(records);
    if (drafts.length === 0) throw new InternalError({ code: 'INTERNAL', message: t`no event to record` });
    const heads = chainHeads(records);
    const time = o.now().toISOString();
    const events: SecretEvent[] = drafts.map((d) => {
      const head = heads.get(d.secret);
      const e: SecretEvent = { format: EVENT_FORMAT, version: 1, id: randomUUID(), secret: d.secret, seq: (head?.seq ?? 0) + 1, prev: head ? eventHash(head) : null, time, data: d.data };
      heads.set(d.secret, e);
      return e;
    });
    await mkdir(o.scratch, { recursive: true, mode: 0o700 });
    const tmp = await mkdtemp(path.join(o.scratch, '.record-'));
    try {
      const files = [];
      for (const e of events) {
        const name = entryName(e);
        const absolute = path.join(tmp, `${files.length}.json`);
        await writeFile(absolute, eventBytes(e), { mode: 0o600 });
        files.push({ absolute, name });
      }
      const reg = await register({ ...o, files, algorithms: ['sha256'] });
      if (reg.kind !== 'registered') throw new InternalError({ code: 'INTERNAL', message: t`the events were not registered` });
      // The receipt lists entries in name order; the record keeps the events in that order too.
      const byName = new Map(events.map((e) => [entryName(e), e]));
      const ordered = reg.receipt.entries.map((en) => byName.get(en.name)!);
      const record: StoredRecord = { seq: records.length + 1, receipt: reg.receipt, events: ordered };
      await o.store.append(record);
      return { record, registration: reg };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
