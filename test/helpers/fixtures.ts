/** Loads the committed test PKI (fixtures/pki, see fixtures/README.md). */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates, type Certificate } from '../../src/core/pki/certificate.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKI = path.join(ROOT, 'fixtures', 'pki');
export const PASSPHRASE = 'test-passphrase';
/** The password of the fixtures made with a Korean one (fixtures/make-fixtures.ts). */
export const KOREAN_PASSWORD = '한글-비밀번호-7';
/** Every PKCS#12 of the fixture holder alice, with its password: OpenSSL's default, legacy RC2, Windows 3DES, a Korean password, keytool's, tsproof's own. */
export const ALICE_PKCS12: readonly (readonly [string, string])[] = [
  ['holder-alice.p12', PASSPHRASE],
  ['holder-alice-legacy.p12', PASSPHRASE],
  ['holder-alice-windows.p12', PASSPHRASE],
  ['holder-alice-korean-password.p12', KOREAN_PASSWORD],
  ['holder-alice-keytool.p12', PASSPHRASE],
  ['holder-alice-tsproof.p12', PASSPHRASE],
];
export const SHARED = path.resolve(ROOT, '..', 'shared');

export interface Party {
  cert: Certificate;
  key: KeyObject;
  pem: string;
}

const cache = new Map<string, Party>();
export function party(name: string): Party {
  let p = cache.get(name);
  if (!p) {
    const certPath = path.join(PKI, `${name}.pem`);
    p = {
      cert: parseCertificates(readFileSync(certPath), certPath)[0]!,
      key: createPrivateKey(readFileSync(path.join(PKI, `${name}.key`))),
      pem: certPath,
    };
    cache.set(name, p);
  }
  return p;
}
