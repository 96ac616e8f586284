/**
 * Revocation data captured at registration and judged offline at the proven time (issue 16,
 * docs/long-term.md). The PKI, the OCSP responder (`openssl ocsp -index … -port`) and the CRLs
 * (`openssl ca -gencrl`, served on loopback) are OpenSSL's; OpenSSL also checks every stored
 * OCSP response and CRL on its own (`openssl ocsp -respin`, `openssl crl -CAfile`).
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/setup.js';
import { RevocationPki } from '../helpers/revocation-pki.js';
import type { Issued } from '../helpers/openssl-pki.js';
import type { CliResult } from '../helpers/cli.js';

const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY);

const rp = new RevocationPki();
let root: Issued, ca: Issued, tsaCert: Issued, revokedTsa: Issued;
const holders: Record<string, Issued> = {};
const tsas: { url: string; close: () => Promise<void> }[] = [];
let tsaUrl = '';
let revokedTsaUrl = '';

async function startTsa(cert: Issued): Promise<string> {
  const clock = () => new Date();
  const server = createTsaServer(new LocalTimestampAuthority({ key: cert.key, certificate: cert.cert, chain: [ca.cert], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }));
  const { port } = await listen(server, '127.0.0.1', 0);
  tsas.push({ close: () => new Promise((r) => server.close(() => r())), url: '' });
  return `http://127.0.0.1:${port}/`;
}

beforeAll(async () => {
  await rp.start();
  root = rp.root('root', at(-400), at(400));
  ca = rp.ca('ca', root, at(-300), at(300));
  tsaCert = rp.leaf('tsa', 'tsa', ca, at(-200), at(200));
  revokedTsa = rp.leaf('tsa-revoked', 'tsa', ca, at(-200), at(200));
  holders.good = rp.leaf('holder-good', 'holder', ca, at(-100), at(100));
  holders.before = rp.leaf('holder-revoked-before', 'holder', ca, at(-100), at(100));
  holders.down = rp.leaf('holder-down', 'holder', ca, at(-100), at(100), { ocsp: `http://127.0.0.1:${rp.downPort}/`, crl: null });
  holders.stale = rp.leaf('holder-stale', 'holder', ca, at(-100), at(100), { ocsp: null, crl: rp.crlUrl('stale.crl') });
  holders.crlOnly = rp.leaf('holder-crl-only', 'holder', ca, at(-100), at(100), { ocsp: null });
  rp.revoke(holders.before, at(-1));
  rp.revoke(revokedTsa, at(-1));
  rp.crl(root);
  rp.crl(ca);
  rp.crl(ca, 'stale.crl', { last: at(-60), next: at(-30) });
  await rp.responder(ca);
  tsaUrl = await startTsa(tsaCert);
  revokedTsaUrl = await startTsa(revokedTsa);
}, 60_000);

afterAll(async () => {
  for (const t of tsas) await t.close();
  await rp.stop();
});

function workspace(holder: Issued): Promise<CliWorkspace> {
  const ws = cliWorkspace('tsproof-revocation-', { trustRoot: false, passphrase: 'revocation tests' });
  copyFileSync(root.pem, path.join(ws.home, 'trust', 'root.pem'));
  writeFileSync(path.join(ws.work, 'chain.pem'), readFileSync(holder.pem, 'utf8') + readFileSync(ca.pem, 'utf8'));
  writeFileSync(path.join(ws.work, 'a.txt'), `evidence for ${holder.name}`);
  return ws.run(['identity', 'import', 'chain.pem', '--key', holder.keyFile]).then((r) => {
    if (r.status !== 0) throw new Error(r.stderr);
    return ws;
  });
}

const json = (r: CliResult) => JSON.parse(r.stdout);
const result = (r: CliResult) => json(r).results[0];
const check = (r: CliResult, id: string, subject?: string) => result(r).checks.find((c: { id: string; subject?: string }) => c.id === id && (subject === undefined || c.subject === subject));
const receiptOf = (ws: CliWorkspace) => JSON.parse(readFileSync(path.join(ws.work, 'a.txt.tsproof.json'), 'utf8'));
const writeReceipt = (ws: CliWorkspace, name: string, r: unknown) => writeFileSync(path.join(ws.work, name), JSON.stringify(r, null, 2));
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, '');

describe('revocation data captured at registration (OCSP preferred, CRL fallback)', () => {
  it('stores an OCSP response for the holder and the TSA and a CRL for their CA; verify checks them offline', async () => {
    const ws = await workspace(holders.good);
    const reg = await ws.run(['register', 'a.txt', '--tsa', tsaUrl, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    expect(reg.stderr).toBe('');
    expect(json(reg).revocation).toEqual({ entries: 3, missing: [] });
    const receipt = receiptOf(ws);
    const by = (c: Issued) => receipt.revocation.find((e: { certificate: string }) => e.certificate === c.cert.sha256);
    expect(by(holders.good)).toMatchObject({ type: 'ocsp', source: rp.ocspUrl });
    expect(by(tsaCert)).toMatchObject({ type: 'ocsp', source: rp.ocspUrl });
    expect(by(ca)).toMatchObject({ type: 'crl', source: rp.crlUrl('root.crl') });
    expect(receipt.revocation).toHaveLength(3);

    // OpenSSL, on its own, reads the stored data the same way.
    writeFileSync(path.join(rp.dir, 'stored-holder.resp'), Buffer.from(by(holders.good).data, 'base64'));
    const ocsp = rp.run(['ocsp', '-respin', 'stored-holder.resp', '-issuer', ca.pem, '-cert', holders.good.pem, '-CAfile', root.pem, '-VAfile', ca.pem]);
    expect(ocsp.out).toMatch(/Response verify OK/);
    expect(ocsp.out).toMatch(/holder-good\.pem: good/);
    writeFileSync(path.join(rp.dir, 'stored-ca.crl'), Buffer.from(by(ca).data, 'base64'));
    expect(rp.run(['crl', '-inform', 'DER', '-in', 'stored-ca.crl', '-CAfile', root.pem, '-noout']).out).toMatch(/verify OK/);

    const v = await ws.run(['verify', 'a.txt', '--json', '--require-revocation']);
    expect(v.status, v.stdout).toBe(0);
    expect(result(v).holder.revocation).toBe('checked');
    expect(result(v).timestamps[0].revocation).toBe('checked');
    expect(check(v, 'revocation.data')).toMatchObject({ status: 'pass' });
    expect(check(v, 'holder.revocation').detail).toMatch(/not revoked at .*"CN=holder-good, O=tsproof revocation test, C=KR" \(OCSP of .*\), "CN=ca, O=tsproof revocation test, C=KR" \(CRL of/);
    const human = await ws.run(['verify', 'a.txt']);
    expect(human.stdout).toMatch(/revocation checked/);
  });

  it('falls back to the CRL when the certificate names no responder', async () => {
    const ws = await workspace(holders.crlOnly);
    expect((await ws.run(['register', 'a.txt', '--tsa', tsaUrl])).status).toBe(0);
    const e = receiptOf(ws).revocation.find((x: { certificate: string }) => x.certificate === holders.crlOnly.cert.sha256);
    expect(e).toMatchObject({ type: 'crl', source: rp.crlUrl('ca.crl') });
    expect((await ws.run(['verify', 'a.txt', '--require-revocation'])).status).toBe(0);
  });

  it('a holder revoked before the proven time: registration refused (exit 2), naming the certificate and the time', async () => {
    const ws = await workspace(holders.before);
    const r = await ws.run(['register', 'a.txt', '--tsa', tsaUrl]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"CN=holder-revoked-before, O=tsproof revocation test, C=KR" was revoked at .* \(keyCompromise\), before the proven time/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(ws.work).filter((f) => f.endsWith('.tsproof.json'))).toEqual([]);
  });

  it('a TSA revoked before its genTime: registration fails (exit 3)', async () => {
    const ws = await workspace(holders.good);
    const r = await ws.run(['register', 'a.txt', '--tsa', revokedTsaUrl]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/"CN=tsa-revoked, O=tsproof revocation test, C=KR" was revoked at .*, before the proven time/);
    expect(existsSync(path.join(ws.work, 'a.txt.tsproof.json'))).toBe(false);
  });

  it('a responder that is down does not fail the registration, unless --require-revocation', async () => {
    const ws = await workspace(holders.down);
    const r = await ws.run(['register', 'a.txt', '--tsa', tsaUrl]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no revocation data for "CN=holder-down, .*" \(revocation will show as not checked\): http:\/\/127\.0\.0\.1:\d+\/: cannot connect/);
    const v = await ws.run(['verify', 'a.txt', '--json']);
    expect(v.status).toBe(0);
    expect(result(v).holder.revocation).toBe('not-checked');
    expect(check(v, 'holder.revocation').detail).toMatch(/"CN=holder-down, .*": no revocation data/);
    const strict = await ws.run(['verify', 'a.txt', '--json', '--require-revocation']);
    expect(strict.status).toBe(1);
    expect(check(strict, 'holder.revocation')).toMatchObject({ ok: false, detail: expect.stringMatching(/--require-revocation/) });

    writeFileSync(path.join(ws.work, 'b.txt'), 'more');
    const required = await ws.run(['register', 'b.txt', '--tsa', tsaUrl, '--require-revocation']);
    expect(required.status).toBe(3);
    expect(required.stderr).toMatch(/no usable revocation data for "CN=holder-down, .*" \(--require-revocation\)/);
    expect(existsSync(path.join(ws.work, 'b.txt.tsproof.json'))).toBe(false);
  });

  it('a stale CRL (from before the proven time) is not kept: not checked, and a failure with --require-revocation', async () => {
    const ws = await workspace(holders.stale);
    const r = await ws.run(['register', 'a.txt', '--tsa', tsaUrl]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/holder-stale.*stale: it dates from/);
    expect(receiptOf(ws).revocation.some((e: { certificate: string }) => e.certificate === holders.stale.cert.sha256)).toBe(false);
    expect((await ws.run(['register', 'a.txt', '--tsa', tsaUrl, '--require-revocation', '--out', 'strict'])).status).toBe(3);
  });
});

describe('stored revocation data that does not check out is a named failure', () => {
  let ws: CliWorkspace;
  let receipt: { revocation: { certificate: string; type: string; source: string; data: string }[] };
  const holderEntry = () => receipt.revocation.findIndex((e) => e.certificate === holders.good.cert.sha256);
  beforeAll(async () => {
    ws = await workspace(holders.good);
    expect((await ws.run(['register', 'a.txt', '--tsa', tsaUrl])).status).toBe(0);
    receipt = receiptOf(ws);
  });

  it('a genuine response saying the holder was revoked after genTime: the proof stands, with a note; judged later (--at), it fails', async () => {
    const genTime = new Date(json(await ws.run(['verify', 'a.txt', '--json'])).results[0].time);
    const revokedAt = new Date(Math.ceil((genTime.getTime() + 1) / 1000) * 1000 + 1000);
    while (Date.now() < revokedAt.getTime() + 1000) await new Promise((r) => setTimeout(r, 200));
    const index = rp.copyIndex('index-holder-revoked-after.txt');
    rp.revoke(holders.good, revokedAt, 'superseded', index);
    const edited = structuredClone(receipt);
    edited.revocation[holderEntry()]!.data = rp.offlineResponse(holders.good, ca, { index, name: 'revoked-after' }).toString('base64');
    writeReceipt(ws, 'revoked-after.json', edited);
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'revoked-after.json', '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(check(v, 'holder.revocation')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/"CN=holder-good, .*" was revoked at .* \(superseded\), after the proven time .*: the proof was made before/) });
    const later = await ws.run(['verify', 'a.txt', '--receipt', 'revoked-after.json', '--json', '--at', at(1).toISOString()]);
    expect(later.status).toBe(1);
    expect(check(later, 'holder.revocation')).toMatchObject({ status: 'fail' });
  });

  it('a genuine response saying the holder was revoked before genTime: exit 1, naming the certificate and the time', async () => {
    const index = rp.copyIndex('index-holder-revoked.txt');
    rp.revoke(holders.good, at(-1), 'keyCompromise', index);
    const resp = rp.offlineResponse(holders.good, ca, { index, name: 'revoked-before' });
    const edited = structuredClone(receipt);
    edited.revocation[holderEntry()]!.data = resp.toString('base64');
    writeReceipt(ws, 'revoked.json', edited);
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'revoked.json', '--json']);
    expect(v.status).toBe(1);
    expect(check(v, 'holder.revocation')).toMatchObject({ ok: false, detail: expect.stringContaining(`"CN=holder-good, O=tsproof revocation test, C=KR" was revoked at ${iso(at(-1))}`) });
    expect(result(v).holder.revocation).toBe('failed');
    const human = await ws.run(['verify', 'a.txt', '--receipt', 'revoked.json']);
    expect(human.stdout).toMatch(/revocation check FAILED/);
  });

  it('a response signed by the wrong key: exit 1 (revocation.data)', async () => {
    const resp = rp.offlineResponse(holders.good, ca, { signer: tsaCert, name: 'wrong-key' });
    const edited = structuredClone(receipt);
    edited.revocation[holderEntry()]!.data = resp.toString('base64');
    writeReceipt(ws, 'wrong-key.json', edited);
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'wrong-key.json', '--json']);
    expect(v.status).toBe(1);
    expect(check(v, 'revocation.data')).toMatchObject({ ok: false, detail: expect.stringMatching(/revocation\[\d\] \(OCSP from .*\): its signature does not verify with the key of the issuer "CN=ca, /) });
  });

  it('a response for another certificate: exit 1 (revocation.data)', async () => {
    const edited = structuredClone(receipt);
    const tsaEntry = edited.revocation.find((e) => e.certificate === tsaCert.cert.sha256)!;
    edited.revocation[holderEntry()]!.data = tsaEntry.data;
    writeReceipt(ws, 'other-cert.json', edited);
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'other-cert.json', '--json']);
    expect(v.status).toBe(1);
    expect(check(v, 'revocation.data')).toMatchObject({ ok: false, detail: expect.stringMatching(/it is not about this certificate: it answers for no certificate of serial/) });
  });

  it('data about a certificate the proof does not hold, or garbage: exit 1', async () => {
    const edited = structuredClone(receipt);
    edited.revocation[holderEntry()]!.certificate = 'ab'.repeat(32);
    writeReceipt(ws, 'unknown-cert.json', edited);
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'unknown-cert.json', '--json']);
    expect(v.status).toBe(1);
    expect(check(v, 'revocation.data').detail).toMatch(/names certificate abab.*, which this proof does not hold/);
    const garbage = structuredClone(receipt);
    garbage.revocation[holderEntry()]!.data = Buffer.from('not DER').toString('base64');
    writeReceipt(ws, 'garbage.json', garbage);
    const g = await ws.run(['verify', 'a.txt', '--receipt', 'garbage.json', '--json']);
    expect(g.status).toBe(1);
    expect(check(g, 'revocation.data').detail).toMatch(/malformed OCSP response/);
  });

  it('a malformed revocation entry is bad input (exit 2), and so is an unknown field', async () => {
    const edited = structuredClone(receipt) as unknown as { revocation: Record<string, unknown>[] };
    edited.revocation[0]!.type = 'scvp';
    writeReceipt(ws, 'bad-type.json', edited);
    const r = await ws.run(['verify', 'a.txt', '--receipt', 'bad-type.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/revocation\[0\]\.type: expected "ocsp" or "crl"/);
    const extra = structuredClone(receipt) as unknown as { revocation: Record<string, unknown>[] };
    extra.revocation[0]!.note = 'x';
    writeReceipt(ws, 'extra.json', extra);
    const x = await ws.run(['verify', 'a.txt', '--receipt', 'extra.json']);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/revocation\[0\]\.note: unexpected field/);
  });
});
