/**
 * How `register` records (issue 13, docs/registry.md#recording-a-registration), through the built
 * CLI: a worker thread commits the entries ahead of their registration while the TSA is asked —
 * seen by no command, and without holding the registry's lock, so another register meanwhile
 * lands at once — then adds the registration once the receipt is in place. A register that is
 * killed leaves entries nothing shows, which the next change removes; one that fails removes them
 * itself. A registry busy for longer than the worker waits is recorded the ordinary way;
 * `--no-record` leaves the registry alone and `registry import` adopts the receipt later.
 * TSPROOF_DEBUG says which way a registration was recorded, so a broken worker cannot hide behind
 * the ordinary path.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { aliceWorkspace } from '../helpers/hostile.js';
import { bundledTsa, type CliWorkspace } from '../helpers/setup.js';

const PREFIX = 'tsproof-registry-bg-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

/**
 * A TSA in front of the bundled one that holds each request until the test lets it through
 * (`release`), telling the test when one arrives (`arrived`).
 */
async function gatedTsa(): Promise<{ url: string; arrived: () => Promise<void>; release: () => void; close: () => Promise<void> }> {
  let arrive!: () => void;
  const arrivedP = new Promise<void>((r) => (arrive = r));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (b: Buffer) => body.push(b));
    req.on('end', async () => {
      arrive();
      await gate;
      const up = await fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: Buffer.concat(body) });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/timestamp-reply' }).end(Buffer.from(await up.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    arrived: () => arrivedP,
    release: () => open(),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const dbOf = (ws: CliWorkspace) => path.join(ws.home, 'registry.db');
const countOf = (ws: CliWorkspace, sql: string) => {
  const d = new DatabaseSync(dbOf(ws), { readOnly: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
};
/** Entries on record (those of registrations). */
const entryCount = (ws: CliWorkspace) => countOf(ws, 'SELECT count(*) AS n FROM entries WHERE rid IN (SELECT rid FROM registrations)');
/** Entries put ahead of a registration not (yet) on record, and the registrations they are of. */
const aheadCount = (ws: CliWorkspace) => [countOf(ws, 'SELECT count(*) AS n FROM entries WHERE rid NOT IN (SELECT rid FROM registrations)'), countOf(ws, 'SELECT count(*) AS n FROM pending')];
/** True when another writer holds the registry's write lock (a write cannot begin without waiting). */
const writeLocked = (ws: CliWorkspace) => {
  const d = new DatabaseSync(dbOf(ws));
  try {
    d.exec('PRAGMA busy_timeout = 0');
    d.exec('BEGIN IMMEDIATE');
    d.exec('ROLLBACK');
    return false;
  } catch (err) {
    if (/locked|busy/i.test(String(err))) return true;
    throw err;
  } finally {
    d.close();
  }
};
const receiptsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tsproof.json'));

function files(ws: CliWorkspace, folder: string, n: number): void {
  mkdirSync(path.join(ws.work, folder));
  for (let i = 0; i < n; i++) writeFileSync(path.join(ws.work, folder, `part-${i}.step`), `${folder} ${i}`);
}

/** `register` as a child process whose life the test controls. */
function startRegister(ws: CliWorkspace, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ws.work,
    env: { ...process.env, TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: 'hostile-input passphrase 41', TSPROOF_DEBUG: '1', LANG: 'C', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b));
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

/** A workspace whose registry holds one registration (of `n` files in first/): the worker records only into a registry there is. */
async function registeredWorkspace(n: number): Promise<CliWorkspace> {
  const ws = await aliceWorkspace(PREFIX);
  files(ws, 'first', n);
  expect((await ws.run(['register', 'first', '--tsa', tsa.url])).status).toBe(0);
  return ws;
}

const DEBUG = { TSPROOF_DEBUG: '1' };
const BACKGROUND = /debug: registry: recorded by the background worker/;
const ORDINARY = /debug: registry: recorded the ordinary way/;

describe('register records in the background', () => {
  it('while the TSA is asked the entries are put ahead, the registry is not locked and no command shows them; after the receipt, recorded by the worker', async () => {
    const ws = await registeredWorkspace(3);
    const before = entryCount(ws);
    files(ws, 'batch', 40);
    const gate = await gatedTsa();
    try {
      const reg = startRegister(ws, ['--json', 'register', 'batch', '--tsa', gate.url]);
      await gate.arrived();
      // The entries are committed ahead (the lock held for the insert alone): no lock now, and nothing any command shows.
      await new Promise((r) => setTimeout(r, 500));
      expect(writeLocked(ws)).toBe(false);
      expect(entryCount(ws)).toBe(before);
      expect(aheadCount(ws)).toEqual([40, 1]);
      expect(receiptsIn(ws.work)).toHaveLength(1);
      const status = await ws.run(['--json', 'status', 'batch']);
      expect(status.status).toBe(1);
      expect(JSON.parse(status.stdout)).toMatchObject({ summary: { registered: 0, unregistered: 40 } });
      const find = await ws.run(['registry', 'find', 'batch/part-1.step']);
      expect(find.stdout).toMatch(/No registration covers the content of batch\/part-1.step/);
      const during = await ws.run(['registry', 'verify']);
      expect(during.status, during.stdout + during.stderr).toBe(0);
      expect(during.stdout).toMatch(/1 registration\(s\), 3 entries/);
      expect(during.stderr).toMatch(/40 entries of 1 registration\(s\) in progress or interrupted are put aside/);
      gate.release();
      const r = await reg.done;
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(BACKGROUND);
      expect(entryCount(ws)).toBe(before + 40);
      expect(aheadCount(ws)).toEqual([0, 0]);
      const id = (JSON.parse(r.stdout) as { id: string }).id;
      const log = JSON.parse((await ws.run(['--json', 'log'])).stdout) as { registrations: { id: string; count: number }[] };
      expect(log.registrations.find((x) => x.id === id)?.count).toBe(40);
      const v = await ws.run(['registry', 'verify']);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toMatch(/2 event\(s\).*2 registration\(s\), 43 entries/s);
      expect((await ws.run(['status', 'batch'])).status).toBe(0);
    } finally {
      await gate.close();
    }
  });

  it('another register while one waits on its TSA lands at once, recorded by its own worker; then the first one lands too', async () => {
    const ws = await registeredWorkspace(2);
    files(ws, 'slow', 20);
    files(ws, 'quick', 10);
    const gate = await gatedTsa();
    try {
      const slow = startRegister(ws, ['--json', 'register', 'slow', '--tsa', gate.url]);
      await gate.arrived();
      await new Promise((r) => setTimeout(r, 300));
      const quick = await ws.run(['--json', 'register', 'quick', '--tsa', tsa.url], DEBUG);
      expect(quick.status, quick.stderr).toBe(0);
      expect(quick.stderr).toMatch(BACKGROUND);
      gate.release();
      const r = await slow.done;
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(BACKGROUND);
      const ids = [JSON.parse(quick.stdout) as { id: string }, JSON.parse(r.stdout) as { id: string }].map((x) => x.id);
      const log = JSON.parse((await ws.run(['--json', 'log'])).stdout) as { registrations: { id: string }[] };
      expect(log.registrations.map((x) => x.id)).toEqual(expect.arrayContaining(ids));
      expect(log.registrations).toHaveLength(3);
      const v = await ws.run(['registry', 'verify']);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toMatch(/3 event\(s\).*3 registration\(s\), 32 entries/s);
    } finally {
      await gate.close();
    }
  });

  it('killed while the TSA is asked: no receipt, nothing on record, entries put ahead that the next register removes', async () => {
    const ws = await registeredWorkspace(2);
    const before = entryCount(ws);
    files(ws, 'batch', 30);
    const gate = await gatedTsa();
    try {
      const reg = startRegister(ws, ['register', 'batch', '--tsa', gate.url]);
      await gate.arrived();
      await new Promise((r) => setTimeout(r, 300));
      reg.child.kill('SIGKILL');
      expect((await reg.done).signal).toBe('SIGKILL');
    } finally {
      await gate.close();
    }
    expect(writeLocked(ws)).toBe(false);
    expect(entryCount(ws)).toBe(before);
    expect(aheadCount(ws)).toEqual([30, 1]);
    expect(receiptsIn(ws.work)).toHaveLength(1);
    const v = await ws.run(['registry', 'verify']);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/1 event\(s\).*1 registration\(s\), 2 entries/s);
    expect(v.stderr).toMatch(/30 entries of 1 registration\(s\) in progress or interrupted are put aside/);
    expect((await ws.run(['status', 'batch'])).status).toBe(1);
    const again = await ws.run(['register', 'batch', '--tsa', tsa.url], DEBUG);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(BACKGROUND);
    expect(entryCount(ws)).toBe(before + 30);
    expect(aheadCount(ws)).toEqual([0, 0]);
    const after = await ws.run(['registry', 'verify']);
    expect(after.status, after.stdout + after.stderr).toBe(0);
    expect(after.stderr).not.toMatch(/put aside/);
  });

  it('a register that fails (its TSA refuses) removes the entries it put ahead: nothing left, nothing on record', async () => {
    const ws = await registeredWorkspace(2);
    const before = entryCount(ws);
    files(ws, 'batch', 25);
    // A TSA that answers 503 to every request.
    const server = http.createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await ws.run(['register', 'batch', '--tsa', `http://127.0.0.1:${(server.address() as { port: number }).port}/`]);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(entryCount(ws)).toBe(before);
    expect(aheadCount(ws)).toEqual([0, 0]);
    expect(receiptsIn(ws.work)).toHaveLength(1);
  });

  it('a registry busy for longer than the worker waits: recorded the ordinary way, once', async () => {
    const ws = await registeredWorkspace(2);
    files(ws, 'batch', 5);
    // Another writer holds the lock for 3.5 s (the worker gives up after 2 s).
    const other = new DatabaseSync(dbOf(ws));
    other.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        other.close();
        resolve();
      }, 3500),
    );
    const r = await ws.run(['--json', 'register', 'batch', '--tsa', tsa.url], DEBUG);
    await released;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(ORDINARY);
    expect(r.stderr).toMatch(/locked|busy/i);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    const log = JSON.parse((await ws.run(['--json', 'log'])).stdout) as { registrations: { id: string }[] };
    expect(log.registrations.filter((x) => x.id === id)).toHaveLength(1);
    expect(entryCount(ws)).toBe(7);
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
  });

  it('the first registration on a fresh home creates the registry the ordinary way (no worker)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    files(ws, 'first', 2);
    const r = await ws.run(['register', 'first', '--tsa', tsa.url], DEBUG);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/recorded the ordinary way \(no worker\)/);
    expect(entryCount(ws)).toBe(2);
  });
});

describe('register --no-record', () => {
  it('writes the receipt and leaves the registry alone (none made on a fresh home); registry import adopts it later', async () => {
    const ws = await aliceWorkspace(PREFIX);
    files(ws, 'ci', 4);
    const r = await ws.run(['--json', 'register', 'ci', '--tsa', tsa.url, '--no-record']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { id: string; receipt: string; files: unknown[] };
    expect(doc.files).toHaveLength(4);
    expect(existsSync(path.join(ws.work, doc.receipt))).toBe(true);
    expect(existsSync(dbOf(ws))).toBe(false);
    expect((await ws.run(['verify', '--receipt', doc.receipt, '--dir', 'ci'])).status).toBe(0);
    // status knows nothing of it …
    expect((await ws.run(['status', 'ci'])).status).toBe(1);
    // … until the receipt is adopted.
    const imp = await ws.run(['registry', 'import', doc.receipt]);
    expect(imp.status, imp.stderr).toBe(0);
    expect((await ws.run(['status', 'ci'])).status).toBe(0);
    const log = JSON.parse((await ws.run(['--json', 'log'])).stdout) as { registrations: { id: string }[] };
    expect(log.registrations.map((x) => x.id)).toEqual([doc.id]);
  });

  it('on a home with a registry: nothing added, not even an event', async () => {
    const ws = await aliceWorkspace(PREFIX);
    files(ws, 'a', 2);
    expect((await ws.run(['register', 'a', '--tsa', tsa.url])).status).toBe(0);
    const before = entryCount(ws);
    files(ws, 'b', 3);
    expect((await ws.run(['register', 'b', '--tsa', tsa.url, '--no-record'])).status).toBe(0);
    expect(entryCount(ws)).toBe(before);
    const v = await ws.run(['registry', 'verify']);
    expect(v.stdout).toMatch(/1 event\(s\)/);
  });
});
