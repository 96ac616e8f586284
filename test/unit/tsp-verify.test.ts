import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash } from '../../src/core/crypto/algorithms.js';
import { verifyTimestampToken, type TokenVerifyOptions } from '../../src/core/tsp/verify.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { der, tlv } from '../../src/core/asn1/der.js';
import { OID } from '../../src/core/asn1/oids.js';
import { digestAlgorithmId } from '../../src/core/crypto/algorithms.js';
import { parseSignedData } from '../../src/core/cms/signed-data.js';
import { editSignedData, editSignerInfo, forgeToken, type ForgeOptions } from '../helpers/forge.js';
import { party, PKI } from '../helpers/fixtures.js';
import { openssl } from '../helpers/openssl.js';

const data = new Uint8Array(Buffer.from('the signature value'));
const digest = hash('sha256', data);
const nonce = 0x1234567890abcdefn;
const root = () => party('root-ca').cert;

function forged(o: Partial<ForgeOptions> = {}) {
  const tsa = party('tsa-ec');
  return forgeToken({ cert: tsa.cert, key: tsa.key, imprintAlgorithm: 'sha256', imprint: digest, nonce, ...o });
}
function verify(token: Uint8Array, o: Partial<TokenVerifyOptions> = {}) {
  return verifyTimestampToken(token, { imprint: { algorithm: 'sha256', digest }, anchors: [root()], nonce, now: new Date(), ...o });
}
const failedIds = (v: ReturnType<typeof verify>) => v.checks.filter((c) => !c.ok).map((c) => c.id);

describe('verifyTimestampToken', () => {
  it('accepts a token from the bundled TSA and reports genTime, accuracy and the chain', () => {
    const tsa = party('tsa-ec');
    const clock = () => new Date('2026-03-04T05:06:07.890Z');
    const a = new LocalTimestampAuthority({ key: tsa.key, certificate: tsa.cert, chain: [], policy: '1.2.3.4.1', clock, serials: timeOrderedSerials(clock, randomBytes) });
    const resp = parseTimeStampResp(a.respond(encodeTimeStampReq({ digestAlgorithm: 'sha256', digest, nonce, certReq: true })));
    const v = verify(resp.token!, { policies: ['1.2.3.4.1'] });
    expect(failedIds(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.info).toMatchObject({ genTime: '2026-03-04T05:06:07.890Z', genTimeText: '20260304050607.89Z', accuracyMicros: 1_000_000, trusted: true, policy: '1.2.3.4.1' });
    expect(v.info!.chain).toEqual([tsa.cert.subject, root().subject]);
  });

  it('accepts a TSA behind an intermediate (RSA)', () => {
    const tsa = party('tsa-rsa');
    const v = verify(forged({ cert: tsa.cert, key: tsa.key, certificates: [tsa.cert, party('intermediate-ca').cert] }));
    expect(failedIds(v)).toEqual([]);
  });

  it('judges the TSA certificate at genTime, not now: an old token from a since-expired TSA stays valid', () => {
    const tsa = party('tsa-expired');
    const genTime = new Date('2025-06-01T00:00:00Z');
    const v = verify(forged({ cert: tsa.cert, key: tsa.key, genTime }));
    expect(failedIds(v)).toEqual([]);
  });

  const cases: [string, () => Uint8Array, Partial<TokenVerifyOptions>, string][] = [
    ['the imprint differs', () => forged({ imprint: hash('sha256', new Uint8Array([0])) }), {}, 'timestamp.imprint'],
    ['the nonce differs', () => forged({ nonce: nonce + 1n }), {}, 'timestamp.nonce'],
    ['the nonce is missing', () => forged({ nonce: undefined as unknown as bigint }), {}, 'timestamp.nonce'],
    ['the policy is not accepted', () => forged({ policy: '1.9.9.9' }), { policies: ['1.2.3.4.1'] }, 'timestamp.policy'],
    ['the signer lacks the timeStamping EKU', () => forged({ cert: party('tsa-no-eku').cert, key: party('tsa-no-eku').key }), {}, 'timestamp.eku'],
    ['the EKU is not critical', () => forged({ cert: party('tsa-noncritical-eku').cert, key: party('tsa-noncritical-eku').key }), {}, 'timestamp.eku'],
    ['the EKU lists another purpose too', () => forged({ cert: party('tsa-extra-eku').cert, key: party('tsa-extra-eku').key }), {}, 'timestamp.eku'],
    ['the TSA certificate is a CA', () => forged({ cert: party('tsa-is-ca').cert, key: party('tsa-is-ca').key }), {}, 'timestamp.leaf-not-ca'],
    ['the key usage includes keyEncipherment', () => forged({ cert: party('tsa-key-encipherment').cert, key: party('tsa-key-encipherment').key }), {}, 'timestamp.key-usage'],
    ['another key signed it', () => forged({ signingKey: party('tsa-untrusted').key }), {}, 'timestamp.signature'],
    ['the ESSCertID names another certificate', () => forged({ essFor: party('tsa-rsa').cert }), {}, 'timestamp.ess-certid'],
    ['there is no ESS attribute', () => forged({ ess: 'none' }), {}, 'timestamp.ess-certid'],
    ['the TSA certificate had expired at genTime', () => forged({ cert: party('tsa-expired').cert, key: party('tsa-expired').key }), {}, 'timestamp.chain-validity'],
    ['the root is not trusted', () => forged({ cert: party('tsa-untrusted').cert, key: party('tsa-untrusted').key, certificates: [party('tsa-untrusted').cert, party('untrusted-root-ca').cert] }), {}, 'timestamp.chain'],
    ['genTime is years ahead', () => forged({ genTime: new Date(Date.now() + 3 * 365 * 86400_000) }), {}, 'timestamp.gen-time'],
    ['the tsa name is someone else', () => forged({ tsaName: party('tsa-rsa').cert.subjectRaw }), {}, 'timestamp.tsa-name'],
    ['an unknown extension is critical', () => forged({ criticalExtension: true }), {}, 'timestamp.extensions'],
    ['the version is not 1', () => forged({ version: 2 }), {}, 'timestamp.version'],
    ['the imprint uses SHA-1', () => forged({ imprintAlgorithm: 'sha1', imprint: hash('sha1', data) }), { imprint: { algorithm: 'sha1', digest: hash('sha1', data) } }, 'timestamp.imprint'],
    ['the content type is not TSTInfo', () => forged({ eContentType: '1.2.840.113549.1.7.1' }), {}, 'timestamp.econtent-type'],
    ['the signer certificate is absent', () => forged({ certificates: [] }), {}, 'timestamp.signer-certificate'],
  ];
  for (const [when, make, opts, id] of cases) {
    it(`fails ${id} when ${when}`, () => {
      const v = verify(make(), opts);
      expect(v.ok).toBe(false);
      expect(failedIds(v)).toContain(id);
    });
  }

  it('never trusts a self-signed root embedded in the token', () => {
    const tsa = party('tsa-untrusted');
    const token = forged({ cert: tsa.cert, key: tsa.key, certificates: [tsa.cert, party('untrusted-root-ca').cert] });
    expect(verify(token, { anchors: [] }).checks.find((c) => c.id === 'timestamp.chain')).toMatchObject({ ok: false });
    expect(verify(token, { anchors: [party('untrusted-root-ca').cert] }).ok).toBe(true);
  });

  it('verifies a token without certificates when the TSA certificate is supplied', () => {
    const token = forged({ certificates: [] });
    expect(verify(token, { extraCertificates: [party('tsa-ec').cert] }).ok).toBe(true);
  });

  it('accepts ESSCertID v1 (SHA-1) and tokens carrying both v1 and v2', () => {
    expect(failedIds(verify(forged({ ess: 'v1' })))).toEqual([]);
    expect(failedIds(verify(forged({ ess: 'both' })))).toEqual([]);
  });

  it('reports a corrupted token as a failed check, never an exception', () => {
    const t = forged();
    for (const cut of [10, 100, t.length - 1]) {
      const v = verify(t.subarray(0, cut));
      expect(v.ok).toBe(false);
      expect(v.checks[0]!.id).toBe('timestamp.structure');
    }
    const flipped = new Uint8Array(t);
    flipped[t.length - 10]! ^= 0xff; // inside the signature
    expect(verify(flipped).ok).toBe(false);
  });
});

describe('CMS strictness (RFC 5652), with openssl ts -verify as the oracle where it judges the same thing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-cms-strict-'));
  writeFileSync(path.join(dir, 'data.bin'), data);
  const opensslAccepts = (token: Uint8Array) => {
    writeFileSync(path.join(dir, 't.tst'), token);
    return openssl(['ts', '-verify', '-token_in', '-in', 't.tst', '-data', 'data.bin', '-CAfile', path.join(PKI, 'root-ca.pem')], dir).ok;
  };
  const tstInfo = (token: Uint8Array) => parseSignedData(token, 'token').eContent!;
  const withEContent = (wrapped: (tst: Uint8Array) => Uint8Array) => () => {
    const token = forged();
    return editSignedData(token, (f) => (f[2] = der.sequence(der.oid(OID.tstInfo), der.explicit(0, wrapped(tstInfo(token))))));
  };
  const skiSid = (version: number) => () => editSignerInfo(forged(), (f) => ((f[0] = der.integer(version)), (f[1] = der.implicitPrimitive(0, party('tsa-ec').cert.subjectKeyId!))));

  it('the unedited token passes both', () => {
    expect(failedIds(verify(forged()))).toEqual([]);
    expect(opensslAccepts(forged())).toBe(true);
  });

  const refused: [string, () => Uint8Array, string, boolean | undefined][] = [
    // [what, token, the check that fails, OpenSSL's verdict (undefined: OpenSSL does not judge it)]
    ['digestAlgorithms names another digest', () => editSignedData(forged(), (f) => (f[1] = der.setOf(digestAlgorithmId('sha384')))), 'timestamp.digest-algorithms', false],
    ['digestAlgorithms is empty', () => editSignedData(forged(), (f) => (f[1] = der.setOf())), 'timestamp.digest-algorithms', false],
    ['a version 2 SignerInfo names its signer by issuer and serial', () => editSignerInfo(forged(), (f) => (f[0] = der.integer(2))), 'timestamp.signer-info-version', undefined],
    ['a version 3 SignerInfo names its signer by issuer and serial', () => editSignerInfo(forged(), (f) => (f[0] = der.integer(3))), 'timestamp.signer-info-version', undefined],
    ['a version 1 SignerInfo names its signer by key identifier', skiSid(1), 'timestamp.signer-info-version', undefined],
    ['eContent is a SEQUENCE wrapping the TSTInfo', withEContent((tst) => tlv(0x30, tst)), 'timestamp.econtent', false],
    ['eContent is a UTF8String holding the TSTInfo', withEContent((tst) => tlv(0x0c, tst)), 'timestamp.econtent', false],
  ];
  for (const [what, make, id, ossl] of refused) {
    it(`fails ${id} when ${what}`, () => {
      const token = make();
      expect(failedIds(verify(token))).toEqual([id]);
      if (ossl !== undefined) expect(opensslAccepts(token)).toBe(ossl);
    });
  }

  it('accepts a version 3 SignerInfo that names its signer by key identifier', () => {
    expect(failedIds(verify(skiSid(3)()))).toEqual([]);
  });

  it('accepts eContent as a constructed (BER) OCTET STRING', () => {
    const token = withEContent((tst) => tlv(0x24, der.raw(der.octetString(tst.subarray(0, 10)), der.octetString(tst.subarray(10)))))();
    expect(failedIds(verify(token))).toEqual([]);
  });
});
