/**
 * The embedded registry: one SQLite file ($TSPROOF_HOME/registry.db) through node:sqlite, in
 * WAL mode with a busy timeout, so several tsproof processes share it (each change is one
 * BEGIN IMMEDIATE transaction: writers queue, nothing is lost). The schema is versioned
 * (PRAGMA user_version) and migrated forward on open; a newer schema is refused, never misread.
 * A file that is not a readable registry is refused with one line naming it — never overwritten.
 * Schema and event chain: docs/registry.md (a contract).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { InputError, RegistryError } from '../errors.js';
import { processRuns } from '../io/fs.js';
import { DIGEST_LENGTH, type HashAlgorithm } from '../crypto/algorithms.js';
import { t } from '../text.js';
import { nextEvent, payloadText } from './chain.js';
import type { Coverage, EntryColumns, EntryRecord, NewEvent, RegistrationFilter, RegistrationRecord, RegistrationStatus, RegistryEvent, RegistryStore } from './types.js';

/** The schema version this tsproof writes (PRAGMA user_version). */
export const SCHEMA_VERSION = 2;
/** PRAGMA application_id of a tsproof registry: "tspr". */
export const APPLICATION_ID = 0x74737072;

/** Migrations: MIGRATIONS[n] takes a database from version n to n + 1. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE registrations (
     rid INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     time TEXT NOT NULL,
     times TEXT NOT NULL,
     created TEXT NOT NULL,
     holder TEXT NOT NULL,
     holder_sha256 TEXT NOT NULL,
     tsas TEXT NOT NULL,
     algorithms TEXT NOT NULL,
     receipt TEXT NOT NULL,
     receipt_sha256 TEXT NOT NULL,
     count INTEGER NOT NULL,
     status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired', 'destroyed')),
     reason TEXT,
     title TEXT,
     project TEXT,
     tags TEXT,
     classification TEXT
   );
   CREATE INDEX registrations_time ON registrations(time);
   CREATE INDEX registrations_holder ON registrations(holder_sha256);
   CREATE TABLE entries (
     rid INTEGER NOT NULL REFERENCES registrations(rid),
     idx INTEGER NOT NULL,
     name TEXT NOT NULL,
     size INTEGER NOT NULL,
     sha256 BLOB,
     sha384 BLOB,
     sha512 BLOB,
     PRIMARY KEY (rid, idx)
   ) WITHOUT ROWID;
   CREATE INDEX entries_sha256 ON entries(sha256) WHERE sha256 IS NOT NULL;
   CREATE INDEX entries_sha384 ON entries(sha384) WHERE sha384 IS NOT NULL;
   CREATE INDEX entries_sha512 ON entries(sha512) WHERE sha512 IS NOT NULL;
   CREATE INDEX entries_name ON entries(name);
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY,
     time TEXT NOT NULL,
     kind TEXT NOT NULL,
     subject TEXT,
     payload TEXT NOT NULL,
     signature TEXT,
     prev TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX events_kind ON events(kind);
   CREATE INDEX events_subject ON events(subject) WHERE subject IS NOT NULL;
   CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'registry events are append-only'); END;
   CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'registry events are append-only'); END;`,
  // 2: registrations recorded in two steps (register's worker, background.ts): the entries are
  // committed ahead of their registration row, under a row id reserved here by the process
  // (`token`: the reservation's own random id; `pid` on `host`, since `started`).
  'CREATE TABLE pending (rid INTEGER PRIMARY KEY, token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, started TEXT NOT NULL);',
];

/** The oldest schema read-only commands read as it is (schema 2 only added `pending`); older ones a writer must migrate first. */
const READS_SINCE = 1;

/** Entries put ahead by a process still running after this long are taken for a leftover all the same (its pid may have been reused). */
const PENDING_MAX_MS = 60 * 60 * 1000;

const ALGS: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];
/** Keys per batched lookup (idsByDigests, idsByNames). */
const BATCH = 1000;

type Brief = { id: string; time: string; status: RegistrationStatus };
/** The answer for a key nothing matched (shared: one array, not one per file). */
const NONE: readonly Brief[] = Object.freeze([]);

interface SqliteError extends Error {
  errcode?: number;
  errstr?: string;
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

export interface SqliteRegistryOptions {
  now: () => Date;
  /** How long a writer waits for another (ms). */
  busyTimeoutMs?: number;
  /** Open read-only (no migration, no creation): for commands that only read. */
  readOnly?: boolean;
  /** This process's id and machine name, recorded with the entries it puts ahead (putEntriesAhead); process.pid and os.hostname() by default. */
  pid?: number;
  host?: string;
  /**
   * Read-only, opened as immutable at once (what a reader does by itself in a folder it may not
   * write, when there is no -wal file): for tests.
   */
  immutable?: boolean;
  /** Whether the process `pid` is still running (clearInterrupted); process.kill(pid, 0) by default. */
  alive?: (pid: number) => boolean;
}

/** Entries on record without a registration row: put ahead by a registration in progress or interrupted (`pending`), or stray. */
export interface UnregisteredEntries {
  rid: number;
  entries: number;
  /** Put ahead by process `pid` on `host` at `started`; absent: rows no registration put there (added behind the chain's back). */
  pending?: { pid: number; host: string; started: string };
}

export class SqliteRegistry implements RegistryStore {
  readonly location: string;
  private readonly db: DatabaseSync;
  private readonly now: () => Date;
  private readonly pid: number;
  private readonly host: string;
  private readonly alive: (pid: number) => boolean;
  /** Opened as immutable (no locks: SQLite trusts the file not to change): the file as it was then. */
  private readonly unlocked: FileState | undefined;
  /** The entries this connection put ahead and has not completed or discarded: row id → the reservation's token. */
  private readonly ahead = new Map<number, string>();
  private readonly cache = new Map<string, StatementSync>();
  /** id, time and status by row id, for idsByDigests/idsByNames (cleared by every change). */
  private readonly brief = new Map<number, Brief>();

  private constructor(file: string, db: DatabaseSync, o: SqliteRegistryOptions, unlocked?: FileState) {
    this.location = file;
    this.db = db;
    this.unlocked = unlocked;
    this.now = o.now;
    this.pid = o.pid ?? process.pid;
    this.host = o.host ?? hostname();
    this.alive = o.alive ?? processRuns;
  }

  /** Opens (creating with mode 0600 when absent) and migrates the registry at `file`. */
  static open(file: string, o: SqliteRegistryOptions): SqliteRegistry {
    let db: DatabaseSync;
    let unlocked: FileState | undefined;
    const timeout = Math.max(0, Math.floor(o.busyTimeoutMs ?? 30_000));
    try {
      if (!o.readOnly) closeSync(openSync(file, 'a', 0o600));
      if (o.readOnly) ({ db, unlocked } = openReadOnly(file, timeout, o.immutable));
      else db = new DatabaseSync(file, { timeout });
    } catch (err) {
      throw storageError(file, err);
    }
    const reg = new SqliteRegistry(file, db, o, unlocked);
    try {
      db.exec(`PRAGMA busy_timeout = ${timeout}`);
      reg.checkIdentity();
      if (!o.readOnly) {
        db.exec('PRAGMA journal_mode = WAL');
        // NORMAL in WAL mode: a crash of the process loses nothing committed; a power cut may lose the last
        // commits (the receipts are on disk, fsynced: registry import adopts them) — one fsync of the
        // log per registration saved.
        db.exec('PRAGMA synchronous = NORMAL');
        reg.migrate();
      }
      db.exec('PRAGMA foreign_keys = ON');
      // Large registrations insert 100,000s of digests in random order into the indexes: a cache that holds them saves most of the I/O.
      db.exec('PRAGMA cache_size = -65536');
    } catch (err) {
      const e = reg.fail(err);
      db.close();
      throw e;
    }
    return reg;
  }

  /** Opened read-only on a registry too old to read as it is (or an empty file): a writer must migrate it first. */
  get needsMigration(): boolean {
    return this.pragma('user_version') < READS_SINCE;
  }

  /** A file written by something else, or by a newer tsproof, is refused before anything is written. */
  private checkIdentity(): void {
    const version = this.pragma('user_version');
    const app = this.pragma('application_id');
    const tables = (this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (app !== APPLICATION_ID && (app !== 0 || tables > 0))
      throw new InputError({ code: 'REGISTRY_CORRUPT', message: t`${this.location} is not a tsproof registry; move it away, then recreate the registry with "tsproof registry rebuild --from <folders>"` });
    if (version > SCHEMA_VERSION) throw new InputError({ code: 'REGISTRY_TOO_NEW', message: t`${this.location} was written by a newer tsproof (registry schema ${version}; this one knows ${SCHEMA_VERSION}): it needs a newer tsproof` });
  }

  private pragma(name: string): number {
    const row = this.db.prepare(`PRAGMA ${name}`).get() as Record<string, number>;
    return Number(Object.values(row)[0] ?? 0);
  }

  private migrate(): void {
    if (this.pragma('user_version') === SCHEMA_VERSION) return;
    this.write(() => {
      const version = this.pragma('user_version'); // again, under the write lock: another process may have migrated
      if (version > SCHEMA_VERSION) throw new InputError({ code: 'REGISTRY_TOO_NEW', message: t`${this.location} was written by a newer tsproof (registry schema ${version}; this one knows ${SCHEMA_VERSION}): it needs a newer tsproof` });
      for (let v = version; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      this.db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }

  private stmt(sql: string): StatementSync {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /**
   * Runs `f` in one write transaction (BEGIN IMMEDIATE: writers wait their turn, up to the busy
   * timeout), after clearing what interrupted registrations left (once the schema has `pending`).
   */
  private write<T>(f: () => T): T {
    this.brief.clear();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (this.pragma('user_version') >= 2) this.clearInterrupted();
      const r = f();
      this.db.exec('COMMIT');
      return r;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /**
   * A storage error as one line naming the file. On a connection opened as immutable, SQLite
   * trusts the file not to change: if another process wrote it meanwhile, what was read may be
   * torn — said so (try again), never "damaged".
   */
  private fail(err: unknown): Error {
    if (this.changedWhileRead()) return new RegistryError({ code: 'REGISTRY_BUSY', message: t`${this.location} changed while it was being read (another tsproof is writing it); try again`, cause: err });
    return storageError(this.location, err);
  }

  /** Opened as immutable, and the file is no longer as it was then (or a log beside it has appeared). */
  private changedWhileRead(): boolean {
    if (!this.unlocked) return false;
    const now = fileState(this.location);
    return now === undefined || existsSync(`${this.location}-wal`) || now.ino !== this.unlocked.ino || now.size !== this.unlocked.size || now.mtimeMs !== this.unlocked.mtimeMs;
  }

  /** Storage errors become one-line errors naming the file. */
  private guard<T>(f: () => T): Promise<T> {
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(this.fail(err));
    }
  }

  private appendLocked(e: NewEvent): RegistryEvent {
    const head = this.headSync();
    const ev = nextEvent(head, { time: this.now().toISOString(), kind: e.kind, payload: payloadText(e.payload), ...(e.subject !== undefined ? { subject: e.subject } : {}), ...(e.signature !== undefined ? { signature: e.signature } : {}) });
    this.stmt('INSERT INTO events (seq, time, kind, subject, payload, signature, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(ev.seq, ev.time, ev.kind, ev.subject ?? null, ev.payload, ev.signature ?? null, ev.prev, ev.hash);
    return ev;
  }

  private headSync(): RegistryEvent | undefined {
    const row = this.stmt('SELECT * FROM events ORDER BY seq DESC LIMIT 1').get();
    return row ? eventOf(row) : undefined;
  }

  addRegistration(rec: RegistrationRecord, entries: Iterable<EntryRecord>, event: NewEvent): Promise<RegistryEvent | undefined> {
    return this.guard(() =>
      this.withoutEntryKeys(() =>
        this.write(() => {
          if (this.known(rec.id)) return undefined;
          const rid = this.nextRid();
          this.insertEntries(rid, entries);
          this.insertRegistration(rid, rec);
          return this.appendLocked(event);
        }),
      ),
    );
  }

  /**
   * The first of a registration's two steps (register's background recording, background.ts):
   * its entries are committed now, under a new row id, with a `pending` row naming this process —
   * but no registration row yet. Every query reaches entries through their registration, so
   * nobody sees them; the write lock is held for the inserts alone (no network I/O in between).
   * `completeRegistration` adds the row and its event once the receipt is written;
   * `discardEntriesAhead` removes them. What a process that ended left this way is removed by the
   * next change to the registry (clearInterrupted). Returns the row id.
   *
   * The entries come column by column and go in with one statement: SQLite takes each row apart
   * from the columns itself, about 40 % faster than a statement run per row from JavaScript.
   */
  putEntriesAhead(entries: EntryColumns): number {
    const n = entries.count;
    const d = entries.digests;
    if (!Number.isSafeInteger(n) || n < 0 || entries.sizes.byteLength !== n * 16 || ALGS.some((a) => d[a] !== undefined && d[a].byteLength !== n * DIGEST_LENGTH[a])) throw new Error('entry columns of unequal lengths');
    const token = randomUUID();
    try {
      const rid = this.withoutEntryKeys(() =>
        this.write(() => {
          const rid = this.nextRid();
          this.stmt('INSERT INTO pending (rid, token, pid, host, started) VALUES (?, ?, ?, ?, ?)').run(rid, token, this.pid, this.host, this.now().toISOString());
          // substr of a BLOB counts bytes: each digest and size is cut out where it is, in constant time.
          const inserted = this.stmt(
            `INSERT INTO entries (rid, idx, name, size, sha256, sha384, sha512)
             SELECT ?1, j.key, j.value, CAST(substr(?3, j.key * 16 + 1, 16) AS INTEGER), substr(?4, j.key * 32 + 1, 32), substr(?5, j.key * 48 + 1, 48), substr(?6, j.key * 64 + 1, 64)
             FROM json_each(?2) j`,
          ).run(rid, entries.names, entries.sizes, d.sha256 ?? null, d.sha384 ?? null, d.sha512 ?? null).changes;
          if (Number(inserted) !== n) throw new Error(`entry columns of unequal lengths (${inserted} names, ${n} entries)`);
          return rid;
        }),
      );
      this.ahead.set(rid, token);
      return rid;
    } catch (err) {
      throw this.fail(err);
    }
  }

  /**
   * The second step: adds the registration row for the entries put ahead under `rid` and its
   * event (made now: it covers the entries' digest), and commits. undefined: that id was on record
   * already (the entries put ahead are removed). 'lost': the entries put ahead are no longer there
   * (taken for a leftover): nothing was changed; record the registration the ordinary way.
   */
  completeRegistration(rid: number, rec: RegistrationRecord, event: () => NewEvent): RegistryEvent | undefined | 'lost' {
    try {
      return this.write(() => {
        if (!this.release(rid)) return 'lost';
        if (this.known(rec.id)) {
          this.stmt('DELETE FROM entries WHERE rid = ?').run(rid);
          return undefined;
        }
        this.insertRegistration(rid, rec);
        return this.appendLocked(event());
      });
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Removes the entries put ahead under `rid` (a registration that failed or will be recorded otherwise). */
  discardEntriesAhead(rid: number): void {
    try {
      this.write(() => {
        if (this.release(rid)) this.stmt('DELETE FROM entries WHERE rid = ?').run(rid);
      });
    } catch (err) {
      throw this.fail(err);
    }
  }

  /**
   * Ends this connection's reservation of `rid` (inside a write transaction): true when it was
   * still there — its row id and its token: a row id freed as a leftover may since have been
   * reserved by another registration, whose entries are then not this one's.
   */
  private release(rid: number): boolean {
    const token = this.ahead.get(rid);
    this.ahead.delete(rid);
    return token !== undefined && this.stmt('DELETE FROM pending WHERE rid = ? AND token = ?').run(rid, token).changes === 1;
  }

  /**
   * Runs `f` in one read transaction: every statement it runs sees the registry as it was at its
   * first read, whatever other processes commit meanwhile (`registry verify` reads the events, the
   * rows and the entries with many statements; a registration completed between two of them would
   * look added behind the chain's back).
   */
  async reading<T>(f: () => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return f(); // inside one already
    try {
      this.db.exec('BEGIN');
    } catch (err) {
      throw this.fail(err);
    }
    let out: T | undefined;
    let failed: { err: unknown } | undefined;
    try {
      out = await f();
    } catch (err) {
      failed = { err };
    }
    try {
      if (this.db.isTransaction) this.db.exec('COMMIT'); // ends a read: it fails only when the file does
    } catch (err) {
      failed ??= { err };
    }
    // A storage failure (a statement that does not go through guard, the end of the read): one line, as everywhere.
    if (failed) throw this.changedWhileRead() || (failed.err as SqliteError).errcode !== undefined ? this.fail(failed.err) : failed.err;
    // Read without locks (immutable): what was read holds only if nobody wrote meanwhile.
    if (this.changedWhileRead()) throw this.fail(new Error('changed while read'));
    return out as T;
  }

  /**
   * No checkpoint at commit on this connection (the registry worker's): its big commit only
   * appends to the log, and the pages are copied into registry.db when the connection closes (the
   * last one to close checkpoints) or by the next writer — after the worker has answered, not
   * while the receipt is being written.
   */
  checkpointOnClose(): void {
    try {
      this.db.exec('PRAGMA wal_autocheckpoint = 0');
    } catch (err) {
      throw this.fail(err);
    }
  }

  /**
   * Entries on record that no registration row holds, by row id: those put ahead (`pending`, with
   * the process and time) and any others (`registry verify` reports those). The row ids are
   * walked through the primary key, one probe per registration, not one row per entry.
   */
  unregisteredEntries(): UnregisteredEntries[] {
    const out: UnregisteredEntries[] = [];
    const next = this.db.prepare('SELECT rid FROM entries WHERE rid > ? ORDER BY rid LIMIT 1');
    const registered = this.db.prepare('SELECT 1 AS x FROM registrations WHERE rid = ?');
    // (A registry of schema 1, read where it cannot be migrated, has no `pending` table, and nothing put ahead.)
    const pending = this.pragma('user_version') >= 2 ? this.db.prepare('SELECT pid, host, started FROM pending WHERE rid = ?') : { get: () => undefined };
    const count = this.db.prepare('SELECT count(*) AS n FROM entries WHERE rid = ?');
    for (let row = next.get(-1); row; row = next.get(row.rid!)) {
      const rid = Number(row.rid);
      if (registered.get(rid)) continue;
      const p = pending.get(rid);
      out.push({ rid, entries: Number(count.get(rid)!.n), ...(p ? { pending: { pid: Number(p.pid), host: String(p.host), started: String(p.started) } } : {}) });
    }
    return out;
  }

  /**
   * Removes the entries put ahead by registrations that will never complete. On this machine:
   * their process has ended (killed, crashed), or it is this one and not this connection put them
   * (an earlier process with the same id). From another machine name (a container sharing the
   * home has a process id space of its own): only by age. And whatever the process, once
   * `started` is PENDING_MAX_MS away from now. Inside a write transaction. A registration whose
   * entries were taken for a leftover finds its reservation gone (its token) and is recorded the
   * ordinary way.
   */
  private clearInterrupted(): void {
    const now = this.now().getTime();
    for (const p of this.stmt('SELECT rid, token, pid, host, started FROM pending').all()) {
      const pid = Number(p.pid);
      const age = now - Date.parse(String(p.started));
      const here = String(p.host) === this.host;
      const stale = !(Math.abs(age) < PENDING_MAX_MS) || (here && (pid === this.pid || !this.alive(pid)));
      if (this.ahead.get(Number(p.rid)) === String(p.token) || !stale) continue;
      this.stmt('DELETE FROM entries WHERE rid = ?').run(p.rid!);
      this.stmt('DELETE FROM pending WHERE rid = ?').run(p.rid!);
    }
  }

  /** The next registration row id: beyond every registration, every row id put ahead, and every entry's. */
  private nextRid(): number {
    const max = (sql: string) => Number((this.stmt(sql).get() as { m: number | null }).m ?? 0);
    return Math.max(max('SELECT max(rid) AS m FROM registrations'), max('SELECT max(rid) AS m FROM pending'), max('SELECT max(rid) AS m FROM entries')) + 1;
  }

  private known(id: string): boolean {
    return this.stmt('SELECT 1 AS x FROM registrations WHERE id = ?').get(id) !== undefined;
  }

  /**
   * Runs `f` with foreign keys off: the entries it inserts reference a registration row inserted
   * with them, or after them (putEntriesAhead). Checking that key for each of 100,000s of rows
   * (one more B-tree probe each) costs a fifth of the recording and checks what the code does
   * anyway. (The setting is a no-op inside a transaction: it is set around it.)
   */
  private withoutEntryKeys<T>(f: () => T): T {
    if (this.db.isTransaction) throw new Error('entries cannot be inserted inside another transaction');
    this.db.exec('PRAGMA foreign_keys = OFF');
    try {
      return f();
    } finally {
      if (!this.db.isTransaction) this.db.exec('PRAGMA foreign_keys = ON');
    }
  }

  /** Inserts a registration's entries under row id `rid`. */
  private insertEntries(rid: number, entries: Iterable<EntryRecord>): void {
    // The digests go in as hex and SQLite stores their bytes (unhex): no Buffer per digest on this side.
    const all = this.stmt('INSERT INTO entries (rid, idx, name, size, sha256, sha384, sha512) VALUES (?, ?, ?, ?, unhex(?), unhex(?), unhex(?))');
    // Most registrations record SHA-256 alone: two parameters fewer to bind per row (~10 % of the insert).
    const only256 = this.stmt('INSERT INTO entries (rid, idx, name, size, sha256) VALUES (?, ?, ?, ?, unhex(?))');
    for (const e of entries) {
      const d = e.digests;
      if (d.sha384 === undefined && d.sha512 === undefined && d.sha256 !== undefined) only256.run(rid, e.index, e.name, e.size, d.sha256);
      else all.run(rid, e.index, e.name, e.size, d.sha256 ?? null, d.sha384 ?? null, d.sha512 ?? null);
    }
  }

  private insertRegistration(rid: number, rec: RegistrationRecord): void {
    this.stmt(
      `INSERT INTO registrations (rid, id, time, times, created, holder, holder_sha256, tsas, algorithms, receipt, receipt_sha256, count, status, reason, title, project, tags, classification)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      rid,
      rec.id,
      rec.time,
      JSON.stringify(rec.times),
      rec.created,
      rec.holder,
      rec.holderSha256,
      JSON.stringify(rec.tsas),
      JSON.stringify(rec.algorithms),
      rec.receipt,
      rec.receiptSha256,
      rec.count,
      rec.status,
      rec.reason ?? null,
      rec.title ?? null,
      rec.project ?? null,
      rec.tags ? JSON.stringify(rec.tags) : null,
      rec.classification ?? null,
    );
  }

  registration(id: string): Promise<RegistrationRecord | undefined> {
    return this.guard(() => {
      const row = this.stmt('SELECT * FROM registrations WHERE id = ?').get(id);
      return row ? registrationOf(row) : undefined;
    });
  }

  registrationsByPrefix(prefix: string, limit: number): Promise<RegistrationRecord[]> {
    return this.guard(() => this.stmt("SELECT * FROM registrations WHERE id >= ? AND id < ? || '~' ORDER BY time, rid LIMIT ?").all(prefix, prefix, limit).map(registrationOf));
  }

  registrations(f: RegistrationFilter = {}): Promise<RegistrationRecord[]> {
    return this.guard(() => {
      const where: string[] = [];
      const args: SQLInputValue[] = [];
      if (f.since) where.push('time >= ?') && args.push(f.since);
      if (f.until) where.push('time <= ?') && args.push(f.until);
      if (f.holder) where.push('(holder_sha256 = lower(?) OR instr(lower(holder), lower(?)) > 0)') && args.push(f.holder, f.holder);
      if (f.project) where.push('project = ?') && args.push(f.project);
      if (f.status) where.push('status = ?') && args.push(f.status);
      for (const tag of f.tags ?? []) {
        const eq = tag.indexOf('=');
        if (eq < 0) where.push("json_type(tags, '$.' || json_quote(?)) IS NOT NULL") && args.push(tag);
        else where.push("json_extract(tags, '$.' || json_quote(?)) = ?") && args.push(tag.slice(0, eq), tag.slice(eq + 1));
      }
      if (f.name) where.push('EXISTS (SELECT 1 FROM entries e WHERE e.rid = registrations.rid AND e.name GLOB ?)') && args.push(f.name);
      const sql = `SELECT * FROM registrations${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time, rid${f.limit ? ` LIMIT ${Math.floor(f.limit)}` : ''}`;
      return this.db
        .prepare(sql)
        .all(...args)
        .map(registrationOf);
    });
  }

  entries(id: string): Promise<EntryRecord[]> {
    return this.guard(() =>
      this.stmt('SELECT e.* FROM entries e JOIN registrations r ON r.rid = e.rid WHERE r.id = ? ORDER BY e.idx')
        .all(id)
        .map((r) => entryOf(r)),
    );
  }

  findByDigest(alg: HashAlgorithm, hex: string): Promise<Coverage[]> {
    if (!ALGS.includes(alg)) return Promise.resolve([]);
    return this.guard(() =>
      this.stmt(
        `SELECT r.*, e.idx AS e_idx, e.name AS e_name, e.size AS e_size, e.sha256 AS e_sha256, e.sha384 AS e_sha384, e.sha512 AS e_sha512 FROM entries e JOIN registrations r ON r.rid = e.rid WHERE e.${alg} = ? ORDER BY r.time, r.rid, e.idx`,
      )
        .all(Buffer.from(hex, 'hex'))
        .map(coverageOf),
    );
  }

  idsByDigests(alg: HashAlgorithm, hexes: readonly string[]): Promise<(readonly Brief[])[]> {
    if (!ALGS.includes(alg)) return Promise.resolve(hexes.map(() => NONE));
    // Batched: one statement per BATCH digests, each probed through the digest index (json_each
    // drives the join), instead of one statement per file. `status` asks for thousands.
    return this.guard(() => this.briefs(`SELECT json_group_array(j.key) AS k, json_group_array(e.rid) AS rid FROM json_each(?) j JOIN entries e ON e.${alg} = unhex(j.value)`, hexes));
  }

  idsByNames(names: readonly string[]): Promise<(readonly Brief[])[]> {
    return this.guard(() => this.briefs('SELECT json_group_array(j.key) AS k, json_group_array(e.rid) AS rid FROM json_each(?) j JOIN entries e ON e.name = j.value', names));
  }

  /**
   * Runs a `(k, rid)` query over `keys` in batches; per key, the registrations (each once),
   * earliest first. The pairs come back as two JSON arrays per batch, not as a row object each.
   */
  private briefs(sql: string, keys: readonly string[]): (readonly Brief[])[] {
    const out: (readonly Brief[])[] = new Array(keys.length).fill(NONE);
    const q = this.stmt(sql);
    // Probed in sorted order: consecutive probes walk the index's pages in order, each page read
    // once (a fresh process starts with an empty page cache) — about 40 % less work than in the
    // files' order.
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    let several = false;
    for (let from = 0; from < order.length; from += BATCH) {
      const batch = order.slice(from, from + BATCH);
      const row = q.get(JSON.stringify(batch.map((i) => keys[i])))!;
      const ks = JSON.parse(String(row.k)) as number[];
      const rids = JSON.parse(String(row.rid)) as number[];
      for (let n = 0; n < ks.length; n++) {
        const rid = rids[n]!;
        let r = this.brief.get(rid);
        if (!r) {
          const x = this.stmt('SELECT id, time, status FROM registrations WHERE rid = ?').get(rid);
          if (!x) continue; // entries put ahead of their registration (putEntriesAhead): not on record yet
          r = { id: String(x.id), time: String(x.time), status: String(x.status) as RegistrationStatus };
          this.brief.set(rid, r);
        }
        const at = batch[ks[n]!]!;
        const list = out[at]!;
        if (list === NONE) out[at] = [r];
        else if (!list.includes(r)) {
          (list as Brief[]).push(r);
          several = true;
        }
      }
    }
    if (several) for (const list of out) if (list.length > 1) (list as Brief[]).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return out;
  }

  findByName(name: string): Promise<Coverage[]> {
    return this.guard(() =>
      this.stmt('SELECT r.*, e.idx AS e_idx, e.name AS e_name, e.size AS e_size, e.sha256 AS e_sha256, e.sha384 AS e_sha384, e.sha512 AS e_sha512 FROM entries e JOIN registrations r ON r.rid = e.rid WHERE e.name = ? ORDER BY r.time, r.rid')
        .all(name)
        .map(coverageOf),
    );
  }

  algorithms(): Promise<HashAlgorithm[]> {
    return this.guard(() => {
      const out = new Set<HashAlgorithm>();
      for (const row of this.stmt('SELECT DISTINCT algorithms FROM registrations').all()) for (const a of JSON.parse(String(row.algorithms)) as HashAlgorithm[]) out.add(a);
      return [...out];
    });
  }

  algorithmSets(): Promise<HashAlgorithm[][]> {
    return this.guard(() =>
      this.stmt('SELECT DISTINCT algorithms FROM registrations')
        .all()
        .map((row) => JSON.parse(String(row.algorithms)) as HashAlgorithm[]),
    );
  }

  holderDigests(holderSha256: string): Promise<Set<string>> {
    return this.guard(() => {
      const out = new Set<string>();
      for (const row of this.stmt("SELECT e.sha256, e.sha384, e.sha512 FROM entries e JOIN registrations r ON r.rid = e.rid WHERE r.holder_sha256 = ? AND r.status != 'destroyed'").iterate(holderSha256)) {
        for (const a of ALGS) if (row[a]) out.add(`${a}:${Buffer.from(row[a] as Uint8Array).toString('hex')}`);
      }
      return out;
    });
  }

  update(id: string, change: { status?: RegistrationStatus; reason?: string; receipt?: string; receiptSha256?: string; dropEntries?: boolean }, event: NewEvent): Promise<RegistryEvent> {
    return this.guard(() =>
      this.write(() => {
        const row = this.stmt('SELECT rid FROM registrations WHERE id = ?').get(id);
        if (!row) throw new InputError({ code: 'REGISTRATION_NOT_FOUND', message: t`no registration ${id} in the registry` });
        if (change.status) this.stmt('UPDATE registrations SET status = ?, reason = ? WHERE rid = ?').run(change.status, change.reason ?? null, row.rid!);
        if (change.receipt) this.stmt('UPDATE registrations SET receipt = ?, receipt_sha256 = ? WHERE rid = ?').run(change.receipt, change.receiptSha256 ?? null, row.rid!);
        if (change.dropEntries) this.stmt('DELETE FROM entries WHERE rid = ?').run(row.rid!);
        return this.appendLocked(event);
      }),
    );
  }

  append(event: NewEvent): Promise<RegistryEvent> {
    return this.guard(() => this.write(() => this.appendLocked(event)));
  }

  events(o: { kind?: string; subject?: string; afterSeq?: number } = {}): Promise<RegistryEvent[]> {
    return this.guard(() => {
      const where: string[] = [];
      const args: SQLInputValue[] = [];
      if (o.kind) where.push('kind = ?') && args.push(o.kind);
      if (o.subject) where.push('subject = ?') && args.push(o.subject);
      if (o.afterSeq) where.push('seq > ?') && args.push(o.afterSeq);
      return this.db
        .prepare(`SELECT * FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`)
        .all(...args)
        .map(eventOf);
    });
  }

  /** Every event in stored order, one at a time (for checking a long chain in bounded memory). */
  *iterateEvents(): Generator<RegistryEvent> {
    try {
      for (const row of this.db.prepare('SELECT * FROM events ORDER BY rowid').iterate()) yield eventOf(row);
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Every registration with its entries' rows, for checks and export. */
  *iterateEntries(id: string): Generator<EntryRecord> {
    try {
      for (const row of this.db.prepare('SELECT e.* FROM entries e JOIN registrations r ON r.rid = e.rid WHERE r.id = ? ORDER BY e.idx').iterate(id)) yield entryOf(row);
    } catch (err) {
      throw this.fail(err);
    }
  }

  head(): Promise<RegistryEvent | undefined> {
    return this.guard(() => this.headSync());
  }

  /** Size figures for the benchmark and `registry verify`. */
  stats(): { entries: number; registrations: number; events: number } {
    const n = (sql: string) => Number((this.db.prepare(sql).get() as { n: number }).n);
    return { entries: n('SELECT count(*) AS n FROM entries WHERE rid IN (SELECT rid FROM registrations)'), registrations: n('SELECT count(*) AS n FROM registrations'), events: n('SELECT count(*) AS n FROM events') };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

type Row = Record<string, SQLOutputValue>;

function registrationOf(row: Row): RegistrationRecord {
  const r: RegistrationRecord = {
    id: String(row.id),
    time: String(row.time),
    times: JSON.parse(String(row.times)) as string[],
    created: String(row.created),
    holder: String(row.holder),
    holderSha256: String(row.holder_sha256),
    tsas: JSON.parse(String(row.tsas)) as string[],
    algorithms: JSON.parse(String(row.algorithms)) as HashAlgorithm[],
    receipt: String(row.receipt),
    receiptSha256: String(row.receipt_sha256),
    count: Number(row.count),
    status: String(row.status) as RegistrationStatus,
  };
  if (row.reason != null) r.reason = String(row.reason);
  if (row.title != null) r.title = String(row.title);
  if (row.project != null) r.project = String(row.project);
  if (row.tags != null) r.tags = JSON.parse(String(row.tags)) as Record<string, string>;
  if (row.classification != null) r.classification = String(row.classification);
  return r;
}

function entryOf(row: Row, prefix = ''): EntryRecord {
  const digests: EntryRecord['digests'] = {};
  for (const a of ALGS) {
    const v = row[`${prefix}${a}`];
    if (v) digests[a] = Buffer.from(v as Uint8Array).toString('hex');
  }
  return { index: Number(row[`${prefix}idx`]), name: String(row[`${prefix}name`]), size: Number(row[`${prefix}size`]), digests };
}

function coverageOf(row: Row): Coverage {
  return { registration: registrationOf(row), entry: entryOf(row, 'e_') };
}

function eventOf(row: Row): RegistryEvent {
  const e: RegistryEvent = { seq: Number(row.seq), time: String(row.time), kind: String(row.kind), payload: String(row.payload), prev: String(row.prev), hash: String(row.hash) };
  if (row.subject != null) e.subject = String(row.subject);
  if (row.signature != null) e.signature = String(row.signature);
  return e;
}

/**
 * A read-only connection. SQLite reads a WAL-mode file through its -shm (and -wal) beside it,
 * creating them when absent; in a folder nobody may write (a lawyer's copy, a read-only CI cache,
 * a read-only mount) that fails with SQLITE_CANTOPEN (root, on an immutable folder) or
 * SQLITE_READONLY_DIRECTORY (anyone else, on a folder without write permission). With no -wal
 * file there is nothing beyond
 * the main file to read, so it is then opened as immutable (no locks, no side files): nothing is
 * ever written, also not by root.
 */
function openReadOnly(file: string, timeout: number, immutable = false): { db: DatabaseSync; unlocked?: FileState } {
  let db: DatabaseSync | undefined;
  if (!immutable) {
    try {
      db = new DatabaseSync(file, { readOnly: true, timeout });
      db.prepare('PRAGMA user_version').get();
      return { db };
    } catch (err) {
      db?.close();
      // CANTOPEN (as root, say, on an immutable folder); READONLY_DIRECTORY and the like (anyone else, on a folder without write permission).
      const code = ((err as SqliteError).errcode ?? -1) & 0xff;
      if ((code !== SQLITE_CANTOPEN && code !== SQLITE_READONLY) || existsSync(`${file}-wal`)) throw err;
    }
  }
  // The file as it is now: if another process writes it while it is read without locks, what was read is not trusted (SqliteRegistry.fail).
  const unlocked = fileState(file);
  const url = pathToFileURL(file);
  url.search = 'immutable=1';
  return { db: new DatabaseSync(url, { readOnly: true, timeout }), ...(unlocked ? { unlocked } : {}) };
}

interface FileState {
  ino: number;
  size: number;
  mtimeMs: number;
}

function fileState(file: string): FileState | undefined {
  try {
    const st = statSync(file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** A SQLite failure as one line: a damaged file is bad input (exit 2, rebuild it); a lock held too long, a service failure (exit 3). */
export function storageError(file: string, err: unknown): Error {
  if (err instanceof InputError || err instanceof RegistryError) return err;
  const e = err as SqliteError;
  const code = (e.errcode ?? -1) & 0xff;
  const why = e.errstr ?? e.message ?? String(err);
  if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB)
    return new InputError({ code: 'REGISTRY_CORRUPT', message: t`${file} is damaged (${why}); nothing was changed: move it away, then recreate the registry from the receipts with "tsproof registry rebuild --from <folders>"`, cause: err });
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) return new RegistryError({ code: 'REGISTRY_BUSY', message: t`${file} stayed locked by another tsproof beyond the busy timeout; try again`, cause: err });
  return new RegistryError({ code: 'REGISTRY_FAILED', message: t`${file}: ${why}`, cause: err });
}
