/**
 * Bounded work for credential files (issue 11): every iteration count and scrypt cost a
 * PKCS#12, PKCS#8 key, NPKI signPri.key or stored key.pem asks for is checked against the
 * limits in kdf.ts before the work starts — refused at once (LIMIT_EXCEEDED or MALFORMED_KEY,
 * exit 2), never a hang, an out-of-memory abort or a Node exception (exit 70). And a key that
 * decrypts but does not decode is MALFORMED_KEY, wherever it comes from.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { der } from '../../src/core/asn1/der.js';
import { InputError } from '../../src/core/errors.js';
import { toPem } from '../../src/core/pki/certificate.js';
import { KdfBudget, KDF_LIMITS } from '../../src/core/pki/kdf.js';
import { keyMatchesCertificate, loadPrivateKey } from '../../src/core/pki/keys.js';
import { readNpkiFolder } from '../../src/core/pki/npki.js';
import { bmpPassword, encryptPrivateKeyInfo, PBE_OID, pbeEncrypt } from '../../src/core/pki/pbe.js';
import { pkcs12Parts, readPkcs12 } from '../../src/core/pki/pkcs12.js';
import { encryptedPrivateKeyInfo, pbes2Alg, pbes2Encrypt, pbkdf2Alg, scryptAlg, undecodablePrivateKeyInfo, unverifiableMacData } from '../helpers/credentials.js';
import { PKI, party } from '../helpers/fixtures.js';

const PW = 'limits-pw';
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-limits-'));
const fails = (code: string, message: RegExp) => (e: unknown) => e instanceof InputError && e.code === code && message.test(e.message);
const alice = () => party('holder-alice');
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof InputError ? e.code : 'not an InputError';
  }
  return undefined;
}
const pkcs8 = () => new Uint8Array(alice().key.export({ type: 'pkcs8', format: 'der' }));
/** A PFX holding alice's certificate and `keyBag`, with a correct MAC unless `mac` replaces it. */
function pfx(keyBag: Uint8Array, o: { mac?: Uint8Array | null; safes?: Uint8Array[] } = {}): Uint8Array {
  const authSafe = der.sequence(...(o.safes ?? []), pkcs12Parts.data(der.sequence(keyBag, pkcs12Parts.certBag(alice().cert))));
  return pkcs12Parts.pfx(authSafe, o.mac === null ? undefined : (o.mac ?? pkcs12Parts.macData(authSafe, bmpPassword(PW))));
}
async function expectAliceIn(p12: Uint8Array) {
  const { key, chain } = await readPkcs12(p12, PW, 'f');
  expect(chain[0]!.equals(alice().cert)).toBe(true);
  expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
}
const legacyPbe = (iterations: bigint | number) => der.sequence(der.oid(PBE_OID.pbeSha1Des3), der.sequence(der.octetString(randomBytes(8)), der.integer(iterations)));

describe('the key-derivation budget', () => {
  it('adds up every derivation of a file, counting each hash-sized block', () => {
    const b = new KdfBudget('f');
    expect(b.charge(5_000_000n, 1, 'PBKDF2')).toBe(5_000_000);
    expect(() => b.charge(600_000n, 2, 'PKCS#12 PBE')).toThrow(/f: PKCS#12 PBE asks for 600000 iterations; tsproof allows at most 6,000,000 hash iterations per file/);
    expect(b.charge(1_000_000n, 1, 'PKCS#12 MAC')).toBe(1_000_000);
    expect(codeOf(() => b.charge(1n, 1, 'x'))).toBe('LIMIT_EXCEEDED');
    expect(() => new KdfBudget('f').charge(0n, 1, 'PBKDF2')).toThrow(/f: the PBKDF2 iteration count 0 is not positive/);
    expect(codeOf(() => new KdfBudget('f').charge(-1n, 1, 'PBKDF2'))).toBe('MALFORMED_KEY');
    expect(KDF_LIMITS).toEqual({ iterations: 6_000_000, scryptMemory: 64 << 20, scryptWork: 256 << 20, minimumCharge: 1_500, slowChainFactor: 4 });
  });
});

describe('PKCS#12: iteration counts beyond the limit are refused before any work', () => {
  const key = async () => pkcs12Parts.shroudedKeyBag(await encryptPrivateKeyInfo(pkcs8(), PW, { kind: 'pbes2-pbkdf2', iterations: 2048, prf: 'sha256', cipher: 'aes-256-cbc' }));

  it('a MAC of 10,000,000 iterations (15 s before "wrong passphrase" until now), 2^31−1, or 2^80', async () => {
    const bag = await key();
    for (const [n, shown] of [
      [10_000_000n, '10000000'],
      [2n ** 31n - 1n, '2147483647'],
      [2n ** 80n, 'more than 2\\^64'],
    ] as const) {
      const authSafe = der.sequence(pkcs12Parts.data(der.sequence(bag)));
      await expect(readPkcs12(pkcs12Parts.pfx(authSafe, unverifiableMacData(n)), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', new RegExp(`f: PKCS#12 MAC asks for ${shown} iterations`)));
    }
  });

  it('a MAC with SHA-512 counts four times (its hash chain runs through node:crypto): 1,500,001 iterations are too many, with SHA-256 not', async () => {
    const authSafe = der.sequence(pkcs12Parts.data(der.sequence(await key())));
    await expect(readPkcs12(pkcs12Parts.pfx(authSafe, unverifiableMacData(1_500_001, 'sha512')), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PKCS#12 MAC asks for 1500001 iterations/));
    await expect(readPkcs12(pkcs12Parts.pfx(authSafe, unverifiableMacData(1_500_001, 'sha256')), PW, 'f')).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /integrity check fails/));
  });

  it('a MAC iteration count of 0 or −5 is malformed', async () => {
    const authSafe = der.sequence(pkcs12Parts.data(der.sequence(await key())));
    for (const n of [0, -5]) await expect(readPkcs12(pkcs12Parts.pfx(authSafe, unverifiableMacData(n)), PW, 'f')).rejects.toSatisfy(fails('MALFORMED_KEY', /the PKCS#12 MAC iteration count -?\d+ is not positive/));
  });

  it('certificates encrypted with 2^31−1 iterations (PKCS#12 PBE), behind a correct MAC', async () => {
    const certs = pkcs12Parts.encryptedData(legacyPbe(2n ** 31n - 1n), randomBytes(64));
    await expect(readPkcs12(pfx(await key(), { safes: [certs] }), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PKCS#12 PBE asks for 2147483647 iterations/));
  });

  it('a shrouded key with PBKDF2 at 2^31−1 iterations, and one without a MAC', async () => {
    const bag = pkcs12Parts.shroudedKeyBag(encryptedPrivateKeyInfo(pbes2Alg(pbkdf2Alg({ iterations: 2n ** 31n - 1n }))));
    await expect(readPkcs12(pfx(bag), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PBKDF2 asks for 2147483647 iterations/));
    await expect(readPkcs12(pfx(bag, { mac: null }), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PBKDF2 asks for 2147483647 iterations/));
  });

  it('no more than 4,000 derivations per file, however few iterations each asks for', async () => {
    const empty = await pbeEncrypt({ kind: 'pbes2-pbkdf2', iterations: 1, prf: 'sha256', cipher: 'aes-256-cbc' }, der.sequence(), PW);
    const many = Array.from({ length: 4_000 }, () => pkcs12Parts.encryptedData(empty.algorithm, empty.data));
    await expect(readPkcs12(pfx(await key(), { safes: many }), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /f: PBKDF2 asks for 1 iterations; tsproof allows at most 6,000,000 hash iterations per file/));
    // Each counts 1,500; with the MAC's and the key's 2,048 each, 3,997 fit.
    await expectAliceIn(pfx(await key(), { safes: many.slice(0, 3_997) }));
    await expect(readPkcs12(pfx(await key(), { safes: many.slice(0, 3_998) }), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /asks for 2048 iterations/));
  });

  it('scrypt work adds up over a file: two derivations of 192 MiB each are too much', async () => {
    const scheme = { kind: 'pbes2-scrypt', N: 1 << 16, r: 8, p: 3 } as const;
    const keyBag = pkcs12Parts.shroudedKeyBag(await encryptPrivateKeyInfo(pkcs8(), PW, scheme));
    const certs = await pbeEncrypt(scheme, der.sequence(pkcs12Parts.certBag(party('holder-ca').cert)), PW);
    await expect(readPkcs12(pfx(keyBag, { safes: [pkcs12Parts.encryptedData(certs.algorithm, certs.data)] }), PW, 'f')).rejects.toSatisfy(
      fails('LIMIT_EXCEEDED', /scrypt with N=65536, r=8, p=3 is more work than tsproof allows \(128·N·r·p at most 256 MiB per file\)/),
    );
  });

  it('an iteration count written as a 100,000-byte INTEGER is refused without reading it as a number', async () => {
    const huge = der.integerRaw(Uint8Array.from([1, ...new Uint8Array(100_000)]));
    const negative = der.integerRaw(Uint8Array.from([0x80, ...new Uint8Array(100_000)]));
    const withCount = (count: Uint8Array) => pkcs12Parts.shroudedKeyBag(encryptedPrivateKeyInfo(pbes2Alg(der.sequence(der.oid(PBE_OID.pbkdf2), der.sequence(der.octetString(randomBytes(8)), count)))));
    await expect(readPkcs12(pfx(withCount(huge)), PW, 'f')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PBKDF2 asks for more than 2\^64 iterations/));
    await expect(readPkcs12(pfx(withCount(negative)), PW, 'f')).rejects.toSatisfy(fails('MALFORMED_KEY', /the PBKDF2 iteration count less than -2\^64 is not positive/));
  });

  it('a second key is refused before it is decrypted', async () => {
    const hostile = pkcs12Parts.shroudedKeyBag(encryptedPrivateKeyInfo(pbes2Alg(pbkdf2Alg({ iterations: 2n ** 31n - 1n }))));
    const authSafe = der.sequence(pkcs12Parts.data(der.sequence(await key(), hostile, pkcs12Parts.certBag(alice().cert))));
    await expect(readPkcs12(pkcs12Parts.pfx(authSafe, pkcs12Parts.macData(authSafe, bmpPassword(PW))), PW, 'f')).rejects.toSatisfy(fails('MALFORMED_KEY', /holds more than one private key/));
  });
});

describe('PKCS#8 keys', () => {
  it('PBKDF2 up to the limit is read (6,000,000 iterations, one block); one more is refused at once', async () => {
    const atLimit = pbes2Encrypt(pkcs8(), PW, KDF_LIMITS.iterations);
    const key = await loadPrivateKey(atLimit, PW, 'k');
    expect(keyMatchesCertificate(key, alice().cert)).toBe(true);
    await expect(loadPrivateKey(encryptedPrivateKeyInfo(pbes2Alg(pbkdf2Alg({ iterations: KDF_LIMITS.iterations + 1 }))), PW, 'k')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /k: PBKDF2 asks for 6000001 iterations/));
    // PBKDF2-HMAC-SHA1 for AES-256 needs two 20-byte blocks: 3,000,001 iterations are 6,000,002.
    await expect(loadPrivateKey(encryptedPrivateKeyInfo(pbes2Alg(pbkdf2Alg({ iterations: 3_000_001, prf: '1.2.840.113549.2.7' }))), PW, 'k')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /asks for 3000001 iterations/));
  });

  it('scrypt as OpenSSL writes it (N=2^14, r=8, p=1) and at the limits (64 MiB, 256 MiB of work) is read', async () => {
    writeFileSync(path.join(dir, 'pw'), PW);
    const openssl = execFileSync('openssl', ['pkcs8', '-topk8', '-scrypt', '-in', path.join(PKI, 'holder-alice.key'), '-passout', `file:${path.join(dir, 'pw')}`]);
    expect(keyMatchesCertificate(await loadPrivateKey(openssl, PW, 'k'), alice().cert)).toBe(true);
    const atLimit = await encryptPrivateKeyInfo(pkcs8(), PW, { kind: 'pbes2-scrypt', N: 1 << 16, r: 8, p: 4 });
    expect(keyMatchesCertificate(await loadPrivateKey(atLimit, PW, 'k'), alice().cert)).toBe(true);
  });

  const scrypt = (o: Parameters<typeof scryptAlg>[0]) => loadPrivateKey(encryptedPrivateKeyInfo(pbes2Alg(scryptAlg(o))), PW, 'k');
  it('scrypt beyond the limits: N=2^20 (1 GiB), N=2^22 r=32, or too much work (p)', async () => {
    await expect(scrypt({ N: 1 << 20, r: 8, p: 1 })).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /k: scrypt with N=1048576, r=8 needs 1024 MiB of memory; tsproof allows at most 64 MiB/));
    await expect(scrypt({ N: 1 << 22, r: 32, p: 16 })).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /needs 16384 MiB of memory/));
    await expect(scrypt({ N: 1 << 16, r: 8, p: 5 })).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /k: scrypt with N=65536, r=8, p=5 is more work than tsproof allows/));
    await expect(scrypt({ N: 1 << 14, r: 8, p: 2n ** 40n })).rejects.toSatisfy(fails('MALFORMED_KEY', /out of range/));
    // r = 2^29 passes RFC 7914's r·p < 2^30; its N < 2^(16·r) check must not build a 2^33-bit number.
    await expect(scrypt({ N: 1024, r: 2n ** 29n, p: 1 })).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /needs 67108864 MiB of memory/));
  });

  it('scrypt parameters that are not a power of two, negative, zero, or outside RFC 7914 are malformed (a Node exception until now)', async () => {
    for (const N of [3, 0, 1, -1, -16384, 16385]) await expect(scrypt({ N, r: 8, p: 1 })).rejects.toSatisfy(fails('MALFORMED_KEY', new RegExp(`scrypt cost N=${N} is not a power of two greater than 1`)));
    await expect(scrypt({ N: 1024, r: 0, p: 1 })).rejects.toSatisfy(fails('MALFORMED_KEY', /scrypt parameters N=1024, r=0, p=1 are out of range/));
    await expect(scrypt({ N: 1024, r: 8, p: -1 })).rejects.toSatisfy(fails('MALFORMED_KEY', /out of range/));
    // RFC 7914 §2: N < 2^(128·r/8); with r=1, N=65536 is too large.
    await expect(scrypt({ N: 65536, r: 1, p: 1 })).rejects.toSatisfy(fails('MALFORMED_KEY', /scrypt parameters N=65536, r=1, p=1 are out of range/));
    await expect(scrypt({ N: 1024, r: 8, p: 1, keyLength: 16 })).rejects.toSatisfy(fails('MALFORMED_KEY', /scrypt key length does not fit the cipher's 32 bytes/));
  });

  it('a key that decrypts but does not decode is MALFORMED_KEY (a Node exception until now), DER and PEM', async () => {
    const bad = pbes2Encrypt(undecodablePrivateKeyInfo(), PW);
    await expect(loadPrivateKey(bad, PW, 'k')).rejects.toSatisfy(fails('MALFORMED_KEY', /k: the decrypted private key does not decode/));
    await expect(loadPrivateKey(Buffer.from(toPem('ENCRYPTED PRIVATE KEY', bad)), PW, 'k')).rejects.toSatisfy(fails('MALFORMED_KEY', /does not decode/));
    await expect(loadPrivateKey(bad, 'not it', 'k')).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /wrong passphrase/));
  });
});

describe('PKCS#12 and NPKI keys that do not decode', () => {
  it('in a PKCS#12: shrouded, or in a plain keyBag', async () => {
    const shrouded = pkcs12Parts.shroudedKeyBag(pbes2Encrypt(undecodablePrivateKeyInfo(), PW));
    await expect(readPkcs12(pfx(shrouded), PW, 'f.p12')).rejects.toSatisfy(fails('MALFORMED_KEY', /f\.p12: the decrypted private key does not decode/));
    const plain = der.sequence(der.oid('1.2.840.113549.1.12.10.1.1'), der.explicit(0, undecodablePrivateKeyInfo()));
    await expect(readPkcs12(pfx(plain), PW, 'f.p12')).rejects.toSatisfy(fails('MALFORMED_KEY', /does not decode/));
  });

  function npki(name: string, signPri: Uint8Array): string {
    const folder = path.join(dir, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'signCert.der'), alice().cert.der);
    writeFileSync(path.join(folder, 'signPri.key'), signPri);
    return folder;
  }
  const seedCbcWithSha1 = (iterations: bigint | number) => der.sequence(der.oid(PBE_OID.seedCbcWithSha1), der.sequence(der.octetString(randomBytes(8)), der.integer(iterations)));

  it('an NPKI signPri.key whose key does not decode (seedCBCWithSHA1)', async () => {
    const folder = npki('npki-bad', await encryptPrivateKeyInfo(undecodablePrivateKeyInfo(), '한글 암호', { kind: 'seed-cbc-sha1', iterations: 2048 }));
    await expect(readNpkiFolder(folder, '한글 암호')).rejects.toSatisfy(fails('MALFORMED_KEY', /signPri\.key: the decrypted private key does not decode/));
  });

  it('an NPKI signPri.key asking for 2^31−1 PBKDF1 iterations (a hang until now), or PBKDF2 ones', async () => {
    await expect(readNpkiFolder(npki('npki-pbkdf1', encryptedPrivateKeyInfo(seedCbcWithSha1(2n ** 31n - 1n))), 'x')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /signPri\.key: PBKDF1 asks for 2147483647 iterations/));
    const pbes2Seed = der.sequence(der.oid(PBE_OID.pbes2), der.sequence(pbkdf2Alg({ iterations: 2n ** 31n - 1n }), der.sequence(der.oid(PBE_OID.seedCbc), der.octetString(randomBytes(16)))));
    await expect(readNpkiFolder(npki('npki-pbkdf2', encryptedPrivateKeyInfo(pbes2Seed)), 'x')).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PBKDF2 asks for 2147483647 iterations/));
  });

  it('the real NPKI forms at their usual 2048 iterations still open (fixtures)', async () => {
    const folder = path.join(PKI, '..', 'npki', 'seed-cbc-sha1');
    const { key, chain } = await readNpkiFolder(folder, readFileSync(path.join(PKI, 'passphrase-korean.txt'), 'utf8').trim());
    expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
  });
});
