/**
 * Secrecy-measure records, the parts that need no TSA: the fold of events into each secret's
 * state and the chain checks, the statistics' findings, the classification scale, and the file
 * store's own line chain. (Signing, timestamping and verification end to end: test/cli/secrets.test.ts.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEVELS, EVENT_FORMAT, checkDate, eventHash, levelsFromConfig, resolveLevel, type EventData, type SecretEvent } from '../../src/core/secrets/model.js';
import { foldRecords } from '../../src/core/secrets/state.js';
import { secretStats } from '../../src/core/secrets/stats.js';
import { EventLogSecretStore, FileSecretStore, migrateFileStore, SECRET_RECORD_KIND, type EventLog, type StoredRecord } from '../../src/core/secrets/store.js';
import { canonicalJson } from '../../src/core/receipt/manifest.js';
import { InputError } from '../../src/core/errors.js';
import type { Receipt } from '../../src/core/receipt/receipt.js';

const RECEIPT = { id: 'r' } as unknown as Receipt;

/** Records of one event each, chained per secret as writeRecord chains them. */
function chain(list: [string, EventData][]): StoredRecord[] {
  const heads = new Map<string, SecretEvent>();
  return list.map(([secret, data], i) => {
    const head = heads.get(secret);
    const e: SecretEvent = { format: EVENT_FORMAT, version: 1, id: `e${i}`, secret, seq: (head?.seq ?? 0) + 1, prev: head ? eventHash(head) : null, time: '2026-01-01T00:00:00.000Z', data };
    heads.set(secret, e);
    return { seq: i + 1, receipt: RECEIPT, events: [e] };
  });
}

const created = (level = 'top-secret', review?: string): EventData => ({ type: 'created', secret: { title: 't', level, ...(review ? { review } : {}) }, covers: [] });
const kim = { name: '김영희', employeeId: 'E2' };
const park = { name: '박민수', employeeId: 'E1' };
const doc = { name: 'p.pdf', size: 1, sha256: 'aa' };

describe('fold', () => {
  it('folds fields, reclassification, grants, revocations and pledges', () => {
    const recs = chain([
      ['A', created()],
      ['A', { type: 'granted', grant: 'g1', person: park, since: '2026-01-01' }],
      ['A', { type: 'edited', changes: { level: { from: 'top-secret', to: 'internal' }, custodian: { from: null, to: '이철수' } } }],
      ['A', { type: 'revoked', grants: ['g1'], person: park, date: '2026-02-01', left: true }],
      ['A', { type: 'pledged', pledge: 'p1', person: park, kind: 'joining', date: '2026-01-01', document: doc, form: 'paper', scan: doc }],
    ]);
    const l = foldRecords(recs);
    const s = l.secrets.get('A')!;
    expect(l.problems).toEqual([]);
    expect(s.fields).toEqual({ title: 't', level: 'internal', custodian: '이철수' });
    expect(s.levels.map((x) => x.level)).toEqual(['top-secret', 'internal']);
    expect(s.grants[0]!.revoked).toMatchObject({ date: '2026-02-01', left: true });
    expect(s.pledges[0]!.status).toBe('unchecked');
  });

  it('names an event out of its chain, one that no longer follows, and one for a secret never created', () => {
    const recs = chain([
      ['A', created()],
      ['A', { type: 'retired', reason: 'x' }],
      ['B', { type: 'retired', reason: 'y' }],
    ]);
    const edited = structuredClone(recs);
    (edited[0]!.events[0]!.data as { secret: { title: string } }).secret.title = 'changed';
    const l = foldRecords(edited);
    expect(l.problems.map((p) => p.message.render())).toEqual(['event A#2 retired (e1) does not follow the previous event of A (chain broken)', 'event B#1 retired (e2) names a secret that was never created']);
    const dropped = foldRecords([recs[1]!]);
    expect(dropped.problems[0]!.message.render()).toBe('event A#2 retired (e1) is out of place in the chain of A (expected position 1)');
  });
});

describe('stats', () => {
  it('finds access without a pledge, expired access, overdue reviews, leavers without a leaving pledge or still with access', () => {
    const l = foldRecords(
      chain([
        ['A', created('top-secret', '2026-03-01')],
        ['B', created('internal')],
        ['A', { type: 'granted', grant: 'g1', person: park, since: '2026-01-01', until: '2026-02-01' }],
        ['A', { type: 'granted', grant: 'g2', person: kim, since: '2026-01-01' }],
        ['B', { type: 'granted', grant: 'g3', person: kim, since: '2026-01-01' }],
        ['A', { type: 'pledged', pledge: 'p1', person: park, kind: 'joining', date: '2026-01-01', document: doc, form: 'paper', scan: doc }],
        ['B', { type: 'revoked', grants: ['g3'], person: kim, date: '2026-04-01', left: true }],
      ]),
    );
    const s = secretStats(l, DEFAULT_LEVELS, '2026-05-01');
    expect(s.secrets.byLevel.map((b) => [b.level, b.count])).toEqual([
      ['top-secret', 1],
      ['confidential', 0],
      ['internal', 1],
    ]);
    expect(s.findings).toEqual([
      { kind: 'access-expired', secret: 'A', person: park, date: '2026-02-01' },
      { kind: 'access-without-pledge', secret: 'A', person: kim },
      { kind: 'leaver-with-access', secret: 'A', person: kim, date: '2026-04-01' },
      { kind: 'review-overdue', secret: 'A', date: '2026-03-01' },
      { kind: 'leaver-without-pledge', person: kim, date: '2026-04-01' },
    ]);
    expect(s.people).toEqual({ withAccess: 2, pledged: 1, leavers: 1 });
  });

  it('a leaving pledge clears the leaver; nothing else needs attention', () => {
    const l = foldRecords(
      chain([
        ['A', created()],
        ['A', { type: 'granted', grant: 'g1', person: park, since: '2026-01-01' }],
        ['A', { type: 'pledged', pledge: 'p1', person: park, kind: 'leaving', date: '2026-03-01', document: doc, form: 'paper', scan: doc }],
        ['A', { type: 'revoked', grants: ['g1'], person: park, date: '2026-03-01', left: true }],
      ]),
    );
    expect(secretStats(l, DEFAULT_LEVELS, '2026-05-01').findings).toEqual([]);
  });
});

describe('classification scale and dates', () => {
  it('resolves a level by id or by its Korean or English name; refuses others', () => {
    expect(resolveLevel(DEFAULT_LEVELS, '대외비').id).toBe('confidential');
    expect(resolveLevel(DEFAULT_LEVELS, 'top secret').id).toBe('top-secret');
    expect(() => resolveLevel(DEFAULT_LEVELS, '비밀')).toThrow(InputError);
  });
  it("takes a firm's own scale from config.json, and refuses a malformed one", () => {
    const levels = levelsFromConfig({ secrets: { levels: [{ id: 'a', ko: 'A급', en: 'Class A' }] } }, 'config.json');
    expect(resolveLevel(levels, 'A급').id).toBe('a');
    expect(() => levelsFromConfig({ secrets: { levels: [{ id: 'a', ko: 'A' }] } }, 'config.json')).toThrow(/secrets.levels/);
    expect(() =>
      levelsFromConfig(
        {
          secrets: {
            levels: [
              { id: 'a', ko: 'A', en: 'A' },
              { id: 'a', ko: 'B', en: 'B' },
            ],
          },
        },
        'config.json',
      ),
    ).toThrow(/distinct/);
  });
  it('accepts real dates only', () => {
    expect(checkDate('2028-02-29', '--date')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '26-01-01', '2026-1-1']) expect(() => checkDate(bad, '--date')).toThrow(/YYYY-MM-DD/);
  });
});

describe('FileSecretStore', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-secret-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('chains its lines: an edited, removed or reordered record is named; a torn last line is ignored', async () => {
    const store = new FileSecretStore(dir);
    const recs = chain([
      ['A', created()],
      ['A', { type: 'retired', reason: 'x' }],
      ['B', created()],
    ]);
    for (const r of recs) await store.append(r);
    expect((await store.load()).problems).toEqual([]);
    const text = readFileSync(store.file, 'utf8');
    writeFileSync(store.file, `${text}{"seq":4,"pre`);
    expect((await store.load()).records).toHaveLength(3);
    // The next append cuts the torn line off: the store stays whole.
    await store.append({ ...recs[2]!, seq: 4 });
    expect(await store.load()).toMatchObject({ problems: [], records: [{ seq: 1 }, { seq: 2 }, { seq: 3 }, { seq: 4 }] });
    const lines = text.trimEnd().split('\n');
    writeFileSync(store.file, `${lines[0]}\n${lines[2]}\n`);
    expect((await store.load()).problems.map((p) => p.message.render())).toEqual(['record 3 is at position 2: a record was removed or reordered', 'record 3 does not follow the record before it (chain broken)']);
    writeFileSync(store.file, `${lines[0]}\n${lines[1]!.replace('"reason":"x"', '"reason":"y"')}\n${lines[2]}\n`);
    expect((await store.load()).problems.map((p) => p.message.render())).toEqual(['record 2 was changed after it was written (its hash differs)']);
  });

  it('one writer at a time', async () => {
    const store = new FileSecretStore(path.join(dir, 'lock'));
    const order: string[] = [];
    await Promise.all(
      ['a', 'b'].map((x) =>
        store.locked(async () => {
          order.push(`${x}+`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`${x}-`);
        }),
      ),
    );
    expect([order[0]![1], order[1]![1]]).toEqual(['+', '-']);
  });
});

describe("EventLogSecretStore (records as events of the registry's chain)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-secret-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An event log shaped like the registry's: other capabilities' events interleave. */
  function memoryLog(): EventLog & { all: { seq: number; kind: string; subject?: string; payload: string }[] } {
    const all: { seq: number; kind: string; subject?: string; payload: string }[] = [];
    return {
      all,
      append: async (e) => all.push({ seq: all.length + 1, kind: e.kind, ...(e.subject ? { subject: e.subject } : {}), payload: canonicalJson(e.payload) }),
      events: async (o) => all.filter((e) => !o?.kind || e.kind === o.kind),
    };
  }

  it('appends one secret.record event per record and reads them back in order', async () => {
    const log = memoryLog();
    const store = new EventLogSecretStore(log, dir);
    const recs = chain([
      ['A', created()],
      ['B', created()],
    ]);
    await store.append(recs[0]!);
    await log.append({ kind: 'registration', payload: { id: 'x' } });
    await store.append(recs[1]!);
    expect(log.all.map((e) => [e.kind, e.subject])).toEqual([
      [SECRET_RECORD_KIND, 'A'],
      ['registration', undefined],
      [SECRET_RECORD_KIND, 'B'],
    ]);
    const { records, problems } = await store.load();
    expect(problems).toEqual([]);
    expect(foldRecords(records).secrets.size).toBe(2);
    expect(records.map((r) => r.events[0]!.id)).toEqual(['e0', 'e1']);
  });

  it('names a record removed from the log', async () => {
    const log = memoryLog();
    const store = new EventLogSecretStore(log, dir);
    for (const r of chain([
      ['A', created()],
      ['A', { type: 'retired', reason: 'x' }],
      ['B', created()],
    ]))
      await store.append(r);
    log.all.splice(1, 1);
    expect((await store.load()).problems.map((p) => p.message.render())).toEqual(['record 3 (registry event 3) is at position 2: a record was removed or reordered']);
  });
});

describe('migrateFileStore', () => {
  it("moves the file store's records into an empty log once, keeping the file as .bak; refuses a damaged file store", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tsproof-secret-migrate-'));
    try {
      const file = new FileSecretStore(home);
      const recs = chain([
        ['A', created()],
        ['A', { type: 'retired', reason: 'x' }],
      ]);
      for (const r of recs) await file.append(r);
      const all: { seq: number; kind: string; payload: string }[] = [];
      const log: EventLog = { append: async (e) => all.push({ seq: all.length + 1, kind: e.kind, payload: canonicalJson(e.payload) }), events: async () => all };
      const target = new EventLogSecretStore(log, home);
      expect(await migrateFileStore(home, target)).toBe(2);
      expect(existsSync(file.file)).toBe(false);
      expect(existsSync(`${file.file}.bak`)).toBe(true);
      expect((await target.load()).records.map((r) => r.events[0]!.id)).toEqual(['e0', 'e1']);
      expect(await migrateFileStore(home, target)).toBe(0);

      const other = mkdtempSync(path.join(os.tmpdir(), 'tsproof-secret-migrate-'));
      const damaged = new FileSecretStore(other);
      for (const r of recs) await damaged.append(r);
      writeFileSync(damaged.file, readFileSync(damaged.file, 'utf8').replace('"reason":"x"', '"reason":"y"'));
      await expect(migrateFileStore(other, new EventLogSecretStore({ append: async () => undefined, events: async () => [] }, other))).rejects.toThrow(/changed after it was written.*not moved/);
      expect(existsSync(damaged.file)).toBe(true);
      rmSync(other, { recursive: true, force: true });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
