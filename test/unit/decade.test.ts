/**
 * A simulated decade (issue 16): fixed clocks and short-lived certificates made by `openssl ca`.
 * Register at T0 (TSA 1, certificate until 2030), renew at T1 before TSA 1's certificate expires
 * (TSA 2, until 2034), renew again at T2 with another TSA (TSA 3, until 2043), verify at T3 (2037)
 * after every original certificate has expired: valid, with the chain explained. Without the
 * second renewal, or with a renewal that came too late, what the proof rests on and the gap are
 * named. Bouncy Castle validates the evidence record at T3.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { filesLeaf, rehashFiles, renewReceipts } from '../../src/core/longterm/renew.js';
import { evidenceRecordOf, fileEvidenceRecordOf } from '../../src/core/longterm/export.js';
import { expiry } from '../../src/core/longterm/expiry.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import type { Receipt } from '../../src/core/receipt/receipt.js';
import { CA_EXT, HOLDER_EXT, OpensslPki, TSA_EXT, type Issued } from '../helpers/openssl-pki.js';
import { ROOT } from '../helpers/fixtures.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const T0 = d('2027-01-01');
const T1 = d('2029-06-01');
const T2 = d('2033-01-01');
const T3 = d('2037-01-01');
const LATE = d('2031-01-01');

const pki = new OpensslPki('tsproof-decade-');
let root: Issued, holder: Issued;
const tsas: Record<string, { cert: Issued; url: string; close: () => Promise<void> }> = {};
let dir: string;

async function tsa(name: string, from: Date, to: Date, clock: Date) {
  const cert = pki.issue(name, { subject: `/C=KR/O=tsproof decade/CN=${name}`, issuer: root, from, to, ext: TSA_EXT });
  const now = () => clock;
  const server = createTsaServer(new LocalTimestampAuthority({ key: cert.key, certificate: cert.cert, chain: [], policy: '1.2.3.4.77', clock: now, serials: timeOrderedSerials(now, randomBytes) }));
  const { port } = await listen(server, '127.0.0.1', 0);
  tsas[name] = { cert, url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

beforeAll(async () => {
  root = pki.issue('root', { subject: '/C=KR/O=tsproof decade/CN=root', from: d('2020-01-01'), to: d('2060-01-01'), ext: CA_EXT });
  holder = pki.issue('holder', { subject: '/C=KR/O=tsproof decade/CN=holder', issuer: root, from: d('2026-06-01'), to: d('2029-01-01'), ext: HOLDER_EXT });
  await tsa('tsa1', d('2026-01-01'), d('2030-01-01'), T0);
  await tsa('tsa2', d('2029-01-01'), d('2034-06-01'), T1);
  await tsa('tsa3', d('2032-06-01'), d('2043-01-01'), T2);
  await tsa('tsa3-late', d('2030-06-01'), d('2043-01-01'), LATE);
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-decade-files-'));
  writeFileSync(path.join(dir, 'design.step'), 'the design, as of 2027');
}, 60_000);
afterAll(async () => {
  for (const x of Object.values(tsas)) await x.close();
});

const anchors = () => [root.cert];
const random = (n: number) => randomBytes(n);
const renew = async (r: Receipt, via: string, at: Date) => (await renewReceipts([{ receipt: r, name: 'r' }], { tsa: { url: tsas[via]!.url }, anchors: anchors(), now: () => at, random })).receipts[0]!;
const check = (r: Receipt, id: string, subject?: string) => {
  const c = verifyReceipt(r, { anchors: anchors(), now: T3 }).checks.find((x) => x.id === id && (subject === undefined || x.subject === subject));
  return c && { ...c, detail: String(c.detail) };
};

async function registered(): Promise<Receipt> {
  const { files } = await collectFiles(['design.step'], dir);
  const r = await register({ files, algorithms: ['sha256'], identity: { chain: [holder.cert], key: holder.key }, tsas: [{ url: tsas.tsa1!.url }], anchors: anchors(), now: () => T0, random, revocation: false });
  if (r.kind !== 'registered') throw new Error('expected a registration');
  return r.receipt;
}

describe('a simulated decade', () => {
  it('register at T0, renew at T1 and T2 with other TSAs, verify at T3 after every original certificate expired: valid, the chain explained', async () => {
    const r0 = await registered();
    const r1 = await renew(r0, 'tsa2', T1);
    const r2 = await renew(r1, 'tsa3', T2);
    const v = verifyReceipt(r2, { anchors: anchors(), now: T3 });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.time).toBe(T0.toISOString());
    expect(v.renewals?.map((x) => x.genTime)).toEqual([T1.toISOString(), T2.toISOString()]);
    expect(check(r2, 'proof.rests-on')).toMatchObject({
      status: 'pass',
      detail: `the proof rests on renewal[1], whose TSA certificate is valid until 2043-01-01T00:00:00.000Z; renewed renewal[0] on ${T1.toISOString()}, renewal[1] on ${T2.toISOString()}, each while the previous certificate was valid`,
    });
    for (const s of ['renewal[0]', 'renewal[1]']) expect(check(r2, 'renewal.continuity', s)).toMatchObject({ status: 'pass' });

    // Bouncy Castle, judging at T3, validates the evidence record of the two renewals.
    const BC = ['bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((j) => path.join('/usr/share/java', j));
    if (spawnSync('javac', ['-version']).status !== 0 || !BC.every((j) => existsSync(j))) {
      console.warn('SKIPPED: Bouncy Castle oracle (javac or /usr/share/java/bc*.jar missing)');
      return;
    }
    const classes = path.join(dir, 'java');
    mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-cp', BC.join(':'), '-d', classes, path.join(ROOT, 'test', 'oracles', 'ErsCheck.java')]);
    writeFileSync(path.join(dir, 'r.ers'), evidenceRecordOf(r2));
    writeFileSync(path.join(dir, 'signature.p7s'), Buffer.from(r2.signature, 'base64'));
    const bc = spawnSync('java', ['-cp', [classes, ...BC].join(':'), 'ErsCheck', path.join(dir, 'r.ers'), path.join(dir, 'signature.p7s'), T3.toISOString()], { encoding: 'utf8' });
    expect(bc.stdout, bc.stderr).toMatch(/ATS 0\.0 2029-06-01T00:00:00Z .*CN=tsa2\nATS 0\.1 2033-01-01T00:00:00Z .*CN=tsa3\nOK/);
  });

  it("a timestamp renewal at T1, then a hash-tree renewal to SHA-512 at T2 with another TSA: valid at T3, SHA-256 deprecated no longer makes it due, Bouncy Castle validates the file's record at T3", async () => {
    const r1 = await renew(await registered(), 'tsa2', T1);
    const r2 = (
      await renewReceipts([{ receipt: r1, name: 'r' }], {
        tsa: { url: tsas.tsa3!.url },
        anchors: anchors(),
        now: () => T2,
        random,
        files: async (r, name) => filesLeaf(r, 'sha512', await rehashFiles(r, name, dir, 'sha512')),
      })
    ).receipts[0]!;
    expect(r2.renewals.map((x) => x.files ?? false)).toEqual([false, true]);
    const v = verifyReceipt(r2, { anchors: anchors(), now: T3 });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.renewals?.map((x) => x.imprintAlgorithm)).toEqual(['sha256', 'sha512']);
    expect(check(r2, 'renewal.files')).toMatchObject({ status: 'pass' });
    expect(check(r2, 'proof.rests-on')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^the proof rests on renewal\[1\], whose TSA certificate is valid until 2043-01-01/) });
    // SHA-256 deprecated from 2036: the chain before the hash-tree renewal would be due; after it, the proof rests on SHA-512.
    const layers = verifyReceipt(r2, { anchors: anchors(), now: T3 }).layers!;
    const deprecations = { sha256: '2036-01-01' };
    expect(expiry(layers, { now: T3, withinMs: 365 * 86_400_000, deprecations })!.reasons).toEqual([]);
    expect(expiry(verifyReceipt(r1, { anchors: anchors(), now: T3 }).layers!, { now: T3, withinMs: 365 * 86_400_000, deprecations })!.reasons.map(String)).toContain('renewal[0] uses SHA256, deprecated from 2036-01-01');

    const BC = ['bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((j) => path.join('/usr/share/java', j));
    if (spawnSync('javac', ['-version']).status !== 0 || !BC.every((j) => existsSync(j))) {
      console.warn('SKIPPED: Bouncy Castle oracle (javac or /usr/share/java/bc*.jar missing)');
      return;
    }
    const classes = path.join(dir, 'java');
    if (!existsSync(path.join(classes, 'ErsCheck.class'))) {
      mkdirSync(classes, { recursive: true });
      execFileSync('javac', ['-cp', BC.join(':'), '-d', classes, path.join(ROOT, 'test', 'oracles', 'ErsCheck.java')]);
    }
    writeFileSync(path.join(dir, 'file.ers'), fileEvidenceRecordOf(r2, r2.entries[0]!, 'r'));
    writeFileSync(path.join(dir, 'other.step'), 'another design');
    const bc = spawnSync('java', ['-cp', [classes, ...BC].join(':'), 'ErsCheck', path.join(dir, 'file.ers'), `file:${path.join(dir, 'design.step')}`, T3.toISOString(), `not:${path.join(dir, 'other.step')}`], { encoding: 'utf8' });
    expect(bc.stdout, bc.stderr).toMatch(/ATS 0\.0 2029-06-01T00:00:00Z .*CN=tsa2\nATS 1\.0 2033-01-01T00:00:00Z .*CN=tsa3\nOK/);
  });

  it('without the second renewal, verify at T3 says the proof rests on a certificate that expired, and no renewal covers it', async () => {
    const r1 = await renew(await registered(), 'tsa2', T1);
    const v = verifyReceipt(r1, { anchors: anchors(), now: T3 });
    expect(v.ok).toBe(true);
    expect(check(r1, 'proof.rests-on')).toMatchObject({
      status: 'warn',
      detail: `the proof rests on renewal[0]: the timestamp's certificate expired on 2034-06-01T00:00:00.000Z; no renewal covers it; renewed renewal[0] on ${T1.toISOString()}, each while the previous certificate was valid`,
    });
    // And without any renewal: the original timestamp.
    expect(check(await registered(), 'proof.rests-on')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^the proof rests on the original timestamps: the timestamp's certificate expired on 2030-01-01T00:00:00\.000Z; no renewal covers it$/),
    });
  });

  it('a renewal made after the certificate it renews expired: the gap is named', async () => {
    const late = await renew(await registered(), 'tsa3-late', LATE);
    expect(check(late, 'renewal.continuity')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/after the certificate of the original timestamps expired on 2030-01-01T00:00:00\.000Z: the chain has a gap there/) });
    expect(check(late, 'proof.rests-on')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /rests on the original timestamps: .*expired on 2030-01-01.*; renewal\[0\] came on 2031-01-01T00:00:00\.000Z, after the certificate of the original timestamps expired on 2030-01-01T00:00:00\.000Z: a gap/,
      ),
    });
  });
});
