/**
 * Where secrecy-measure records are kept, behind `SecretStore`. A stored record is one command's
 * registration (its receipt) with the events it registered. `FileSecretStore` keeps them in
 * $TSPROOF_HOME/secrets/records.jsonl, one record per line, each line chained to the previous one
 * by a SHA-256 (docs/secrets.md, "Storage"); the embedded registry (issue 13) implements the same
 * interface when it lands. Writers take an exclusive lock (secrets/lock) for the whole
 * read–register–append, so the per-secret chains never fork.
 */
import { appendFile, mkdir, open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { canonicalJson, isObject } from '../receipt/manifest.js';
import { t } from '../text.js';
import type { Receipt } from '../receipt/receipt.js';
import { sha256Hex, type SecretEvent } from './model.js';

export interface StoredRecord {
  /** 1-based position in the store. */
  seq: number;
  receipt: Receipt;
  events: SecretEvent[];
}

/** A problem of the store itself (a line edited, removed or reordered), by record position. */
export interface StoreProblem {
  seq: number;
  message: import('../text.js').Text;
}

export interface SecretStore {
  /** Every record in the order written, and what is wrong with the store's own chain. */
  load(): Promise<{ records: StoredRecord[]; problems: StoreProblem[] }>;
  /** Appends one record; `seq` must be the next position. */
  append(record: StoredRecord): Promise<void>;
  /** Runs `f` holding the store's write lock. */
  locked<T>(f: () => Promise<T>): Promise<T>;
}

interface Line {
  seq: number;
  prev: string;
  hash: string;
  receipt: Receipt;
  events: SecretEvent[];
}

const GENESIS = '0'.repeat(64);
const lineHash = (prev: string, r: Omit<StoredRecord, never>) => sha256Hex(`${prev}\n${canonicalJson({ seq: r.seq, receipt: r.receipt, events: r.events })}`);

export class FileSecretStore implements SecretStore {
  readonly dir: string;
  readonly file: string;
  constructor(home: string) {
    this.dir = path.join(home, 'secrets');
    this.file = path.join(this.dir, 'records.jsonl');
  }

  async load(): Promise<{ records: StoredRecord[]; problems: StoreProblem[] }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
      throw new InputError({ code: 'FILE_UNREADABLE', message: t`${this.file}: cannot read the secrecy-measure records` });
    }
    const records: StoredRecord[] = [];
    const problems: StoreProblem[] = [];
    let prev = GENESIS;
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      if (!raw.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        // A torn last line (a crash mid-write) is not a record; a torn line elsewhere is damage.
        if (i === lines.length - 1 || lines.slice(i + 1).every((l) => !l.trim())) return;
        problems.push({ seq: records.length + 1, message: t`line ${i + 1} of ${this.file} is not JSON` });
        return;
      }
      if (!isObject(v) || typeof v.seq !== 'number' || typeof v.prev !== 'string' || typeof v.hash !== 'string' || !isObject(v.receipt) || !Array.isArray(v.events)) {
        problems.push({ seq: records.length + 1, message: t`line ${i + 1} of ${this.file} is not a record` });
        return;
      }
      const line = v as unknown as Line;
      const expectSeq = records.length + 1;
      if (line.seq !== expectSeq) problems.push({ seq: line.seq, message: t`record ${line.seq} is at position ${expectSeq}: a record was removed or reordered` });
      if (line.prev !== prev) problems.push({ seq: line.seq, message: t`record ${line.seq} does not follow the record before it (chain broken)` });
      if (lineHash(line.prev, line) !== line.hash) problems.push({ seq: line.seq, message: t`record ${line.seq} was changed after it was written (its hash differs)` });
      prev = line.hash;
      records.push({ seq: line.seq, receipt: line.receipt, events: line.events });
    });
    return { records, problems };
  }

  async append(record: StoredRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let prev = GENESIS;
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      // first record
    }
    // A torn last line (a crash mid-write, no newline) is cut off before appending.
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length !== text.length) await truncate(this.file, Buffer.byteLength(complete));
    const last = complete.trimEnd().split('\n').pop();
    if (last) {
      try {
        prev = (JSON.parse(last) as Line).hash;
      } catch {
        throw new InputError({ code: 'FILE_UNREADABLE', message: t`${this.file}: the last record is damaged; nothing was written` });
      }
    }
    const line: Line = { seq: record.seq, prev, hash: lineHash(prev, record), receipt: record.receipt, events: record.events };
    // One write of one line with O_APPEND.
    await appendFile(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  locked<T>(f: () => Promise<T>): Promise<T> {
    return withLock(this.dir, f);
  }
}

/**
 * Runs `f` holding `<dir>/lock` (created with O_EXCL). A lock older than two minutes was left by
 * a process that died and is taken over; after 30 s of waiting, bad luck is reported (exit 2).
 */
export async function withLock<T>(dir: string, f: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lock = path.join(dir, 'lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = await stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 120_000) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${lock}: another tsproof is writing secrecy-measure records; try again` });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await f();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * What `EventLogSecretStore` needs of a hash-chained event log — the registry's
 * (src/core/registry, RegistryStore.append/events) has this shape.
 */
export interface EventLog {
  append(event: { kind: string; subject?: string; payload: Record<string, unknown> }): Promise<unknown>;
  events(o?: { kind?: string }): Promise<readonly { seq: number; kind: string; payload: string }[]>;
}

/** The registry event kind of a secrecy-measure record. */
export const SECRET_RECORD_KIND = 'secret.record';

/**
 * Records kept as events of a hash-chained log (the registry): one `secret.record` event per
 * record, its payload {seq, receipt, events}, its subject the secrets it concerns. The log's own
 * chain (checked by `registry verify`) detects edited, deleted or reordered events; here, gaps in
 * the records' own numbering are reported as well, so `secret verify` sees a removed record too.
 */
export class EventLogSecretStore implements SecretStore {
  constructor(
    private readonly log: EventLog,
    private readonly lockDir: string,
  ) {}

  async load(): Promise<{ records: StoredRecord[]; problems: StoreProblem[] }> {
    const records: StoredRecord[] = [];
    const problems: StoreProblem[] = [];
    for (const e of await this.log.events({ kind: SECRET_RECORD_KIND })) {
      let v: unknown;
      try {
        v = JSON.parse(e.payload);
      } catch {
        v = undefined;
      }
      if (!isObject(v) || typeof v.seq !== 'number' || !isObject(v.receipt) || !Array.isArray(v.events)) {
        problems.push({ seq: records.length + 1, message: t`registry event ${e.seq} is not a secrecy-measure record` });
        continue;
      }
      const expectSeq = records.length + 1;
      if (v.seq !== expectSeq) problems.push({ seq: v.seq, message: t`record ${v.seq} (registry event ${e.seq}) is at position ${expectSeq}: a record was removed or reordered` });
      records.push({ seq: v.seq, receipt: v.receipt as unknown as Receipt, events: v.events as SecretEvent[] });
    }
    return { records, problems };
  }

  async append(record: StoredRecord): Promise<void> {
    const subject = [...new Set(record.events.map((e) => e.secret))].join(',');
    await this.log.append({ kind: SECRET_RECORD_KIND, subject, payload: { seq: record.seq, receipt: record.receipt, events: record.events } as unknown as Record<string, unknown> });
  }

  locked<T>(f: () => Promise<T>): Promise<T> {
    return withLock(this.lockDir, f);
  }
}

/**
 * Moves the records of a file store into `target` (the registry) when the target holds none yet:
 * the file's records are appended in order, then records.jsonl is renamed records.jsonl.bak. A
 * file store whose own chain does not hold is refused (moving it would hide the damage).
 * Returns how many records were moved. Call it holding the lock.
 */
export async function migrateFileStore(home: string, target: SecretStore): Promise<number> {
  const file = new FileSecretStore(home);
  if (!(await stat(file.file).catch(() => undefined))) return 0;
  const { records, problems } = await file.load();
  if ((await target.load()).records.length === 0) {
    if (problems.length) throw new InputError({ code: 'BAD_CONFIG', message: t`${file.file}: ${problems[0]!.message}; the records were not moved into the registry` });
    for (const r of records) await target.append(r);
  }
  await rename(file.file, `${file.file}.bak`);
  return records.length;
}
