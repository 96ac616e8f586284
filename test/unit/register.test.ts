/**
 * Registration end to end at the library level: the receipt verifies, OpenSSL agrees on
 * every piece, any tampered field fails a named check, and hostile TSAs are refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, type RegisterOptions, type Registration, type Unchanged } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { extractPieces } from '../../src/core/receipt/extract.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { receiptProblems, parseReceiptJson, serializeReceipt, type Receipt } from '../../src/core/receipt/receipt.js';
import { TsaError, InputError } from '../../src/core/errors.js';
import { createSelfAssertedIdentity } from '../../src/core/identity/create.js';
import { party, PKI } from '../helpers/fixtures.js';
import { openssl } from '../helpers/openssl.js';
import { alice, bundledTsa } from '../helpers/setup.js';
import { hostileTsa, type HostileMode } from '../helpers/servers.js';
import { editSignedData, editSignerInfo } from '../helpers/forge.js';
import { der, tlv } from '../../src/core/asn1/der.js';
import { OID } from '../../src/core/asn1/oids.js';
import { digestAlgorithmId, hash } from '../../src/core/crypto/algorithms.js';
import { assembleSignedData, attribute, prepareSignature } from '../../src/core/cms/build.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { CA_EXT, HOLDER_EXT, OpensslPki, type Issued } from '../helpers/openssl-pki.js';

let dir: string;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let tsa2: Awaited<ReturnType<typeof bundledTsa>>;
let reg: Registration;
const anchors = () => [party('root-ca').cert];

async function doRegister(urls: string[], identity = alice()): Promise<Registration> {
  const { files } = await collectFiles(['work'], dir);
  return registered(register({ files, algorithms: ['sha256', 'sha512'], identity, tsas: urls.map((url) => ({ url })), anchors: anchors(), now: () => new Date(), random: (n) => randomBytes(n), client: { retries: 0, timeoutMs: 2000 } }));
}

async function registered(p: Promise<Registration | Unchanged>): Promise<Registration> {
  const r = await p;
  if (r.kind !== 'registered') throw new Error('expected a registration');
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-reg-'));
  const work = path.join(dir, 'work');
  (await import('node:fs')).mkdirSync(path.join(work, '도면'), { recursive: true });
  writeFileSync(path.join(work, '도면', '설계.dwg'), randomBytes(5000));
  writeFileSync(path.join(work, 'empty.txt'), '');
  writeFileSync(path.join(work, 'notes.md'), '# notes\n');
  tsa = await bundledTsa('tsa-ec');
  tsa2 = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  reg = await doRegister([tsa.url, tsa2.url]);
});
afterAll(async () => {
  await tsa.close();
  await tsa2.close();
});

const verify = (r: Receipt) => verifyReceipt(r, { anchors: anchors(), now: new Date() });
const failed = (r: Receipt) =>
  verify(r)
    .checks.filter((c) => !c.ok)
    .map((c) => c.id);
const clone = (): Receipt => JSON.parse(serializeReceipt(reg.receipt));

describe('register', () => {
  it('writes a receipt that verifies, with one timestamp per TSA over one signature', () => {
    const v = verify(reg.receipt);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.timestamps).toHaveLength(2);
    expect(v.holder).toMatchObject({ identity: 'ca-verified', subject: 'CN=김영희, O=테스트 주식회사, C=KR' });
    expect(reg.receipt.entries.map((f) => f.name)).toEqual(['work/empty.txt', 'work/notes.md', 'work/도면/설계.dwg']);
    expect(reg.receipt.entries[0]!.digests.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(reg.manifest.merkle.count).toBe(3);
    expect(v.checks.find((c) => c.id === 'merkle.root')!.status).toBe('pass');
    expect(receiptProblems(JSON.parse(serializeReceipt(reg.receipt)))).toEqual([]);
  });

  it('verifies whatever order the TSAs were asked in (the signature holds the tokens as a sorted SET)', async () => {
    // RSA-with-intermediate first: its token sorts after the EC one inside the signature.
    const r = await doRegister([tsa2.url, tsa.url]);
    const v = verify(r.receipt);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.receipt.timestamps.map((s) => s.tsa)).toEqual([tsa2.url, tsa.url]);
    // Each listed token is matched once: listing the same token twice is refused.
    const twice = JSON.parse(serializeReceipt(r.receipt)) as Receipt;
    twice.timestamps[1] = { ...twice.timestamps[0]! };
    expect(failed(twice)).toContain('timestamp.binding');
  });

  it('never puts file content in the receipt', () => {
    const text = serializeReceipt(reg.receipt) + Buffer.from(reg.receipt.manifest, 'base64').toString();
    expect(text).not.toContain('# notes');
  });

  it('produces pieces OpenSSL accepts: cms -verify over the manifest, ts -verify over the signature value', () => {
    const p = extractPieces(reg.receipt);
    const d = mkdtempSync(path.join(os.tmpdir(), 'tsproof-ev-'));
    writeFileSync(path.join(d, 'manifest.json'), p.manifest);
    writeFileSync(path.join(d, 'sig.p7s'), p.signature);
    writeFileSync(path.join(d, 'sigvalue.bin'), p.signatureValue);
    const cms = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.p7s', '-content', 'manifest.json', '-CAfile', path.join(PKI, 'root-ca.pem'), '-purpose', 'any', '-out', 'out.bin'], d);
    expect(cms.stderr).toContain('Verification successful');
    p.tokens.forEach((t, i) => {
      writeFileSync(path.join(d, `t${i}.tst`), t.token);
      const r = openssl(['ts', '-verify', '-token_in', '-in', `t${i}.tst`, '-data', 'sigvalue.bin', '-CAfile', path.join(PKI, 'root-ca.pem'), '-untrusted', path.join(PKI, 'intermediate-ca.pem')], d);
      expect(r.stdout).toContain('Verification: OK');
    });
    // OpenSSL also refuses the manifest once a byte changes.
    writeFileSync(path.join(d, 'manifest.json'), Buffer.concat([p.manifest, Buffer.from(' ')]));
    expect(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.p7s', '-content', 'manifest.json', '-CAfile', path.join(PKI, 'root-ca.pem'), '-purpose', 'any', '-out', 'out.bin'], d).ok).toBe(false);
  });

  it('marks a self-asserted identity as such (a warning, not a failure)', async () => {
    const id = createSelfAssertedIdentity({ name: 'Self Made', now: new Date() });
    const r = await doRegister([tsa.url], { record: alice().record, key: id.key, chain: [id.certificate] });
    const v = verify(r.receipt);
    expect(v.ok).toBe(true);
    expect(v.holder!.identity).toBe('self-asserted');
    expect(v.checks.find((c) => c.id === 'holder.identity')!.status).toBe('warn');
  });
});

describe('a holder certificate with a critical extension tsproof does not recognise', () => {
  const pki = new OpensslPki('tsproof-reg-crit-');
  const from = new Date('2020-01-01T00:00:00Z');
  const to = new Date('2045-01-01T00:00:00Z');
  const root = pki.issue('root', { subject: '/C=KR/O=Test/CN=Root', from, to, ext: CA_EXT });
  const good = pki.issue('good', { subject: '/C=KR/O=Test/CN=Holder', issuer: root, from, to, ext: HOLDER_EXT });
  const bad = pki.issue('bad', { subject: '/C=KR/O=Test/CN=Holder with an unknown critical extension', issuer: root, from, to, ext: [...HOLDER_EXT, '1.3.6.1.4.1.55555.1=critical,ASN1:NULL'] });
  const identity = (p: Issued) => ({ record: alice().record, key: p.key, chain: [p.cert, root.cert] });

  it('is refused before registering (bad input, nothing written)', async () => {
    await expect(doRegister([tsa.url], identity(bad))).rejects.toThrow(/critical extension tsproof does not recognise \(1\.3\.6\.1\.4\.1\.55555\.1\)/);
  });

  it('makes a receipt signed with it fail holder.extensions', async () => {
    // A receipt made with a good certificate, re-signed with the bad one and timestamped again.
    const r = (await doRegister([tsa.url], identity(good))).receipt;
    const manifest = new Uint8Array(Buffer.from(r.manifest, 'base64'));
    const prepared = prepareSignature({ key: bad.key, certificate: bad.cert, certificates: [bad.cert, root.cert], eContentType: OID.data, content: manifest, encapsulate: false, signingTime: new Date(), ess: 'v2', essChain: [root.cert] });
    const clock = () => new Date();
    const authority = new LocalTimestampAuthority({ key: party('tsa-ec').key, certificate: party('tsa-ec').cert, chain: [], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) });
    const token = parseTimeStampResp(authority.respond(encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: hash('sha256', prepared.signature), nonce: 1n, certReq: true }))).token!;
    const cms = assembleSignedData(prepared, [attribute(OID.signatureTimeStampToken, token)]);
    const resigned: Receipt = { ...r, signature: Buffer.from(cms).toString('base64'), timestamps: [{ tsa: r.timestamps[0]!.tsa, token: Buffer.from(token).toString('base64'), certificates: [] }] };
    const v = verifyReceipt(resigned, { anchors: [party('root-ca').cert, root.cert], now: new Date() });
    expect(v.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['holder.extensions']);
    expect(v.holder!.identity).toBe('unverified');
    expect(verifyReceipt({ ...r }, { anchors: [party('root-ca').cert, root.cert], now: new Date() }).holder!.identity).toBe('ca-verified');
  });
});

describe('a tampered receipt fails a named check', () => {
  const manifestEdit = (edit: (m: Record<string, any>) => void) => () => {
    const r = clone();
    const m = JSON.parse(Buffer.from(r.manifest, 'base64').toString());
    edit(m);
    r.manifest = Buffer.from(JSON.stringify(m)).toString('base64');
    return r;
  };
  const entryEdit = (edit: (e: Record<string, any>) => void) => () => {
    const r = clone();
    edit(r.entries[1]!);
    return r;
  };
  const flipBase64 = (s: string, at: number) => {
    const b = Buffer.from(s, 'base64');
    b[at]! ^= 0x01;
    return b.toString('base64');
  };
  /** Flips a bit near the end (in the signature) of a certificate the CMS signature carries. */
  const certificateEdit = (commonName: string) => () => {
    const r = clone();
    const p = extractPieces(r);
    const cert = p.holderCertificates.find((c) => c.commonName === commonName)!;
    const at = Buffer.from(p.signature).indexOf(Buffer.from(cert.der)) + cert.der.length - 20;
    return { ...r, signature: flipBase64(r.signature, at) };
  };
  /** Replaces the CMS signature by an edit of it (fields the signature does not cover). */
  const signatureEdit = (edit: (cms: Uint8Array) => Uint8Array) => () => {
    const r = clone();
    return { ...r, signature: Buffer.from(edit(new Uint8Array(Buffer.from(r.signature, 'base64')))).toString('base64') };
  };
  const cases: [string, () => Receipt, string][] = [
    ['a file digest', entryEdit((e) => (e.digests.sha256 = 'f'.repeat(64))), 'merkle.root'],
    ['a file size', entryEdit((e) => (e.size += 1)), 'merkle.root'],
    ['a file name', entryEdit((e) => (e.name = 'work/other.md')), 'merkle.root'],
    ['a salt', entryEdit((e) => (e.salt = '0'.repeat(64))), 'merkle.root'],
    ['an entry removed', () => ({ ...clone(), entries: clone().entries.slice(1) }), 'merkle.inclusion'],
    ['the signed Merkle root', manifestEdit((m) => (m.merkle.root = 'a'.repeat(64))), 'signature.signed-attributes'],
    ['the signed file count', manifestEdit((m) => (m.merkle.count = 4)), 'signature.signed-attributes'],
    ['the claimed creation time', manifestEdit((m) => (m.created = '2020-01-01T00:00:00.000Z')), 'signature.signed-attributes'],
    ['the receipt id', () => ({ ...clone(), id: '00000000-0000-4000-8000-000000000000' }), 'receipt.id'],
    [
      'the signature value',
      () => {
        const r = clone();
        const p = extractPieces(r);
        const at = Buffer.from(p.signature).indexOf(Buffer.from(p.signatureValue)) + 10;
        return { ...r, signature: flipBase64(r.signature, at) };
      },
      'signature.signature',
    ],
    ['the holder certificate', certificateEdit('김영희'), 'signature.signing-certificate-v2'],
    ["the holder's CA certificate", certificateEdit('holder-ca'), 'signature.signing-certificate-v2'],
    [
      'a token (its genTime)',
      () => {
        const r = clone();
        const tok = Buffer.from(r.timestamps[0]!.token, 'base64');
        const at = tok.indexOf(Buffer.from(new Date().getUTCFullYear().toString())) + 3;
        tok[at]! ^= 0x01;
        r.timestamps[0]!.token = tok.toString('base64');
        return r;
      },
      'timestamp.binding',
    ],
    [
      'the TSA URL',
      () => {
        const r = clone();
        r.timestamps[1]!.tsa = 'http://evil.example/';
        return r;
      },
      'timestamp.tsa',
    ],
    [
      'a stored certificate',
      () => {
        const r = clone();
        r.timestamps[1]!.certificates.push(Buffer.from(party('tsa-untrusted').cert.der).toString('base64'));
        return r;
      },
      'timestamp.stored-certificates',
    ],
    [
      'the timestamps list (one removed)',
      () => {
        const r = clone();
        r.timestamps.pop();
        return r;
      },
      'timestamp.count',
    ],
    ['the manifest encoding', () => ({ ...clone(), manifest: '@@@' }), 'receipt.encoding'],
    // Unsigned CMS fields that OpenSSL (and the evidence pack's verify.sh) would judge differently.
    ["digestAlgorithms (no longer the signer's)", signatureEdit((cms) => editSignedData(cms, (f) => (f[1] = der.setOf(digestAlgorithmId('sha512'))))), 'signature.digest-algorithms'],
    ['the SignerInfo version (2)', signatureEdit((cms) => editSignerInfo(cms, (f) => (f[0] = der.integer(2)))), 'signature.signer-info-version'],
    [
      'the signature, now encapsulating the manifest in a UTF8String',
      () => {
        const r = clone();
        const manifest = Buffer.from(r.manifest, 'base64');
        return signatureEdit((cms) => editSignedData(cms, (f) => (f[2] = der.sequence(der.oid(OID.data), der.explicit(0, tlv(0x0c, manifest))))))();
      },
      'signature.detached',
    ],
  ];
  for (const [what, make, id] of cases) {
    it(`when ${what} changes → ${id}`, () => {
      const r = make();
      expect(failed(r)).toContain(id);
      expect(verify(r).ok).toBe(false);
    });
  }

  it('a structurally broken receipt is bad input, naming the fields', () => {
    expect(() => parseReceiptJson(serializeReceipt(reg.receipt).slice(0, 200), 'r.json')).toThrow(InputError);
    expect(() => parseReceiptJson('{"format":"tsproof.receipt","version":1,"timestamps":{}}', 'r.json')).toThrow(/id: expected a string.*manifest: expected a base64 string/);
    expect(() => parseReceiptJson('{"format":"tsproof.receipt","version":9}', 'r.json')).toThrow(/version 9 needs a newer tsproof/);
  });
});

describe('hostile TSAs are refused before anything is written', () => {
  const modes: [HostileMode, TsaError['code'], RegExp][] = [
    ['wrong-imprint', 'TSA_INVALID_TOKEN', /timestamp\.imprint/],
    ['wrong-nonce', 'TSA_INVALID_TOKEN', /timestamp\.nonce/],
    ['missing-nonce', 'TSA_INVALID_TOKEN', /token has no nonce/],
    ['rejection', 'TSA_REJECTED', /refused the request: rejection \(quota exceeded; systemFailure\)/],
    ['garbage', 'TSA_MALFORMED_RESPONSE', /not a TimeStampResp/],
    ['trailing-bytes', 'TSA_MALFORMED_RESPONSE', /trailing byte/],
    ['html', 'TSA_BAD_CONTENT_TYPE', /answered text\/html/],
    ['http-500', 'TSA_HTTP_ERROR', /HTTP 500/],
    ['timeout', 'TSA_TIMEOUT', /no complete answer within 1 s/],
    ['truncated', 'TSA_MALFORMED_RESPONSE', /cut off|truncated/],
    ['wrong-content-type', 'TSA_BAD_CONTENT_TYPE', /application\/octet-stream/],
    ['no-eku', 'TSA_INVALID_TOKEN', /timestamp\.eku/],
    ['other-key', 'TSA_INVALID_TOKEN', /timestamp\.signature/],
    ['wrong-ess', 'TSA_INVALID_TOKEN', /timestamp\.ess-certid/],
    ['expired-cert', 'TSA_INVALID_TOKEN', /timestamp\.chain-validity/],
    ['untrusted-root', 'TSA_INVALID_TOKEN', /timestamp\.chain/],
    ['future-gentime', 'TSA_INVALID_TOKEN', /timestamp\.gen-time/],
    ['redirect', 'TSA_HTTP_ERROR', /redirects are not followed/],
    ['oversized', 'TSA_RESPONSE_TOO_LARGE', /exceeds/],
  ];
  /** Registers the work folder as alice against one TSA, with the given client settings. */
  const registerAt = async (url: string, client: RegisterOptions['client']) => {
    const { files } = await collectFiles(['work'], dir);
    return register({ files, algorithms: ['sha256'], identity: alice(), tsas: [{ url }], anchors: anchors(), now: () => new Date(), random: (n) => randomBytes(n), client });
  };
  for (const [mode, code, message] of modes) {
    it(`${mode} → ${code}`, async () => {
      const bad = await hostileTsa(mode);
      try {
        await expect(registerAt(bad.url, { retries: 0, timeoutMs: 1000 })).rejects.toSatisfy((e: unknown) => e instanceof TsaError && e.code === code && message.test(e.message));
      } finally {
        await bad.close();
      }
    });
  }

  it('retries a 500 with backoff, then gives up', async () => {
    const bad = await hostileTsa('http-500');
    try {
      await expect(registerAt(bad.url, { retries: 2, retryDelayMs: 1 })).rejects.toThrow(/HTTP 500/);
      expect(bad.requests).toBe(3);
    } finally {
      await bad.close();
    }
  });

  it('a well-behaved TSA through the same test server is accepted (the forger is not the problem)', async () => {
    const good = await hostileTsa('ok');
    try {
      const r = await registered(registerAt(good.url, { retries: 0 }));
      expect(verify(r.receipt).ok).toBe(true);
    } finally {
      await good.close();
    }
  });
});
