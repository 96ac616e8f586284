/**
 * The organisation registry end to end with the built CLI: `registry serve` on a throwaway
 * PostgreSQL, tokens, `register` pushing (or queueing when the server is down, then `registry
 * push`), `--remote` queries, `registry pull` then an offline `verify`, `--redact-names`, `audit
 * --remote`, and rows edited in PostgreSQL failing every later client command (exit 1).
 */
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPg, type PgCluster } from '../helpers/postgres.js';
import { startOrgServe, type OrgServeProcess } from '../helpers/org-serve.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { PASSPHRASE, PKI } from '../helpers/fixtures.js';

let pg: PgCluster;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let db: string;
let serverArgs: string[];
let server: OrgServeProcess;
let ws: CliWorkspace;
let admin: string;
let registrar: string;
const env = () => ({ TSPROOF_REGISTRY_TOKEN: registrar });
const config = (url: string, extra: Record<string, unknown> = {}) => writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ tsa: [tsa.url], registry: { url, ...extra } }));

beforeAll(async () => {
  pg = await startPg();
  tsa = await bundledTsa('tsa-ec');
  db = pg.database();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgcli-'));
  serverArgs = ['--migrate', '--log-key', path.join(dir, 'log.pem'), '--trust', path.join(PKI, 'root-ca.pem'), '--tsa', tsa.url];
  server = await startOrgServe(serverArgs, { TSPROOF_REGISTRY_DATABASE: db, TSPROOF_HOME: path.join(dir, 'server-home') });
  ws = cliWorkspace('tsproof-orgcli-ws-', { passphrase: PASSPHRASE });
  await importAlice(ws);
  config(server.url);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await tsa?.close();
  pg?.stop();
});

describe('tsproof registry (organisation)', () => {
  it('token create through the database, then through the API with an admin token; list never shows secrets', async () => {
    const a = await ws.run(['registry', 'token', 'create', '--role', 'admin', '--name', 'first admin'], { TSPROOF_REGISTRY_DATABASE: db });
    expect(a.status, a.stderr).toBe(0);
    admin = a.stdout.trim();
    expect(admin).toMatch(/^tsp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const r = await ws.run(['--json', 'registry', 'token', 'create', '--role', 'registrar', '--name', 'ci job', '--project', 'design'], { TSPROOF_REGISTRY_TOKEN: admin });
    expect(r.status, r.stderr).toBe(0);
    registrar = JSON.parse(r.stdout).token;
    const l = await ws.run(['--json', 'registry', 'token', 'list'], { TSPROOF_REGISTRY_TOKEN: admin });
    expect(l.status, l.stderr).toBe(0);
    expect(
      JSON.parse(l.stdout)
        .tokens.map((k: { role: string }) => k.role)
        .sort(),
    ).toEqual(['admin', 'registrar']);
    expect(l.stdout).not.toContain(registrar.slice(21));
    const bad = await ws.run(['registry', 'token', 'create', '--role', 'root', '--name', 'x'], { TSPROOF_REGISTRY_TOKEN: admin });
    expect(bad.status).toBe(2);
    // A registrar may not create tokens: the server refuses (exit 2, the refusal named).
    const denied = await ws.run(['registry', 'token', 'list'], { TSPROOF_REGISTRY_TOKEN: registrar });
    expect(denied.status).toBe(2);
    expect(denied.stderr).toMatch(/HTTP 403/);
  });

  it('register pushes to the registry; find --remote and pull; the pulled receipt verifies offline', async () => {
    writeFileSync(path.join(ws.work, 'drawing.dwg'), 'drawing v1\n');
    const r = await ws.run(['--json', 'register', 'drawing.dwg'], env());
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.registry).toMatchObject({ status: 'pushed', index: 0, treeSize: 1 });
    expect(readdirSync(path.join(ws.home, 'org', 'proofs'))).toEqual([`${j.id}.json`]);
    const digest = j.files[0].digests.sha256 as string;
    const f = await ws.run(['--json', 'registry', 'find', digest, '--remote'], env());
    expect(f.status, f.stderr).toBe(0);
    expect(JSON.parse(f.stdout).results[0]).toMatchObject({ registration: { id: j.id, project: 'design' }, entries: [{ name: 'drawing.dwg' }] });
    const p = await ws.run(['registry', 'pull', digest, '--out', 'pulled.tsproof.json'], env());
    expect(p.status, p.stderr).toBe(0);
    expect(readFileSync(path.join(ws.work, 'pulled.tsproof.json'), 'utf8')).toBe(readFileSync(path.join(ws.work, 'drawing.dwg.tsproof.json'), 'utf8'));
    const v = await ws.run(['verify', 'drawing.dwg', '--receipt', 'pulled.tsproof.json']);
    expect(v.status, v.stderr).toBe(0);
    const byFile = await ws.run(['--json', 'registry', 'find', 'drawing.dwg', '--remote'], env());
    expect(byFile.status, byFile.stderr).toBe(0);
    expect(JSON.parse(byFile.stdout).results[0].registration.id).toBe(j.id);
    const miss = await ws.run(['registry', 'find', 'a'.repeat(64), '--remote'], env());
    expect(miss.status).toBe(1);
  });

  it('--redact-names pushes name hashes only', async () => {
    writeFileSync(path.join(ws.work, 'secret-plan.txt'), 'plan\n');
    const r = await ws.run(['--json', 'register', 'secret-plan.txt', '--redact-names'], env());
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).registry).toMatchObject({ status: 'pushed', redacted: true });
    expect(pg.sql(db, `SELECT count(*) FROM entries WHERE name = 'secret-plan.txt'`).trim()).toBe('0');
    expect(pg.sql(db, `SELECT count(*) FROM registrations WHERE position('secret-plan' in convert_from(document, 'UTF8')) > 0`).trim()).toBe('0');
    // Whoever knows the name finds it (by the name's hash); the answer carries no name.
    const f = await ws.run(['--json', 'registry', 'history', 'secret-plan.txt', '--remote'], env());
    expect(f.status, f.stderr).toBe(0);
    const hit = JSON.parse(f.stdout).results[0];
    expect(hit.registration.redacted).toBe(true);
    expect(hit.entries[0].name).toBeUndefined();
  });

  it('an unreachable server: register still succeeds (queued, with a note); registry push exits 3, then sends the queue', async () => {
    await server.stop();
    writeFileSync(path.join(ws.work, 'offline.txt'), 'offline\n');
    const r = await ws.run(['--json', 'register', 'offline.txt'], env());
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).registry.status).toBe('queued');
    expect(r.stderr).toMatch(/queued: run tsproof registry push/);
    const p = await ws.run(['registry', 'push'], env());
    expect(p.status).toBe(3);
    server = await startOrgServe(serverArgs, { TSPROOF_REGISTRY_DATABASE: db, TSPROOF_HOME: path.dirname(serverArgs[2]!) });
    config(server.url);
    // The state is remembered per URL: the restarted server (new port) is pinned again by key on first contact.
    const q = await ws.run(['--json', 'registry', 'push'], env());
    expect(q.status, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).pushed).toHaveLength(1);
    expect(existsSync(path.join(ws.home, 'org', 'queue')) ? readdirSync(path.join(ws.home, 'org', 'queue')) : []).toEqual([]);
    const a = await ws.run(['--json', 'registry', 'audit', '--remote'], env());
    expect(a.status, a.stderr).toBe(0);
    // The restarted server timestamped its tree head (size 2) at start with the TSA: audit checked the token.
    expect(JSON.parse(a.stdout)).toMatchObject({ ok: true, size: 3, projects: { design: 3 }, stamped: { size: 2, time: expect.any(String) } });
  });

  it('without registry.url nothing changes: no push, no registry member', async () => {
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ tsa: [tsa.url] }));
    writeFileSync(path.join(ws.work, 'local.txt'), 'local\n');
    const r = await ws.run(['--json', 'register', 'local.txt']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).registry).toBeUndefined();
    const l = await ws.run(['registry', 'list', '--remote'], env());
    config(server.url);
    expect(l.status).toBe(2);
    expect(l.stderr).toMatch(/no organisation registry configured/);
    // The embedded registry is untouched by --remote: it lists what this machine registered.
    const local = await ws.run(['--json', 'registry', 'list']);
    expect(local.status, local.stderr).toBe(0);
  });

  it('serves HTTPS with --tls-cert/--tls-key; a client that does not trust the certificate fails (exit 3)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgtls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const tls = await startOrgServe([...serverArgs, '--tls-cert', cert, '--tls-key', key], { TSPROOF_REGISTRY_DATABASE: db, TSPROOF_HOME: path.dirname(serverArgs[2]!) });
    try {
      expect(tls.url).toMatch(/^https:/);
      config(tls.url);
      const ok = await ws.run(['--json', 'registry', 'list', '--remote'], { ...env(), NODE_EXTRA_CA_CERTS: cert });
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).treeSize).toBeGreaterThanOrEqual(3);
      const untrusted = await ws.run(['registry', 'list', '--remote'], env());
      expect(untrusted.status).toBe(3);
      expect(untrusted.stderr).toMatch(/cannot be reached/);
    } finally {
      config(server.url);
      await tls.stop();
    }
  });

  it('rows edited in PostgreSQL: every later client command fails, naming the inconsistency (exit 1)', async () => {
    const before = await ws.run(['registry', 'list', '--remote'], env());
    expect(before.status, before.stderr).toBe(0);
    pg.sql(db, `UPDATE registrations SET pushed_at = pushed_at + interval '1 second' WHERE seq = 0`);
    for (const args of [
      ['registry', 'list', '--remote'],
      ['registry', 'find', 'drawing.dwg', '--remote'],
      ['registry', 'audit', '--remote'],
      ['registry', 'push'],
    ]) {
      const r = await ws.run(args, env());
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/not consistent with the tree head seen on .*history was edited, reordered or dropped/);
    }
    // register itself still succeeds locally; the inconsistency is reported, not hidden.
    writeFileSync(path.join(ws.work, 'after.txt'), 'after\n');
    const r = await ws.run(['register', 'after.txt'], env());
    expect(r.status).toBe(1);
    expect(existsSync(path.join(ws.work, 'after.txt.tsproof.json'))).toBe(true);
  });
});
