/**
 * Several TSAs as a policy (docs/long-term.md#several-tsas-as-a-policy): config.json's
 * `timestamps: {require, tsas}` and `--require-operators`, against TSAs on loopback — two
 * operators, one TSA down, two TSAs of the same operator — and verify's `timestamps.operators`
 * on a receipt from which a token was removed (from the receipt and from the signature).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { party } from '../helpers/fixtures.js';
import { editSignerInfo } from '../helpers/forge.js';
import { freePort } from '../helpers/revocation-pki.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { buildCertificate, randomSerial } from '../../src/core/pki/build.js';
import { OID } from '../../src/core/asn1/oids.js';
import { der } from '../../src/core/asn1/der.js';
import { attribute } from '../../src/core/cms/build.js';
import { canonicalJson } from '../../src/core/receipt/manifest.js';

type Tsa = { url: string; close: () => Promise<void> };
let tsaA: Tsa; // O=tsproof test, under root-ca
let tsaB: Tsa; // O=Second Operator, under the same root-ca: another operator
let tsaSame: Tsa; // O=tsproof test again (another certificate, through intermediate-ca): the same operator as A
let down: string;

beforeAll(async () => {
  const root = party('root-ca');
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const cert = buildCertificate({
    subject: [
      ['C', 'KR'],
      ['O', 'Second Operator'],
      ['CN', 'Second TSA'],
    ],
    publicKey: keys.publicKey,
    issuer: root.cert,
    issuerKey: root.key,
    serial: randomSerial(randomBytes),
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    ca: false,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.timeStamping],
  });
  tsaA = await bundledTsa('tsa-ec');
  tsaB = await bundledTsa('tsa-ec', [], { tsa: { key: keys.privateKey, cert } });
  tsaSame = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  down = `http://127.0.0.1:${await freePort()}/`;
});
afterAll(async () => {
  await Promise.all([tsaA, tsaB, tsaSame].map((t) => t?.close()));
  removeToolDirs();
});

async function workspace(config?: unknown): Promise<CliWorkspace> {
  const ws = cliWorkspace('tsproof-policy-', { passphrase: 'policy tests' });
  await importAlice(ws);
  writeFileSync(path.join(ws.work, 'a.txt'), 'evidence under a policy');
  if (config) writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify(config));
  return ws;
}
const receipts = (ws: CliWorkspace) => readdirSync(ws.work).filter((f) => f.endsWith('.tsproof.json'));
const manifestOf = (r: { manifest: string }) => JSON.parse(Buffer.from(r.manifest, 'base64').toString('utf8'));

describe('timestamp policy at registration', () => {
  it('config.json timestamps {require: 2, tsas}: two operators answer → registered, the policy signed in the manifest, verify reports each token and the policy', async () => {
    const ws = await workspace({ timestamps: { require: 2, tsas: [tsaA.url, tsaB.url] } });
    const r = await ws.run(['register', 'a.txt', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const receipt = JSON.parse(readFileSync(path.join(ws.work, JSON.parse(r.stdout).receipt), 'utf8'));
    expect(manifestOf(receipt).timestampPolicy).toEqual({ require: 2 });
    expect(receipt.timestamps).toHaveLength(2);
    const v = await ws.run(['verify', 'a.txt', '--json']);
    expect(v.status, v.stderr).toBe(0);
    const res = JSON.parse(v.stdout).results[0];
    const policy = res.checks.find((c: { id: string }) => c.id === 'timestamps.operators');
    expect(policy).toMatchObject({ ok: true, status: 'pass' });
    expect(policy.detail).toMatch(/2 valid timestamp\(s\) from 2 distinct TSA operator\(s\) \(O=tsproof test; O=Second Operator\); the signed policy requires 2/);
    expect(res.timestamps.map((t: { operator: string }) => t.operator).sort()).toEqual(['O=Second Operator', 'O=tsproof test']);
    const human = await ws.run(['verify', 'a.txt', '--full']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/✔ timestamps\.operators +2 valid timestamp/);
    const plainOut = await ws.run(['verify', 'a.txt']);
    expect(plainOut.stdout).toMatch(/^ {2}policy {3}2 valid timestamp\(s\) from 2 distinct TSA operator\(s\)/m);
    const shown = await ws.run(['show', JSON.parse(r.stdout).receipt, '--json']);
    expect(JSON.parse(shown.stdout).timestampPolicy).toEqual({ require: 2 });
    expect(human.stdout).toMatch(/when .* TSA "CN=Second TSA, O=Second Operator, C=KR"/);
  });

  it('one TSA down: exit 3, one line naming it, nothing written', async () => {
    const ws = await workspace({ timestamps: { require: 2, tsas: [tsaA.url, down] } });
    const r = await ws.run(['register', 'a.txt']);
    expect(r.status).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^tsproof: error: timestamp policy not met: 1 distinct TSA operator\(s\) answered validly \(1 of 2 TSAs\), 2 required: 127\.0\.0\.1:\d+: /);
    expect(receipts(ws)).toEqual([]);
    const j = await ws.run(['register', 'a.txt', '--json']);
    expect(j.status).toBe(3);
    expect(JSON.parse(j.stdout).error.code).toBe('TSA_POLICY_UNMET');
  });

  it('two TSAs of the same operator (same O, other certificates and CAs): exit 3 naming both, nothing written; --require-operators 1 accepts them', async () => {
    const ws = await workspace();
    const r = await ws.run(['register', 'a.txt', '--tsa', tsaA.url, '--tsa', tsaSame.url, '--require-operators', '2']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/timestamp policy not met: 1 distinct TSA operator\(s\) answered validly \(2 of 2 TSAs\), 2 required: 127\.0\.0\.1:\d+ is operated by O=tsproof test, as 127\.0\.0\.1:\d+ is/);
    expect(receipts(ws)).toEqual([]);
    const ok = await ws.run(['register', 'a.txt', '--tsa', tsaA.url, '--tsa', tsaSame.url, '--require-operators', '1']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(manifestOf(JSON.parse(readFileSync(path.join(ws.work, receipts(ws)[0]!), 'utf8'))).timestampPolicy).toEqual({ require: 1 });
  });

  it('a policy beyond the TSAs asked, a bad flag or a bad config: exit 2 before anything is asked', async () => {
    const ws = await workspace();
    const one = await ws.run(['register', 'a.txt', '--tsa', tsaA.url, '--require-operators', '2']);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/timestamp policy: require: 2 distinct TSA operators required, but only 1 TSA\(s\) are asked/);
    expect((await ws.run(['register', 'a.txt', '--tsa', tsaA.url, '--require-operators', 'two'])).stderr).toMatch(/--require-operators two: expected an integer from 1 to 16/);
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ timestamps: { require: 0, tsas: [tsaA.url] } }));
    const bad = await ws.run(['register', 'a.txt']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/config\.json: timestamps\.require: expected an integer from 1 to 16/);
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ tsa: [tsaA.url], timestamps: { require: 1, tsas: [tsaB.url], operators: 2 } }));
    const two = await ws.run(['register', 'a.txt']);
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/timestamps\.operators: unexpected field; timestamps\.tsas and tsa both list TSAs: keep one list/);
    expect(receipts(ws)).toEqual([]);
  });

  it('timestamps.require with the TSAs of config.json tsa, and the TSAs given by --tsa', async () => {
    const ws = await workspace({ tsa: [tsaA.url, tsaB.url], timestamps: { require: 2 } });
    const r = await ws.run(['register', 'a.txt', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const byFlag = await ws.run(['register', 'a.txt', '--tsa', tsaA.url, '--tsa', tsaSame.url]);
    expect(byFlag.status).toBe(3);
    expect(byFlag.stderr).toMatch(/timestamp policy not met/);
  });
});

describe('timestamp policy for the other commands that timestamp', () => {
  it('registry seal keeps the policy of config.json (exit 3 with one operator), --require-operators overrides it', async () => {
    const ws = await workspace({ tsa: [tsaA.url, tsaSame.url], timestamps: { require: 2 } });
    expect((await ws.run(['register', 'a.txt', '--require-operators', '1'])).status).toBe(0);
    const seal = await ws.run(['registry', 'seal', '--json']);
    expect(seal.status).toBe(3);
    expect(JSON.parse(seal.stdout).error).toMatchObject({ code: 'TSA_POLICY_UNMET', exitCode: 3 });
    expect(JSON.parse(seal.stdout).error.message).toMatch(/timestamp policy not met: 1 distinct TSA operator\(s\) answered validly \(2 of 2 TSAs\), 2 required/);
    const one = await ws.run(['registry', 'seal', '--require-operators', '1']);
    expect(one.status, one.stderr).toBe(0);
  });
});

describe('timestamp policy at verification', () => {
  it('a token removed from the receipt and from the signature: timestamps.operators fails (exit 1), in --json too', async () => {
    const ws = await workspace({ timestamps: { require: 2, tsas: [tsaA.url, tsaB.url] } });
    expect((await ws.run(['register', 'a.txt'])).status).toBe(0);
    const file = path.join(ws.work, receipts(ws)[0]!);
    const receipt = JSON.parse(readFileSync(file, 'utf8'));
    const kept = receipt.timestamps[0];
    const token = Buffer.from(kept.token, 'base64');
    // Both places: the receipt's list, and the signature's unsigned attributes (which the holder's signature does not cover).
    const cms = editSignerInfo(Buffer.from(receipt.signature, 'base64'), (f) => {
      f[f.length - 1] = der.implicitConstructed(1, attribute(OID.signatureTimeStampToken, new Uint8Array(token)));
    });
    writeFileSync(file, JSON.stringify({ ...receipt, signature: Buffer.from(cms).toString('base64'), timestamps: [kept] }));
    const v = await ws.run(['verify', 'a.txt', '--receipt', file, '--json']);
    expect(v.status).toBe(1);
    const checks = JSON.parse(v.stdout).results[0].checks as { id: string; ok: boolean; detail: string }[];
    expect(checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['timestamps.operators']);
    expect(checks.find((c) => c.id === 'timestamps.operators')!.detail).toMatch(/the signed policy requires valid timestamps from 2 distinct TSA operators, but the receipt holds 1 valid timestamp\(s\) from 1 \(O=/);
    const human = await ws.run(['verify', 'a.txt', '--receipt', file]);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/^ {2}policy {3}NOT MET: the signed policy requires/m);
    expect(human.stdout + human.stderr).toMatch(/timestamps\.operators|distinct TSA operators/);
    // Removing the policy too breaks the holder's signature over the manifest.
    const { timestampPolicy: _, ...rest } = manifestOf(receipt);
    writeFileSync(file, JSON.stringify({ ...receipt, manifest: Buffer.from(canonicalJson(rest)).toString('base64'), signature: Buffer.from(cms).toString('base64'), timestamps: [kept] }));
    const unsigned = await ws.run(['verify', 'a.txt', '--receipt', file, '--json']);
    expect(unsigned.status).toBe(1);
    expect(
      JSON.parse(unsigned.stdout)
        .results[0].checks.filter((c: { ok: boolean }) => !c.ok)
        .map((c: { id: string }) => c.id),
    ).toContain('signature.signed-attributes');
  });

  it('a receipt without a policy (every receipt before it) has no timestamps.operators check', async () => {
    const ws = await workspace();
    expect((await ws.run(['register', 'a.txt', '--tsa', tsaA.url])).status).toBe(0);
    const v = await ws.run(['verify', 'a.txt', '--json']);
    expect(v.status).toBe(0);
    expect(JSON.parse(v.stdout).results[0].checks.some((c: { id: string }) => c.id === 'timestamps.operators')).toBe(false);
  });
});

describe('timestamp policy in an evidence pack', () => {
  it('verify.sh counts the distinct operators of the tokens in signature.p7s against the signed policy; a token removed from the pack fails by name', async () => {
    const ws = await workspace({ timestamps: { require: 2, tsas: [tsaA.url, tsaB.url] } });
    expect((await ws.run(['register', 'a.txt'])).status).toBe(0);
    expect((await ws.run(['export', 'a.txt.tsproof.json', '--format', 'evidence', '--out', 'pack'])).status).toBe(0);
    const pack = path.join(ws.work, 'pack');
    const ok = runVerifySh(ws.dir, pack, path.join(ws.work, 'a.txt'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok {4}timestamp policy: 2 timestamp\(s\) from 2 distinct TSA operator\(s\) \(O=(tsproof test|Second Operator); O=(tsproof test|Second Operator)\); the signed manifest requires 2$/m);
    // The second token taken out of signature.p7s (the holder's signature does not cover it) and its loose files removed.
    const kept = readFileSync(path.join(pack, 'timestamps', '1.tst'));
    const cms = editSignerInfo(readFileSync(path.join(pack, 'signature.p7s')), (f) => {
      f[f.length - 1] = der.implicitConstructed(1, attribute(OID.signatureTimeStampToken, new Uint8Array(kept)));
    });
    writeFileSync(path.join(pack, 'signature.p7s'), cms);
    for (const f of ['timestamps/2.tst', 'timestamps/2.url', 'certs/tsa-2-ca.pem', 'certs/tsa-2-untrusted.pem']) rmSync(path.join(pack, f), { force: true });
    const cut = runVerifySh(ws.dir, pack, path.join(ws.work, 'a.txt'));
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(/^FAIL: timestamp policy: the signed manifest requires timestamps from 2 distinct TSA operators, but signature\.p7s carries 1 timestamp\(s\) from 1 \(O=/m);
    const ko = runVerifySh(ws.dir, pack, path.join(ws.work, 'a.txt'), { env: { LANG: 'ko_KR.UTF-8' } });
    expect(ko.stderr).toMatch(/^실패: 타임스탬프 정책: 서명된 매니페스트는 서로 다른 TSA 운영자 2곳의 타임스탬프를 요구하지만/m);
  }, 240_000);
});
