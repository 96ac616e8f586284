/**
 * The registry end to end (issue 13), through the built CLI: lookup earliest first, moved and
 * gone receipts, log/find/history/status, registry verify against tampering with the database,
 * retire/destroy signed by the holder, import of receipts made elsewhere, export, rebuild, seal,
 * a damaged registry.db, and two registers at once on one home.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { bundledTsa, type CliWorkspace } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError } from '../helpers/hostile.js';

const PREFIX = 'tsproof-registry-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

const json = (s: string) => JSON.parse(s) as Record<string, unknown> & { ok: boolean };
const receipts = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tsproof.json'));

async function registered(ws: CliWorkspace, args: string[]): Promise<{ id: string; receipt: string; time: string }> {
  const r = await ws.run(['--json', 'register', ...args, '--tsa', tsa.url]);
  expect(r.status, r.stderr).toBe(0);
  return json(r.stdout) as unknown as { id: string; receipt: string; time: string };
}

function db(ws: CliWorkspace): DatabaseSync {
  return new DatabaseSync(path.join(ws.home, 'registry.db'));
}

/** Makes a home read-only, also for root where possible; true when a write into it now fails. */
function readOnlyHome(home: string, file: string): boolean {
  const immutable = spawnSync('chattr', ['+i', file, home]).status === 0;
  if (!immutable) {
    chmodSync(file, 0o400);
    chmodSync(home, 0o500);
  }
  try {
    writeFileSync(path.join(home, 'probe'), 'x');
    rmSync(path.join(home, 'probe'));
    return false;
  } catch {
    return true;
  }
}

function unlockHome(home: string, file: string): void {
  spawnSync('chattr', ['-i', file, home]);
  chmodSync(home, 0o700);
  chmodSync(file, 0o600);
}

describe('lookup by the registry', () => {
  it('verify uses the earliest registration and says how many others cover the file', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'design.step'), 'part v1');
    const first = await registered(ws, ['design.step']);
    mkdirSync(path.join(ws.work, 'again'));
    writeFileSync(path.join(ws.work, 'again', 'design.step'), 'part v1');
    const second = await registered(ws, ['again/design.step']);
    expect(second.time >= first.time).toBe(true);
    const r = await ws.run(['verify', 'again/design.step']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(first.id);
    expect(r.stdout).toMatch(/the earliest of 2 registrations of this content/);
    const j = json((await ws.run(['--json', 'verify', 'again/design.step'])).stdout) as unknown as { results: { receiptId: string; registry: { id: string; others: number; earliest: boolean } }[] };
    expect(j.results[0]!.registry).toMatchObject({ id: first.id, others: 1, earliest: true });
  });

  it('a moved receipt is found in the current folder by its recorded SHA-256, and the record follows it', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'proj'));
    writeFileSync(path.join(ws.work, 'proj', 'a.txt'), 'alpha');
    writeFileSync(path.join(ws.work, 'proj', 'b.txt'), 'beta');
    const reg = await registered(ws, ['proj', '--out', 'proj']);
    renameSync(path.join(ws.work, 'proj'), path.join(ws.work, 'moved'));
    const r = await ws.run(['verify', 'moved/a.txt']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/moved {4}the receipt was recorded at .*proj/);
    const find = json((await ws.run(['--json', 'registry', 'find', 'moved/b.txt'])).stdout) as unknown as { registrations: { id: string; receipt: string; receiptPresent: boolean }[] };
    expect(find.registrations.map((x) => [x.id, x.receiptPresent])).toEqual([[reg.id, true]]);
    expect(find.registrations[0]!.receipt).toContain(`${path.sep}moved${path.sep}`);
    const v = await ws.run(['registry', 'verify']);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const d = db(ws);
    expect(d.prepare("SELECT count(*) AS n FROM events WHERE kind = 'move'").get()).toEqual({ n: 1 });
    d.close();
  });

  it("a read-only home (a lawyer's copy, a read-only CI cache): verify, status, log, find, history, export and registry verify work and write nothing; a moved receipt is still found, and that its new place could not be recorded is said, not an error", async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'proj'));
    writeFileSync(path.join(ws.work, 'proj', 'a.txt'), 'alpha');
    const reg = await registered(ws, ['proj', '--out', 'proj']);
    renameSync(path.join(ws.work, 'proj'), path.join(ws.work, 'moved'));
    const file = path.join(ws.home, 'registry.db');
    expect(existsSync(`${file}-wal`)).toBe(false); // the last writer checkpointed and removed it
    const before = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs, names: readdirSync(ws.home).sort() };
    // Made read-only for root too: the immutable attribute (chattr +i, ext4 and the like) binds
    // root, which ignores permission bits. Where it is not available, the permission bits (enough
    // for anyone but root). Either way the test first proves that the home cannot be written.
    const locked = readOnlyHome(ws.home, file);
    try {
      if (!locked) {
        console.warn('registry read-only home: SKIPPED — neither chattr +i nor permission bits make the home read-only for this user here');
        return;
      }
      const v = await ws.run(['verify', 'moved/a.txt']);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toMatch(/moved {4}the receipt was recorded at .*proj.*; the registry could not be updated \(.*registry\.db.*\) and still points there/);
      const vj = json((await ws.run(['--json', 'verify', 'moved/a.txt'])).stdout) as unknown as { results: { registry: { id: string; movedFrom: string; moveNotRecorded: string } }[] };
      expect(vj.results[0]!.registry).toMatchObject({ id: reg.id, movedFrom: expect.stringContaining('proj') });
      expect(vj.results[0]!.registry.moveNotRecorded).toMatch(/\S/);
      const st = await ws.run(['--json', 'status', 'moved']);
      expect(st.status, st.stderr).toBe(0);
      expect((json(st.stdout) as unknown as { summary: { registered: number } }).summary.registered).toBe(1);
      expect((json((await ws.run(['--json', 'log'])).stdout).registrations as unknown[]).length).toBe(1);
      expect((await ws.run(['registry', 'find', 'moved/a.txt'])).status).toBe(0);
      expect((await ws.run(['registry', 'history', 'proj/a.txt'])).status).toBe(0);
      expect((await ws.run(['registry', 'export'])).stdout).toContain(reg.id);
      // The receipt is not where the registry says: registry verify reports it (exit 1), it does not fail to open (exit 2/3).
      const rv = await ws.run(['registry', 'verify']);
      expect(rv.status, rv.stdout + rv.stderr).toBe(1);
      expect(rv.stdout).toMatch(/is missing/);
    } finally {
      unlockHome(ws.home, file);
    }
    // Nothing was written: the same bytes, the same mtime, no side file created.
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtime);
    expect(readdirSync(ws.home).sort()).toEqual(before.names);
    // Writable again, verify records the move.
    expect((await ws.run(['verify', 'moved/a.txt'])).stdout).toMatch(/the registry now points here/);
  });

  it('a home without write permission, for a user other than root (who ignores permission bits): log, find and registry verify read it, and write nothing', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'alpha');
    const reg = await registered(ws, ['a.txt']);
    const nobody = 65534;
    if (process.getuid?.() !== 0 || spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim() !== String(nobody)) {
      console.warn('registry home without write permission: SKIPPED — needs root here, to run tsproof as the user nobody');
      return;
    }
    // A copy of the home's registry, owned by nobody, in folders nobody may read but not write.
    const outer = mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const home = path.join(outer, 'home');
    mkdirSync(home);
    cpSync(path.join(ws.home, 'registry.db'), path.join(home, 'registry.db'));
    for (const f of [outer, home, path.join(home, 'registry.db')]) chownSync(f, nobody, nobody);
    chmodSync(path.join(home, 'registry.db'), 0o444);
    chmodSync(home, 0o555);
    chmodSync(outer, 0o755);
    const before = readFileSync(path.join(home, 'registry.db'));
    const asNobody = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: outer, uid: nobody, gid: nobody, encoding: 'utf8', env: { PATH: process.env.PATH, TSPROOF_HOME: home, LANG: 'C', NO_COLOR: '1' } });
    try {
      const log = asNobody(['--json', 'log']);
      expect(log.status, log.stderr).toBe(0);
      expect(json(log.stdout).registrations).toEqual([expect.objectContaining({ id: reg.id })]);
      const find = asNobody(['registry', 'find', reg.id.slice(0, 8)]);
      expect(find.status, find.stderr).toBe(0);
      const v = asNobody(['registry', 'verify', '--no-receipts']);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(readdirSync(home)).toEqual(['registry.db']);
      expect(readFileSync(path.join(home, 'registry.db')).equals(before)).toBe(true);
    } finally {
      chmodSync(home, 0o755);
      rmSync(outer, { recursive: true, force: true });
    }
  });

  it('a registry of schema 1 (an older tsproof) in a read-only home: read as it is, nothing written; a writer there fails with one line; once writable, migrated', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'alpha');
    const reg = await registered(ws, ['a.txt']);
    const file = path.join(ws.home, 'registry.db');
    const d = new DatabaseSync(file);
    d.exec('DROP TABLE pending; PRAGMA user_version = 1'); // as tsproof of schema 1 wrote it
    d.close();
    const before = readFileSync(file);
    const locked = readOnlyHome(ws.home, file);
    try {
      if (!locked) {
        console.warn('registry schema 1 in a read-only home: SKIPPED — neither chattr +i nor permission bits make the home read-only for this user here');
        return;
      }
      expect((await ws.run(['status', 'a.txt'])).status).toBe(0);
      expect((await ws.run(['registry', 'find', 'a.txt'])).stdout).toMatch(/1 registration\(s\) cover a\.txt/);
      expect((json((await ws.run(['--json', 'log'])).stdout).registrations as unknown[]).length).toBe(1);
      const rv = await ws.run(['--json', 'registry', 'verify']);
      expect(rv.status, rv.stdout + rv.stderr).toBe(0);
      expect(json(rv.stdout)).toMatchObject({ ok: true, registrations: 1, pending: { registrations: 0, entries: 0 } });
      // A writer cannot migrate it here: one line, a documented exit code, not "internal error".
      const w = await ws.run(['registry', 'retire', reg.id, '--reason', 'test']);
      expect(w.status, w.stderr).toBe(3);
      expect(w.stderr.trim().split('\n')).toHaveLength(1);
      expect(w.stderr).not.toMatch(/internal error/);
    } finally {
      unlockHome(ws.home, file);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    // Readers leave it at schema 1; the next writer migrates it.
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
    const r = await ws.run(['registry', 'retire', reg.id, '--reason', 'test']);
    expect(r.status, r.stderr).toBe(0);
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
    const m = new DatabaseSync(file, { readOnly: true });
    expect(m.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
    m.close();
  });

  it('a receipt that is gone: the message names the registration, its time and --receipt (exit 1)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'x.txt'), 'gone soon');
    const reg = await registered(ws, ['x.txt']);
    rmSync(path.join(ws.work, reg.receipt));
    const r = await ws.run(['verify', 'x.txt']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`registered in ${reg.id}`);
    expect(r.stdout).toContain('--receipt <file>');
    const v = await ws.run(['--json', 'registry', 'verify']);
    expect(v.status).toBe(1);
    expect(JSON.stringify(json(v.stdout).problems)).toContain('is missing');
  });
});

describe('log, find, history, status', () => {
  it("lists, filters, finds earliest first, shows a name's versions and a folder's state", async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'p'));
    for (const n of ['a', 'b', 'c']) writeFileSync(path.join(ws.work, 'p', `${n}.txt`), n);
    const r1 = await registered(ws, ['p']);
    writeFileSync(path.join(ws.work, 'p', 'b.txt'), 'b2');
    const r2 = await registered(ws, ['p', '--changed-only']);
    writeFileSync(path.join(ws.work, 'p', 'c.txt'), 'c2');
    writeFileSync(path.join(ws.work, 'p', 'd.txt'), 'd');

    const log = json((await ws.run(['--json', 'log'])).stdout) as unknown as { registrations: { id: string; count: number }[] };
    expect(log.registrations.map((x) => [x.id, x.count])).toEqual([
      [r1.id, 3],
      [r2.id, 1],
    ]);
    expect((json((await ws.run(['--json', 'registry', 'list', '--name', 'p/b*', '--holder', '김영희'])).stdout).registrations as unknown[]).length).toBe(2);
    expect((json((await ws.run(['--json', 'log', '--until', '2000-01-01'])).stdout).registrations as unknown[]).length).toBe(0);
    expectOneLineError(await ws.run(['log', '--since', 'yesterday-ish']), 2, /--since yesterday-ish: expected a date/);

    const hist = json((await ws.run(['--json', 'registry', 'history', 'p/b.txt'])).stdout) as unknown as { versions: { registrations: { id: string }[] }[] };
    expect(hist.versions.map((v) => v.registrations[0]!.id)).toEqual([r1.id, r2.id]);
    expect((json((await ws.run(['--json', 'registry', 'history', './p/b.txt'])).stdout).versions as unknown[]).length).toBe(2);

    const st = await ws.run(['status', 'p']);
    expect(st.status, st.stderr).toBe(1);
    expect(st.stdout).toMatch(/registered {4}p\/a\.txt/);
    expect(st.stdout).toMatch(/modified {6}p\/c\.txt/);
    expect(st.stdout).toMatch(/unregistered {2}p\/d\.txt/);
    expect(st.stdout).toMatch(new RegExp(`4 file\\(s\\): 1 match ${r1.id.slice(0, 8)}, 1 match ${r2.id.slice(0, 8)}; 1 modified; 1 never registered`));
    // Each registration named, once, with its proven time and receipt.
    expect(st.stdout).toContain(`  ${r1.id.slice(0, 8)}  proven ${r1.time}, receipt ${r1.receipt}`);
    const stj = json((await ws.run(['--json', 'status', 'p'])).stdout) as unknown as { ok: boolean; summary: Record<string, unknown> };
    expect(stj.ok).toBe(false);
    expect(stj.summary).toMatchObject({ files: 4, registered: 2, modified: 1, unregistered: 1 });
    rmSync(path.join(ws.work, 'p', 'c.txt'));
    rmSync(path.join(ws.work, 'p', 'd.txt'));
    expect((await ws.run(['status', 'p'])).status).toBe(0);

    const digest = (json((await ws.run(['--json', 'hash', 'p/a.txt'])).stdout).files as { digest: string }[])[0]!.digest;
    const found = json((await ws.run(['--json', 'registry', 'find', `sha256:${digest}`])).stdout) as unknown as { query: { kind: string }; registrations: { id: string }[] };
    expect(found.query.kind).toBe('digest');
    expect(found.registrations.map((x) => x.id)).toEqual([r1.id]);
    expect((await ws.run(['registry', 'find', 'p/a.txt'])).stdout).toMatch(/1 registration\(s\) cover p\/a\.txt, earliest first/);
    // A digest in capitals is a digest; one cut short is a mistake (exit 2), not a name looked for.
    expect((json((await ws.run(['--json', 'registry', 'find', `SHA256:${digest.toUpperCase()}`])).stdout).registrations as unknown[]).length).toBe(1);
    expectOneLineError(await ws.run(['registry', 'find', `sha256:${digest.slice(0, 12)}`]), 2, /not a sha256 digest \(expected 64 hex digits/);
    expectOneLineError(await ws.run(['registry', 'find', '']), 2, /registry find: give a file/);
    expectOneLineError(await ws.run(['registry', 'export', '--out', path.join(ws.work, 'no-such-folder', 'x.jsonl')]), 2, /cannot write .*x\.jsonl \(ENOENT\)/);
  });
});

describe('status', () => {
  it('finds registrations that recorded no SHA-256 (register -a sha512) as well as SHA-256 ones, earliest first; a registry with SHA-256 and SHA-512 in one registration needs no second reading', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'q'));
    for (const n of ['a', 'b', 'c', 'd']) writeFileSync(path.join(ws.work, 'q', `${n}.txt`), n);
    const both = await registered(ws, ['q/a.txt', 'q/b.txt', '-a', 'sha256', '-a', 'sha512']);
    const st1 = json((await ws.run(['--json', 'status', 'q'])).stdout) as unknown as { files: { file: string; status: string; registration?: { id: string } }[] };
    expect(st1.files.map((f) => [f.file, f.status, f.registration?.id])).toEqual([
      ['q/a.txt', 'registered', both.id],
      ['q/b.txt', 'registered', both.id],
      ['q/c.txt', 'unregistered', undefined],
      ['q/d.txt', 'unregistered', undefined],
    ]);
    const only512 = await registered(ws, ['q/b.txt', 'q/c.txt', '-a', 'sha512']);
    const st2 = json((await ws.run(['--json', 'status', 'q'])).stdout) as unknown as { summary: Record<string, unknown>; files: { file: string; status: string; registration?: { id: string }; others?: number }[] };
    expect(st2.files.map((f) => [f.file, f.status, f.registration?.id, f.others])).toEqual([
      ['q/a.txt', 'registered', both.id, 0],
      ['q/b.txt', 'registered', both.id, 1],
      ['q/c.txt', 'registered', only512.id, 0],
      ['q/d.txt', 'unregistered', undefined, undefined],
    ]);
    expect(st2.summary).toMatchObject({ files: 4, registered: 3, modified: 0, unregistered: 1 });
    const text = await ws.run(['status', 'q']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`registered {4}q/c\\.txt  \\S+ \\(${only512.id.slice(0, 8)}\\)`));
  });

  it('a folder of more files than one lookup batch: every line and the JSON as registered, modified and new files are, in the walk order, Korean too', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const dir = path.join(ws.work, 'm');
    for (let d = 0; d < 7; d++) mkdirSync(path.join(dir, `d${d}`), { recursive: true });
    const names = Array.from({ length: 1300 }, (_, i) => `d${i % 7}/f${i}.txt`);
    for (const n of names) writeFileSync(path.join(dir, n), n);
    const reg = await registered(ws, ['m']);
    const changed = new Set(names.filter((_, i) => i % 97 === 5));
    for (const n of changed) writeFileSync(path.join(dir, n), `${n} changed`);
    for (let i = 0; i < 3; i++) writeFileSync(path.join(dir, `d${i}`, `new${i}.txt`), `new ${i}`);
    const r = await ws.run(['--json', 'status', 'm']);
    expect(r.status, r.stderr).toBe(1);
    const doc = json(r.stdout) as unknown as { summary: Record<string, unknown>; files: { file: string; status: string; registration?: { id: string; time: string } }[] };
    const want = (f: string) => (f.includes('/new') ? 'unregistered' : changed.has(f.slice(2)) ? 'modified' : 'registered');
    expect(doc.files.length).toBe(1303);
    expect(doc.files.filter((f) => f.status !== want(f.file))).toEqual([]);
    expect(doc.files.filter((f) => f.registration && f.registration.id !== reg.id)).toEqual([]);
    expect(doc.summary).toMatchObject({ files: 1303, registered: 1300 - changed.size, modified: changed.size, unregistered: 3 });
    const text = await ws.run(['status', 'm']);
    const lines = text.stdout.split('\n').slice(0, 1303);
    // The lines in the order of the JSON (the walk's), each as its state says.
    lines.forEach((l, i) => {
      const f = doc.files[i]!;
      const shown =
        f.status === 'registered' ? `  registered    ${f.file}  ${reg.time} (${reg.id.slice(0, 8)})` : f.status === 'modified' ? `  modified      ${f.file}  since ${reg.time} (${reg.id.slice(0, 8)})` : `  unregistered  ${f.file}`;
      expect(l).toBe(shown);
    });
    expect(text.stdout.split('\n')[1303]).toBe(`1303 file(s): ${1300 - changed.size} match ${reg.id.slice(0, 8)}; ${changed.size} modified; 3 never registered`);
    const ko = await ws.run(['--lang', 'ko', 'status', 'm']);
    expect(ko.stdout.split('\n').filter((l) => l.startsWith('  변경됨')).length).toBe(changed.size);
    expect(ko.stdout).toContain(`  등록됨        ${doc.files[0]!.file}  ${reg.time} (${reg.id.slice(0, 8)})`);
  });
});

describe('metadata', () => {
  it('register --title --project --tag --classification: signed in the manifest, recorded and queryable; the receipt verifies', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    writeFileSync(path.join(ws.work, 'b.txt'), 'b');
    const r = await ws.run(['--json', 'register', 'a.txt', '--tsa', tsa.url, '--title', '엔진 도면', '--project', 'engine', '--tag', 'team=cad', '--tag', 'phase=v2', '--classification', '대외비']);
    expect(r.status, r.stderr).toBe(0);
    const reg = json(r.stdout) as unknown as { id: string; receipt: string; meta: unknown };
    expect(reg.meta).toEqual({ title: '엔진 도면', project: 'engine', tags: { team: 'cad', phase: 'v2' }, classification: '대외비' });
    const receipt = JSON.parse(readFileSync(path.join(ws.work, reg.receipt), 'utf8')) as { manifest: string };
    expect(JSON.parse(Buffer.from(receipt.manifest, 'base64').toString('utf8')).meta).toEqual(reg.meta);
    await registered(ws, ['b.txt']);
    const byProject = json((await ws.run(['--json', 'log', '--project', 'engine'])).stdout) as unknown as { registrations: { id: string; title: string; classification: string }[] };
    expect(byProject.registrations).toMatchObject([{ id: reg.id, title: '엔진 도면', classification: '대외비' }]);
    expect((json((await ws.run(['--json', 'log', '--tag', 'team=cad', '--tag', 'phase=v2'])).stdout).registrations as unknown[]).length).toBe(1);
    expect((json((await ws.run(['--json', 'log', '--tag', 'team=other'])).stdout).registrations as unknown[]).length).toBe(0);
    expect((json((await ws.run(['--json', 'log', '--tag', 'team'])).stdout).registrations as unknown[]).length).toBe(1); // a key alone: the tag is there
    expectOneLineError(await ws.run(['log', '--tag', '=cad']), 2, /--tag =cad: expected key or key=value/); // an empty key would match nothing, silently
    expect((await ws.run(['verify', 'a.txt'])).status).toBe(0);
    expectOneLineError(await ws.run(['register', 'b.txt', '--tsa', tsa.url, '--tag', 'novalue']), 2, /--tag novalue: expected key=value/);
    expectOneLineError(await ws.run(['register', 'b.txt', '--tsa', tsa.url, '--title', 'x'.repeat(2000)]), 2, /registration metadata: title/);
  });
});

describe('registry verify, retire, destroy, seal', () => {
  it('names an edited entry row and an edited registration, exit 1', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    writeFileSync(path.join(ws.work, 'b.txt'), 'b');
    const reg = await registered(ws, ['a.txt', 'b.txt']);
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
    const d = db(ws);
    d.exec("UPDATE entries SET name = 'other.txt' WHERE idx = 1");
    d.exec("UPDATE registrations SET time = '2001-01-01T00:00:00.000Z'");
    d.close();
    const v = await ws.run(['registry', 'verify']);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`the entries of registration ${reg.id} were edited, added or removed`);
    expect(v.stdout).toContain(`registration ${reg.id} differs from its events: time`);
  });

  it('retire and destroy are signed by the holder; destroy removes names, digests and (with --receipts) the receipt; the chain stays verifiable', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'keep.txt'), 'keep');
    writeFileSync(path.join(ws.work, 'drop.txt'), 'drop');
    const keep = await registered(ws, ['keep.txt']);
    const drop = await registered(ws, ['drop.txt']);
    expectOneLineError(await ws.run(['registry', 'retire', 'nonexistent-id', '--reason', 'x']), 2, /no registration nonexistent-id/);
    const ret = await ws.run(['--json', 'registry', 'retire', keep.id.slice(0, 8), '--reason', 'superseded by v2']);
    expect(ret.status, ret.stderr).toBe(0);
    expect(json(ret.stdout)).toMatchObject({ ok: true, id: keep.id, status: 'retired', reason: 'superseded by v2' });
    expect((await ws.run(['verify', 'keep.txt'])).status).toBe(0); // a retired registration stays verifiable
    const des = await ws.run(['--json', 'registry', 'destroy', drop.id, '--reason', '보존 기간 만료', '--receipts']);
    expect(des.status, des.stderr).toBe(0);
    expect(existsSync(path.join(ws.work, drop.receipt))).toBe(false);
    expect((json((await ws.run(['--json', 'registry', 'find', 'drop.txt'])).stdout).registrations as unknown[]).length).toBe(0);
    const dead = json((await ws.run(['--json', 'log', '--status', 'destroyed'])).stdout) as unknown as { registrations: { id: string; reason: string; count: number }[] };
    expect(dead.registrations).toMatchObject([{ id: drop.id, reason: '보존 기간 만료', count: 1 }]);
    const d = db(ws);
    expect(d.prepare('SELECT count(*) AS n FROM entries e JOIN registrations r ON r.rid = e.rid WHERE r.id = ?').get(drop.id)).toEqual({ n: 0 });
    const tomb = d.prepare("SELECT payload, signature FROM events WHERE kind = 'destroy'").get() as { payload: string; signature: string };
    d.close();
    expect(JSON.parse(tomb.payload)).toMatchObject({ kind: 'destroy', id: drop.id, reason: '보존 기간 만료' });
    expect(tomb.signature.length).toBeGreaterThan(100);
    const v = await ws.run(['registry', 'verify']);
    expect(v.status, v.stdout).toBe(0);
  });

  it('seal timestamps the chain head; registry verify reports it, and notices a sealed event rewritten', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    await registered(ws, ['a.txt']);
    const s = await ws.run(['--json', 'registry', 'seal', '--tsa', tsa.url]);
    expect(s.status, s.stderr).toBe(0);
    expect(json(s.stdout)).toMatchObject({ ok: true, events: 1 });
    const v = json((await ws.run(['--json', 'registry', 'verify'])).stdout) as unknown as { ok: boolean; seal: { ok: boolean; events: number; times: string[] } };
    expect(v.ok).toBe(true);
    expect(v.seal).toMatchObject({ ok: true, events: 1 });
    expect(v.seal.times).toHaveLength(1);
    // The first event rewritten with a consistent new hash, and the seal event's link too: the seal still catches it.
    const d = db(ws);
    d.exec('DROP TRIGGER events_no_update');
    d.exec("UPDATE events SET hash = (CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END) || substr(hash, 2) WHERE seq = 1");
    d.close();
    const bad = await ws.run(['registry', 'verify']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/the seal of event 1 \(event 2\) no longer matches the chain/);
  });
});

describe('import, export, rebuild, a damaged registry', () => {
  it('import adopts receipts that verify and refuses the others', async () => {
    const other = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(other.work, 'ci.bin'), 'artifact');
    const made = await registered(other, ['ci.bin']);
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'artifacts'));
    cpSync(path.join(other.work, made.receipt), path.join(ws.work, 'artifacts', made.receipt));
    const forged = JSON.parse(readFileSync(path.join(other.work, made.receipt), 'utf8')) as { entries: { digests: { sha256: string } }[] };
    forged.entries[0]!.digests.sha256 = '0'.repeat(64);
    writeFileSync(path.join(ws.work, 'artifacts', 'forged.tsproof.json'), JSON.stringify(forged));
    const r = await ws.run(['--json', 'registry', 'import', 'artifacts']);
    expect(r.status).toBe(1);
    const out = json(r.stdout) as unknown as { receipts: { outcome: string; id?: string }[] };
    expect(out.receipts.map((x) => x.outcome).sort()).toEqual(['adopted', 'refused']);
    expect((json((await ws.run(['--json', 'registry', 'find', path.join(other.work, 'ci.bin')])).stdout).registrations as unknown[]).length).toBe(1);
    expect(json((await ws.run(['--json', 'registry', 'import', path.join('artifacts', made.receipt)])).stdout)).toMatchObject({ ok: true, receipts: [{ outcome: 'known' }] });
  });

  it('a damaged registry.db: one line naming it and registry rebuild, exit 2, nothing overwritten; rebuild recreates it from receipts', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const reg = await registered(ws, ['a.txt']);
    const exported = await ws.run(['registry', 'export']);
    expect(exported.status).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; format?: string });
    expect(lines[0]).toMatchObject({ format: 'tsproof.registry-export', version: 1 });
    expect(lines.filter((l) => l.type === 'registration')).toHaveLength(1);
    expect(lines.filter((l) => l.type === 'event')).toHaveLength(1);

    const file = path.join(ws.home, 'registry.db');
    const garbage = Buffer.alloc(4096, 0x42);
    writeFileSync(file, garbage);
    // status hashes while it opens the registry: the registry's error is still the one reported, for a folder (the hashing lanes) as for one file.
    mkdirSync(path.join(ws.work, 'many'));
    for (let i = 0; i < 50; i++) writeFileSync(path.join(ws.work, 'many', `f${i}.txt`), String(i));
    for (const args of [['log'], ['verify', 'a.txt'], ['register', 'a.txt', '--tsa', tsa.url], ['status', 'many'], ['status', 'a.txt']]) {
      const r = await ws.run(args);
      expectOneLineError(r, 2, /registry\.db is damaged .*tsproof registry rebuild --from <folders>/);
      expect(r.stderr).toContain(file);
      expect(readFileSync(file).equals(garbage)).toBe(true);
    }
    const rb = await ws.run(['--json', 'registry', 'rebuild', '--from', '.']);
    expect(rb.status, rb.stderr).toBe(0);
    const prev = (json(rb.stdout) as unknown as { previous: string }).previous;
    expect(readFileSync(prev).equals(garbage)).toBe(true);
    expect((await ws.run(['verify', 'a.txt'])).status).toBe(0);
    expect((json((await ws.run(['--json', 'log'])).stdout).registrations as { id: string }[]).map((x) => x.id)).toEqual([reg.id]);
  });

  it('a registry from a newer tsproof is refused: needs a newer tsproof (exit 2)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    await registered(ws, ['a.txt']);
    const d = db(ws);
    d.exec('PRAGMA user_version = 99');
    d.close();
    expectOneLineError(await ws.run(['log']), 2, /needs a newer tsproof/);
  });
});

describe('concurrency', () => {
  it('two registers at once on one home both land', async () => {
    const ws = await aliceWorkspace(PREFIX);
    for (let i = 0; i < 4; i++) writeFileSync(path.join(ws.work, `f${i}.txt`), `content ${i}`);
    const runs = await Promise.all([0, 1, 2, 3].map((i) => ws.run(['--json', 'register', `f${i}.txt`, '--tsa', tsa.url])));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const ids = runs.map((r) => (json(r.stdout) as unknown as { id: string }).id).sort();
    const log = json((await ws.run(['--json', 'log'])).stdout) as unknown as { registrations: { id: string }[] };
    expect(log.registrations.map((x) => x.id).sort()).toEqual(ids);
    expect(receipts(ws.work)).toHaveLength(4);
    const v = await ws.run(['registry', 'verify']);
    expect(v.status, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/4 event\(s\)/);
  });
});
