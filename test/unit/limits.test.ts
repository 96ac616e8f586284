/**
 * Bounded resources for untrusted input (docs/limits.md, issue 11): the DER reader, RFC 3161
 * messages, path building and the receipt reader refuse what is beyond their limits at once
 * (LimitError, exit 2) and handle everything within them without quadratic work. The hostile
 * inputs are built here; memory and time are measured in bench/, and bounded by the
 * end-to-end tests in test/cli/limits.test.ts.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, ftruncateSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { der, flattenOctets, integer, oid, parse, time, tlv } from '../../src/core/asn1/der.js';
import { InputError, LimitError, TsaError } from '../../src/core/errors.js';
import { LIMITS, type Limits } from '../../src/core/limits.js';
import { buildCertificate } from '../../src/core/pki/build.js';
import { buildPath } from '../../src/core/pki/chain.js';
import { encodePkiStatusInfo, parseTimeStampReq, parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { loadReceiptFile, parseReceiptBytes, parseReceiptChunks } from '../../src/core/receipt/load.js';
import { serializeReceipt, type Receipt } from '../../src/core/receipt/receipt.js';
import { register, type Registration } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { party, ROOT } from '../helpers/fixtures.js';
import { forgeToken, grantedResponse } from '../helpers/forge.js';
import { serve } from '../helpers/servers.js';
import { alice, bundledTsa } from '../helpers/setup.js';

const nulls = (n: number) => {
  const b = new Uint8Array(2 * n);
  for (let i = 0; i < b.length; i += 2) b[i] = 0x05;
  return b;
};

describe('the DER reader', () => {
  it('refuses an object of more than LIMITS.derValues values, and reads one just within', () => {
    expect(parse(der.sequence(nulls(LIMITS.derValues - 1))).children).toHaveLength(LIMITS.derValues - 1);
    expect(() => parse(der.sequence(nulls(LIMITS.derValues)), 'token')).toThrow(LimitError);
    expect(() => parse(der.sequence(nulls(LIMITS.derValues)), 'token')).toThrow(/token holds more than 200000 ASN\.1 values/);
  });

  it('refuses nesting deeper than LIMITS.derDepth, definite or indefinite', () => {
    let definite: Uint8Array = der.null();
    for (let i = 0; i < LIMITS.derDepth; i++) definite = der.sequence(definite);
    expect(() => parse(definite)).not.toThrow();
    expect(() => parse(der.sequence(definite))).toThrow(/nests deeper than 64 levels/);
    const indefinite = new Uint8Array(2 * (LIMITS.derDepth + 2)).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    expect(() => parse(indefinite)).toThrow(LimitError);
  });

  it('reads INTEGERs up to LIMITS.integerBytes in one step (a 256 KiB serial took 60 s), and refuses longer ones', () => {
    const max = randomBytes(LIMITS.integerBytes);
    max[0] = 0x7f;
    expect(integer(parse(der.integerRaw(max)), 'serial')).toBe(BigInt(`0x${max.toString('hex')}`));
    expect(integer(parse(der.integer(-(2n ** 1000n))), 'x')).toBe(-(2n ** 1000n));
    const huge = randomBytes(256 * 1024);
    huge[0] = 0x11;
    expect(() => integer(parse(der.integerRaw(huge)), 'TSTInfo.serialNumber')).toThrow(/TSTInfo\.serialNumber: an INTEGER of 262144 bytes is beyond the limit of 128 bytes/);
  });

  it('reads OBJECT IDENTIFIERs up to LIMITS.oidBytes, arcs up to LIMITS.oidArcBytes (a UUID arc needs 19), and refuses more', () => {
    const uuidArc = '2.25.340282366920938463463374607431768211455'; // 2^128 - 1
    expect(oid(parse(der.oid(uuidArc)), 'x')).toBe(uuidArc);
    const long = `1.2.${new Array(LIMITS.oidBytes - 1).fill(7).join('.')}`; // 128 octets
    expect(parse(der.oid(long)).length).toBe(LIMITS.oidBytes);
    expect(oid(parse(der.oid(long)), 'x')).toBe(long);
    expect(() => oid(parse(der.oid(`${long}.7`)), 'policy')).toThrow(/policy: an OBJECT IDENTIFIER of 129 bytes is beyond the limit of 128 bytes/);
    // One arc of 21 octets (147 bits), and one of 256 KiB: refused before any arithmetic.
    expect(() => oid(parse(tlv(0x06, Uint8Array.of(0x2a, ...new Array(20).fill(0xff), 0x01))), 'policy')).toThrow(/arc of 21 bytes is beyond the limit of 20 bytes/);
    expect(() => oid(parse(tlv(0x06, new Uint8Array(256 * 1024).fill(0xff).fill(0x01, -1))), 'policy')).toThrow(LimitError);
    expect(() => oid(parse(tlv(0x06, new Uint8Array(256 * 1024).fill(0x01))), 'policy')).toThrow(LimitError);
  });

  it('refuses a time longer than LIMITS.timeChars before reading it (a megabyte of fractional seconds was shown as written)', () => {
    expect(time(parse(tlv(0x18, Buffer.from('20260102030405.123456789Z'))), 'genTime').fraction).toBe('123456789');
    expect(() => time(parse(tlv(0x18, Buffer.from(`20260102030405.${'1'.repeat(1 << 20)}Z`))), 'TSTInfo.genTime')).toThrow(/TSTInfo\.genTime: a time of 1048592 characters is beyond the limit of 64/);
  });

  it('flattens nested constructed OCTET STRINGs with one copy, keeping the bytes in order', () => {
    let nested = tlv(0x24, der.raw(der.octetString(Uint8Array.of(1, 2)), der.octetString(Uint8Array.of(3))));
    for (let i = 0; i < 40; i++) nested = tlv(0x24, der.raw(der.octetString(Uint8Array.of(0)), nested));
    const flat = flattenOctets(parse(nested), 'x');
    expect([...flat.subarray(-3)]).toEqual([1, 2, 3]);
    expect(flat.byteLength).toBe(43);
  });
});

describe('certificates', () => {
  it('refuses a public key over LIMITS.publicKeyBytes before node:crypto reads it (a token whose certificate had a 70 KB RSA exponent cost a second)', () => {
    // Found by the tsp-token fuzz target (test/fuzz/regressions/tsp-token/rsa-exponent-70kb.bin).
    const token = readFileSync(path.join(ROOT, 'test', 'fuzz', 'regressions', 'tsp-token', 'rsa-exponent-70kb.bin'));
    expect(() => verifyTimestampToken(token, { imprint: { algorithm: 'sha256', digest: new Uint8Array(32) }, anchors: [], now: new Date('2026-06-02T00:00:00Z') })).toThrow(
      /subjectPublicKeyInfo: a public key of 70297 bytes is beyond the limit of 4096 bytes/,
    );
    // The error names the limit, so node:crypto never saw the key (the second it cost is bench material, not a test's).
    // An RSA-4096 key (550 bytes) is well within.
    const rsa4096 = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(rsa4096.length).toBeLessThan(LIMITS.publicKeyBytes / 4);
  });
});

describe('TimeStampResp status', () => {
  it('names the set bits of a failure info of a megabyte without visiting millions of bits one by one', () => {
    const bits = new Uint8Array(1 << 20);
    bits[0] = 0x80; // badAlg
    bits[3] = 0x40; // bit 25: systemFailure
    bits.fill(0xff, 1000, 2000); // 8,000 unnamed bits
    const resp = parseTimeStampResp(der.sequence(der.sequence(der.integer(2), der.bitString(bits))));
    expect(resp.failInfo.slice(0, 2)).toEqual(['badAlg', 'systemFailure']);
    expect(resp.failInfo).toHaveLength(7);
    expect(resp.failInfo.at(-1)).toBe('… 7996 more');
  });

  it('keeps at most LIMITS.statusTextChars characters of status text', () => {
    const text = 'x'.repeat(100_000);
    const resp = parseTimeStampResp(der.sequence(encodePkiStatusInfo(2, text)));
    expect(resp.statusText.join('').length).toBeLessThanOrEqual(LIMITS.statusTextChars + 1);
    const many = parseTimeStampResp(der.sequence(der.sequence(der.integer(2), der.sequence(...Array.from({ length: 5000 }, () => der.utf8('abc'))))));
    expect(many.statusText.join('').length).toBeLessThanOrEqual(LIMITS.statusTextChars + 1);
  });
});

describe('certification path building', () => {
  it('gives up after LIMITS.pathSignatureChecks signature checks among look-alike CA certificates (7 of them took 1.8 s, 12 hours)', () => {
    const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const when = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
    // Twelve self-signed CA certificates with one name and one key: each verifies as the issuer of every other.
    const clique = Array.from({ length: 12 }, (_, i) => buildCertificate({ subject: [['CN', 'Look-alike CA']], publicKey: ca.publicKey, issuerKey: ca.privateKey, serial: BigInt(i + 1), ca: true, keyUsage: ['keyCertSign'], ...when }));
    const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tsa = buildCertificate({ subject: [['CN', 'TSA']], publicKey: leaf.publicKey, issuer: clique[0]!, issuerKey: ca.privateKey, serial: 99n, ...when });
    const at = { at: new Date('2026-01-01T00:00:00Z') };
    const r = buildPath(tsa, clique, [party('root-ca').cert], at);
    expect(r.ok).toBe(false);
    expect(r.reason?.render()).toMatch(/gave up building a path after (64 signature checks|trying 512 partial paths)/);
    // A real path is still found through the same search.
    expect(buildPath(party('tsa-rsa').cert, [party('intermediate-ca').cert, ...clique], [party('root-ca').cert], at).ok).toBe(true);
  }, 30_000);
});

describe('the receipt reader', () => {
  let reg: Registration;
  let tsa: Awaited<ReturnType<typeof bundledTsa>>;
  let text: string;
  const small: Partial<Limits> = {};
  const limits = (o: Partial<Limits>): Limits => ({ ...LIMITS, ...small, ...o });
  const doc = (edit: (r: Record<string, unknown>) => void = () => undefined) => {
    const r = JSON.parse(text) as Record<string, unknown>;
    edit(r);
    return Buffer.from(JSON.stringify(r));
  };

  let dir: string;
  beforeAll(async () => {
    tsa = await bundledTsa();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-limits-'));
    writeFileSync(path.join(dir, 'a "quoted" ]} name.txt'), 'a');
    writeFileSync(path.join(dir, '도면 \\ b.bin'), randomBytes(10));
    writeFileSync(path.join(dir, 'c.txt'), 'c');
    const { files } = await collectFiles(['.'], dir);
    const r = await register({ files, algorithms: ['sha256', 'sha512'], identity: alice(), tsas: [{ url: tsa.url }], anchors: [party('root-ca').cert], now: () => new Date(), random: (n) => randomBytes(n) });
    if (r.kind !== 'registered') throw new Error('expected a registration');
    reg = r;
    text = serializeReceipt(reg.receipt);
  });
  afterAll(async () => {
    await tsa.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads exactly what JSON.parse reads, whatever the layout and however the file is cut into chunks', () => {
    const expected = JSON.parse(text) as Receipt;
    for (const layout of [text, JSON.stringify(expected), JSON.stringify(expected, null, '\t'), ` \n${JSON.stringify(expected, null, 3)}\r\n `]) {
      const bytes = Buffer.from(layout);
      expect(parseReceiptBytes(bytes, 'r')).toEqual(expected);
      for (const size of [1, 2, 7, 64, 1000]) {
        const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, i * size + size));
        expect(parseReceiptChunks(chunks, 'r')).toEqual(expected);
      }
    }
  });

  it('refuses what is not JSON, or not an object, as before', () => {
    const bad = (s: string) => () => parseReceiptBytes(Buffer.from(s), 'r.json');
    expect(bad(text.slice(0, 200))).toThrow(/r\.json: not a receipt \(not valid JSON; truncated\?\)/);
    expect(bad(`${text}x`)).toThrow(/not valid JSON/);
    expect(bad('{"entries":[1 2]}')).toThrow(/not valid JSON/);
    expect(bad('{"a":1,}')).toThrow(/not valid JSON/);
    expect(bad('')).toThrow(/empty file/);
    expect(bad('[1,2]')).toThrow(/r\.json: not a valid receipt: expected a JSON object/);
    expect(bad(`[${'0,'.repeat(LIMITS.otherFieldBytes)}0]`)).toThrow(/expected a JSON object/);
    expect(bad('{"format":"tsproof.receipt","version":1,"timestamps":{}}')).toThrow(/id: expected a string.*manifest: expected a base64 string/);
  });

  it('stops at the 100th problem of a huge entries array (64 MB of zeros made 32 million messages and aborted)', () => {
    const body = Buffer.from(`{"entries":[${'0,'.repeat(8 << 20)}0]}`);
    let err: unknown;
    try {
      parseReceiptBytes(body, 'r.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('MALFORMED_RECEIPT');
    expect((err as Error).message).toMatch(/^r\.json: not a valid receipt: entries\[0\]: expected an object; .* \(\+\d+ more; reading stopped\)$/);
  });

  it('counts unknown members without keeping them, and stops at the 100th', () => {
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.note = 'hi')),
        'r.json',
      ),
    ).toThrow(/^r\.json: not a valid receipt: note: unexpected field$/);
    const many = Buffer.from(`{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(',')}}`);
    expect(() => parseReceiptBytes(many, 'r.json')).toThrow(/k0: unexpected field; k1: .* \(\+95 more; reading stopped\)/);
  });

  it('gives members named like inherited properties no special meaning (no unbounded array, no crash)', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const body = Buffer.from(`{"${key}":[${'0,'.repeat(40_000)}0]}`);
      expect(() => parseReceiptBytes(body, 'r.json'), key).toThrow(new RegExp(`r\\.json: ${key} is larger than the limit of 64 KiB`));
      expect(() => parseReceiptBytes(Buffer.from(`{"${key}":1}`), 'r.json'), key).toThrow(new RegExp(`${key}: unexpected field`));
    }
  });

  it('refuses too many entries as soon as they are counted', () => {
    const r = JSON.parse(text) as Receipt;
    const many = Buffer.from(JSON.stringify({ ...r, entries: Array.from({ length: 11 }, (_, i) => ({ ...r.entries[0], index: i })) }));
    expect(() => parseReceiptBytes(many, 'r.json', { limits: limits({ receiptEntries: 10 }) })).toThrow(/r\.json: more than 10 entries \(the limit\)/);
    expect(parseReceiptBytes(many, 'r.json', { limits: limits({ receiptEntries: 11 }) }).entries).toHaveLength(11);
  });

  it('refuses an entry or a proof beyond its limit', () => {
    expect(() =>
      parseReceiptBytes(
        doc((r) => ((r.entries as object[])[1] = { index: 1, name: 'x'.repeat(70_000) })),
        'r.json',
      ),
    ).toThrow(/r\.json: entries\[1\] is larger than the limit of 64 KiB/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => ((r.entries as { proof: string[] }[])[0]!.proof = new Array(65).fill('00'))),
        'r.json',
      ),
    ).toThrow(/entries\[0\]\.proof holds 65 hashes, beyond the limit of 64/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => ((r.entries as object[])[0] = { a: [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]] })),
        'r.json',
      ),
    ).toThrow(/JSON nested deeper than 16 levels/);
  });

  it('refuses timestamps, tokens and stored certificates beyond their limits', () => {
    const ts = (JSON.parse(text) as Receipt).timestamps[0]!;
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.timestamps = new Array(17).fill(ts))),
        'r.json',
      ),
    ).toThrow(/r\.json: more than 16 timestamps \(the limit\)/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.timestamps = [{ ...ts, token: 'A'.repeat(1_400_000) }])),
        'r.json',
      ),
    ).toThrow(/timestamps\[0\]\.token is larger than the limit of 1 MiB/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.timestamps = [{ ...ts, certificates: new Array(17).fill('MAA=') }])),
        'r.json',
      ),
    ).toThrow(/timestamps\[0\] stores 17 certificates, beyond the limit of 16/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.signature = 'A'.repeat(6_000_000))),
        'r.json',
      ),
    ).toThrow(/r\.json: signature is larger than the limit of 4 MiB/);
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.revocation = new Array(40_000).fill(0))),
        'r.json',
      ),
    ).toThrow(/r\.json: more than 64 revocation \(the limit\)/);
    const rev = { certificate: 'ab'.repeat(32), type: 'crl', source: 'http://127.0.0.1/', data: 'A'.repeat(1_500_000) };
    expect(() =>
      parseReceiptBytes(
        doc((r) => (r.revocation = [rev] as never)),
        'r.json',
      ),
    ).toThrow(/r\.json: revocation\[0\] is larger than the limit of/);
  });

  it('refuses a receipt whose entries would need more heap than the process may use, instead of aborting', () => {
    const r = JSON.parse(text) as Receipt;
    const many = Buffer.from(JSON.stringify({ ...r, entries: Array.from({ length: 20_000 }, (_, i) => ({ ...r.entries[0], index: i })) }));
    expect(() => parseReceiptBytes(many, 'r.json', { heapBytes: 2 << 20 })).toThrow(
      /^r\.json: this receipt needs more memory than this process may use \(over \d+ MB of 2 MB\); give Node more, e\.g\. NODE_OPTIONS=--max-old-space-size=1127$/,
    );
    expect(parseReceiptBytes(many, 'r.json', { heapBytes: 64 << 20 }).entries).toHaveLength(20_000);
  });

  it('refuses a member given twice, at the top level and inside the entries (strict JSON: one reading)', () => {
    const twice = Buffer.from(text.replace('"format": "tsproof.receipt",', '"format": "tsproof.receipt", "format": "tsproof.receipt",'));
    expect(() => parseReceiptBytes(twice, 'r.json')).toThrow(/^r\.json: not a receipt: an object names the key "format" twice/);
    const inEntry = Buffer.from(text.replace('{"index":0,', '{"index":0,"index":0,'));
    expect(inEntry.equals(Buffer.from(text))).toBe(false);
    expect(() => parseReceiptBytes(inEntry, 'r.json')).toThrow(/an object names the key "index" twice/);
  });

  it('refuses a file over LIMITS.receiptBytes before reading it', async () => {
    const file = path.join(dir, 'huge.tsproof.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, LIMITS.receiptBytes + 1); // sparse: no disk used
    closeSync(fd);
    await expect(loadReceiptFile(file)).rejects.toThrow(/huge\.tsproof\.json: a receipt of 536,870,913 bytes is beyond the limit of 512 MiB/);
  });

  it('refuses a registration asking more TSAs than one receipt may hold', async () => {
    const tsas = Array.from({ length: LIMITS.timestamps + 1 }, (_, i) => ({ url: `http://127.0.0.1:9/${i}` }));
    const { files } = await collectFiles(['.'], dir);
    await expect(register({ files, algorithms: ['sha256'], identity: alice(), tsas, anchors: [], now: () => new Date(), random: (n) => randomBytes(n) })).rejects.toThrow(/17 TSAs, beyond the limit of 16 timestamps per receipt/);
  });

  it('refuses, writing nothing, when TSAs answer tokens that together make the signature larger than a receipt may hold (exit 3)', async () => {
    // Five valid answers of ~1,000,000 bytes each (an unread attribute): each within the limit, together over 4 MiB.
    const big = await Promise.all(
      Array.from({ length: 5 }, () =>
        serve((_req, body, res) => {
          const req = parseTimeStampReq(body);
          const p = party('tsa-ec');
          const padding = der.sequence(der.oid('1.2.3.4.5'), der.setOf(der.octetString(new Uint8Array(1_000_000))));
          const answer = grantedResponse(forgeToken({ cert: p.cert, key: p.key, imprintAlgorithm: 'sha256', imprint: req.imprint, ...(req.nonce !== undefined ? { nonce: req.nonce } : {}), unsignedAttributes: [padding] }));
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(answer);
        }),
      ),
    );
    try {
      const { files } = await collectFiles(['.'], dir);
      await expect(register({ files, algorithms: ['sha256'], identity: alice(), tsas: big.map((b) => ({ url: b.url })), anchors: [party('root-ca').cert], now: () => new Date(), random: (n) => randomBytes(n) })).rejects.toSatisfy(
        (e: unknown) => e instanceof TsaError && e.code === 'TSA_RESPONSE_TOO_LARGE' && /the TSAs' tokens make the signature \d+ bytes long, beyond the 4194304-byte limit of a receipt/.test(e.message),
      );
    } finally {
      await Promise.all(big.map((b) => b.close()));
    }
  });

  it('refuses a registration of more files than one receipt may hold, before hashing', async () => {
    const files = new Array(LIMITS.receiptEntries + 1);
    await expect(register({ files, algorithms: ['sha256'], identity: alice(), tsas: [{ url: tsa.url }], anchors: [], now: () => new Date(), random: (n) => randomBytes(n) })).rejects.toThrow(
      /2000001 files in one registration, beyond the limit of 2000000 per receipt/,
    );
  });
});

describe('settings files', () => {
  it('refuses a config.json or tsa.json over 1 MiB from its size, before reading it (fuzz finding)', async () => {
    const { loadConfig } = await import('../../src/core/home.js');
    const { loadTsaConfig } = await import('../../src/core/tsa/config.js');
    const home = mkdtempSync(path.join(os.tmpdir(), 'tsproof-config-limit-'));
    try {
      writeFileSync(path.join(home, 'config.json'), JSON.stringify({ defaultIdentity: 'a'.repeat(LIMITS.configBytes) }));
      writeFileSync(path.join(home, 'tsa.json'), '['.repeat(LIMITS.configBytes + 1));
      await expect(loadConfig(home)).rejects.toThrow(LimitError);
      await expect(loadConfig(home)).rejects.toThrow(/config\.json: a JSON settings file of 1,048,598 bytes is beyond the limit of 1 MiB/);
      await expect(loadTsaConfig(home)).rejects.toThrow(LimitError);
      writeFileSync(path.join(home, 'config.json'), JSON.stringify({ defaultIdentity: 'alice' }));
      await expect(loadConfig(home)).resolves.toEqual({ defaultIdentity: 'alice' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
