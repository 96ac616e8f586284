/**
 * Evidence packs carry the revocation data captured at registration (issue 16, docs/evidence.md):
 * each OCSP response or CRL with the certificate it is about and its issuer, which verify.sh
 * checks with OpenSSL alone (`openssl ocsp -respin`, `openssl crl -CAfile`) at the time the
 * certificate had to be valid. The PKI, the responder and the CRLs are OpenSSL's, on loopback.
 */
import { copyFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { parseCertificates } from '../../src/core/pki/certificate.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/setup.js';
import { RevocationPki } from '../helpers/revocation-pki.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';
import type { Issued } from '../helpers/openssl-pki.js';

const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY);
const rp = new RevocationPki();
let root: Issued, ca: Issued, tsaCert: Issued, holder: Issued;
let close: () => Promise<void> = async () => {};
let ws: CliWorkspace;
let packs: { plain: string; later: string };

beforeAll(async () => {
  await rp.start();
  root = rp.root('root', at(-400), at(400));
  ca = rp.ca('ca', root, at(-300), at(300));
  tsaCert = rp.leaf('tsa', 'tsa', ca, at(-200), at(200));
  holder = rp.leaf('holder', 'holder', ca, at(-100), at(100));
  rp.crl(root);
  rp.crl(ca);
  await rp.responder(ca);
  const clock = () => new Date();
  const server = createTsaServer(new LocalTimestampAuthority({ key: tsaCert.key, certificate: tsaCert.cert, chain: [ca.cert], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }));
  const { port } = await listen(server, '127.0.0.1', 0);
  close = () => new Promise((r) => server.close(() => r()));

  ws = cliWorkspace('tsproof-pack-revocation-', { trustRoot: false, passphrase: 'pack revocation tests' });
  copyFileSync(root.pem, path.join(ws.home, 'trust', 'root.pem'));
  writeFileSync(path.join(ws.work, 'chain.pem'), readFileSync(holder.pem, 'utf8') + readFileSync(ca.pem, 'utf8'));
  writeFileSync(path.join(ws.work, 'a.txt'), 'evidence with revocation data');
  for (const args of [
    ['identity', 'import', 'chain.pem', '--key', holder.keyFile],
    ['register', 'a.txt', '--tsa', `http://127.0.0.1:${port}/`],
  ]) {
    const r = await ws.run(args);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const receipt = JSON.parse(readFileSync(path.join(ws.work, 'a.txt.tsproof.json'), 'utf8'));
  if (receipt.revocation.length !== 3) throw new Error(`expected 3 revocation entries, got ${receipt.revocation.length}`);

  // The same receipt, its holder response replaced by a genuine one saying the holder was revoked after genTime.
  const genTime = new Date(JSON.parse((await ws.run(['verify', 'a.txt', '--json'])).stdout).results[0].time);
  const revokedAt = new Date(Math.ceil((genTime.getTime() + 1) / 1000) * 1000 + 1000);
  while (Date.now() < revokedAt.getTime() + 1000) await new Promise((r) => setTimeout(r, 200));
  const index = rp.copyIndex('index-revoked-later.txt');
  rp.revoke(holder, revokedAt, 'superseded', index);
  const later = structuredClone(receipt);
  const i = later.revocation.findIndex((e: { certificate: string }) => e.certificate === holder.cert.sha256);
  later.revocation[i].data = rp.offlineResponse(holder, ca, { index, name: 'revoked-later' }).toString('base64');
  writeFileSync(path.join(ws.work, 'later.tsproof.json'), JSON.stringify(later));

  for (const [name, from] of [
    ['plain', 'a.txt.tsproof.json'],
    ['later', 'later.tsproof.json'],
  ]) {
    const r = await ws.run(['export', from!, '--format', 'evidence', '--out', `${name}.pack`]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  packs = { plain: path.join(ws.work, 'plain.pack'), later: path.join(ws.work, 'later.pack') };
}, 120_000);

afterAll(async () => {
  await close();
  await rp.stop();
  removeToolDirs();
});

const verifySh = (p: string, env: Record<string, string> = {}) => runVerifySh(ws.dir, p, path.join(ws.work, 'a.txt'), { env });
/** The number N of the pack's revocation/N.* about `cert`. */
function entryAbout(pack: string, cert: Issued): number {
  for (const f of readdirSync(path.join(pack, 'revocation')).filter((n) => n.endsWith('.cert.pem'))) {
    if (parseCertificates(readFileSync(path.join(pack, 'revocation', f)), f)[0]!.sha256 === cert.cert.sha256) return Number(f.split('.')[0]);
  }
  throw new Error(`no revocation entry about ${cert.name}`);
}
function copyOf(pack: string, tag: string): string {
  const to = path.join(ws.dir, `${path.basename(pack)}-${tag}`);
  cpSync(pack, to, { recursive: true });
  return to;
}

describe('an evidence pack with revocation data', () => {
  it('holds each OCSP response and CRL with the certificate it is about and its issuer', () => {
    const files = readdirSync(path.join(packs.plain, 'revocation')).sort();
    expect(files.filter((f) => /^\d+\.(ocsp|crl)$/.test(f))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.ocsp'))).toHaveLength(2);
    expect(readdirSync(path.join(packs.plain, 'revocation')).some((f) => f === `${entryAbout(packs.plain, ca)}.crl`)).toBe(true);
  });

  it('verify.sh checks each with OpenSSL at the time the certificate had to be valid, and says so in English and Korean', () => {
    const r = verifySh(packs.plain);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {4}revocation \d: the holder certificate "CN=holder, O=tsproof revocation test, C=KR" \(SHA-256 [0-9a-f]{64}\) was not revoked at .* \(OCSP response of "CN=ca, .* of .* \(openssl ocsp -respin\)\)/);
    expect(r.stdout).toMatch(/ok {4}revocation \d: the certificate of TSA 1, "CN=tsa, O=tsproof revocation test, C=KR" .* was not revoked at .*openssl ocsp -respin/);
    expect(r.stdout).toMatch(/ok {4}revocation \d: the holder's CA "CN=ca, O=tsproof revocation test, C=KR" .* was not revoked at .* \(CRL of "CN=root, .*openssl crl\)\)/);
    expect(r.stdout).toMatch(/VERIFIED: .* from the pack's certs\/holder-ca\.pem, not an anchor of yours; revocation checked \(revocation data in the pack\)\./);
    const ko = verifySh(packs.plain, { LANG: 'ko_KR.UTF-8' });
    expect(ko.status, ko.stderr).toBe(0);
    expect(ko.stdout).toMatch(/ok {4}폐지 정보 \d: 보유자 인증서 "CN=holder, .*에 폐지되지 않았습니다/);
    expect(ko.stdout).toMatch(/폐지 여부 확인함/);
  }, 240_000);

  it('tsproof reads the revocation data back from the pack: verify --receipt <pack> --require-revocation passes', async () => {
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'plain.pack', '--json', '--require-revocation']);
    expect(v.status, v.stdout).toBe(0);
    const res = JSON.parse(v.stdout).results[0];
    expect(res.holder.revocation).toBe('checked');
    expect(res.timestamps[0].revocation).toBe('checked');
  });

  it('a holder revoked after the proven time: the proof stands, and verify.sh says it was made before', () => {
    const r = verifySh(packs.later);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {4}revocation \d: the holder certificate "CN=holder, .* was revoked at .*, after .*: the proof was made before \(OCSP response of/);
  }, 240_000);

  it('tampered: an OCSP response about another certificate, data signed by another CA, an issuer that did not issue the certificate — named failures', () => {
    const n = entryAbout(packs.plain, holder);
    const tsaN = entryAbout(packs.plain, tsaCert);
    const other = copyOf(packs.plain, 'other-cert');
    copyFileSync(path.join(other, 'revocation', `${tsaN}.ocsp`), path.join(other, 'revocation', `${n}.ocsp`));
    const r1 = verifySh(other);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(new RegExp(`^FAIL: revocation ${n}: the OCSP response is not about "CN=holder, O=tsproof revocation test, C=KR"`, 'm'));
    const ko = verifySh(other, { LANG: 'ko_KR.UTF-8' });
    expect(ko.stderr).toMatch(new RegExp(`^실패: 폐지 정보 ${n}: OCSP 응답이 "CN=holder, .*에 관한 것이 아닙니다`, 'm'));

    // A response about the holder signed by the root, which did not issue it (the CA's CRL, signed by the root, stays valid).
    const wrongKey = copyOf(packs.plain, 'wrong-key');
    writeFileSync(path.join(wrongKey, 'revocation', `${n}.ocsp`), rp.offlineResponse(holder, ca, { signer: root, name: 'signed-by-root' }));
    const r2 = verifySh(wrongKey);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`^FAIL: revocation ${n}: the OCSP response is not signed by "CN=ca, .* or a responder it authorised`, 'm'));

    // A genuine response saying the holder was revoked before the proven time.
    const index = rp.copyIndex('index-revoked-before.txt');
    rp.revoke(holder, at(-1), 'keyCompromise', index);
    const before = copyOf(packs.plain, 'revoked-before');
    writeFileSync(path.join(before, 'revocation', `${n}.ocsp`), rp.offlineResponse(holder, ca, { index, name: 'revoked-before' }));
    const r5 = verifySh(before);
    expect(r5.status).toBe(1);
    expect(r5.stderr).toMatch(new RegExp(`^FAIL: revocation ${n}: the holder certificate "CN=holder, .* was revoked at .*, not after .*, when it had to be valid \\(OCSP response of`, 'm'));

    // The root put forward as the holder's issuer.
    const issuer = copyOf(packs.plain, 'issuer');
    copyFileSync(root.pem, path.join(issuer, 'revocation', `${n}.issuer.pem`));
    const r3 = verifySh(issuer);
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(new RegExp(`^FAIL: revocation ${n}: revocation/${n}\\.issuer\\.pem \\("CN=root, .*\\) did not issue "CN=holder`, 'm'));

    // The CA's CRL replaced by one the CA itself signed (not its issuer, the root).
    const crlN = entryAbout(packs.plain, ca);
    const crl = copyOf(packs.plain, 'crl');
    copyFileSync(path.join(rp.dir, 'crl-ca.crl'), path.join(crl, 'revocation', `${crlN}.crl`));
    const r4 = verifySh(crl);
    expect(r4.status).toBe(1);
    expect(r4.stderr).toMatch(new RegExp(`^FAIL: revocation ${crlN}: the CRL is not signed by "CN=root`, 'm'));
  }, 240_000);
});
