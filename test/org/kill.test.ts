/**
 * A server killed with SIGKILL in the middle of pushes and restarted: clients retry what was not
 * acknowledged; afterwards every acknowledged registration is stored exactly once and the log
 * verifies (the same check as `npm run bench:org`, at test size).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPg, type PgCluster } from '../helpers/postgres.js';
import { startOrgServe, type OrgServeProcess } from '../helpers/org-serve.js';
import { makeReceipt, token } from '../helpers/org.js';
import { bundledTsa } from '../helpers/setup.js';
import { PKI } from '../helpers/fixtures.js';
import { OrgClient } from '../../src/core/org/client.js';
import { RECEIPT_TYPE } from '../../src/core/org/document.js';
import { openPgStore } from '../../src/core/org/pg-store.js';

let pg: PgCluster;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
beforeAll(async () => {
  pg = await startPg();
  tsa = await bundledTsa('tsa-ec');
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  pg?.stop();
});

it('SIGKILL mid-push, restart: nothing acknowledged is lost, nothing is stored twice', async () => {
  const db = pg.database();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgkill-'));
  const args = ['--migrate', '--log-key', path.join(dir, 'log.pem'), '--trust', path.join(PKI, 'root-ca.pem')];
  const env = { TSPROOF_REGISTRY_DATABASE: db, TSPROOF_HOME: dir };
  let server: OrgServeProcess = await startOrgServe(args, env);
  const store = await openPgStore({ url: db });
  const tk = await token(store, 'registrar');
  await store.close();
  const receipts = await Promise.all(Array.from({ length: 24 }, (_, i) => makeReceipt(tsa.url, 2, `k${i}-${randomBytes(2).toString('hex')}`)));
  let url = server.url;
  const acked: string[] = [];
  let failures = 0;
  // Killed once the first acknowledgements are in, while the other clients' pushes are in flight.
  let started!: () => void;
  const firstAcks = new Promise<void>((r) => (started = r));
  const killer = (async () => {
    await firstAcks;
    server.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    server = await startOrgServe(args.slice(1), env);
    url = server.url;
  })();
  await Promise.all(
    Array.from({ length: 6 }, async (_, c) => {
      for (let i = c; i < receipts.length; i += 6) {
        const doc = Buffer.from(receipts[i]!.text);
        for (let attempt = 0; ; attempt++) {
          try {
            await new OrgClient({ url, token: tk, timeoutMs: 5000 }).push(doc, RECEIPT_TYPE);
            acked.push(receipts[i]!.reg.receipt.id);
            if (acked.length === 3) started();
            break;
          } catch (err) {
            failures++;
            if (attempt > 100) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    }),
  );
  await killer;
  try {
    expect(acked).toHaveLength(24);
    const rows = pg.sql(db, 'SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE entry_count = 2) FROM registrations').trim();
    expect(rows).toBe('24|24|24');
    expect(pg.sql(db, 'SELECT count(*) FROM entries').trim()).toBe('48');
    expect((await new OrgClient({ url, token: tk }).audit()).size).toBe(24);
    // The kill landed while pushes were in flight (else this test proves nothing).
    expect(failures).toBeGreaterThan(0);
  } finally {
    await server.stop();
  }
}, 120_000);
