/**
 * Credentials as users hold them: the real Korean NPKI test certificate (../shared, run when
 * present), NPKI folders in both encodings, and every PKCS#12 flavour, read by our own code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { OID } from '../../src/core/asn1/oids.js';
import { buildCertificate } from '../../src/core/pki/build.js';
import { Certificate } from '../../src/core/pki/certificate.js';
import { keyMatchesCertificate } from '../../src/core/pki/keys.js';
import { decryptPrivateKeyInfo, bmpPassword } from '../../src/core/pki/pbe.js';
import { pkcs12Kdf } from '../../src/core/pki/kdf.js';
import { readNpkiFolder } from '../../src/core/pki/npki.js';
import { IdentityStore } from '../../src/core/identity/store.js';
import { readPkcs12, writePkcs12 } from '../../src/core/pki/pkcs12.js';
import { register } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { extractPieces } from '../../src/core/receipt/extract.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { ALICE_PKCS12, KOREAN_PASSWORD, PASSPHRASE, PKI, ROOT, SHARED, party } from '../helpers/fixtures.js';

const NPKI_SHARED = path.join(SHARED, 'interop', 'npki', 'pypinksign-yessign-test');
const shared = existsSync(NPKI_SHARED);
if (!shared) console.warn(`SKIPPED: real NPKI credential tests — ${NPKI_SHARED} not found (CI always has ../shared)`);
const KOREAN = KOREAN_PASSWORD;
const NPKI_FIX = path.join(ROOT, 'fixtures', 'npki');

describe.skipIf(!shared)('the real NPKI test credential (yessign test CA)', () => {
  const password = () => readFileSync(path.join(NPKI_SHARED, 'password.txt'), 'utf8').trim();

  it('signPri.key (seedCBCWithSHA1) decrypts to exactly the published plain key', async () => {
    const plain = await decryptPrivateKeyInfo(readFileSync(path.join(NPKI_SHARED, 'signPri.key')), password(), 'signPri.key');
    expect(Buffer.from(plain).equals(readFileSync(path.join(NPKI_SHARED, 'plainSignPri_withRandomNum_pkcs8.der')))).toBe(true);
  });

  it('a wrong password is WRONG_PASSPHRASE, never a bad key', async () => {
    for (const wrong of ['', 'WTuA8Ev0lWXVFSiI', 'x'.repeat(40), '한글']) {
      await expect(readNpkiFolder(NPKI_SHARED, wrong)).rejects.toSatisfy((e: unknown) => e instanceof InputError && e.code === 'WRONG_PASSPHRASE');
    }
  });

  it('signs and registers at its own time (it expired in 2020), and openssl cms -verify accepts the signature', async () => {
    const read = await readNpkiFolder(NPKI_SHARED, password());
    expect(read.chain[0]!.subject).toContain('HKD(KILDONG.HONG)');
    // Imported into the identity store (re-encrypted with scrypt) and unlocked again.
    const home = mkdtempSync(path.join(os.tmpdir(), 'tsproof-npki-home-'));
    const store = new IdentityStore(home);
    await store.save('yessign', read.key, read.chain, '저장 암호', 'npki', new Date('2020-03-01T00:00:00Z'));
    const { key, chain } = await store.unlock('yessign', '저장 암호');
    expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
    // A TSA whose certificates were valid in March 2020, answering at that time.
    const at = new Date('2020-03-01T09:00:00Z');
    const clock = () => at;
    const rootKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tsaKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const from = new Date('2019-01-01T00:00:00Z');
    const until = new Date('2030-01-01T00:00:00Z');
    const root = buildCertificate({ subject: [['CN', '2020 Root']], publicKey: rootKeys.publicKey, issuerKey: rootKeys.privateKey, serial: 1n, notBefore: from, notAfter: until, ca: true, keyUsage: ['keyCertSign'] });
    const tsaCert = buildCertificate({
      subject: [['CN', '2020 TSA']],
      publicKey: tsaKeys.publicKey,
      issuer: root,
      issuerKey: rootKeys.privateKey,
      serial: 2n,
      notBefore: from,
      notAfter: until,
      ca: false,
      keyUsage: ['digitalSignature'],
      extKeyUsage: [OID.timeStamping],
    });
    const server = createTsaServer(new LocalTimestampAuthority({ key: tsaKeys.privateKey, certificate: tsaCert, chain: [], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }));
    const { port } = await listen(server, '127.0.0.1', 0);
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-npki-'));
      writeFileSync(path.join(dir, '영업비밀.txt'), '영업비밀 원본');
      const { files } = await collectFiles(['영업비밀.txt'], dir);
      const reg = await register({ files, algorithms: ['sha256'], identity: { chain, key }, tsas: [{ url: `http://127.0.0.1:${port}/` }], anchors: [root], now: clock, random: (n) => randomBytes(n) });
      if (reg.kind !== 'registered') throw new Error('expected a registration');
      const v = verifyReceipt(reg.receipt, { anchors: [root], now: new Date('2020-03-02T00:00:00Z') });
      expect(v.checks.filter((c) => !c.ok)).toEqual([]);
      expect(v.holder!.subject).toContain('O=yessign');
      // Today the token and signature still verify: validity is judged at genTime (2020).
      expect(verifyReceipt(reg.receipt, { anchors: [root], now: new Date() }).ok).toBe(true);
      const p = extractPieces(reg.receipt);
      writeFileSync(path.join(dir, 'manifest.json'), p.manifest);
      writeFileSync(path.join(dir, 'sig.p7s'), p.signature);
      writeFileSync(path.join(dir, 'signCert.pem'), chain[0]!.toPEM());
      const r = spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.p7s', '-content', 'manifest.json', '-CAfile', 'signCert.pem', '-partial_chain', '-attime', String(Math.floor(at.getTime() / 1000)), '-purpose', 'any', '-out', '/dev/null'],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(r.stderr).toContain('Verification successful');
    } finally {
      server.close();
    }
  });
});

describe('NPKI folders in both encodings', () => {
  for (const form of ['seed-cbc-sha1', 'pbes2-seed', 'pbes2-seed-openssl']) {
    it(`${form}: opens with the Korean password and matches its certificate`, async () => {
      const { key, chain } = await readNpkiFolder(path.join(NPKI_FIX, form), KOREAN);
      expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
      expect(chain[0]!.subject).toBe('CN=김영희, O=테스트 주식회사, C=KR');
      await expect(readNpkiFolder(path.join(NPKI_FIX, form), '한글-비밀번호-8')).rejects.toThrow(/wrong passphrase/);
    });
  }

  it('OpenSSL decrypts the PBES2/SEED key tsproof wrote (legacy provider)', () => {
    const out = execFileSync(
      'openssl',
      ['pkey', '-inform', 'DER', '-in', path.join(NPKI_FIX, 'pbes2-seed', 'signPri.key'), '-passin', `file:${path.join(PKI, 'passphrase-korean.txt')}`, '-provider', 'legacy', '-provider', 'default', '-pubout'],
      { encoding: 'utf8' },
    );
    expect(out).toBe(execFileSync('openssl', ['pkey', '-in', path.join(PKI, 'holder-alice.key'), '-pubout'], { encoding: 'utf8' }));
  });
});

describe('PKCS#12 as it exists', () => {
  const variants = ALICE_PKCS12;
  for (const [file, pw] of variants) {
    it(`${file}: key, certificate and chain`, async () => {
      const { key, chain } = await readPkcs12(readFileSync(path.join(PKI, file)), pw, file);
      expect(chain[0]!.equals(party('holder-alice').cert)).toBe(true);
      expect(chain.some((c) => c.equals(party('holder-ca').cert))).toBe(true);
      expect(keyMatchesCertificate(key, chain[0]!)).toBe(true);
      await expect(readPkcs12(readFileSync(path.join(PKI, file)), `${pw}x`, file)).rejects.toSatisfy((e: unknown) => e instanceof InputError && e.code === 'WRONG_PASSPHRASE');
    });
  }

  it('a key pair keytool generated itself (EC, Korean subject)', async () => {
    const { key, chain } = await readPkcs12(readFileSync(path.join(PKI, 'keytool-generated.p12')), PASSPHRASE, 'keytool-generated.p12');
    expect(chain[0]!.subject).toBe('CN=자바 키툴, O=tsproof test, C=KR');
    expect(key.asymmetricKeyType).toBe('ec');
  });

  it('what tsproof writes, OpenSSL and Java keytool read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-p12-'));
    const f = path.join(dir, 'out.p12');
    writeFileSync(f, await writePkcs12(party('holder-alice').key, [party('holder-alice').cert, party('holder-ca').cert], KOREAN, '김영희'));
    writeFileSync(path.join(dir, 'pw'), KOREAN);
    const info = spawnSync('openssl', ['pkcs12', '-in', f, '-passin', `file:${path.join(dir, 'pw')}`, '-nodes', '-info'], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stderr).toMatch(/MAC: sha256/);
    expect(info.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(info.stdout).toMatch(/BEGIN PRIVATE KEY/);
    // keytool (JDK 17) cannot open non-ASCII-password PKCS#12 files, OpenSSL's included: check it with an ASCII one.
    const ascii = path.join(dir, 'ascii.p12');
    writeFileSync(ascii, await writePkcs12(party('holder-alice').key, [party('holder-alice').cert, party('holder-ca').cert], PASSPHRASE, 'alice'));
    const kt = spawnSync('keytool', ['-list', '-v', '-keystore', ascii, '-storetype', 'PKCS12', '-storepass', PASSPHRASE], { encoding: 'utf8' });
    expect(kt.stdout).toMatch(/Entry type: PrivateKeyEntry/);
    expect(kt.stdout).toMatch(/Certificate chain length: 2/);
  });

  it('the PKCS#12 KDF matches OpenSSL on a non-ASCII password (via the MAC OpenSSL computed)', async () => {
    // readPkcs12 above already verifies OpenSSL's MAC with our KDF; check the BMP encoding directly too.
    expect(Buffer.from(bmpPassword('한a')).toString('hex')).toBe('d55c00610000');
    expect(pkcs12Kdf('sha1', bmpPassword('x'), new Uint8Array(8), 1, 1, 24)).toHaveLength(24);
  });
});

describe('certificate checks at import', () => {
  it('Certificate parses the NPKI certificate’s critical policies and key usage', () => {
    if (!shared) return void expect(shared).toBe(false);
    const c = Certificate.fromDER(readFileSync(path.join(NPKI_SHARED, 'signCert.der')));
    expect([...c.keyUsage!]).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.policies).toEqual(['1.2.410.200005.1.1.4']);
    expect(c.issuer).toBe('CN=yessignCA-Test Class 4, OU=AccreditedCA, O=yessign, C=kr');
  });
});
