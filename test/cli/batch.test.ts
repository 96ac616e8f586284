/**
 * Batches: per-file receipts that disclose nothing else, verify --dir, --changed-only with one
 * TSA request per registration, excludes and .tsproofignore, special files skipped.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, importAlice } from '../helpers/setup.js';
import { hostileTsa, type Running } from '../helpers/servers.js';

let tsa: Running;
beforeAll(async () => {
  tsa = await hostileTsa('ok'); // a well-behaved TSA that counts requests
});
afterAll(() => tsa.close());

async function setup(nFiles: number) {
  const ws = cliWorkspace('tsproof-batch-', { passphrase: 'batch test' });
  const work = ws.work;
  mkdirSync(path.join(work, 'proj', 'sub'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < nFiles; i++) {
    const n = i % 3 === 0 ? `sub/파일-${i}.dat` : `file-${i}.dat`;
    writeFileSync(path.join(work, 'proj', n), randomBytes(100 + i * 7));
    names.push(`proj/${n}`);
  }
  await importAlice(ws);
  return { ...ws, names };
}

describe('per-file receipts', () => {
  it('extracts one entry with a log2(N) proof that verifies and discloses nothing about the others', async () => {
    const s = await setup(200);
    const before = tsa.requests;
    const reg = await s.run(['register', 'proj', '--tsa', tsa.url, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    expect(tsa.requests - before).toBe(1);
    const receipt = JSON.parse(reg.stdout).receipt;
    const full = JSON.parse(readFileSync(path.join(s.work, receipt), 'utf8'));
    for (const pick of [0, 99, 199]) {
      const entry = full.entries[pick];
      const out = `one-${pick}.tsproof.json`;
      const x = await s.run(['receipt', 'extract', receipt, '--file', entry.name, '--out', out, '--json']);
      expect(x.status, x.stderr).toBe(0);
      expect(JSON.parse(x.stdout).proofLength).toBeLessThanOrEqual(8);
      const text = readFileSync(path.join(s.work, out), 'utf8');
      const extracted = JSON.parse(text);
      expect(extracted.entries).toHaveLength(1);
      // Nothing of any other entry: names, digests, salts, or its "size" field.
      for (const other of full.entries) {
        if (other.index === entry.index) continue;
        expect(text).not.toContain(other.name);
        expect(text).not.toContain(other.digests.sha256);
        expect(text).not.toContain(other.salt);
        expect(text).not.toContain(`"size": ${other.size},`);
      }
      expect(text.length).toBeLessThan(20_000);
      const v = await s.run(['verify', entry.name, '--receipt', out, '--json']);
      expect(v.status, v.stdout).toBe(0);
      expect(JSON.parse(v.stdout).results[0].checks.find((c: { id: string }) => c.id === 'merkle.inclusion').ok).toBe(true);
      // A file of the batch that this receipt does not disclose is not verified by it.
      const another = full.entries[(pick + 1) % 200].name;
      expect((await s.run(['verify', another, '--receipt', out])).status).toBe(1);
    }
    // Tampering with the proof or the entry breaks inclusion.
    const one = JSON.parse(readFileSync(path.join(s.work, 'one-99.tsproof.json'), 'utf8'));
    one.entries[0].proof[0] = one.entries[0].proof[0].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    writeFileSync(path.join(s.work, 'bad.tsproof.json'), JSON.stringify(one));
    const bad = await s.run(['verify', full.entries[99].name, '--receipt', 'bad.tsproof.json', '--json']);
    expect(bad.status).toBe(1);
    expect(
      JSON.parse(bad.stdout)
        .results[0].checks.filter((c: { ok: boolean }) => !c.ok)
        .map((c: { id: string }) => c.id),
    ).toContain('merkle.inclusion');
  });

  it('extract also finds the entry from the file itself, and refuses files not in the batch', async () => {
    const s = await setup(5);
    const reg = JSON.parse((await s.run(['register', 'proj', '--tsa', tsa.url, '--json'])).stdout);
    const x = await s.run(['receipt', 'extract', reg.receipt, '--file', path.join('proj', 'file-1.dat'), '--out', 'x.json']);
    expect(x.status, x.stderr).toBe(0);
    writeFileSync(path.join(s.work, 'stranger.txt'), 'not registered');
    const r = await s.run(['receipt', 'extract', reg.receipt, '--file', 'stranger.txt', '--out', 'y.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/stranger\.txt: not registered/);
  });
});

describe('verify --dir', () => {
  it('reports matched, modified, missing and (on request) unregistered files', async () => {
    const s = await setup(12);
    const reg = JSON.parse((await s.run(['register', 'proj', '--tsa', tsa.url, '--json'])).stdout);
    const ok = await s.run(['verify', '--receipt', reg.receipt, '--dir', 'proj', '--json']);
    expect(ok.status, ok.stdout).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.receipt.ok).toBe(true);
    expect(doc.results.map((r: { status: string }) => r.status)).toEqual(Array(12).fill('matched'));
    // The folder's parent works too (names are relative to where register ran).
    expect((await s.run(['verify', '--receipt', reg.receipt, '--dir', '.'])).status).toBe(0);

    writeFileSync(path.join(s.work, 'proj', 'file-1.dat'), 'changed');
    rmSync(path.join(s.work, 'proj', 'file-2.dat'));
    writeFileSync(path.join(s.work, 'proj', 'new.txt'), 'new');
    const bad = await s.run(['verify', '--receipt', reg.receipt, '--dir', 'proj', '--unregistered', '--json']);
    expect(bad.status).toBe(1);
    const status = Object.fromEntries(JSON.parse(bad.stdout).results.map((r: { file: string; status: string }) => [r.file, r.status]));
    expect(status['proj/file-1.dat']).toBe('modified');
    expect(status['proj/file-2.dat']).toBe('missing');
    expect(status['proj/new.txt']).toBe('unregistered');
    expect(Object.values(status).filter((x) => x === 'matched')).toHaveLength(10);
    const human = await s.run(['verify', '--receipt', reg.receipt, '--dir', 'proj', '--brief']);
    expect(human.stdout).toMatch(/files {4}10 matched, 1 modified, 1 missing/);
    expect(human.stdout).toMatch(/✘ modified {2}proj\/file-1\.dat/);
  });
});

describe('register options', () => {
  it('--changed-only registers only what changed, and asks no TSA when nothing did', async () => {
    const s = await setup(6);
    expect((await s.run(['register', 'proj', '--tsa', tsa.url])).status).toBe(0);
    let before = tsa.requests;
    const again = await s.run(['register', 'proj', '--tsa', tsa.url, '--changed-only']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to register: all 6 file\(s\) are already registered/);
    expect(tsa.requests).toBe(before);
    writeFileSync(path.join(s.work, 'proj', 'file-1.dat'), 'edited');
    before = tsa.requests;
    const one = await s.run(['register', 'proj', '--tsa', tsa.url, '--changed-only', '--json']);
    expect(one.status, one.stderr).toBe(0);
    const doc = JSON.parse(one.stdout);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual(['proj/file-1.dat']);
    expect(doc.skipped).toHaveLength(5);
    expect(tsa.requests - before).toBe(1);
  });

  it('--exclude and .tsproofignore leave files out; symlinks and special files are skipped with a warning', async () => {
    const s = await setup(6);
    writeFileSync(path.join(s.work, 'proj', 'scratch.tmp'), 'x');
    mkdirSync(path.join(s.work, 'proj', 'build'));
    writeFileSync(path.join(s.work, 'proj', 'build', 'out.o'), 'x');
    writeFileSync(path.join(s.work, 'proj', '.tsproofignore'), '# generated\nbuild/\n');
    symlinkSync(path.join(s.work, 'proj', 'file-1.dat'), path.join(s.work, 'proj', 'link.dat'));
    execFileSync('mkfifo', [path.join(s.work, 'proj', 'pipe')]);
    const r = await s.run(['register', 'proj', '--tsa', tsa.url, '--exclude', '*.tmp', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const names = JSON.parse(r.stdout).files.map((f: { file: string }) => f.file);
    expect(names).toEqual([...s.names].sort());
    expect(r.stderr).toMatch(/warning: skipped .*link\.dat: symbolic link \(not followed\)/);
    expect(r.stderr).toMatch(/warning: skipped .*pipe: not a regular file/);
  });
});
