/**
 * OpenSSL as the oracle, both ways: tokens made by `openssl ts -reply` are accepted by our
 * verifier (SHA-256/384/512 imprints, ESSCertID v1 and v2, RSA and EC TSAs, with and without
 * an intermediate), and `openssl ts -verify` accepts the bundled TSA's tokens.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hash } from '../../src/core/crypto/algorithms.js';
import { parseTimeStampResp, encodeTimeStampReq } from '../../src/core/tsp/messages.js';
import { verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { party, PKI } from '../helpers/fixtures.js';
import { openssl } from '../helpers/openssl.js';

let dir: string;
const data = randomBytes(1000);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-ossl-'));
  writeFileSync(path.join(dir, 'data.bin'), data);
  writeFileSync(path.join(dir, 'serial'), '01\n');
});

function config(essAlg: 'sha1' | 'sha256'): string {
  const f = path.join(dir, `ts-${essAlg}.cnf`);
  writeFileSync(
    f,
    `[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\ncrypto_device = builtin\nserial = ${path.join(dir, 'serial')}\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.77\nother_policies = 1.2.3.4.2\ndigests = sha256, sha384, sha512\naccuracy = secs:1, millisecs:500\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = ${essAlg}\n`,
  );
  return f;
}

describe('tokens made by OpenSSL are accepted', () => {
  const combos = [
    { tsa: 'tsa-ec', alg: 'sha256', ess: 'sha1', chain: [] as string[] },
    { tsa: 'tsa-ec', alg: 'sha384', ess: 'sha256', chain: [] },
    { tsa: 'tsa-rsa', alg: 'sha512', ess: 'sha1', chain: ['intermediate-ca'] },
    { tsa: 'tsa-rsa', alg: 'sha256', ess: 'sha256', chain: ['intermediate-ca'] },
  ] as const;
  for (const c of combos) {
    it(`${c.tsa}, ${c.alg} imprint, ESSCertID ${c.ess === 'sha1' ? 'v1' : 'v2'}${c.chain.length ? ', with an intermediate' : ''}`, () => {
      const q = path.join(dir, `${c.tsa}-${c.alg}-${c.ess}.tsq`);
      const r = q.replace(/\.tsq$/, '.tsr');
      expect(openssl(['ts', '-query', '-data', 'data.bin', `-${c.alg}`, '-cert', '-out', q], dir).ok).toBe(true);
      const chainFile = path.join(dir, `chain-${c.tsa}.pem`);
      writeFileSync(chainFile, c.chain.map((n) => readFileSync(path.join(PKI, `${n}.pem`), 'utf8')).join('') || readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8'));
      const made = openssl(['ts', '-reply', '-config', config(c.ess), '-queryfile', q, '-signer', path.join(PKI, `${c.tsa}.pem`), '-inkey', path.join(PKI, `${c.tsa}.key`), '-chain', chainFile, '-out', r], dir);
      expect(made.stderr, made.stderr).not.toMatch(/error/i);
      expect(made.ok).toBe(true);
      // OpenSSL's own verdict first, then ours.
      expect(openssl(['ts', '-verify', '-in', r, '-queryfile', q, '-CAfile', path.join(PKI, 'root-ca.pem'), ...(c.chain.length ? ['-untrusted', chainFile] : [])], dir).ok).toBe(true);
      const resp = parseTimeStampResp(readFileSync(r));
      expect(resp.status).toBe(0);
      const v = verifyTimestampToken(resp.token!, { imprint: { algorithm: c.alg, digest: hash(c.alg, data) }, anchors: [party('root-ca').cert], policies: ['1.2.3.4.77'], now: new Date() });
      expect(v.checks.filter((x) => !x.ok)).toEqual([]);
      expect(v.checks.find((x) => x.id === 'timestamp.ess-certid')!.detail.render()).toContain(c.ess === 'sha1' ? 'v1' : 'v2');
      expect(v.checks.find((x) => x.id === 'timestamp.tsa-name')!.status).toBe('pass');
      expect(v.info!.accuracyMicros).toBe(1_500_000);
    });
  }

  it('agrees with OpenSSL that a token over other data does not verify', () => {
    const q = path.join(dir, 'other.tsq');
    const r = path.join(dir, 'other.tsr');
    writeFileSync(path.join(dir, 'other.bin'), 'other');
    openssl(['ts', '-query', '-data', 'other.bin', '-sha256', '-cert', '-out', q], dir);
    openssl(['ts', '-reply', '-config', config('sha256'), '-queryfile', q, '-signer', path.join(PKI, 'tsa-ec.pem'), '-inkey', path.join(PKI, 'tsa-ec.key'), '-out', r], dir);
    expect(openssl(['ts', '-verify', '-in', r, '-data', 'data.bin', '-CAfile', path.join(PKI, 'root-ca.pem')], dir).ok).toBe(false);
    const v = verifyTimestampToken(parseTimeStampResp(readFileSync(r)).token!, { imprint: { algorithm: 'sha256', digest: hash('sha256', data) }, anchors: [party('root-ca').cert], now: new Date() });
    expect(v.ok).toBe(false);
    expect(v.checks.filter((x) => !x.ok).map((x) => x.id)).toEqual(['timestamp.imprint']);
  });
});

describe('OpenSSL accepts the bundled TSA', () => {
  for (const [tsaName, chain] of [
    ['tsa-ec', []],
    ['tsa-rsa', ['intermediate-ca']],
  ] as const) {
    for (const ess of ['v1', 'v2'] as const) {
      it(`${tsaName} with ESSCertID ${ess}`, () => {
        const tsa = party(tsaName);
        const clock = () => new Date();
        const a = new LocalTimestampAuthority({ key: tsa.key, certificate: tsa.cert, chain: chain.map((n) => party(n).cert), policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes), ess });
        const q = path.join(dir, `ours-${tsaName}-${ess}.tsq`);
        const r = q.replace(/\.tsq$/, '.tsr');
        openssl(['ts', '-query', '-data', 'data.bin', '-sha512', '-cert', '-out', q], dir);
        writeFileSync(r, a.respond(readFileSync(q)));
        const res = openssl(['ts', '-verify', '-in', r, '-queryfile', q, '-CAfile', path.join(PKI, 'root-ca.pem')], dir);
        expect(res.stdout + res.stderr).toContain('Verification: OK');
        // And the text form OpenSSL prints names our policy and a nonce.
        const text = openssl(['ts', '-reply', '-in', r, '-text'], dir).stdout;
        expect(text).toMatch(/Policy OID: 1\.2\.3\.4\.77/);
        expect(text).toMatch(/Nonce: 0x/);
      });
    }
  }

  it('answers a SHA-1 request with a rejection (badAlg), not an HTTP error', () => {
    const tsa = party('tsa-ec');
    const clock = () => new Date();
    const a = new LocalTimestampAuthority({ key: tsa.key, certificate: tsa.cert, chain: [], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) });
    const resp = parseTimeStampResp(a.respond(encodeTimeStampReq({ digestAlgorithm: 'sha1', digest: hash('sha1', data), certReq: true })));
    expect(resp.status).toBe(2);
    expect(resp.failInfo).toEqual(['badAlg']);
    expect(resp.token).toBeUndefined();
    const garbage = parseTimeStampResp(a.respond(new Uint8Array([1, 2, 3])));
    expect(garbage.failInfo).toEqual(['badDataFormat']);
  });
});
