/**
 * PKCS#12 as other projects write it (issue 11): Java's and Bouncy Castle's (written here by a
 * small Java program), OpenSSL's with an empty password, RC2-CBC under PBES2 and 600,000
 * iterations; PBMAC1 with RFC 9579's own test files and each of its bad forms; SafeContents
 * followed by stray bytes. OpenSSL is the oracle for every form it reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { der } from '../../src/core/asn1/der.js';
import { InputError } from '../../src/core/errors.js';
import { keyMatchesCertificate } from '../../src/core/pki/keys.js';
import { bmpPassword, encryptPrivateKeyInfo, pbeEncrypt } from '../../src/core/pki/pbe.js';
import { pkcs12Parts, readPkcs12 } from '../../src/core/pki/pkcs12.js';
import { javaPkcs12, pbkdf2Alg, pbmac1MacData, pfxParts } from '../helpers/credentials.js';
import { PKI, party } from '../helpers/fixtures.js';
import { RFC9579_A1, RFC9579_A3, RFC9579_A4, RFC9579_A5, RFC9579_A6, RFC9579_PASSWORD } from '../vectors/rfc9579.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-p12-forms-'));
const PW = 'pass word 1';
const alice = () => party('holder-alice');
const file = (f: string) => readFileSync(path.join(dir, f));
const fails = (code: string, message: RegExp) => (e: unknown) => e instanceof InputError && e.code === code && message.test(e.message);

/** OpenSSL (the oracle) opens the file with the password and finds the key and both certificates. */
function opensslReads(f: string, password: string): boolean {
  const r = spawnSync('openssl', ['pkcs12', '-legacy', '-in', path.join(dir, f), '-nodes', '-passin', `pass:${password}`], { encoding: 'utf8' });
  return r.status === 0 && /BEGIN PRIVATE KEY/.test(r.stdout) && r.stdout.match(/BEGIN CERTIFICATE/g)?.length === 2;
}

async function expectAlice(bytes: Uint8Array, password: string, what: string) {
  const { key, chain } = await readPkcs12(bytes, password, what);
  expect(chain[0]!.equals(alice().cert)).toBe(true);
  expect(chain).toHaveLength(2);
  expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
}

const openssl = (args: string[]) => execFileSync('openssl', ['pkcs12', '-export', '-in', path.join(PKI, 'holder-alice-chain.pem'), '-inkey', path.join(PKI, 'holder-alice.key'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

beforeAll(() => {
  openssl(['-out', 'openssl-empty.p12', '-passout', 'pass:']);
  openssl(['-legacy', '-out', 'openssl-legacy-empty.p12', '-passout', 'pass:']);
  openssl(['-legacy', '-certpbe', 'RC2-CBC', '-keypbe', 'RC2-CBC', '-out', 'openssl-pbes2-rc2.p12', '-passout', `pass:${PW}`]);
  openssl(['-legacy', '-certpbe', 'RC2-40-CBC', '-keypbe', 'RC2-64-CBC', '-out', 'openssl-pbes2-rc2-40-64.p12', '-passout', `pass:${PW}`]);
  openssl(['-iter', '600000', '-out', 'openssl-600k.p12', '-passout', `pass:${PW}`]);
  openssl(['-legacy', '-iter', '600000', '-out', 'openssl-legacy-600k.p12', '-passout', `pass:${PW}`]);
  javaPkcs12(dir, [
    { mode: 'jdk', out: 'jdk-empty.p12', password: '' },
    { mode: 'jdk-legacy', out: 'jdk-legacy-empty.p12', password: '' },
    { mode: 'jdk-legacy', out: 'jdk-legacy.p12', password: PW },
    { mode: 'bc-keystore', out: 'bc-keystore.p12', password: PW },
    { mode: 'bc-legacy', out: 'bc-legacy-empty.p12', password: '' },
    { mode: 'bc-legacy', out: 'bc-legacy.p12', password: PW, iterations: 51_200 },
    { mode: 'bc-pbmac1', out: 'bc-pbmac1-sha256.p12', password: PW },
    { mode: 'bc-pbmac1', out: 'bc-pbmac1-sha512.p12', password: PW, hmac: 'HmacSHA512', prf: 'SHA512' },
    { mode: 'bc-pbmac1', out: 'bc-pbmac1-sha256-prf-sha512.p12', password: PW, prf: 'SHA512' },
    { mode: 'bc-pbmac1-as-is', out: 'bc-pbmac1-as-is.p12', password: PW },
  ]);
}, 120_000);

describe('PKCS#12 from other writers (issue 11)', () => {
  const cases: [string, string, string, boolean][] = [
    // [what, file, password, does OpenSSL 3.0 read it]
    ['OpenSSL 3, empty password', 'openssl-empty.p12', '', true],
    ['OpenSSL -legacy, empty password', 'openssl-legacy-empty.p12', '', true],
    ['OpenSSL, RC2-CBC (128-bit) under PBES2', 'openssl-pbes2-rc2.p12', PW, true],
    ['OpenSSL, RC2-40 and RC2-64 under PBES2', 'openssl-pbes2-rc2-40-64.p12', PW, true],
    ['OpenSSL, 600,000 iterations (PBKDF2 and MAC)', 'openssl-600k.p12', PW, true],
    ['OpenSSL -legacy, 600,000 iterations (3DES, RC2-40, SHA-1 MAC: Bouncy Castle 1.86’s count)', 'openssl-legacy-600k.p12', PW, true],
    ['Java KeyStore, empty password', 'jdk-empty.p12', '', true],
    ['Java KeyStore, legacy form (50,000/100,000 iterations), empty password', 'jdk-legacy-empty.p12', '', true],
    ['Java KeyStore, legacy form', 'jdk-legacy.p12', PW, true],
    ['Bouncy Castle, empty password as zero bytes (3DES key, RC2-40 certificates, SHA-1 MAC)', 'bc-legacy-empty.p12', '', true],
    ['Bouncy Castle KeyStore defaults (3DES, RC2-40 at 51,200 iterations; SHA-1 MAC at 102,400)', 'bc-keystore.p12', PW, true],
    ['Bouncy Castle PfxPduBuilder, 51,200 iterations', 'bc-legacy.p12', PW, true],
    ['Bouncy Castle, PBMAC1 HMAC-SHA-256 with PBKDF2-HMAC-SHA-256', 'bc-pbmac1-sha256.p12', PW, false],
    ['Bouncy Castle, PBMAC1 HMAC-SHA-512 with PBKDF2-HMAC-SHA-512', 'bc-pbmac1-sha512.p12', PW, false],
    ['Bouncy Castle, PBMAC1 HMAC-SHA-256 with PBKDF2-HMAC-SHA-512', 'bc-pbmac1-sha256-prf-sha512.p12', PW, false],
  ];
  for (const [what, f, pw, oracle] of cases) {
    it(`${what}: key and chain, and a wrong password is refused as such`, async () => {
      if (oracle) expect(opensslReads(f, pw)).toBe(true);
      await expectAlice(file(f), pw, f);
      await expect(readPkcs12(file(f), `${pw}x`, f)).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /wrong passphrase/));
    });
  }

  it('an empty password is not the same as another one: the empty-password files refuse a non-empty one, and vice versa', async () => {
    await expect(readPkcs12(file('bc-legacy-empty.p12'), ' ', 'f')).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /wrong passphrase/));
    await expect(readPkcs12(file('bc-legacy.p12'), '', 'f')).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /wrong passphrase/));
  });

  it('Bouncy Castle 1.72 labels its PBMAC1 key derivation PBES2 instead of PBKDF2: refused for that reason, as OpenSSL 3.4 refuses it', async () => {
    await expect(readPkcs12(file('bc-pbmac1-as-is.p12'), PW, 'f')).rejects.toSatisfy(fails('UNSUPPORTED_ALGORITHM', /PBMAC1 with key derivation 1\.2\.840\.113549\.1\.5\.13 is not supported \(RFC 9579 uses PBKDF2\)/));
  });
});

describe('PBMAC1 (RFC 9579)', () => {
  it('Appendix A.1 (HMAC-SHA-256) and A.3 (HMAC-SHA-512) open with "1234"', async () => {
    for (const [name, v] of [
      ['A.1', RFC9579_A1],
      ['A.3', RFC9579_A3],
    ] as const) {
      const { key, chain } = await readPkcs12(v, RFC9579_PASSWORD, name);
      expect(chain[0]!.subject).toBe('CN=tt, OU=rr, O=ee, L=ww, ST=qq, C=XX');
      expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
      await expect(readPkcs12(v, '12345', name)).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /integrity check fails/));
    }
  });

  it('A.4 (changed iteration count) and A.5 (changed salt) fail the integrity check with the right password', async () => {
    for (const [name, v] of [
      ['A.4', RFC9579_A4],
      ['A.5', RFC9579_A5],
    ] as const) {
      await expect(readPkcs12(v, RFC9579_PASSWORD, name)).rejects.toSatisfy(fails('WRONG_PASSPHRASE', /or the file was altered \(the PKCS#12 integrity check fails\)/));
    }
  });

  it('A.6 (no keyLength) is refused for the missing keyLength', async () => {
    await expect(readPkcs12(RFC9579_A6, RFC9579_PASSWORD, 'A.6')).rejects.toSatisfy(fails('MALFORMED_KEY', /A\.6: PBMAC1 without a PBKDF2 key length \(RFC 9579 requires one\)/));
  });

  describe('bad forms built on A.1, each with a MAC that is right for its flawed parameters', () => {
    const { authSafe } = pfxParts(RFC9579_A1);
    const withMac = (macData: Uint8Array) => pkcs12Parts.pfx(authSafe, macData);
    const read = (macData: Uint8Array) => readPkcs12(withMac(macData), RFC9579_PASSWORD, 'f');

    it('the same MAC rebuilt here is accepted (so each refusal below is for its one flaw)', async () => {
      const { key } = await read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 32 }));
      expect(key.asymmetricKeyType).toBe('rsa');
    });

    it('a truncated MAC', async () => {
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 32, macLength: 16 }))).rejects.toSatisfy(fails('MALFORMED_KEY', /the PKCS#12 MAC is 16 bytes, but HMAC-SHA256 gives 32/));
    });

    it('a key shorter than the HMAC output', async () => {
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 16 }))).rejects.toSatisfy(fails('MALFORMED_KEY', /the PBMAC1 key is 16 bytes, shorter than the HMAC-SHA256 output \(32\)/));
    });

    it('an iteration count of 0, -1, or one far beyond the limit', async () => {
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 32, iterations: 0 }))).rejects.toSatisfy(fails('MALFORMED_KEY', /the PBMAC1 iteration count 0 is not positive/));
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 32, iterations: -1 }))).rejects.toSatisfy(fails('MALFORMED_KEY', /the PBMAC1 iteration count -1 is not positive/));
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { keyLength: 32, iterations: 2 ** 31 - 1 }))).rejects.toSatisfy(fails('LIMIT_EXCEEDED', /PBMAC1 asks for 2147483647 iterations; tsproof allows at most 6,000,000/));
    });

    it('a salt from "another source" (PBKDF2-params salt CHOICE) is not supported', async () => {
      const kdf = der.sequence(der.oid('1.2.840.113549.1.5.12'), der.sequence(der.sequence(der.oid('1.2.3.4')), der.integer(2048), der.integer(32)));
      await expect(read(pbmac1MacData(authSafe, RFC9579_PASSWORD, { kdf }))).rejects.toSatisfy(fails('UNSUPPORTED_ALGORITHM', /PBKDF2 with a salt from another source is not supported/));
    });
  });
});

describe('SafeContents followed by stray bytes (OpenSSL reads them)', () => {
  /** A PFX whose key SafeContents (data) and certificate SafeContents (encrypted) both carry `stray` after them. */
  async function strayPfx(stray: Uint8Array): Promise<Uint8Array> {
    const a = alice();
    const scheme = { kind: 'pbes2-pbkdf2', iterations: 2048, prf: 'sha256', cipher: 'aes-256-cbc' } as const;
    const pkcs8 = new Uint8Array(a.key.export({ type: 'pkcs8', format: 'der' }));
    const keyContents = Buffer.concat([der.sequence(pkcs12Parts.shroudedKeyBag(await encryptPrivateKeyInfo(pkcs8, PW, scheme))), stray]);
    const certContents = Buffer.concat([der.sequence(pkcs12Parts.certBag(a.cert), pkcs12Parts.certBag(party('holder-ca').cert)), stray]);
    const certs = await pbeEncrypt(scheme, certContents, PW);
    const authSafe = der.sequence(pkcs12Parts.encryptedData(certs.algorithm, certs.data), pkcs12Parts.data(keyContents));
    return pkcs12Parts.pfx(authSafe, pkcs12Parts.macData(authSafe, bmpPassword(PW)));
  }

  for (const [what, stray] of [
    ['zero bytes', new Uint8Array(7)],
    ['random bytes', randomBytes(33)],
  ] as const) {
    it(what, async () => {
      writeFileSync(path.join(dir, 'stray.p12'), await strayPfx(stray));
      expect(opensslReads('stray.p12', PW)).toBe(true);
      await expectAlice(file('stray.p12'), PW, 'stray.p12');
    });
  }

  it('but the AuthenticatedSafe itself must be exact', async () => {
    const { authSafe } = pfxParts(await strayPfx(new Uint8Array(0)));
    const padded = Buffer.concat([authSafe, new Uint8Array(3)]);
    const pfx = pkcs12Parts.pfx(padded, pkcs12Parts.macData(padded, bmpPassword(PW)));
    await expect(readPkcs12(pfx, PW, 'f')).rejects.toSatisfy(fails('MALFORMED_KEY', /malformed PKCS#12 contents .*trailing byte/));
  });

  it('PBES2 with PBKDF2 and a stated keyLength that does not fit the cipher is refused', async () => {
    const a = alice();
    const pkcs8 = new Uint8Array(a.key.export({ type: 'pkcs8', format: 'der' }));
    const bad = der.sequence(
      der.sequence(der.oid('1.2.840.113549.1.5.13'), der.sequence(pbkdf2Alg({ iterations: 2048, keyLength: 16 }), der.sequence(der.oid('2.16.840.1.101.3.4.1.42'), der.octetString(randomBytes(16))))),
      der.octetString(randomBytes(pkcs8.length + 16 - (pkcs8.length % 16))),
    );
    const authSafe = der.sequence(pkcs12Parts.data(der.sequence(pkcs12Parts.shroudedKeyBag(bad), pkcs12Parts.certBag(a.cert))));
    const pfx = pkcs12Parts.pfx(authSafe, pkcs12Parts.macData(authSafe, bmpPassword(PW)));
    await expect(readPkcs12(pfx, PW, 'f')).rejects.toSatisfy(fails('MALFORMED_KEY', /the PBKDF2 key length 16 does not fit aes-256-cbc/));
  });
});
