/**
 * Load on the organisation registry (issue 18), loopback only, bounded in time:
 *
 *   1. 50 concurrent clients push 100-entry registrations for ORG_BENCH_SECONDS (default 30) s
 *      against one `tsproof registry serve`;
 *   2. the same against two server processes on one database (clients alternate);
 *   3. one server, SIGKILLed a third of the way in and restarted: clients retry what was not
 *      acknowledged (a replay answered 409 counts once the client has checked it is in the log).
 *
 * Reports registrations/s, p50 and p99 latency, each server's peak RSS; afterwards checks that
 * every acknowledged registration is in the database exactly once and that the log verifies
 * (every record re-hashed against the signed head). Reference, same run: pgbench with 50 clients
 * running the same writes (one registration row and 100 entry rows per transaction) on the same
 * cluster — the database's own ceiling for this work.
 *
 * Run: npm run bench:org   (PostgreSQL server binaries needed, as for the tests)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startPg } from '../test/helpers/postgres.ts';
import { startOrgServe, type OrgServeProcess } from '../test/helpers/org-serve.ts';
import { buildLargeReceipt, PKI } from './large-receipt.ts';
import { serializeReceipt } from '../dist/core/receipt/receipt.js';
import { OrgClient } from '../dist/core/org/client.js';
import { RECEIPT_TYPE } from '../dist/core/org/document.js';
import { PgStore } from '../dist/core/org/pg-store.js';
import { newToken } from '../dist/core/org/tokens.js';

const SECONDS = Number(process.env.ORG_BENCH_SECONDS ?? 30);
const CLIENTS = Number(process.env.ORG_BENCH_CLIENTS ?? 50);
const ENTRIES = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const peakRssMb = (pid: number | undefined) => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
};

const pg = await startPg({ durable: true });
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgbench-'));
const keyFile = path.join(work, 'log.pem');
const serveArgs = (migrate: boolean) => [...(migrate ? ['--migrate'] : []), '--log-key', keyFile, '--trust', path.join(PKI, 'root-ca.pem'), '--pool', '20'];
const serveEnv = (db: string) => ({ TSPROOF_REGISTRY_DATABASE: db, TSPROOF_HOME: path.join(work, 'home') });

async function registrar(db: string): Promise<string> {
  const store = new PgStore({ url: db });
  const tk = newToken((n) => randomBytes(n));
  await store.createToken({ id: tk.id, hash: tk.hash, name: 'bench', role: 'registrar', project: null, createdBy: 'bench', at: new Date() });
  await store.close();
  return tk.token;
}

interface Result {
  name: string;
  acked: Set<string>;
  /** Acknowledged as already in the log (a retry of a push committed before its answer was lost). */
  replays: number;
  latencies: number[];
  errors: number;
  seconds: number;
}

/** CLIENTS loops, each pushing fresh 100-entry receipts until the deadline; an unacknowledged push is retried (same document) until acknowledged or the run's end plus a grace period. */
async function load(name: string, urls: () => string[], token: string, o: { onTick?: (elapsed: number) => Promise<void> } = {}): Promise<Result> {
  const acked = new Set<string>();
  const latencies: number[] = [];
  let errors = 0;
  let replays = 0;
  const start = Date.now();
  const deadline = start + SECONDS * 1000;
  let ticking = true;
  const ticker = (async () => {
    while (ticking && o.onTick) {
      await new Promise((r) => setTimeout(r, 200));
      await o.onTick((Date.now() - start) / 1000);
    }
  })();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const clients = new Map<string, OrgClient>();
      const client = () => {
        const url = urls()[c % urls().length]!;
        let k = clients.get(url);
        if (!k) clients.set(url, (k = new OrgClient({ url, token, timeoutMs: 20_000 })));
        return k;
      };
      while (Date.now() < deadline) {
        const r = buildLargeReceipt(ENTRIES, { name: `zz-${c}-${randomBytes(4).toString('hex')}.bin`, data: randomBytes(16) });
        const doc = Buffer.from(serializeReceipt(r));
        for (;;) {
          const t0 = performance.now();
          try {
            if ((await client().push(doc, RECEIPT_TYPE, `p${c % 5}`)).already) replays++;
            latencies.push(performance.now() - t0);
            acked.add(r.id);
            break;
          } catch (err) {
            errors++;
            if (Date.now() > deadline + 60_000) throw err;
            await new Promise((res) => setTimeout(res, 200));
          }
        }
      }
    }),
  );
  ticking = false;
  await ticker;
  return { name, acked, replays, latencies, errors, seconds: (Date.now() - start) / 1000 };
}

async function check(db: string, url: string, token: string, r: Result): Promise<string> {
  const rows = pg
    .sql(db, `SELECT id, count(*) FROM registrations GROUP BY id`)
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('|'));
  const counts = new Map(rows.map(([id, n]) => [id!, Number(n)]));
  const lost = [...r.acked].filter((id) => counts.get(id) !== 1);
  const dup = rows.filter(([, n]) => Number(n) !== 1).length;
  const audit = await new OrgClient({ url, token }).audit();
  const entries = Number(pg.sql(db, 'SELECT count(*) FROM entries').trim());
  if (lost.length || dup || audit.size !== counts.size || entries !== counts.size * ENTRIES)
    throw new Error(`${r.name}: ${lost.length} acknowledged registrations missing, ${dup} duplicated, log ${audit.size} vs ${counts.size} rows, ${entries} entries`);
  return `all ${r.acked.size} acknowledged present exactly once (${counts.size} stored, ${counts.size - r.acked.size} stored but unacknowledged), log of ${audit.size} verifies`;
}

/** Server-side time of the pushes (the access log's `ms`), p50 and p99. */
function serverMs(...servers: OrgServeProcess[]): string {
  const ms: number[] = [];
  for (const s of servers)
    for (const line of s.stderr().split('\n')) {
      const m = /"method":"POST".*"status":201,"ms":(\d+)/.exec(line);
      if (m) ms.push(Number(m[1]));
    }
  return `server p50 ${pct(ms, 50)} ms p99 ${pct(ms, 99)} ms`;
}

const ONLY = process.env.ORG_BENCH_ONLY;
const lines: string[] = [];
const report = (r: Result, rss: string, verdict: string) => {
  const line = `${r.name.padEnd(34)} ${(r.acked.size / r.seconds).toFixed(1).padStart(7)} reg/s  p50 ${pct(r.latencies, 50).toFixed(0).padStart(5)} ms  p99 ${pct(r.latencies, 99).toFixed(0).padStart(5)} ms  errors ${String(r.errors).padStart(4)}  replays ${r.replays}  RSS ${rss}  — ${verdict}`;
  lines.push(line);
  console.log(line);
};

try {
  console.log(`tsproof registry under load: ${CLIENTS} clients, ${ENTRIES}-entry registrations, ${SECONDS} s per run; PostgreSQL ${path.basename(path.dirname(pg.bin))} (fsync on), ${os.cpus().length} cores`);
  // 1. one server
  if (!ONLY || ONLY === 'one') {
    const db = pg.database('one');
    const s = await startOrgServe(serveArgs(true), serveEnv(db));
    const token = await registrar(db);
    const r = await load('one server', () => [s.url], token);
    const rss = `${peakRssMb(s.child.pid)} MiB, ${serverMs(s)}`;
    report(r, rss, await check(db, s.url, token, r));
    await s.stop();
  }
  // 2. two servers, one database
  if (!ONLY || ONLY === 'two') {
    const db = pg.database('two');
    const a = await startOrgServe(serveArgs(true), serveEnv(db));
    const b = await startOrgServe(serveArgs(false), serveEnv(db));
    const token = await registrar(db);
    const r = await load('two servers, one database', () => [a.url, b.url], token);
    const rss = `${peakRssMb(a.child.pid)} + ${peakRssMb(b.child.pid)} MiB, ${serverMs(a, b)}`;
    report(r, rss, await check(db, a.url, token, r));
    await a.stop();
    await b.stop();
  }
  // 3. SIGKILL mid-load, restarted on the same port is not guaranteed: clients follow the new URL.
  if (!ONLY || ONLY === 'kill') {
    const db = pg.database('kill');
    let s: OrgServeProcess = await startOrgServe(serveArgs(true), serveEnv(db));
    const token = await registrar(db);
    let url = s.url;
    let killed = false;
    let restarting = false;
    const r = await load('one server, SIGKILL at 1/3, restarted', () => [url], token, {
      onTick: async (t) => {
        if (!killed && t > SECONDS / 3) {
          killed = true;
          restarting = true;
          s.child.kill('SIGKILL');
          await new Promise((res) => setTimeout(res, 1000));
          s = await startOrgServe(serveArgs(false), serveEnv(db));
          url = s.url;
          restarting = false;
        }
      },
    });
    void restarting;
    report(r, `${peakRssMb(s.child.pid)} MiB (after restart)`, await check(db, url, token, r));
    await s.stop();
  }
  // Reference: pgbench, same cluster, same writes per transaction, same clients and time.
  if (!ONLY || ONLY === 'ref') {
    const db = pg.database('ref');
    pg.sql(
      db,
      `CREATE TABLE registrations (seq bigserial PRIMARY KEY, id text UNIQUE, project text, pushed_at timestamptz, document bytea); CREATE TABLE entries (seq bigint, idx int, name text, size bigint, sha256 text, PRIMARY KEY (seq, idx)); CREATE INDEX ON entries (sha256); CREATE INDEX ON entries (name);`,
    );
    const script = path.join(work, 'ref.sql');
    writeFileSync(
      script,
      `BEGIN;\nSELECT pg_advisory_xact_lock(1);\nINSERT INTO registrations (id, project, pushed_at, document) VALUES (gen_random_uuid()::text, 'p', now(), convert_to(repeat('x', 30000), 'UTF8'));\nINSERT INTO entries SELECT currval('registrations_seq_seq'), i, 'd/f' || i || '.bin', i, md5(random()::text) || md5(random()::text) FROM generate_series(0, ${ENTRIES - 1}) i;\nCOMMIT;\n`,
    );
    const r = spawnSync(path.join(pg.bin, 'pgbench'), ['-n', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'tsproof', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-f', script, 'ref'], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(r.stdout)?.[1];
    const lat = /latency average = ([\d.]+) ms/.exec(r.stdout)?.[1];
    const line = `${'reference: pgbench, same writes'.padEnd(34)} ${Number(tps).toFixed(1).padStart(7)} tx/s   average latency ${lat} ms (${r.status === 0 ? 'ok' : r.stderr.trim().split('\n').pop()})`;
    lines.push(line);
    console.log(line);
  }
} finally {
  pg.stop();
}
