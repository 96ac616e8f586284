/**
 * Private keys: loading what users have (PEM/DER PKCS#8, encrypted PKCS#8, traditional
 * encrypted PEM) and keeping them encrypted at rest (scrypt + AES-256-GCM envelope).
 * Passphrases are parameters only; they never appear in errors.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, scrypt as scryptCb, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { bytesEqual } from '../bytes.js';
import { InputError } from '../errors.js';
import type { Certificate } from './certificate.js';

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** Loads a private key from PEM or DER bytes. `what` names the source in errors. */
export function loadPrivateKey(bytes: Uint8Array, passphrase: string | undefined, what: string): KeyObject {
  const text = Buffer.from(bytes).toString('latin1');
  const isPem = text.includes('-----BEGIN');
  const encrypted = isPem ? /ENCRYPTED/.test(text) : looksEncryptedPkcs8(bytes);
  if (encrypted && passphrase === undefined) {
    throw new InputError({ code: 'NO_PASSPHRASE', message: `${what}: the key is encrypted; give its passphrase via TSPROOF_PASSPHRASE, --passphrase-file or the prompt` });
  }
  try {
    if (isPem) return createPrivateKey(passphrase === undefined ? { key: text, format: 'pem' } : { key: text, format: 'pem', passphrase });
    const key = Buffer.from(bytes);
    return createPrivateKey(
      encrypted ? { key, format: 'der', type: 'pkcs8', passphrase: passphrase ?? '' } : { key, format: 'der', type: 'pkcs8' },
    );
  } catch (err) {
    if (encrypted) throw new InputError({ code: 'WRONG_PASSPHRASE', message: `${what}: cannot decrypt the key (wrong passphrase?)`, cause: scrub(err) });
    throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: not a private key tsproof can read (PEM or DER PKCS#8, PKCS#1, SEC1)`, cause: scrub(err) });
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

/** The encrypted key file format (docs/identity-store.md). */
export interface EncryptedKeyFile {
  format: 'tsproof.key';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  /** AES-256-GCM ciphertext of the PKCS#8 DER private key. */
  data: string;
}

/** scrypt cost: N=2^16, r=8 (64 MiB, ~0.2 s): well above OWASP's minimum for interactive unlocks. */
export const SCRYPT_PARAMS = { N: 1 << 16, r: 8, p: 1 } as const;

async function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + (1 << 20) });
}

export async function encryptPrivateKey(key: KeyObject, passphrase: string): Promise<EncryptedKeyFile> {
  if (!passphrase) throw new InputError({ code: 'NO_PASSPHRASE', message: 'an empty passphrase cannot protect a stored key' });
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const k = await deriveKey(passphrase, salt, SCRYPT_PARAMS);
  const c = createCipheriv('aes-256-gcm', k, iv);
  c.setAAD(Buffer.from('tsproof.key.v1'));
  const data = Buffer.concat([c.update(key.export({ type: 'pkcs8', format: 'der' })), c.final()]);
  return {
    format: 'tsproof.key',
    version: 1,
    kdf: { name: 'scrypt', ...SCRYPT_PARAMS, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

export async function decryptPrivateKey(file: EncryptedKeyFile, passphrase: string, what: string): Promise<KeyObject> {
  if (file?.format !== 'tsproof.key' || file.version !== 1 || file.kdf?.name !== 'scrypt' || file.cipher !== 'aes-256-gcm') {
    throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: not a tsproof key file` });
  }
  const { N, r, p } = file.kdf;
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 22 || r > 32 || p > 16) {
    throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: unreasonable key-derivation parameters` });
  }
  const k = await deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf);
  let pkcs8: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', k, Buffer.from(file.iv, 'base64'));
    d.setAAD(Buffer.from('tsproof.key.v1'));
    d.setAuthTag(Buffer.from(file.tag, 'base64'));
    pkcs8 = Buffer.concat([d.update(Buffer.from(file.data, 'base64')), d.final()]);
  } catch {
    throw new InputError({ code: 'WRONG_PASSPHRASE', message: `${what}: wrong passphrase` });
  }
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}
