/**
 * Evidence packs carry what keeps a proof standing for decades (issue 16, docs/evidence.md):
 * each renewal's RFC 4998 archive timestamp, which verify.sh checks with OpenSSL alone
 * (`openssl ts -verify -digest <root of the reduced hash tree>`), and — see the revocation
 * part below — the revocation data captured at registration. Tampered packs fail by name.
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';
import { encodeArchiveTimeStamp, parseArchiveTimeStamp } from '../../src/core/longterm/ers.js';

type Tsa = { url: string; close: () => Promise<void> };
let tsaA: Tsa;
let tsaB: Tsa;
let ws: CliWorkspace;
const names = ['a.txt', 'b.txt', 'c.txt'];

beforeAll(async () => {
  tsaA = await bundledTsa('tsa-ec');
  tsaB = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  ws = cliWorkspace('tsproof-pack-longterm-', { passphrase: 'pack longterm tests' });
  await importAlice(ws);
  for (const n of names) {
    writeFileSync(path.join(ws.work, n), `content of ${n}`);
    const r = await ws.run(['register', n, '--tsa', tsaA.url]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  // One archive timestamp over all three receipts, then a timestamp renewal of a.txt's with another TSA.
  for (const args of [
    ['renew', ...names.map((n) => `${n}.tsproof.json`), '--tsa', tsaA.url],
    ['renew', 'a.txt.tsproof.json', '--tsa', tsaB.url],
  ]) {
    const r = await ws.run(args);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  for (const n of names) {
    const r = await ws.run(['export', `${n}.tsproof.json`, '--format', 'evidence', '--out', `${n}.pack`]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
}, 120_000);
afterAll(async () => {
  await tsaA?.close();
  await tsaB?.close();
  removeToolDirs();
});

const pack = (n: string) => path.join(ws.work, `${n}.pack`);
const verifySh = (p: string, file: string, env: Record<string, string> = {}) => runVerifySh(ws.dir, p, path.join(ws.work, file), { env });
/** A copy of a pack to tamper with. */
function copyOf(n: string, tag: string): string {
  const to = path.join(ws.dir, `${n}-${tag}`);
  cpSync(pack(n), to, { recursive: true });
  return to;
}

describe('an evidence pack of a renewed receipt', () => {
  it('holds each renewal (ArchiveTimeStamp, TSA URL, anchor, certificates the token lacks)', () => {
    const receipt = JSON.parse(readFileSync(path.join(ws.work, 'a.txt.tsproof.json'), 'utf8'));
    expect(receipt.renewals).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(readFileSync(path.join(pack('a.txt'), 'renewals', `${i + 1}.ats`)).toString('base64')).toBe(receipt.renewals[i].archiveTimeStamp);
      expect(readFileSync(path.join(pack('a.txt'), 'renewals', `${i + 1}.url`), 'utf8')).toBe(`${receipt.renewals[i].tsa}\n`);
      expect(readFileSync(path.join(pack('a.txt'), 'certs', `renewal-${i + 1}-ca.pem`), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    }
  });

  it('verify.sh checks every renewal with openssl ts -verify -digest and says what each proves, in English and Korean', () => {
    const r = verifySh(pack('a.txt'), 'a.txt');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /ok {4}renewal 1: signature\.p7s \(with its timestamps\) existed unchanged at \d{4}-\d\d-\d\d [\d:.]+ UTC .*: its sha256 hash is in the archive timestamp's hash tree, whose root [0-9a-f]{64} the token carries \(openssl ts -verify -digest\)/,
    );
    expect(r.stdout).toMatch(/ok {4}renewal 2: the token of renewal 1 existed unchanged at /);
    expect(r.stdout).toMatch(/ok {4}renewal 2: TSA "CN=Test TSA RSA, O=tsproof test, C=KR" \(SHA-256 [0-9a-f]{64}\), trusted through "CN=root-ca/);
    expect(r.stdout).toMatch(/ok {4}renewal 2 was made while the certificate of renewal 1 was still valid \(until /);
    expect(r.stdout).toMatch(/ok {4}the proof rests on renewal 2, whose TSA certificate is valid until /);
    expect(r.stdout).toMatch(/VERIFIED: .* Renewal 1 at .* Renewal 2 at .* by TSA "CN=Test TSA RSA/);
    const ko = verifySh(pack('a.txt'), 'a.txt', { LANG: 'ko_KR.UTF-8' });
    expect(ko.status, ko.stderr).toBe(0);
    expect(ko.stdout).toMatch(/ok {4}갱신 1: signature\.p7s\(타임스탬프 포함\)이\(가\) .*에 바뀌지 않은 채 존재했습니다/);
    expect(ko.stdout).toMatch(/증명은 갱신 2에 기대며/);
    expect(ko.stdout).toMatch(/검증됨: .* 갱신 2: /);
    // The other receipts of the same archive timestamp: their own reduced hash trees lead to the same root.
    for (const n of ['b.txt', 'c.txt']) {
      const o = verifySh(pack(n), n);
      expect(o.status, o.stderr).toBe(0);
      expect(o.stdout).toMatch(/renewal 1: signature\.p7s/);
    }
  }, 240_000);

  it('tsproof reads the renewals back from the pack: verify --receipt <pack> follows the same chain', async () => {
    const v = await ws.run(['verify', 'a.txt', '--receipt', 'a.txt.pack', '--json']);
    expect(v.status, v.stdout).toBe(0);
    const res = JSON.parse(v.stdout).results[0];
    expect(res.receiptKind).toBe('pack-folder');
    expect(res.renewals).toHaveLength(2);
    expect(res.checks.filter((c: { id: string; ok: boolean }) => c.id === 'renewal.covers' && c.ok)).toHaveLength(2);
  });

  it('a renewal of another receipt, renewals out of order, or another token in the archive timestamp: named failures', () => {
    // The archive timestamp of the unpaired leaf (the largest of the three hashes: its first list is
    // its own hash alone) does not hold another receipt's signature.
    const first = (n: string) => parseArchiveTimeStamp(readFileSync(path.join(pack(n), 'renewals', '1.ats'))).reducedHashtree![0]!;
    const unpaired = names.find((n) => first(n).length === 1)!;
    const victim = names.find((n) => n !== unpaired)!;
    const other = copyOf(victim, 'other-receipt');
    copyFileSync(path.join(pack(unpaired), 'renewals', '1.ats'), path.join(other, 'renewals', '1.ats'));
    const r1 = verifySh(other, victim);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/^FAIL: renewal 1 does not cover signature\.p7s \(with its timestamps\): its hash tree does not hold sha256 [0-9a-f]{64}$/m);
    // Renewal 1 given again as renewal 2: it covers the signature, not renewal 1's token.
    const order = copyOf('a.txt', 'order');
    copyFileSync(path.join(order, 'renewals', '1.ats'), path.join(order, 'renewals', '2.ats'));
    const r2 = verifySh(order, 'a.txt');
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/FAIL: renewal 2 does not cover the token of renewal 1/);
    // a.txt's own hash tree with renewal 2's token swapped in: the token's imprint is not the tree's root.
    const swapped = copyOf('a.txt', 'swapped');
    const one = parseArchiveTimeStamp(readFileSync(path.join(swapped, 'renewals', '1.ats')));
    const two = parseArchiveTimeStamp(readFileSync(path.join(swapped, 'renewals', '2.ats')));
    writeFileSync(path.join(swapped, 'renewals', '1.ats'), encodeArchiveTimeStamp('sha256', one.reducedHashtree, two.timeStamp));
    const r3 = verifySh(swapped, 'a.txt');
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(/FAIL: renewal 1: openssl ts -verify -digest [0-9a-f]{64}: .*(message imprint mismatch|imprint)/i);
    const ko = verifySh(swapped, 'a.txt', { LANG: 'ko_KR.UTF-8' });
    expect(ko.stderr).toMatch(/실패: 갱신 1: openssl ts -verify -digest/);
    // Not an ArchiveTimeStamp at all.
    const junk = copyOf('a.txt', 'junk');
    writeFileSync(path.join(junk, 'renewals', '2.ats'), Buffer.from('30030201ff', 'hex'));
    expect(verifySh(junk, 'a.txt').stderr).toMatch(/FAIL: renewal 2: renewals\/2\.ats is not an RFC 4998 ArchiveTimeStamp/);
  }, 240_000);
});
