/**
 * The embedded registry's storage (src/core/registry): schema versions, refusals of files it must
 * not read, the event chain and its tamper evidence, lookups earliest first, and the migration
 * of an earlier index.jsonl. Tampering is done with a second, raw SQLite connection, as an
 * attacker with the file would.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { checkChain, eventHash, GENESIS } from '../../src/core/registry/chain.js';
import { openExistingRegistry, openRegistry, registryPath } from '../../src/core/registry/open.js';
import { entriesSha256, registrationEvent, registrationEventOf } from '../../src/core/registry/record.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, SqliteRegistry } from '../../src/core/registry/sqlite.js';
import { entryColumns, packEntries, packedEntriesSha256 } from '../../src/core/registry/background.js';
import { checkRegistry } from '../../src/core/registry/check.js';
import type { EntryRecord, RegistrationRecord } from '../../src/core/registry/types.js';

const now = () => new Date('2026-12-04T10:00:00.000Z');
const home = () => mkdtempSync(path.join(os.tmpdir(), 'tsproof-registry-'));
const hex = (c: string) => c.repeat(64);

function rec(id: string, time: string, o: Partial<RegistrationRecord> = {}): RegistrationRecord {
  return { id, time, times: [time], created: time, holder: 'CN=김영희', holderSha256: hex('a'), tsas: ['http://tsa/'], algorithms: ['sha256'], receipt: `/r/${id}.tsproof.json`, receiptSha256: hex('b'), count: 2, status: 'active', ...o };
}
const entries = (d1: string, d2: string): EntryRecord[] => [
  { index: 0, name: 'a.txt', size: 1, digests: { sha256: d1 } },
  { index: 1, name: 'dir/b.txt', size: 2, digests: { sha256: d2 } },
];

async function add(store: SqliteRegistry, r: RegistrationRecord, e: EntryRecord[]) {
  return store.addRegistration(r, e, registrationEvent('registration', r, e));
}

function raw(h: string): DatabaseSync {
  return new DatabaseSync(registryPath(h));
}

/** Runs `between` once, right after the reader's statement `sql` has answered: another process's commit landing between two of the reader's statements. */
function after(reader: SqliteRegistry, sql: string, between: () => void): void {
  const db = (reader as unknown as { db: { prepare: (s: string) => { get: (...a: unknown[]) => unknown } } }).db;
  const prepare = db.prepare.bind(db);
  let done = false;
  db.prepare = (s: string) => {
    const st = prepare(s);
    if (s !== sql) return st;
    const get = st.get.bind(st);
    return new Proxy(st, {
      get: (t, k) =>
        k === 'get'
          ? (...a: unknown[]) => {
              const r = get(...a);
              if (!done) {
                done = true;
                between();
              }
              return r;
            }
          : Reflect.get(t, k),
    });
  };
}

describe('registry store (node:sqlite)', () => {
  it('creates registry.db in WAL mode, mode 0600, at the current schema version', async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    s.close();
    const db = raw(h);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    db.close();
    const { statSync } = await import('node:fs');
    expect(statSync(registryPath(h)).mode & 0o777).toBe(0o600);
  });

  it('finds registrations by digest and by name, earliest proven time first, whatever the order recorded', async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    await add(s, rec('r-late', '2026-12-03T00:00:00.000Z'), entries(hex('1'), hex('2')));
    await add(s, rec('r-early', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('3')));
    const found = await s.findByDigest('sha256', hex('1'));
    expect(found.map((c) => c.registration.id)).toEqual(['r-early', 'r-late']);
    expect(found[0]!.entry).toEqual({ index: 0, name: 'a.txt', size: 1, digests: { sha256: hex('1') } });
    expect((await s.findByDigest('sha256', hex('3'))).map((c) => c.registration.id)).toEqual(['r-early']);
    expect((await s.findByName('dir/b.txt')).map((c) => c.entry.digests.sha256)).toEqual([hex('3'), hex('2')]);
    expect((await s.registrations({ name: 'dir/*' })).length).toBe(2);
    expect((await s.registrations({ since: '2026-06-01' })).map((r) => r.id)).toEqual(['r-late']);
    // The same id again is not a second registration.
    expect(await add(s, rec('r-late', '2026-12-03T00:00:00.000Z'), entries(hex('1'), hex('2')))).toBeUndefined();
    expect((await s.events()).length).toBe(2);
    s.close();
  });

  it("status: each file's state over more files than one batch of lookups, earliest first, destroyed registrations left out", async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    const { fileStatuses } = await import('../../src/core/registry/query.js');
    const d = (i: number) => createHash('sha256').update(String(i)).digest('hex');
    const many = (from: number, n: number): EntryRecord[] => Array.from({ length: n }, (_, i) => ({ index: i, name: `f${from + i}`, size: 1, digests: { sha256: d(from + i) } }));
    // Late covers 0..2499, early covers 1000..1999 (recorded second), gone (destroyed) covers 2500..2599.
    await add(s, rec('late', '2026-12-03T00:00:00.000Z', { count: 2500 }), many(0, 2500));
    await add(s, rec('early', '2026-01-01T00:00:00.000Z', { count: 1000 }), many(1000, 1000));
    await add(s, rec('gone', '2025-01-01T00:00:00.000Z', { count: 100 }), many(2500, 100));
    await s.update('gone', { status: 'destroyed', dropEntries: true }, { kind: 'destroy', subject: 'gone', payload: {} });
    await add(s, rec('named', '2026-02-01T00:00:00.000Z', { count: 1 }), [{ index: 0, name: 'g1', size: 1, digests: { sha256: hex('9') } }]);
    // A registration that recorded SHA-512 only, earlier than all: it covers f7 through that algorithm.
    await add(s, rec('only512', '2020-01-01T00:00:00.000Z', { count: 1, algorithms: ['sha512'] }), [{ index: 0, name: 'x', size: 1, digests: { sha512: '7'.repeat(128) } }]);
    const files = [...Array.from({ length: 2600 }, (_, i) => ({ name: `f${i}`, digests: i === 7 ? { sha256: d(i), sha512: '7'.repeat(128) } : { sha256: d(i) } })), { name: 'g1', digests: { sha256: hex('8') } }];
    const st = await fileStatuses(s, files);
    expect(st.length).toBe(2601);
    expect(st[5]).toMatchObject({ file: 'f5', status: 'registered', registration: { id: 'late' }, others: 0 });
    expect(st[7]).toMatchObject({ file: 'f7', status: 'registered', registration: { id: 'only512' }, others: 1 });
    expect(st[999]!.registration!.id).toBe('late');
    expect(st[1000]).toMatchObject({ file: 'f1000', status: 'registered', registration: { id: 'early', receipt: '/r/early.tsproof.json' }, others: 1 });
    expect(st[1999]!.registration!.id).toBe('early');
    expect(st[2000]!.registration!.id).toBe('late');
    expect(st[2550]).toEqual({ file: 'f2550', status: 'unregistered' });
    expect(st[2600]).toMatchObject({ file: 'g1', status: 'modified', registration: { id: 'named' } });
    expect(st.filter((x) => x.status === 'registered').length).toBe(2500);
    s.close();
  });

  it('filters by project and tags', async () => {
    const s = await openRegistry(home(), { now });
    await add(s, rec('p1', '2026-01-01T00:00:00.000Z', { project: 'engine', tags: { team: 'cad', phase: 'v2' }, classification: 'secret' }), entries(hex('4'), hex('5')));
    await add(s, rec('p2', '2026-01-02T00:00:00.000Z', { project: 'other' }), entries(hex('6'), hex('7')));
    expect((await s.registrations({ project: 'engine' })).map((r) => r.id)).toEqual(['p1']);
    expect((await s.registrations({ tags: ['team=cad'] })).map((r) => r.id)).toEqual(['p1']);
    expect((await s.registrations({ tags: ['team=x'] })).map((r) => r.id)).toEqual([]);
    expect((await s.registrations({ tags: ['phase'] })).map((r) => r.id)).toEqual(['p1']);
    expect((await s.registration('p1'))!.tags).toEqual({ team: 'cad', phase: 'v2' });
    s.close();
  });

  it('chains events: each hash covers the previous one; other capabilities append their own kinds', async () => {
    const s = await openRegistry(home(), { now });
    await add(s, rec('c1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    const ev = await s.append({ kind: 'secret.create', subject: 'S-1', payload: { name: 'recipe' }, signature: 'AAAA' });
    const events = await s.events();
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'registration'],
      [2, 'secret.create'],
    ]);
    expect(events[0]!.prev).toBe(GENESIS);
    expect(ev.prev).toBe(events[0]!.hash);
    expect(eventHash(ev)).toBe(ev.hash);
    expect(JSON.parse(events[0]!.payload).entriesSha256).toBe(entriesSha256(entries(hex('1'), hex('2'))));
    expect(checkChain(events).problems).toEqual([]);
    expect((await s.events({ kind: 'secret.create' })).length).toBe(1);
    s.close();
  });

  it('names an edited, a deleted and a reordered event', async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    for (let i = 0; i < 5; i++) await s.append({ kind: 'note', payload: { i } });
    s.close();
    const db = raw(h);
    db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    db.exec(`UPDATE events SET payload = '{"i":99}' WHERE seq = 2`);
    db.exec('DELETE FROM events WHERE seq = 4');
    db.close();
    const s2 = await openRegistry(h, { now });
    const problems = checkChain(s2.iterateEvents()).problems.map((p) => p.problem.render());
    s2.close();
    expect(problems).toContain('event 2 (note) was edited: its content no longer matches its hash');
    expect(problems).toContain('event 5 follows event 3: 1 event(s) deleted');

    const h2 = home();
    const s3 = await openRegistry(h2, { now });
    for (let i = 0; i < 3; i++) await s3.append({ kind: 'note', payload: { i } });
    s3.close();
    const db2 = raw(h2);
    db2.exec('DROP TRIGGER events_no_update;');
    // Swap the content of events 2 and 3 (hashes recomputed by the attacker): the links break.
    const [e2, e3] = [db2.prepare('SELECT * FROM events WHERE seq = 2').get()!, db2.prepare('SELECT * FROM events WHERE seq = 3').get()!];
    db2.prepare('UPDATE events SET payload = ?, hash = ? WHERE seq = 2').run(e3.payload as string, e3.hash as string);
    db2.prepare('UPDATE events SET payload = ?, hash = ? WHERE seq = 3').run(e2.payload as string, e2.hash as string);
    db2.close();
    const s4 = await openRegistry(h2, { now });
    const p2 = checkChain(s4.iterateEvents()).problems;
    s4.close();
    expect(p2.length).toBeGreaterThan(0);
    expect(p2.map((p) => p.seq)).toContain(2);
  });

  it('refuses edits and deletions of events through SQL (append-only triggers)', async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    await s.append({ kind: 'note', payload: {} });
    s.close();
    const db = raw(h);
    expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
    db.close();
  });

  it('refuses a registry written by a newer tsproof: "needs a newer tsproof", nothing changed', async () => {
    const h = home();
    (await openRegistry(h, { now })).close();
    const db = raw(h);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(registryPath(h));
    const err = await openRegistry(h, { now }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('REGISTRY_TOO_NEW');
    expect((err as InputError).message).toMatch(/needs a newer tsproof/);
    expect(readFileSync(registryPath(h)).equals(before)).toBe(true);
  });

  it('refuses a damaged file with one line naming it and suggesting registry rebuild; nothing overwritten', async () => {
    const h = home();
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(registryPath(h), garbage);
    const err = (await openRegistry(h, { now }).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('REGISTRY_CORRUPT');
    expect(err.message).toContain(registryPath(h));
    expect(err.message).toContain('registry rebuild');
    expect(err.message).not.toMatch(/\n/);
    expect(readFileSync(registryPath(h)).equals(garbage)).toBe(true);
    expect(existsSync(`${registryPath(h)}-wal`)).toBe(false);
  });

  it('refuses an SQLite file that is not a tsproof registry', async () => {
    const h = home();
    const db = new DatabaseSync(registryPath(h));
    db.exec('CREATE TABLE t (x)');
    db.close();
    const err = (await openRegistry(h, { now }).catch((e: unknown) => e)) as InputError;
    expect(err.code).toBe('REGISTRY_CORRUPT');
    expect(err.message).toMatch(/is not a tsproof registry/);
  });

  it('migrates index.jsonl once (names from receipts that are gone are unknown), keeping it as index.jsonl.bak', async () => {
    const h = home();
    const line = { receipt: '/nowhere/x.tsproof.json', id: 'old-1', time: '2025-05-05T00:00:00.000Z', holder: 'CN=Old', holderSha256: hex('c'), digests: { sha256: hex('1') + hex('2') } };
    writeFileSync(path.join(h, 'index.jsonl'), `${JSON.stringify(line)}\n{torn`);
    const s = await openRegistry(h, { now });
    expect(existsSync(path.join(h, 'index.jsonl'))).toBe(false);
    expect(readFileSync(path.join(h, 'index.jsonl.bak'), 'utf8')).toContain('old-1');
    const found = await s.findByDigest('sha256', hex('2'));
    expect(found.map((c) => [c.registration.id, c.registration.time, c.entry.index])).toEqual([['old-1', '2025-05-05T00:00:00.000Z', 1]]);
    expect((await s.events()).map((e) => e.kind)).toEqual(['migrate']);
    expect(await s.holderDigests(hex('c'))).toEqual(new Set([`sha256:${hex('1')}`, `sha256:${hex('2')}`]));
    s.close();
    // Again (another process, or a migration cut short before the rename): nothing twice.
    writeFileSync(path.join(h, 'index.jsonl'), `${JSON.stringify(line)}\n`);
    const s2 = await openRegistry(h, { now });
    expect((await s2.events()).length).toBe(1);
    s2.close();
  });
});

describe('recording in two steps (register commits the entries ahead while it signs and timestamps)', () => {
  const count = (h: string, sql: string) => {
    const d = raw(h);
    try {
      return (d.prepare(sql).get() as { n: number }).n;
    } finally {
      d.close();
    }
  };
  const columnsOf = (e: EntryRecord[]) => entryColumns(packEntries(e)!);

  it('entries put ahead are committed but seen by no query until the registration is completed, then with it and its event', async () => {
    const h = home();
    const s = await openRegistry(h, { now });
    await add(s, rec('r-1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    const e = entries(hex('3'), hex('4'));
    const rid = (s as SqliteRegistry).putEntriesAhead(columnsOf(e));
    // Committed (another connection sees the rows), and the write lock is free again: nothing waits on the TSAs.
    expect(count(h, 'SELECT count(*) AS n FROM entries')).toBe(4);
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(1);
    const other = raw(h);
    other.exec('PRAGMA busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    other.close();
    // No lookup finds them: not by digest, not by name, not in status's batched lookups, not in the counts.
    const reader = (await openExistingRegistry(h, { now, readOnly: true }))!;
    expect(await reader.findByDigest('sha256', hex('4'))).toEqual([]);
    expect(await reader.findByName('dir/b.txt')).toHaveLength(1);
    expect((await reader.idsByDigests('sha256', [hex('3'), hex('1')])).map((l) => l.map((b) => b.id))).toEqual([[], ['r-1']]);
    expect((reader as SqliteRegistry).stats().entries).toBe(2);
    reader.close();
    const r = rec('r-2', '2026-02-01T00:00:00.000Z');
    const ev = (s as SqliteRegistry).completeRegistration(rid, r, () => registrationEvent('registration', r, e));
    expect(ev !== 'lost' && ev?.kind).toBe('registration');
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(0);
    expect((await s.findByDigest('sha256', hex('4'))).map((c) => c.registration.id)).toEqual(['r-2']);
    expect(await s.entries('r-2')).toEqual(e);
    // The event covers exactly these entries (registry verify's entries check), and the chain holds.
    expect(ev !== 'lost' && JSON.parse(ev!.payload).entriesSha256).toBe(entriesSha256(e));
    expect(checkChain(await s.events()).problems).toEqual([]);
    s.close();
  });

  it('stores exactly what the ordinary path stores: escaped and non-BMP names, sizes to 2^53 − 1, several algorithms; the digests of both agree', async () => {
    const tricky = ['도면/부품 1.step', 'a\nb', 'quote " and \\ backslash', 'tab\there\u0001', 'emoji 😀.txt', 'e\u0301 (NFD)', '', ',",'];
    const one: EntryRecord[] = tricky.map((name, index) => ({ index, name, size: [0, 1, 2 ** 53 - 1, 10 ** 15][index % 4]!, digests: { sha256: createHash('sha256').update(name).digest('hex') } }));
    const many: EntryRecord[] = one.map((e) => ({ ...e, digests: { sha256: e.digests.sha256!, sha384: createHash('sha384').update(e.name).digest('hex'), sha512: createHash('sha512').update(e.name).digest('hex') } }));
    const plain: EntryRecord[] = ['a', 'b/c', 'd e'].map((name, index) => ({ index, name, size: index * 1000, digests: { sha256: hex(String(index + 1)) } }));
    for (const e of [one, many, plain]) {
      const h = home();
      const s = (await openRegistry(h, { now })) as SqliteRegistry;
      const r1 = rec('ordinary', '2026-01-01T00:00:00.000Z');
      await add(s, r1, e);
      const r2 = rec('ahead', '2026-01-02T00:00:00.000Z');
      const p = packEntries(e)!;
      const rid = s.putEntriesAhead(entryColumns(p));
      expect(packedEntriesSha256(p)).toBe(entriesSha256(e));
      s.completeRegistration(rid, r2, () => registrationEventOf('registration', r2, packedEntriesSha256(p)));
      expect(await s.entries('ahead')).toEqual(await s.entries('ordinary'));
      expect(await s.entries('ahead')).toEqual(e);
      s.close();
    }
  });

  it('discarded: nothing stays; a registration completed twice, or after a discard, is lost (recorded the ordinary way)', async () => {
    const h = home();
    const s = (await openRegistry(h, { now })) as SqliteRegistry;
    const rid = s.putEntriesAhead(columnsOf(entries(hex('5'), hex('6'))));
    s.discardEntriesAhead(rid);
    s.discardEntriesAhead(rid); // twice is harmless
    expect(count(h, 'SELECT count(*) AS n FROM entries')).toBe(0);
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(0);
    const r = rec('r-3', '2026-03-01T00:00:00.000Z');
    expect(s.completeRegistration(rid, r, () => registrationEvent('registration', r, []))).toBe('lost');
    expect(await s.events()).toEqual([]);
    await add(s, r, entries(hex('7'), hex('8')));
    expect(await s.findByDigest('sha256', hex('5'))).toEqual([]);
    expect((await s.findByDigest('sha256', hex('7'))).map((c) => c.registration.id)).toEqual(['r-3']);
    s.close();
  });

  it('an id on record already: the entries put ahead are removed, nothing else changes, undefined', async () => {
    const h = home();
    const s = (await openRegistry(h, { now })) as SqliteRegistry;
    const r = rec('r-dup', '2026-01-01T00:00:00.000Z');
    await add(s, r, entries(hex('1'), hex('2')));
    const e = entries(hex('9'), hex('a'));
    const rid = s.putEntriesAhead(columnsOf(e));
    expect(s.completeRegistration(rid, r, () => registrationEvent('registration', r, e))).toBeUndefined();
    expect(count(h, 'SELECT count(*) AS n FROM entries')).toBe(2);
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(0);
    expect(await s.events()).toHaveLength(1);
    s.close();
  });

  it('what an ended process put ahead is removed by the next change; a running one keeps its entries; an ordinary registration takes a row id past them', async () => {
    const h = home();
    let clock = new Date('2026-12-04T10:00:00.000Z');
    const running = new Set([4242, 4343]);
    const at = () => clock;
    const killed = (await openRegistry(h, { now: at })) as SqliteRegistry;
    // Two other processes (pids 4242 and 4343) put entries ahead; 4242 is then killed (its connection just goes away).
    const a = SqliteRegistry.open(registryPath(h), { now: at, pid: 4242, alive: (pid) => running.has(pid) });
    a.putEntriesAhead(columnsOf(entries(hex('1'), hex('2'))));
    a.close();
    const b = SqliteRegistry.open(registryPath(h), { now: at, pid: 4343, alive: (pid) => running.has(pid) });
    const ridB = b.putEntriesAhead(columnsOf(entries(hex('3'), hex('4'))));
    running.delete(4242);
    killed.close();
    // registry verify: both put aside, not a problem.
    const v = (await openExistingRegistry(h, { now: at, readOnly: true }))!;
    const before = await checkRegistry(v as SqliteRegistry, { trust: [], now: at(), receipts: false });
    expect(before).toMatchObject({ ok: true, entries: 0, pending: { registrations: 2, entries: 4 }, problems: [] });
    v.close();
    // The next change (here an ordinary registration by a third process) removes 4242's, keeps 4343's, and takes a fresh row id.
    const c = SqliteRegistry.open(registryPath(h), { now: at, pid: 4444, alive: (pid) => running.has(pid) });
    const r = rec('r-c', '2026-04-01T00:00:00.000Z');
    await add(c, r, entries(hex('5'), hex('6')));
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(1);
    expect(count(h, 'SELECT count(*) AS n FROM entries')).toBe(4);
    expect(count(h, "SELECT rid AS n FROM registrations WHERE id = 'r-c'")).toBeGreaterThan(ridB);
    // 4343 completes its registration as if nothing happened.
    const rb = rec('r-b', '2026-04-02T00:00:00.000Z');
    expect(b.completeRegistration(ridB, rb, () => registrationEvent('registration', rb, entries(hex('3'), hex('4'))))).not.toBe('lost');
    expect((await c.findByDigest('sha256', hex('3'))).map((x) => x.registration.id)).toEqual(['r-b']);
    // Entries put ahead an hour ago by a process that seems to run still (its pid reused) are taken for a leftover too.
    const ridOld = b.putEntriesAhead(columnsOf(entries(hex('7'), hex('8'))));
    clock = new Date(clock.getTime() + 61 * 60 * 1000);
    await c.append({ kind: 'note', payload: {} });
    expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(0);
    const late = rec('r-late', '2026-04-03T00:00:00.000Z');
    expect(b.completeRegistration(ridOld, late, () => registrationEvent('registration', late, []))).toBe('lost');
    const after = await checkRegistry(c, { trust: [], now: at(), receipts: false });
    expect(after).toMatchObject({ ok: true, registrations: 2, entries: 4, pending: { registrations: 0, entries: 0 } });
    b.close();
    c.close();
  });

  for (const how of ['older than an hour', 'another machine name (a container: pids of its own)', 'the same pid on this machine (pid namespaces, one host name)'] as const) {
    it(`entries of a live registration taken for a leftover (${how}): no registration ends with entries not its own; the one that lost them is recorded the ordinary way`, async () => {
      const h = home();
      let clock = new Date('2026-12-04T10:00:00.000Z');
      const at = () => clock;
      (await openRegistry(h, { now: at })).close();
      const elsewhere = how.startsWith('another');
      const a = SqliteRegistry.open(registryPath(h), { now: at, pid: 100, host: elsewhere ? 'container-a' : 'here', alive: () => true });
      const eA = entries(hex('1'), hex('2'));
      const ridA = a.putEntriesAhead(columnsOf(eA));
      if (how.startsWith('older')) clock = new Date(clock.getTime() + 61 * 60_000);
      // B takes A's entries for a leftover although A's process runs: by age, or by its own pid; from another machine name, only by age.
      const b = SqliteRegistry.open(registryPath(h), { now: at, pid: how.startsWith('the same pid') ? 100 : 200, host: elsewhere ? 'container-b' : 'here', alive: () => true });
      const eB = entries(hex('3'), hex('4'));
      const ridB = b.putEntriesAhead(columnsOf(eB));
      if (elsewhere)
        expect(count(h, 'SELECT count(*) AS n FROM pending')).toBe(2); // within the hour: left alone
      else expect(ridB).toBe(ridA); // the row id freed as a leftover is reserved again
      const outcomes: string[] = [];
      for (const [s, rid, r, e] of [
        [a, ridA, rec('A', '2026-12-04T10:00:00.000Z'), eA],
        [b, ridB, rec('B', '2026-12-04T10:00:01.000Z'), eB],
      ] as const) {
        const ev = s.completeRegistration(rid, r, () => registrationEvent('registration', r, e));
        outcomes.push(ev === 'lost' ? 'lost' : 'completed');
        if (ev === 'lost') {
          s.discardEntriesAhead(rid); // removes nothing of the other's
          await add(s, r, e); // the ordinary way
        }
      }
      if (how.startsWith('older')) expect(outcomes).toEqual(['lost', 'completed']);
      if (elsewhere) expect(outcomes).toEqual(['completed', 'completed']);
      expect(await a.entries('A')).toEqual(eA);
      expect(await a.entries('B')).toEqual(eB);
      expect(await checkRegistry(a, { trust: [], now: at(), receipts: false })).toMatchObject({ ok: true, registrations: 2, entries: 4, pending: { registrations: 0 } });
      a.close();
      b.close();
    });
  }

  it('registry verify names entries that belong to no registration and were not put ahead (added behind the chain’s back)', async () => {
    const h = home();
    const s = (await openRegistry(h, { now })) as SqliteRegistry;
    await add(s, rec('r-1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    const d = raw(h);
    d.exec('PRAGMA foreign_keys = OFF'); // as an attacker would
    d.exec(`INSERT INTO entries (rid, idx, name, size, sha256) VALUES (99, 0, 'planted', 1, unhex('${hex('c')}'))`);
    d.close();
    const r = await checkRegistry(s, { trust: [], now: now(), receipts: false });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.detail.render())).toEqual(["1 entries (row id 99) belong to no registration: added behind the chain's back"]);
    // And no lookup shows them.
    expect(await s.findByDigest('sha256', hex('c'))).toEqual([]);
    s.close();
  });

  it('migrates a registry of schema 1 (before entries could be put ahead), its records intact', async () => {
    const h = home();
    const d = new DatabaseSync(registryPath(h));
    d.exec(MIGRATIONS[0]!);
    d.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = 1`);
    d.close();
    const old = (await openRegistry(h, { now })) as SqliteRegistry;
    await add(old, rec('r-1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    old.close();
    const e = raw(h);
    expect(e.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
    e.close();
    const s = (await openRegistry(h, { now })) as SqliteRegistry;
    const rid = s.putEntriesAhead(columnsOf(entries(hex('3'), hex('4'))));
    expect(rid).toBe(2);
    expect((await checkRegistry(s, { trust: [], now: now(), receipts: false })).ok).toBe(true);
    s.close();
  });
  it('registry verify reads one snapshot: a registration completed, or entries discarded, by another process between its statements is not taken for tampering', async () => {
    for (const between of ['completed', 'discarded'] as const) {
      const h = home();
      const w = (await openRegistry(h, { now })) as SqliteRegistry;
      const e = entries(hex('1'), hex('2'));
      const rid = w.putEntriesAhead(columnsOf(e));
      const reader = (await openExistingRegistry(h, { now, readOnly: true })) as SqliteRegistry;
      after(reader, between === 'completed' ? 'SELECT 1 AS x FROM registrations WHERE rid = ?' : 'SELECT rid FROM entries WHERE rid > ? ORDER BY rid LIMIT 1', () => {
        const r = rec('r-1', '2026-01-01T00:00:00.000Z');
        if (between === 'completed') expect(w.completeRegistration(rid, r, () => registrationEvent('registration', r, e))).not.toBe('lost');
        else w.discardEntriesAhead(rid);
      });
      expect(await checkRegistry(reader, { trust: [], now: now(), receipts: false })).toMatchObject({ ok: true, registrations: 0, pending: { registrations: 1, entries: 2 } });
      // The next check sees what was committed meanwhile.
      expect(await checkRegistry(reader, { trust: [], now: now(), receipts: false })).toMatchObject(
        between === 'completed' ? { ok: true, registrations: 1, entries: 2, pending: { registrations: 0 } } : { ok: true, registrations: 0, pending: { registrations: 0 } },
      );
      reader.close();
      w.close();
    }
  });
});

describe('readers while another process writes', () => {
  it('read without locks (immutable: a folder the reader may not write): a file written meanwhile is "changed while it was being read; try again", never "damaged"', async () => {
    const h = home();
    const w = await openRegistry(h, { now });
    await add(w, rec('r-1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    w.close(); // checkpointed: no -wal file, as a reader in a read-only folder finds it
    const reader = SqliteRegistry.open(registryPath(h), { now, readOnly: true, immutable: true });
    expect((await reader.registrations()).map((r) => r.id)).toEqual(['r-1']);
    const w2 = await openRegistry(h, { now });
    for (let i = 0; i < 20; i++) await add(w2, rec(`r-${i + 2}`, '2026-01-02T00:00:00.000Z'), entries(hex(String(i % 10)), hex('f')));
    w2.close(); // its pages copied into registry.db, under the reader's feet
    await expect(checkRegistry(reader, { trust: [], now: now(), receipts: false })).rejects.toMatchObject({ code: 'REGISTRY_BUSY', message: expect.stringMatching(/changed while it was being read .*try again/) });
    reader.close();
    const again = SqliteRegistry.open(registryPath(h), { now, readOnly: true, immutable: true });
    expect(await checkRegistry(again, { trust: [], now: now(), receipts: false })).toMatchObject({ ok: true, registrations: 21 });
    again.close();
  });

  it('a read-only open waits (busy timeout) for a lock another process holds a moment, rather than failing at once', async () => {
    const h = home();
    const w = await openRegistry(h, { now });
    await add(w, rec('r-1', '2026-01-01T00:00:00.000Z'), entries(hex('1'), hex('2')));
    w.close();
    // Another process holds the database exclusively for 700 ms.
    const script = `const { DatabaseSync } = require('node:sqlite'); const d = new DatabaseSync(${JSON.stringify(registryPath(h))}); d.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE'); d.exec('UPDATE meta SET value = value'); process.stdout.write('locked\\n'); setTimeout(() => { d.exec('COMMIT'); d.close(); }, 700);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && resolve()));
    const t0 = Date.now();
    const reader = SqliteRegistry.open(registryPath(h), { now, readOnly: true, busyTimeoutMs: 10_000 });
    expect((await reader.registrations()).map((r) => r.id)).toEqual(['r-1']);
    expect(Date.now() - t0).toBeGreaterThan(300);
    reader.close();
    await new Promise((r) => child.on('close', r));
  });
});

describe('entriesSha256 (a contract: docs/registry.md#event-chain)', () => {
  it('is SHA-256 over JSON.stringify([idx, name, size, sha256, sha384, sha512]) + "\\n" per entry, whatever the names hold', () => {
    const names = ['plain.txt', 'nul \0 inside', 'quote " \\ \u0001', 'emoji 😀', 'lone \ud800', '한글/도면.dwg'];
    const e: EntryRecord[] = names.map((name, index) => ({ index, name, size: index, digests: index % 2 ? { sha256: hex('1'), sha512: 'e'.repeat(128) } : { sha256: hex('2') } }));
    const lines = e.map((x) => `${JSON.stringify([x.index, x.name, x.size, x.digests.sha256 ?? null, x.digests.sha384 ?? null, x.digests.sha512 ?? null])}\n`).join('');
    expect(entriesSha256(e)).toBe(createHash('sha256').update(lines, 'utf8').digest('hex'));
  });
});

describe('packing entries for the recording worker', () => {
  it('refuses what it cannot carry faithfully (the caller then records the ordinary way)', () => {
    expect(packEntries([{ index: 1, name: 'a', size: 1, digests: { sha256: hex('1') } }])).toBeUndefined();
    expect(packEntries([{ index: 0, name: 'a\0b', size: 1, digests: { sha256: hex('1') } }])).toBeUndefined();
    expect(packEntries([{ index: 0, name: 'a', size: 1, digests: { sha256: 'abc' } }])).toBeUndefined();
    expect(packEntries([{ index: 0, name: 'a', size: -1, digests: { sha256: hex('1') } }])).toBeUndefined();
    expect(packEntries([{ index: 0, name: 'a', size: 1.5, digests: { sha256: hex('1') } }])).toBeUndefined();
    expect(
      packEntries([
        { index: 0, name: 'a', size: 1, digests: { sha256: hex('1') } },
        { index: 1, name: 'b', size: 1, digests: {} },
      ]),
    ).toBeUndefined();
    // What the worker refuses in turn: a lone surrogate (stored as U+FFFD, it would not be the name registered), digests that are not hex.
    expect(() => entryColumns(packEntries([{ index: 0, name: 'a\ud800', size: 1, digests: { sha256: hex('1') } }])!)).toThrow(/surrogate/);
    expect(() => entryColumns(packEntries([{ index: 0, name: 'a', size: 1, digests: { sha256: 'g'.repeat(64) } }])!)).toThrow(/hex/);
    expect(entryColumns(packEntries([{ index: 0, name: '😀', size: 1, digests: { sha256: hex('1') } }])!).count).toBe(1);
    expect(entryColumns(packEntries([])!)).toMatchObject({ count: 0, names: '[]' });
  });
});
