/**
 * Hash-tree renewal (RFC 4998 §5.3) and evidence records for one file (issue 16,
 * docs/long-term.md): `renew --files` re-hashes the registered files with a new algorithm and
 * begins a new chain over the signature, the files and the chains before; `verify` follows it;
 * `export --format ers` (the receipt's) and `--file` (one file's) are validated by Bouncy Castle
 * (org.bouncycastle.tsp.ers, bcpkix 1.72) after a §5.2 renewal and a §5.3 renewal with different
 * TSAs, every archive timestamp's token by `openssl ts -verify`.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArchiveTimeStamp, recoverRoot } from '../../src/core/longterm/ers.js';
import { PKI, ROOT } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { openssl } from '../helpers/openssl.js';
import type { CliResult } from '../helpers/cli.js';

const BC = ['bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((j) => path.join('/usr/share/java', j));
const haveJava = spawnSync('javac', ['-version']).status === 0 && BC.every((j) => existsSync(j));

let tsaA: Awaited<ReturnType<typeof bundledTsa>>;
let tsaB: Awaited<ReturnType<typeof bundledTsa>>;
let ws: CliWorkspace;
const files = { 'proj/a.txt': 'alpha', 'proj/b.txt': 'bravo', 'proj/sub/c.txt': 'charlie' } as Record<string, string>;
const receipt = (n = 'proj.tsproof.json') => JSON.parse(readFileSync(path.join(ws.work, n), 'utf8'));
const json = (r: CliResult) => JSON.parse(r.stdout);
const checks = (r: CliResult) => json(r).results[0].checks as { id: string; ok: boolean; status: string; subject?: string; detail: string }[];
const write = (n: string, v: unknown) => writeFileSync(path.join(ws.work, n), typeof v === 'string' || v instanceof Uint8Array ? v : JSON.stringify(v, null, 2));

beforeAll(async () => {
  tsaA = await bundledTsa('tsa-ec');
  tsaB = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  ws = cliWorkspace('tsproof-hashtree-', { passphrase: 'hash-tree tests' });
  await importAlice(ws);
  for (const [n, v] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws.work, n)), { recursive: true });
    writeFileSync(path.join(ws.work, n), v);
  }
  const r = await ws.run(['register', 'proj', '--out', 'proj.tsproof.json', '--tsa', tsaA.url]);
  if (r.status !== 0) throw new Error(r.stderr);
  writeFileSync(path.join(ws.work, 'lone.txt'), 'registered alone');
  const l = await ws.run(['register', 'lone.txt', '--tsa', tsaA.url]);
  if (l.status !== 0) throw new Error(l.stderr);
}, 60_000);
afterAll(async () => {
  await tsaA?.close();
  await tsaB?.close();
});

/** Bouncy Castle: the record covers `data`, and none of `not`. */
function ersCheck(ers: string, data: string, not: string[] = []): { ok: boolean; out: string } {
  const classes = path.join(ws.dir, 'java');
  if (!existsSync(path.join(classes, 'ErsCheck.class'))) {
    mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-cp', BC.join(':'), '-d', classes, path.join(ROOT, 'test', 'oracles', 'ErsCheck.java')]);
  }
  const r = spawnSync('java', ['-cp', [classes, ...BC].join(':'), 'ErsCheck', ers, data, ...not.map((n) => `not:${n}`)], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** `openssl ts -verify` of every archive timestamp's token against the root its reduced hash tree leads to. */
function opensslEveryToken(renewals: { archiveTimeStamp: string }[]) {
  for (const [i, x] of renewals.entries()) {
    const ats = parseArchiveTimeStamp(Buffer.from(x.archiveTimeStamp, 'base64'));
    writeFileSync(path.join(ws.work, `ats${i}.tst`), ats.timeStamp);
    const root = Buffer.from(recoverRoot(ats.algorithm!, ats.reducedHashtree!)).toString('hex');
    const o = openssl(['ts', '-verify', '-digest', root, '-token_in', '-in', `ats${i}.tst`, '-CAfile', path.join(PKI, 'root-ca.pem'), '-untrusted', path.join(PKI, 'intermediate-ca.pem')], ws.work);
    expect(o.stdout + o.stderr, `renewal ${i}`).toMatch(/Verification: OK/);
  }
}

describe('hash-tree renewal (RFC 4998 §5.3) and per-file evidence records', () => {
  it('without a renewal over the files: changing the algorithm, and a per-file record, are refused in one line (exit 2)', async () => {
    const r = await ws.run(['renew', 'proj.tsproof.json', 'lone.txt.tsproof.json', '--tsa', tsaA.url]);
    expect(r.status, r.stderr).toBe(0);
    const a = await ws.run(['renew', 'proj.tsproof.json', '-a', 'sha512', '--tsa', tsaB.url]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/changing the algorithm is a hash-tree renewal \(RFC 4998 §5\.3\), which re-hashes the files: give --files <folder>/);
    const e = await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/a.txt', '--out', 'a.ers']);
    expect(e.status).toBe(2);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(/proj\.tsproof\.json has no renewal over its files yet.*tsproof renew proj\.tsproof\.json --files <folder>/);
    expect(existsSync(path.join(ws.work, 'a.ers'))).toBe(false);
  });

  it('a modified or missing file stops the hash-tree renewal, naming it; nothing is written', async () => {
    const before = readFileSync(path.join(ws.work, 'proj.tsproof.json'), 'utf8');
    writeFileSync(path.join(ws.work, 'proj/b.txt'), 'bravo, edited');
    const m = await ws.run(['renew', 'proj.tsproof.json', '-a', 'sha512', '--files', 'proj', '--tsa', tsaB.url]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/proj\/b\.txt no longer matches its registration in proj\.tsproof\.json \(SHA256 [0-9a-f]{64}, registered [0-9a-f]{64}\)/);
    writeFileSync(path.join(ws.work, 'proj/b.txt'), files['proj/b.txt']!);
    const missing = await ws.run(['renew', 'proj.tsproof.json', '-a', 'sha512', '--files', 'elsewhere', '--tsa', tsaB.url]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    expect(readFileSync(path.join(ws.work, 'proj.tsproof.json'), 'utf8')).toBe(before);
  });

  it('§5.2 with TSA B, then §5.3 to SHA-512 with TSA A: verify follows the new chain; Bouncy Castle validates the receipt record and each file record (and refuses another file); OpenSSL every token', { timeout: 180_000 }, async () => {
    expect((await ws.run(['renew', 'proj.tsproof.json', '--tsa', tsaB.url])).status).toBe(0);
    const h = await ws.run(['renew', 'proj.tsproof.json', 'lone.txt.tsproof.json', '-a', 'sha512', '--files', '.', '--tsa', tsaA.url, '--json']);
    expect(h.status, h.stderr).toBe(0);
    expect(json(h)).toMatchObject({
      ok: true,
      algorithm: 'sha512',
      files: true,
      receipts: [
        { receipt: 'proj.tsproof.json', renewals: 3 },
        { receipt: 'lone.txt.tsproof.json', renewals: 2 },
      ],
    });
    const r = receipt();
    expect(r.renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([false, false, true]);
    expect(parseArchiveTimeStamp(Buffer.from(r.renewals[2].archiveTimeStamp, 'base64')).algorithm).toBe('sha512');
    for (const e of r.entries) expect(e.renewed, e.name).toEqual({ sha512: createHash('sha512').update(files[e.name]!).digest('hex') });
    // The additions are in the documented schema.
    const schema = new Ajv2020.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(path.join(ROOT, 'docs', 'receipt.schema.json'), 'utf8')));
    expect(schema(r), JSON.stringify(schema.errors)).toBe(true);

    const dir = await ws.run(['verify', '--receipt', 'proj.tsproof.json', '--dir', 'proj', '--json']);
    expect(dir.status, dir.stdout).toBe(0);
    const v = await ws.run(['verify', 'proj/sub/c.txt', '--receipt', 'proj.tsproof.json', '--json']);
    expect(v.status, v.stdout).toBe(0);
    const c = checks(v);
    expect(c.find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[2]')).toMatchObject({ ok: true, detail: expect.stringMatching(/covers the receipt's signature, its files and the renewals before it \(hash-tree renewal/) });
    expect(c.find((x) => x.id === 'renewal.files' && x.subject === 'renewal[2]')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/covers the 3 file\(s\) by their SHA512 digests/) });
    expect(c.find((x) => x.id === 'renewal.continuity' && x.subject === 'renewal[2]')).toMatchObject({ status: 'pass' });
    expect(c.find((x) => x.id === 'proof.rests-on')).toMatchObject({ detail: expect.stringMatching(/the proof rests on renewal\[2\]/) });
    expect(c.filter((x) => x.id === 'file.digest').map((x) => x.detail)).toEqual([expect.stringMatching(/^SHA256 [0-9a-f]{64} matches$/), expect.stringMatching(/^SHA512 [0-9a-f]{128} matches \(taken by a renewal over the files\)$/)]);
    expect(json(dir).results.map((x: { checks: { id: string }[] }) => x.checks.filter((y) => y.id === 'file.digest').length)).toEqual([2, 2, 2]);
    opensslEveryToken(r.renewals);

    const e = await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--out', 'proj.ers']);
    expect(e.status, e.stderr).toBe(0);
    write('proj.p7s', Buffer.from(r.signature, 'base64'));
    for (const n of Object.keys(files)) {
      const x = await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', n, '--out', `${path.basename(n)}.ers`]);
      expect(x.status, x.stderr).toBe(0);
      expect(x.stdout).toMatch(new RegExp(`whose data object is the file ${n}`));
    }
    // By the file itself rather than its registered name.
    expect((await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/sub/c.txt', '--out', 'c-again.ers'])).status).toBe(0);
    expect(readFileSync(path.join(ws.work, 'c-again.ers'))).toEqual(readFileSync(path.join(ws.work, 'c.txt.ers')));
    if (!haveJava) {
      console.warn('SKIPPED: Bouncy Castle oracle (javac or /usr/share/java/bc*.jar missing; apt libbcprov-java libbcpkix-java libbcutil-java)');
      return;
    }
    const whole = ersCheck(path.join(ws.work, 'proj.ers'), path.join(ws.work, 'proj.p7s'));
    expect(whole.ok, whole.out).toBe(true);
    expect(whole.out).toMatch(/ATS 0\.0 .*CN=Test TSA EC/);
    expect(whole.out).toMatch(/ATS 0\.1 .*CN=Test TSA RSA/);
    expect(whole.out).toMatch(/ATS 1\.0 .*CN=Test TSA EC/);
    // The receipt's record does not cover a file (its data object is the signature).
    expect(ersCheck(path.join(ws.work, 'proj.ers'), path.join(ws.work, 'proj/a.txt')).ok).toBe(false);
    for (const n of Object.keys(files)) {
      // As a file (ERSFileData) and as bytes; not a rubber stamp: another file of the same receipt, the signature, and a file not registered are refused.
      const others = [...Object.keys(files).filter((o) => o !== n), 'lone.txt', 'proj.p7s'].map((o) => path.join(ws.work, o));
      const own = ersCheck(path.join(ws.work, `${path.basename(n)}.ers`), `file:${path.join(ws.work, n)}`, others);
      expect(own.ok, `${n}: ${own.out}`).toBe(true);
      expect(own.out).toMatch(/ATS 1\.0 .*CN=Test TSA EC/);
      expect(ersCheck(path.join(ws.work, `${path.basename(n)}.ers`), path.join(ws.work, n)).ok, n).toBe(true);
      // The oracle's "not:" is not a rubber stamp either: the file itself, given as one the record must not cover, fails.
      expect(ersCheck(path.join(ws.work, `${path.basename(n)}.ers`), path.join(ws.work, n), [path.join(ws.work, n)]).out).toMatch(/FAIL .*also accepts/);
    }
  });

  it('a timestamp renewal after the hash-tree renewal continues the SHA-512 chain; per-file records still validate; status --expiring judges SHA-512', async () => {
    const r = await ws.run(['renew', 'proj.tsproof.json', '--tsa', tsaB.url]);
    expect(r.status, r.stderr).toBe(0);
    const rec = receipt();
    expect(parseArchiveTimeStamp(Buffer.from(rec.renewals[3].archiveTimeStamp, 'base64')).algorithm).toBe('sha512');
    const v = await ws.run(['verify', 'proj/a.txt', '--receipt', 'proj.tsproof.json', '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(checks(v).find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[3]')).toMatchObject({ ok: true, detail: expect.stringMatching(/covers the token of renewal\[2\]/) });
    // --at: judged at a later time, the chain still holds (every token at its own genTime).
    const at = await ws.run(['verify', 'proj/a.txt', '--receipt', 'proj.tsproof.json', '--at', '2040-01-01T00:00:00Z', '--json']);
    expect(at.status, at.stdout).toBe(0);
    opensslEveryToken(rec.renewals);
    expect((await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/b.txt', '--out', 'b2.ers'])).status).toBe(0);
    if (haveJava) {
      const b = ersCheck(path.join(ws.work, 'b2.ers'), `file:${path.join(ws.work, 'proj/b.txt')}`);
      expect(b.ok, b.out).toBe(true);
      expect(b.out).toMatch(/ATS 1\.1 .*CN=Test TSA RSA/);
      expect(ersCheck(path.join(ws.work, 'b2.ers'), path.join(ws.work, 'proj/a.txt')).ok).toBe(false);
    }
    // SHA-256 deprecated within the window: the receipt renewed over its files with SHA-512 is not due; the one that was not, is.
    expect((await ws.run(['renew', 'lone.txt.tsproof.json', '--tsa', tsaB.url])).status).toBe(0);
    writeFileSync(path.join(ws.work, 'old.txt'), 'never re-hashed');
    expect((await ws.run(['register', 'old.txt', '--tsa', tsaA.url])).status).toBe(0);
    expect((await ws.run(['renew', 'old.txt.tsproof.json', '--tsa', tsaA.url])).status).toBe(0);
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ deprecations: { sha256: '2027-06-01' } }));
    const s = await ws.run(['status', '--expiring', 'proj.tsproof.json', 'old.txt.tsproof.json', '--within', '365d', '--json']);
    writeFileSync(path.join(ws.home, 'config.json'), '{}');
    expect(s.status).toBe(1);
    const [p, o] = json(s).receipts;
    expect(p).toMatchObject({ receipt: 'proj.tsproof.json', due: false, restsOn: { what: 'renewal[3]', algorithm: 'sha512' }, reasons: [] });
    expect(o).toMatchObject({ receipt: 'old.txt.tsproof.json', due: true, reasons: ['renewal[0] uses SHA256, deprecated from 2027-06-01'] });
  });

  it('a broken chain after the algorithm change is a named failure: a changed renewed digest, a dropped link before it, the files flag removed (and Bouncy Castle agrees)', async () => {
    const r = receipt();
    const digest = structuredClone(r);
    digest.entries[1].renewed.sha512 = createHash('sha512').update('something else').digest('hex');
    write('digest.json', digest);
    const d = await ws.run(['verify', digest.entries[1].name, '--receipt', 'digest.json', '--json']);
    expect(d.status).toBe(1);
    expect(checks(d).find((x) => x.id === 'renewal.files')).toMatchObject({ ok: false, subject: 'renewal[2]', detail: expect.stringMatching(/the files' tree does not lead to the root this renewal holds/) });
    // The file is compared with the digest the renewal took too.
    expect(checks(d).find((x) => x.id === 'file.digest' && !x.ok)).toMatchObject({ detail: expect.stringMatching(/^SHA512 of the file is [0-9a-f]{128}, taken by a renewal over the files as [0-9a-f]{128}/) });
    // The timestamp renewal before the hash-tree renewal dropped: the sequence it hashed is no longer the receipt's.
    write('dropped.json', { ...r, renewals: [r.renewals[0], ...r.renewals.slice(2)] });
    const dr = await ws.run(['verify', 'proj/a.txt', '--receipt', 'dropped.json', '--json']);
    expect(dr.status).toBe(1);
    expect(checks(dr).find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[1]')).toMatchObject({ ok: false, detail: expect.stringMatching(/does not cover the receipt's signature, its files and the renewals before it/) });
    const unflagged = structuredClone(r);
    delete unflagged.renewals[2].files;
    write('unflagged.json', unflagged);
    const u = await ws.run(['verify', 'proj/a.txt', '--receipt', 'unflagged.json', '--json']);
    expect(u.status).toBe(1);
    expect(checks(u).find((x) => x.id === 'renewal.structure' && x.subject === 'renewal[2]')).toMatchObject({ ok: false, detail: expect.stringMatching(/differs from the chain's SHA256 \(a change of algorithm needs a hash-tree renewal/) });
    // No record from a receipt that does not verify.
    const e = await ws.run(['export', 'dropped.json', '--format', 'ers', '--file', 'proj/a.txt', '--out', 'dropped.ers']);
    expect(e.status).toBe(1);
    expect(existsSync(path.join(ws.work, 'dropped.ers'))).toBe(false);
    if (haveJava) {
      const { fileEvidenceRecordOf } = await import('../../src/core/longterm/export.js');
      const dropped = JSON.parse(readFileSync(path.join(ws.work, 'dropped.json'), 'utf8'));
      const entry = dropped.entries.find((x: { name: string }) => x.name === 'proj/a.txt');
      write('dropped-a.ers', fileEvidenceRecordOf(dropped, entry, 'dropped.json'));
      const bc = ersCheck(path.join(ws.work, 'dropped-a.ers'), path.join(ws.work, 'proj/a.txt'));
      expect(bc.ok, bc.out).toBe(false);
    }
  });

  it("a per-file receipt of a hash-tree-renewed receipt verifies (its files' tree is checked with the full receipt); per-file records and renewals over the files need the full receipt", async () => {
    expect((await ws.run(['receipt', 'extract', 'proj.tsproof.json', '--file', 'proj/b.txt', '--out', 'b.tsproof.json'])).status).toBe(0);
    expect(receipt('b.tsproof.json').entries[0].renewed).toEqual({ sha512: createHash('sha512').update(files['proj/b.txt']!).digest('hex') });
    const v = await ws.run(['verify', 'proj/b.txt', '--receipt', 'b.tsproof.json', '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(checks(v).find((x) => x.id === 'renewal.files')).toMatchObject({ status: 'skip' });
    expect(checks(v).find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[2]')).toMatchObject({ ok: true });
    const e = await ws.run(['export', 'b.tsproof.json', '--format', 'ers', '--file', 'proj/b.txt', '--out', 'b-per-file.ers']);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/b\.tsproof\.json is a per-file receipt: a file's evidence record is built from the full receipt/);
    const r = await ws.run(['renew', 'b.tsproof.json', '-a', 'sha384', '--files', '.', '--tsa', tsaA.url]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/b\.tsproof\.json is a per-file receipt: a renewal over the files needs the full receipt/);
  });

  it('the first renewal of a receipt over its files (no chain before): every chain covers the file itself; Bouncy Castle validates both records', async () => {
    writeFileSync(path.join(ws.work, 'first.txt'), 'renewed over its files from the start');
    expect((await ws.run(['register', 'first.txt', '--tsa', tsaA.url])).status).toBe(0);
    const r = await ws.run(['renew', 'first.txt.tsproof.json', '--files', '.', '--tsa', tsaB.url, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ algorithm: 'sha256', files: true });
    const rec = receipt('first.txt.tsproof.json');
    expect(rec.renewals).toHaveLength(1);
    expect(rec.entries[0].renewed).toEqual({ sha256: rec.entries[0].digests.sha256 });
    const v = await ws.run(['verify', 'first.txt', '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(checks(v).find((x) => x.id === 'renewal.covers')).toMatchObject({ ok: true, detail: expect.stringMatching(/covers the receipt's signature and its files/) });
    opensslEveryToken(rec.renewals);
    expect((await ws.run(['export', 'first.txt.tsproof.json', '--format', 'ers', '--file', 'first.txt', '--out', 'first-file.ers'])).status).toBe(0);
    expect((await ws.run(['export', 'first.txt.tsproof.json', '--format', 'ers', '--out', 'first.ers'])).status).toBe(0);
    if (!haveJava) return;
    write('first.p7s', Buffer.from(rec.signature, 'base64'));
    const f = ersCheck(path.join(ws.work, 'first-file.ers'), path.join(ws.work, 'first.txt'), [path.join(ws.work, 'first.p7s'), path.join(ws.work, 'lone.txt')]);
    expect(f.ok, f.out).toBe(true);
    const whole = ersCheck(path.join(ws.work, 'first.ers'), path.join(ws.work, 'first.p7s'), [path.join(ws.work, 'first.txt')]);
    expect(whole.ok, whole.out).toBe(true);
  });

  it('bad input: --file naming a file the receipt does not register, --file without ers, the same algorithm twice', async () => {
    const e = await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/nope.txt', '--out', 'nope.ers']);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/proj\/nope\.txt: not registered in proj\.tsproof\.json/);
    expect((await ws.run(['export', 'proj.tsproof.json', '--format', 'in-toto', '--file', 'proj/a.txt', '--out', 'x.json'])).status).toBe(2);
    const again = await ws.run(['renew', 'proj.tsproof.json', '-a', 'sha512', '--files', '.', '--tsa', tsaA.url]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already re-hashed with SHA512/);
  });

  it('a second hash-tree renewal (SHA-512 → SHA-384, TSA B): each file joins its own chains; verify passes, Bouncy Castle validates a file record of three chains and refuses another file', async () => {
    const r = await ws.run(['renew', 'proj.tsproof.json', '-a', 'sha384', '--files', 'proj', '--tsa', tsaB.url]);
    expect(r.status, r.stderr).toBe(0);
    const rec = receipt();
    expect(rec.renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([false, false, true, false, true]);
    for (const e of rec.entries) expect(Object.keys(e.renewed).sort()).toEqual(['sha384', 'sha512']);
    const v = await ws.run(['verify', '--receipt', 'proj.tsproof.json', '--dir', 'proj', '--json']);
    expect(v.status, v.stdout).toBe(0);
    const one = await ws.run(['verify', 'proj/sub/c.txt', '--receipt', 'proj.tsproof.json', '--json']);
    expect(checks(one).find((x) => x.id === 'renewal.files' && x.subject === 'renewal[4]')).toMatchObject({ status: 'pass' });
    opensslEveryToken(rec.renewals);
    expect((await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/sub/c.txt', '--out', 'c3.ers'])).status).toBe(0);
    expect((await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--out', 'proj3.ers'])).status).toBe(0);
    if (!haveJava) return;
    const c = ersCheck(path.join(ws.work, 'c3.ers'), `file:${path.join(ws.work, 'proj/sub/c.txt')}`, [path.join(ws.work, 'proj/a.txt'), path.join(ws.work, 'proj.p7s')]);
    expect(c.ok, c.out).toBe(true);
    expect(c.out).toMatch(/ATS 2\.0 .*CN=Test TSA RSA/);
    const whole = ersCheck(path.join(ws.work, 'proj3.ers'), path.join(ws.work, 'proj.p7s'), [path.join(ws.work, 'proj/sub/c.txt')]);
    expect(whole.ok, whole.out).toBe(true);
  });
});
