/**
 * Renewal by RFC 4998 archive timestamps (issue 16, docs/long-term.md): one TSA request for
 * many receipts, timestamp renewal with another TSA, offline verification of the chain, and the
 * exported evidence record checked by Bouncy Castle's org.bouncycastle.tsp.ers (bcpkix 1.72, a
 * small Java program compiled here) and every archive timestamp's token by `openssl ts -verify`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
const names = ['a.txt', 'b.txt', 'c.txt'];
/** Registered with the others, renewed alone: a renewal that covers none of them. */
const lone = 'd.txt';
const receiptFile = (n: string) => path.join(ws.work, `${n}.tsproof.json`);
const receipt = (n: string) => JSON.parse(readFileSync(receiptFile(n), 'utf8'));
const json = (r: CliResult) => JSON.parse(r.stdout);
const checks = (r: CliResult) => json(r).results[0].checks as { id: string; ok: boolean; status: string; subject?: string; detail: string }[];

beforeAll(async () => {
  tsaA = await bundledTsa('tsa-ec');
  tsaB = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  ws = cliWorkspace('tsproof-renew-', { passphrase: 'renew tests' });
  await importAlice(ws);
  for (const n of [...names, lone]) {
    writeFileSync(path.join(ws.work, n), `content of ${n}`);
    const r = await ws.run(['register', n, '--tsa', tsaA.url]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
}, 60_000);
afterAll(async () => {
  await tsaA?.close();
  await tsaB?.close();
});

function ersCheck(ers: string, data: string): { ok: boolean; out: string } {
  const classes = path.join(ws.dir, 'java');
  if (!existsSync(path.join(classes, 'ErsCheck.class'))) {
    mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-cp', BC.join(':'), '-d', classes, path.join(ROOT, 'test', 'oracles', 'ErsCheck.java')]);
  }
  const r = spawnSync('java', ['-cp', [classes, ...BC].join(':'), 'ErsCheck', ers, data], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('tsproof renew', () => {
  it('one archive timestamp (one TSA request) covers every receipt given; each verifies offline with it', async () => {
    const r = await ws.run(['renew', ...names.map((n) => `${n}.tsproof.json`), '--tsa', tsaA.url, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, receipts: names.map((n) => ({ receipt: `${n}.tsproof.json`, renewals: 1 })) });
    const tokens = names.map((n) => parseArchiveTimeStamp(Buffer.from(receipt(n).renewals[0].archiveTimeStamp, 'base64')));
    // The same token (one request), a different reduced hash tree each, all leading to its imprint.
    expect(new Set(tokens.map((x) => Buffer.from(x.timeStamp).toString('hex'))).size).toBe(1);
    expect(new Set(tokens.map((x) => JSON.stringify(x.reducedHashtree))).size).toBe(3);
    const roots = tokens.map((x) => Buffer.from(recoverRoot('sha256', x.reducedHashtree!)).toString('hex'));
    expect(new Set(roots).size).toBe(1);
    // OpenSSL checks the token against that root, on its own.
    writeFileSync(path.join(ws.work, 'ats0.tst'), tokens[0]!.timeStamp);
    const o = openssl(['ts', '-verify', '-digest', roots[0]!, '-token_in', '-in', 'ats0.tst', '-CAfile', path.join(PKI, 'root-ca.pem')], ws.work);
    expect(o.stdout + o.stderr).toMatch(/Verification: OK/);
    for (const n of names) {
      const v = await ws.run(['verify', n, '--json']);
      expect(v.status, v.stdout).toBe(0);
      const c = checks(v);
      expect(c.find((x) => x.id === 'renewal.covers')).toMatchObject({ ok: true, subject: 'renewal[0]' });
      expect(c.find((x) => x.id === 'renewal.chain' && x.subject === 'renewal[0]')).toMatchObject({ ok: true });
      expect(c.find((x) => x.id === 'renewal.continuity')).toMatchObject({ status: 'pass' });
      expect(json(v).results[0].renewals).toHaveLength(1);
    }
  });

  it('a timestamp renewal with another TSA covers the previous archive timestamp; Bouncy Castle validates the exported evidence record', async () => {
    const r = await ws.run(['renew', 'a.txt.tsproof.json', 'b.txt.tsproof.json', '--tsa', tsaB.url]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Renewed 2 receipt\(s\) with one archive timestamp/);
    expect(receipt('a.txt').renewals).toHaveLength(2);
    expect(receipt('c.txt').renewals).toHaveLength(1);
    const v = await ws.run(['verify', 'a.txt', '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(checks(v).find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[1]')).toMatchObject({ ok: true, detail: expect.stringMatching(/covers the token of renewal\[0\]/) });
    expect(json(v).results[0].renewals.map((x: { tsa: string }) => x.tsa)).toEqual(['CN=Test TSA EC, O=tsproof test, C=KR', 'CN=Test TSA RSA, O=tsproof test, C=KR']);

    for (const n of ['a.txt', 'c.txt']) {
      const e = await ws.run(['export', `${n}.tsproof.json`, '--format', 'ers', '--out', `${n}.ers`]);
      expect(e.status, e.stderr).toBe(0);
      writeFileSync(path.join(ws.work, `${n}.p7s`), Buffer.from(receipt(n).signature, 'base64'));
    }
    // Every archive timestamp's token, by OpenSSL.
    for (const [i, x] of receipt('a.txt').renewals.entries()) {
      const ats = parseArchiveTimeStamp(Buffer.from(x.archiveTimeStamp, 'base64'));
      writeFileSync(path.join(ws.work, `a-ats${i}.tst`), ats.timeStamp);
      const o = openssl(
        [
          'ts',
          '-verify',
          '-digest',
          Buffer.from(recoverRoot('sha256', ats.reducedHashtree!)).toString('hex'),
          '-token_in',
          '-in',
          `a-ats${i}.tst`,
          '-CAfile',
          path.join(PKI, 'root-ca.pem'),
          '-untrusted',
          path.join(PKI, 'intermediate-ca.pem'),
        ],
        ws.work,
      );
      expect(o.stdout + o.stderr, `renewal ${i}`).toMatch(/Verification: OK/);
    }
    if (!haveJava) {
      console.warn('SKIPPED: Bouncy Castle oracle (javac or /usr/share/java/bc*.jar missing; apt libbcprov-java libbcpkix-java libbcutil-java)');
      return;
    }
    const two = ersCheck(path.join(ws.work, 'a.txt.ers'), path.join(ws.work, 'a.txt.p7s'));
    expect(two.out).toMatch(/ATS 0\.0 .*CN=Test TSA EC/);
    expect(two.out).toMatch(/ATS 0\.1 .*CN=Test TSA RSA/);
    expect(two.ok, two.out).toBe(true);
    expect(ersCheck(path.join(ws.work, 'c.txt.ers'), path.join(ws.work, 'c.txt.p7s')).ok).toBe(true);
    // The oracle is not a rubber stamp: a signature outside the tree is not covered by a.txt's record.
    writeFileSync(path.join(ws.work, `${lone}.p7s`), Buffer.from(receipt(lone).signature, 'base64'));
    const other = ersCheck(path.join(ws.work, 'a.txt.ers'), path.join(ws.work, `${lone}.p7s`));
    expect(other.ok).toBe(false);
    expect(other.out).toMatch(/FAIL/);
  });

  it('a renewal that does not cover the receipt, and a broken chain, are named failures (and Bouncy Castle agrees)', async () => {
    // d's renewal on a's receipt: it covers d's signature, not a's.
    expect((await ws.run(['renew', `${lone}.tsproof.json`, '--tsa', tsaA.url])).status).toBe(0);
    const a = receipt('a.txt');
    writeFileSync(path.join(ws.work, 'foreign.json'), JSON.stringify({ ...a, renewals: receipt(lone).renewals }, null, 2));
    const f = await ws.run(['verify', 'a.txt', '--receipt', 'foreign.json', '--json']);
    expect(f.status).toBe(1);
    expect(checks(f).find((x) => x.id === 'renewal.covers' && x.subject === 'renewal[0]')).toMatchObject({ ok: false, detail: expect.stringMatching(/does not cover the receipt's signature/) });
    // The first renewal dropped: the second covers a token the receipt no longer holds.
    writeFileSync(path.join(ws.work, 'broken.json'), JSON.stringify({ ...a, renewals: a.renewals.slice(1) }, null, 2));
    const b = await ws.run(['verify', 'a.txt', '--receipt', 'broken.json', '--json']);
    expect(b.status).toBe(1);
    expect(checks(b).find((x) => x.id === 'renewal.covers')).toMatchObject({ ok: false });
    // The order reversed: neither link holds.
    writeFileSync(path.join(ws.work, 'reversed.json'), JSON.stringify({ ...a, renewals: [...a.renewals].reverse() }, null, 2));
    const rv = await ws.run(['verify', 'a.txt', '--receipt', 'reversed.json', '--json']);
    expect(rv.status).toBe(1);
    expect(checks(rv).filter((x) => x.id === 'renewal.covers' && !x.ok)).toHaveLength(2);
    // A garbled archive timestamp: malformed, and what follows it rests on nothing.
    const garbled = structuredClone(a);
    garbled.renewals[0].archiveTimeStamp = Buffer.from('garbage').toString('base64');
    writeFileSync(path.join(ws.work, 'garbled.json'), JSON.stringify(garbled, null, 2));
    const g = await ws.run(['verify', 'a.txt', '--receipt', 'garbled.json', '--json']);
    expect(g.status).toBe(1);
    expect(checks(g).find((x) => x.id === 'renewal.structure')).toMatchObject({ ok: false });
    expect(checks(g).find((x) => x.id === 'renewal.link' && x.subject === 'renewal[1]')).toMatchObject({ ok: false, detail: 'follows a broken renewal' });
    // No evidence record from a receipt that does not verify; Bouncy Castle refuses the broken one too.
    const e = await ws.run(['export', 'broken.json', '--format', 'ers', '--out', 'broken.ers']);
    expect(e.status).toBe(1);
    expect(existsSync(path.join(ws.work, 'broken.ers'))).toBe(false);
    if (haveJava) {
      const { evidenceRecordOf } = await import('../../src/core/longterm/export.js');
      writeFileSync(path.join(ws.work, 'reversed.ers'), evidenceRecordOf(JSON.parse(readFileSync(path.join(ws.work, 'reversed.json'), 'utf8'))));
      expect(ersCheck(path.join(ws.work, 'reversed.ers'), path.join(ws.work, 'a.txt.p7s')).ok).toBe(false);
    }
  });

  it('bad input: no receipts, the same receipt twice, a receipt that does not verify', async () => {
    expect((await ws.run(['renew', 'c.txt.tsproof.json', 'c.txt.tsproof.json', '--tsa', tsaA.url])).stderr).toMatch(/the same receipt is given twice/);
    const broken = await ws.run(['renew', 'broken.json', '--tsa', tsaA.url]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json does not verify \(renewal\.covers: .*\); only a valid proof can be renewed/);
    expect((await ws.run(['export', 'c.txt.tsproof.json', '--format', 'ers', '--out', '-'])).status).toBe(2);
  });

  it("renew --registry renews every active registration's receipt, and the registry follows (registry verify passes)", async () => {
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
    const before = Object.fromEntries([...names, lone].map((n) => [n, receipt(n).renewals.length]));
    const r = await ws.run(['renew', '--registry', '--tsa', tsaA.url, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r).receipts).toHaveLength(4);
    for (const n of [...names, lone]) expect(receipt(n).renewals.length, n).toBe(before[n] + 1);
    const rv = await ws.run(['registry', 'verify']);
    expect(rv.status, rv.stdout + rv.stderr).toBe(0);
    const v = await ws.run(['verify', 'c.txt', '--json']);
    expect(v.status).toBe(0);
    expect(json(v).results[0].renewals).toHaveLength(2);
    expect((await ws.run(['renew', 'a.txt.tsproof.json', '--registry', '--tsa', tsaA.url])).status).toBe(2);
  });

  it('status --expiring: which proofs need renewal and why (TSA certificate expiry, dated algorithm deprecation); exit 1 when one is due', async () => {
    const ok = await ws.run(['status', '--expiring', 'c.txt.tsproof.json', '--within', '365d', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ ok: true, due: 0, receipts: [{ receipt: 'c.txt.tsproof.json', due: false, restsOn: { what: 'renewal[1]', notAfter: '2045-01-01T00:00:00.000Z', algorithm: 'sha256' }, reasons: [] }] });
    // The fixtures' TSA certificates end in 2045: within 20 years, every proof is due.
    const soon = await ws.run(['status', '--expiring', '--within', '20y', '--json']);
    expect(soon.status).toBe(1);
    expect(json(soon).receipts).toHaveLength(4); // the registry's active registrations
    expect(json(soon).receipts[0].reasons).toEqual([expect.stringMatching(/^the TSA certificate of renewal\[\d\] expires on 2045-01-01T00:00:00\.000Z$/)]);
    const human = await ws.run(['status', '--expiring', 'c.txt.tsproof.json', '--within', '20y']);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/due {3}c\.txt\.tsproof\.json: the TSA certificate of renewal\[1\] expires on 2045/);
    expect(human.stdout).toMatch(/1 of 1 proof\(s\) need renewal within 20y \(tsproof renew\)/);
    // A configured deprecation date for SHA-256 makes it due, from that date.
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ deprecations: { sha256: '2027-06-01' } }));
    const dep = await ws.run(['status', '--expiring', 'c.txt.tsproof.json', '--within', '365d', '--json']);
    expect(dep.status).toBe(1);
    expect(json(dep).receipts[0].reasons).toEqual(['renewal[1] uses SHA256, deprecated from 2027-06-01']);
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ deprecations: { sha256: 'soon' } }));
    expect((await ws.run(['status', '--expiring', 'c.txt.tsproof.json'])).status).toBe(2);
    writeFileSync(path.join(ws.home, 'config.json'), '{}');
    expect((await ws.run(['status', '--expiring', 'c.txt.tsproof.json', '--within', 'a while'])).status).toBe(2);
  });
});
