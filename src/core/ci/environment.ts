/**
 * What a CI job gives tsproof through its environment (docs/ci.md): the holder's identity as a
 * secret — a base64 PKCS#12, or PEM text (key and certificates, the key possibly encrypted) —,
 * trust anchors as PEM text, and the TSAs to use. The identity is decoded in memory for one
 * command: no key material is written anywhere. Pins come from the environment too, the
 * same way as everywhere (verify/pins.ts, pinsFromEnv).
 */
import type { KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { identityRecord, checkSigningCertificate, type UnlockedIdentity } from '../identity/store.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../pki/keys.js';
import { issuersOf } from '../pki/npki.js';
import { looksLikePkcs12, readPkcs12 } from '../pki/pkcs12.js';
import { anyPurpose, type TrustAnchor } from '../trust.js';
import { t, type Text } from '../text.js';

/** The environment variables of a CI job that tsproof reads (besides the pins, PIN_ENV). */
export const CI_ENV = {
  identity: 'TSPROOF_IDENTITY',
  identityPassphrase: 'TSPROOF_IDENTITY_PASSPHRASE',
  trust: 'TSPROOF_TRUST',
  tsa: 'TSPROOF_TSA',
} as const;

/** Secrets are small: a PKCS#12 or a PEM key with its chain. */
const MAX_SECRET_CHARS = 1 << 20;

/** A secret's bytes: PEM text as it is, else base64 (whitespace allowed: secrets are often wrapped). */
export function decodeSecret(value: string, name: string): Uint8Array {
  if (value.length > MAX_SECRET_CHARS) throw new InputError({ code: 'LIMIT_EXCEEDED', message: t`${name}: longer than ${MAX_SECRET_CHARS} characters` });
  if (value.includes('-----BEGIN')) return Buffer.from(value, 'utf8');
  const b64 = value.replace(/\s+/g, '');
  if (!b64 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${name}: expected a base64 PKCS#12 (.p12/.pfx) or PEM text` });
  return new Uint8Array(Buffer.from(b64, /[-_]/.test(b64) ? 'base64url' : 'base64'));
}

function isPem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 4096)).toString('latin1').includes('-----BEGIN');
}

/**
 * The identity in TSPROOF_IDENTITY, unlocked with TSPROOF_IDENTITY_PASSPHRASE (unset: an empty
 * password), checked as `identity import` checks one; undefined when the variable is unset or empty.
 */
export async function identityFromEnv(env: NodeJS.ProcessEnv, now: Date, warnings: Text[] = []): Promise<UnlockedIdentity | undefined> {
  const value = env[CI_ENV.identity];
  if (value === undefined || value.trim() === '') return undefined;
  const name = CI_ENV.identity;
  const bytes = decodeSecret(value, name);
  const passphrase = env[CI_ENV.identityPassphrase];
  let key: KeyObject;
  let chain: Certificate[];
  let source: 'pkcs12' | 'pem';
  if (!isPem(bytes) && looksLikePkcs12(bytes)) {
    ({ key, chain } = await withPassphraseHint(readPkcs12(bytes, passphrase ?? '', name), passphrase));
    source = 'pkcs12';
  } else if (isPem(bytes)) {
    const text = Buffer.from(bytes).toString('latin1');
    if (!text.includes('PRIVATE KEY')) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${name}: the PEM text holds no private key (give the key and the certificates in one value)` });
    const certs = parseCertificates(bytes, name);
    key = await withPassphraseHint(loadPrivateKey(bytes, /ENCRYPTED/.test(text) ? (passphrase ?? '') : undefined, name), passphrase);
    const leaf = certs.find((c) => keyMatchesCertificate(key, c));
    if (!leaf) throw new InputError({ code: 'KEY_MISMATCH', message: t`${name}: the private key does not belong to any of its certificates` });
    chain = [leaf, ...certs.filter((c) => c !== leaf)];
    source = 'pem';
  } else {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`${name}: neither a PKCS#12 nor PEM text (expected base64 of a .p12/.pfx file, or PEM key and certificates)` });
  }
  warnings.push(...checkSigningCertificate(chain[0]!, now));
  // Holder first, then the CAs that issue it, in path order (as identity import stores them).
  const leaf = chain[0]!;
  chain = [leaf, ...issuersOf(leaf, chain.slice(1), now)];
  return { record: identityRecord(name, key, chain, source, now), key, chain };
}

async function withPassphraseHint<T>(p: Promise<T>, passphrase: string | undefined): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (passphrase === undefined && err instanceof InputError && (err.code === 'WRONG_PASSPHRASE' || err.code === 'NO_PASSPHRASE')) {
      throw new InputError({ code: 'NO_PASSPHRASE', message: t`${CI_ENV.identity} is protected by a passphrase: set ${CI_ENV.identityPassphrase}` });
    }
    throw err;
  }
}

/** Trust anchors in TSPROOF_TRUST (PEM text, or base64 of it): for this command, any purpose, like --trust. */
export function trustFromEnv(env: NodeJS.ProcessEnv): TrustAnchor[] {
  const value = env[CI_ENV.trust];
  if (value === undefined || value.trim() === '') return [];
  const bytes = decodeSecret(value, CI_ENV.trust);
  return anyPurpose(parseCertificates(bytes, CI_ENV.trust), CI_ENV.trust);
}

/** TSAs in TSPROOF_TSA: URLs or names, separated by spaces, commas or new lines. */
export function tsasFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[CI_ENV.tsa] ?? '').split(/[\s,]+/).filter(Boolean);
}
