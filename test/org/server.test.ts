/**
 * The organisation registry server on a real (throwaway) PostgreSQL: schema migrations, tokens by
 * role and project, the audit log, bad input refused with a JSON body and nothing stored, pushes
 * answered with proofs the client checks, two servers on one database keeping one tree, and
 * history edited or deleted in PostgreSQL detected by a client that saw the old head.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPg, type PgCluster } from '../helpers/postgres.js';
import { makeReceipt, startOrgServer, token, type OrgServerHandle } from '../helpers/org.js';
import { bundledTsa } from '../helpers/setup.js';
import { OrgClient } from '../../src/core/org/client.js';
import { RECEIPT_TYPE, REDACTED_TYPE, redactReceipt } from '../../src/core/org/document.js';
import { openPgStore } from '../../src/core/org/pg-store.js';
import { SCHEMA_VERSION } from '../../src/core/org/schema.js';
import { VerificationError, InputError } from '../../src/core/errors.js';
import { parseReceiptJson, serializeReceipt } from '../../src/core/receipt/receipt.js';
import { checkStampedHead, stampHead } from '../../src/core/org/stamp.js';
import { loadOrCreateLogKey } from '../../src/core/org/tree-head.js';
import { party } from '../helpers/fixtures.js';
import { randomBytes } from 'node:crypto';

let pg: PgCluster;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let keyDir: string;

beforeAll(async () => {
  pg = await startPg();
  tsa = await bundledTsa('tsa-ec');
  keyDir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgkey-'));
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  pg?.stop();
});

async function fresh(): Promise<{ db: string; server: OrgServerHandle; key: string }> {
  const db = pg.database();
  const key = path.join(keyDir, `${path.basename(db)}.pem`);
  return { db, key, server: await startOrgServer(db, key) };
}

const post = (url: string, body: string | Buffer, tk: string | undefined, type = RECEIPT_TYPE, q = '') =>
  fetch(new URL(`v1/registrations${q}`, url), { method: 'POST', body, headers: { 'content-type': type, ...(tk ? { authorization: `Bearer ${tk}` } : {}) } });

describe('schema migrations', () => {
  it('are applied once (--migrate), are idempotent, and a newer schema is refused without change', async () => {
    const db = pg.database();
    await expect(openPgStore({ url: db })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('--migrate') });
    const s = await openPgStore({ url: db, migrate: true });
    expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(await s.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    await s.close();
    pg.sql(db, `INSERT INTO tsproof_schema (version) VALUES (${SCHEMA_VERSION + 1})`);
    for (const migrate of [false, true]) await expect(openPgStore({ url: db, migrate })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('newer than this tsproof') });
    expect(pg.sql(db, 'SELECT count(*) FROM tsproof_schema').trim()).toBe('2');
  });
  it('an unreachable database is a service failure, not a crash', async () => {
    await expect(openPgStore({ url: `postgres://tsproof@127.0.0.1:1/x`, connectTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });
});

describe('the API', () => {
  let s: { db: string; server: OrgServerHandle; key: string };
  let registrar: string;
  let receipt: string;
  beforeAll(async () => {
    s = await fresh();
    registrar = await token(s.server.store, 'registrar');
    receipt = (await makeReceipt(tsa.url)).text;
  }, 60_000);
  afterAll(() => s.server.close());

  it('/health answers without a token', async () => {
    const r = await fetch(new URL('health', s.server.url));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', schema: SCHEMA_VERSION, size: 0 });
  });

  it('refuses anonymous, unknown, revoked and under-privileged tokens with a JSON error, and audits them', async () => {
    const reader = await token(s.server.store, 'reader');
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, 'UNAUTHENTICATED'],
      ['tsp_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401, 'BAD_TOKEN'],
      [reader, 403, 'FORBIDDEN'],
    ];
    for (const [tk, status, code] of cases) {
      const r = await post(s.server.url, receipt, tk);
      expect(r.status).toBe(status);
      expect(await r.json()).toMatchObject({ ok: false, error: { code } });
    }
    const victim = await token(s.server.store, 'registrar');
    const id = victim.slice(4, 20);
    expect(await s.server.store.revokeToken(id, new Date())).toBe(true);
    const r = await post(s.server.url, receipt, victim);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
    expect(pg.sql(s.db, 'SELECT count(*) FROM registrations').trim()).toBe('0');
    const audit = await s.server.store.auditLog(20);
    expect(audit.map((a) => a.status)).toEqual(expect.arrayContaining([401, 403]));
    expect(audit.some((a) => a.detail === `revoked token ${id}`)).toBe(true);
    // Only hashes are stored: the token's text appears nowhere in the database.
    expect(pg.sql(s.db, `SELECT count(*) FROM tokens WHERE encode(hash, 'escape') LIKE '%${victim.slice(21, 40)}%'`).trim()).toBe('0');
  });

  it('refuses malformed, oversized, non-verifying and wrongly typed pushes, storing nothing', async () => {
    const tampered = receipt.replace(/"size": ?(\d+)/, (_m, n: string) => `"size":${Number(n) + 1}`);
    const r0 = JSON.parse(receipt);
    r0.entries[0].size += 1;
    const cases: [string | Buffer, string, number, string][] = [
      ['{not json', RECEIPT_TYPE, 400, 'MALFORMED_RECEIPT'],
      [JSON.stringify(r0), RECEIPT_TYPE, 422, 'RECEIPT_DOES_NOT_VERIFY'],
      [tampered === receipt ? JSON.stringify(r0) : tampered, RECEIPT_TYPE, 422, 'RECEIPT_DOES_NOT_VERIFY'],
      [receipt, 'text/plain', 400, 'BAD_ARGUMENT'],
      [Buffer.alloc(33 * 1024 * 1024, 0x20), RECEIPT_TYPE, 413, 'TOO_LARGE'],
      [JSON.stringify({ format: 'tsproof.redacted-receipt', entries: [] }), REDACTED_TYPE, 400, 'MALFORMED_RECEIPT'],
    ];
    for (const [body, type, status, code] of cases) {
      const r = await post(s.server.url, body, registrar, type);
      expect(r.status, code).toBe(status);
      expect(await r.json(), code).toMatchObject({ ok: false, error: { code } });
    }
    expect(pg.sql(s.db, 'SELECT count(*) FROM registrations').trim()).toBe('0');
  });

  it('accepts a receipt with a proof the client checks; a replay is refused (409) and stores nothing', async () => {
    const c = new OrgClient({ url: s.server.url, token: registrar });
    const pushed = await c.push(Buffer.from(receipt), RECEIPT_TYPE, 'design');
    expect(pushed.already).toBe(false);
    expect(pushed.head.size).toBeGreaterThanOrEqual(1);
    const again = await post(s.server.url, receipt, registrar, RECEIPT_TYPE, '?project=design');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ ok: false, error: { code: 'ALREADY_REGISTERED' } });
    // The client treats its own replay as done (a lost acknowledgement), after checking the log.
    expect((await c.push(Buffer.from(receipt), RECEIPT_TYPE, 'design')).already).toBe(true);
    expect(pg.sql(s.db, `SELECT count(*) FROM registrations WHERE id = '${pushed.registration.id}'`).trim()).toBe('1');
    const pulled = await c.pull(pushed.registration.id);
    expect(pulled.document.toString()).toBe(receipt);
    const entry = parseReceiptJson(receipt, 'r').entries[0]!;
    const found = await c.query({ digest: `sha256:${entry.digests.sha256}` });
    expect(found.results.map((r) => r.registration.id)).toEqual([pushed.registration.id]);
    expect(found.results[0]!.entries![0]!.name).toBe(entry.name);
  });

  it('a redacted push stores name hashes only, and is still proven', async () => {
    const { reg } = await makeReceipt(tsa.url, 2);
    const doc = Buffer.from(JSON.stringify(redactReceipt(reg.receipt, 'sha256')));
    const c = new OrgClient({ url: s.server.url, token: registrar });
    const pushed = await c.push(doc, REDACTED_TYPE);
    expect(pushed.registration.redacted).toBe(true);
    const name = reg.receipt.entries[0]!.name;
    expect(pg.sql(s.db, `SELECT count(*) FROM entries WHERE name = '${name}'`).trim()).toBe('0');
    expect(pg.sql(s.db, `SELECT count(*) FROM registrations WHERE position('${name}' in convert_from(document, 'UTF8')) > 0`).trim()).toBe('0');
    // A redacted document whose leaves do not hash to the signed root is refused.
    const bad = JSON.parse(doc.toString());
    bad.id = 'x';
    const forged = redactReceipt((await makeReceipt(tsa.url, 2)).reg.receipt, 'sha256');
    forged.entries[0]!.leaf = '00'.repeat(32);
    const r = await post(s.server.url, JSON.stringify(forged), registrar, REDACTED_TYPE);
    expect(r.status).toBe(422);
  });

  it('a project-scoped token sees and pushes only its project', async () => {
    const scoped = await token(s.server.store, 'registrar', 'legal');
    const c = new OrgClient({ url: s.server.url, token: scoped });
    const all = await c.query({});
    expect(all.results.every((r) => r.registration.project === 'legal')).toBe(true);
    await expect(c.push(Buffer.from((await makeReceipt(tsa.url, 1)).text), RECEIPT_TYPE, 'design')).rejects.toMatchObject({ code: 'REGISTRY_REFUSED' });
    const ok = await c.push(Buffer.from((await makeReceipt(tsa.url, 1)).text), RECEIPT_TYPE);
    expect(ok.registration.project).toBe('legal');
    const other = (await new OrgClient({ url: s.server.url, token: registrar }).query({ project: 'design' })).results[0]!.registration.id;
    await expect(c.pull(other)).rejects.toMatchObject({ code: 'REGISTRY_REFUSED' });
  });
});

describe('one tree, whatever happens', () => {
  it('two servers on one database append concurrently into one consistent log', async () => {
    const { db, key, server: a } = await fresh();
    const b = await startOrgServer(db, key);
    try {
      const tk = await token(a.store, 'registrar');
      const receipts = await Promise.all(Array.from({ length: 12 }, (_, i) => makeReceipt(tsa.url, 2, `c${i}`)));
      const watcher = new OrgClient({ url: a.url, token: tk });
      await watcher.contact();
      const results = await Promise.all(receipts.map((r, i) => new OrgClient({ url: i % 2 ? a.url : b.url, token: tk }).push(Buffer.from(r.text), RECEIPT_TYPE)));
      expect(new Set(results.map((r) => r.registration.index)).size).toBe(12);
      for (const url of [a.url, b.url]) {
        const audit = await new OrgClient({ url, token: tk }).audit();
        expect(audit.size).toBe(12);
      }
      // The watcher's old head (size 0) and every later head of both servers are consistent.
      await watcher.contact();
      expect(watcher.state!.head.size).toBe(12);
      expect(pg.sql(db, 'SELECT count(*), count(DISTINCT id), max(seq) FROM registrations').trim()).toBe('12|12|11');
    } finally {
      await b.close();
      await a.close();
    }
  }, 60_000);

  it('rows edited or deleted in PostgreSQL are detected by a client that saw the old head', async () => {
    const { db, server } = await fresh();
    try {
      const tk = await token(server.store, 'registrar');
      const c = new OrgClient({ url: server.url, token: tk });
      const pushed = [];
      for (let i = 0; i < 3; i++) pushed.push(await c.push(Buffer.from((await makeReceipt(tsa.url, 1, `t${i}`)).text), RECEIPT_TYPE));
      const seen = c.state!;
      // An edited document (the row's other fields untouched): pulling it fails on its log entry.
      const doc = pg.sql(db, `SELECT encode(document, 'escape') FROM registrations WHERE seq = 1`);
      pg.sql(db, `UPDATE registrations SET document = convert_to(replace(convert_from(document, 'UTF8'), '"entries"', '"entries" '), 'UTF8') WHERE seq = 1`);
      expect(doc.length).toBeGreaterThan(0);
      await expect(new OrgClient({ url: server.url, token: tk, state: seen }).pull(pushed[1]!.registration.id)).rejects.toThrow(/does not match its log entry|stored record was changed/);
      // An edited log field: every command of the client fails on the consistency proof.
      pg.sql(db, `UPDATE registrations SET project = 'elsewhere' WHERE seq = 0`);
      const again = new OrgClient({ url: server.url, token: tk, state: seen });
      const err = await again.contact().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VerificationError);
      expect((err as VerificationError).code).toBe('LOG_INCONSISTENT');
      expect(String((err as Error).message)).toMatch(/not consistent with the tree head seen on .* \(size 3/);
      await expect(again.query({})).rejects.toMatchObject({ code: 'LOG_INCONSISTENT' });
      // A deleted row: the log shrank.
      pg.sql(db, `UPDATE registrations SET project = 'default' WHERE seq = 0`);
      await new OrgClient({ url: server.url, token: tk, state: seen }).contact();
      pg.sql(db, `DELETE FROM registrations WHERE seq = 2`);
      await expect(new OrgClient({ url: server.url, token: tk, state: seen }).contact()).rejects.toThrow(/fewer than the 3 seen on .*history was dropped/);
      // A client that never saw the old head has nothing to compare with: audit still checks the records against the head.
      expect((await new OrgClient({ url: server.url, token: tk }).audit()).size).toBe(2);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a head signed by another key is refused', async () => {
    const { db, server } = await fresh();
    const tk = await token(server.store, 'reader');
    const c = new OrgClient({ url: server.url, token: tk });
    await c.contact();
    await server.close();
    const other = await startOrgServer(db, path.join(keyDir, 'other-key.pem'));
    try {
      await expect(new OrgClient({ url: other.url, token: tk, state: { ...c.state!, url: other.url } }).contact()).rejects.toThrow(/not signed by the log key pinned/);
    } finally {
      await other.close();
    }
  });
});

describe('tree heads timestamped by the TSA', () => {
  it('a stamped head verifies (signature, root at its size, token over its bytes); a changed root or token does not', async () => {
    const { server, key } = await fresh();
    try {
      const tk = await token(server.store, 'registrar');
      const c = new OrgClient({ url: server.url, token: tk });
      for (let i = 0; i < 3; i++) await c.push(Buffer.from((await makeReceipt(tsa.url, 1, `s${i}`)).text), RECEIPT_TYPE);
      const logKey = await loadOrCreateLogKey(key);
      const head = c.state!.head;
      const o = { random: (n: number) => new Uint8Array(randomBytes(n)), now: () => new Date(), anchors: [party('root-ca').cert], retries: 0, timeoutMs: 5000 };
      const stamped = await stampHead(server.store, head, { url: tsa.url }, o);
      expect(stamped?.size).toBe(3);
      expect(await stampHead(server.store, head, { url: tsa.url }, o)).toBeUndefined(); // not again for the same size
      const saved = (await server.store.latestStampedHead())!;
      const audit = await c.audit();
      const check = (s = saved, rootAt = audit.log.root(s.size).toString('hex')) => checkStampedHead(s, { publicKey: logKey.publicKey, logId: logKey.logId, rootAt, anchors: [party('root-ca').cert], now: new Date() });
      expect(check()).toMatchObject({ ok: true, time: expect.any(String) });
      expect(check(saved, audit.log.root(2).toString('hex')).problem?.toString()).toMatch(/records hash to/);
      const token2 = Buffer.from(saved.tsaToken, 'base64');
      token2[token2.length - 10] ^= 1;
      expect(check({ ...saved, tsaToken: token2.toString('base64') }).ok).toBe(false);
      expect(checkStampedHead(saved, { publicKey: logKey.publicKey, logId: logKey.logId, anchors: [], now: new Date() }).ok).toBe(false); // TSA not trusted here
    } finally {
      await server.close();
    }
  });
});

// Keeps the import used when InputError is not otherwise needed.
void InputError;
void serializeReceipt;
