/**
 * Private keys: loading what users have (PEM/DER PKCS#8, encrypted PKCS#8, traditional
 * encrypted PEM) and keeping them encrypted at rest (scrypt + AES-256-GCM envelope).
 * Passphrases are parameters only; they never appear in errors.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { bytesEqual } from '../bytes.js';
import { InputError } from '../errors.js';
import { pemBlocks, toPem, type Certificate } from './certificate.js';
import { decryptPrivateKeyInfo, encryptPrivateKeyInfo } from './pbe.js';
import { t } from '../text.js';

/**
 * Loads a private key from PEM or DER bytes: PKCS#8 (plain or encrypted with any scheme in
 * pbe.ts, SEED included), PKCS#1/SEC1, and traditional `Proc-Type: 4,ENCRYPTED` PEM.
 * `what` names the source in errors.
 */
export async function loadPrivateKey(bytes: Uint8Array, passphrase: string | undefined, what: string): Promise<KeyObject> {
  const text = Buffer.from(bytes).toString('latin1');
  const isPem = text.includes('-----BEGIN');
  const pkcs8Encrypted = isPem ? pemBlocks(text, 'ENCRYPTED PRIVATE KEY')[0] : looksEncryptedPkcs8(bytes) ? bytes : undefined;
  const encrypted = !!pkcs8Encrypted || (isPem && /Proc-Type:\s*4,ENCRYPTED/.test(text));
  if (encrypted && passphrase === undefined) {
    throw new InputError({ code: 'NO_PASSPHRASE', message: t`${what}: the key is encrypted; give its passphrase via TSPROOF_PASSPHRASE, --passphrase-file or the prompt` });
  }
  if (pkcs8Encrypted) return decodePrivateKeyInfo(await decryptPrivateKeyInfo(pkcs8Encrypted, passphrase!, what), what);
  try {
    if (isPem) return createPrivateKey(passphrase === undefined ? { key: text, format: 'pem' } : { key: text, format: 'pem', passphrase });
    return createPrivateKey({ key: Buffer.from(bytes), format: 'der', type: 'pkcs8' });
  } catch (err) {
    if (encrypted) throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: cannot decrypt the key (wrong passphrase?)`, cause: scrub(err) });
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: not a private key tsproof can read (PEM or DER PKCS#8, PKCS#1, SEC1)`, cause: scrub(err) });
  }
}

/**
 * A KeyObject from PKCS#8 PrivateKeyInfo DER that decrypted correctly but may still not be a
 * key (a hostile or corrupt file): MALFORMED_KEY, exit 2.
 */
export function decodePrivateKeyInfo(pkcs8: Uint8Array, what: string): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the decrypted private key does not decode`, cause: scrub(err) });
  }
}

/** EncryptedPrivateKeyInfo starts SEQUENCE { SEQUENCE { OID ... } ...}; PrivateKeyInfo starts with INTEGER 0. */
function looksEncryptedPkcs8(b: Uint8Array): boolean {
  // Skip outer SEQUENCE header.
  let p = 1;
  const l = b[p++] ?? 0;
  if (l & 0x80) p += l & 0x7f;
  return b[p] === 0x30;
}

/** OpenSSL errors can echo input; keep only the error code. */
function scrub(err: unknown): Error {
  return new Error((err as { code?: string }).code ?? 'key error');
}

export function publicKeyOf(key: KeyObject): KeyObject {
  return createPublicKey(key);
}

/** True when the private key belongs to the certificate (same SubjectPublicKeyInfo). */
export function keyMatchesCertificate(key: KeyObject, cert: Certificate): boolean {
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  return bytesEqual(spki, cert.spki);
}

export function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') return `ECDSA ${d?.namedCurve === 'prime256v1' ? 'P-256' : d?.namedCurve === 'secp384r1' ? 'P-384' : (d?.namedCurve ?? '')}`.trim();
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d?.modulusLength}`;
  return key.asymmetricKeyType ?? 'unknown';
}

/**
 * scrypt cost for keys at rest: N=2^14, r=8, p=5 — one of OWASP's minimum-strength
 * equivalents (with N=2^17/p=1, N=2^15/p=3, …) and the one that fits OpenSSL's default 32 MiB
 * scrypt memory limit, so `openssl pkey` opens tsproof's keys without extra flags.
 */
export const SCRYPT_PARAMS = { N: 1 << 14, r: 8, p: 5 } as const;

/**
 * A private key encrypted for storage: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with scrypt and
 * AES-256-CBC, as PEM — standard, so `openssl pkey -in key.pem` reads it too.
 */
export async function encryptKeyForStorage(key: KeyObject, passphrase: string): Promise<string> {
  if (!passphrase) throw new InputError({ code: 'NO_PASSPHRASE', message: t`an empty passphrase cannot protect a stored key` });
  const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  return toPem('ENCRYPTED PRIVATE KEY', await encryptPrivateKeyInfo(pkcs8, passphrase, { kind: 'pbes2-scrypt', ...SCRYPT_PARAMS }));
}
