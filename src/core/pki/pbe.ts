/**
 * Password-based encryption of private keys (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958) and of
 * PKCS#12 contents, in every form tsproof meets:
 *   - PBES2 (RFC 8018) with PBKDF2 (HMAC-SHA1/224/256/384/512, SHA3) or scrypt (RFC 7914), and
 *     AES-128/192/256-CBC, 3DES-CBC, RC2-CBC (RFC 8018 §B.2.3) or SEED-CBC (KISA, 1.2.410.200004.1.4);
 *   - KISA seedCBCWithSHA1 (1.2.410.200004.1.15), the legacy NPKI form: PBKDF1-SHA1, key =
 *     DK[0..16], IV = SHA-1(DK[16..20])[0..16];
 *   - PKCS#12 PBE (RFC 7292 Appendix C) with SHA-1 and 3DES, 2-key 3DES, RC2-128 or RC2-40.
 * Passwords: UTF-8 (NFC) for PBES2 and PBKDF1, BMPString for the PKCS#12 KDF (as OpenSSL does);
 * an empty PKCS#12 password is tried both as an empty BMPString (OpenSSL) and as no bytes at
 * all (Java, Bouncy Castle). Every key derivation is charged to the file's KdfBudget (kdf.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { der, parse, seq, oid as readOid, octets, type Node } from '../asn1/der.js';
import { readAlgorithmIdentifier } from '../crypto/algorithms.js';
import { rc2CbcDecrypt } from '../crypto/rc2.js';
import { seedCbcDecrypt, seedCbcEncrypt } from '../crypto/seed.js';
import { InputError } from '../errors.js';
import { t } from '../text.js';
import { chargedPkcs12Kdf, derivePbkdf2, deriveScrypt, KdfBudget, malformedKey, parameter, pbkdf1Sha1, readPbkdf2Params, scryptForWriting, unsupportedEncryption } from './kdf.js';

export const PBE_OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  seedCbcWithSha1: '1.2.410.200004.1.15',
  seedCbc: '1.2.410.200004.1.4',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  rc2Cbc: '1.2.840.113549.3.2',
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  pbeSha1Des3: '1.2.840.113549.1.12.1.3',
  pbeSha1Des2: '1.2.840.113549.1.12.1.4',
} as const;

/** The fixed-key CBC ciphers of PBES2: key and IV (block) lengths. */
const CBC: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  [PBE_OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  [PBE_OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  [PBE_OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  [PBE_OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  [PBE_OID.seedCbc]: { name: 'seed-cbc', keyLength: 16, ivLength: 16 },
};

/** RC2-CBC-Parameter's rc2ParameterVersion → effective key bits (RFC 8018 §B.2.3; 256 and above: the value itself). */
const RC2_VERSION_BITS: Record<number, number> = { 160: 40, 120: 64, 58: 128 };

/** Decrypts CBC data with PKCS#5 padding; undefined when the padding is wrong. */
function cbcDecrypt(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (cipher === 'seed-cbc') return seedCbcDecrypt(key, iv, data);
  try {
    const d = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    return undefined;
  }
}

function cbcEncrypt(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (cipher === 'seed-cbc') return seedCbcEncrypt(key, iv, data);
  const c = createCipheriv(cipher, key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** A password as a null-terminated BMPString (UTF-16BE), for the PKCS#12 KDF. */
export function bmpPassword(password: string): Uint8Array {
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return new Uint8Array(b);
}

/**
 * The byte forms a password takes in the PKCS#12 KDF: its BMPString. An empty password has two
 * forms in the wild: the BMPString terminator alone (OpenSSL, Windows) and no bytes at all
 * (Java, Bouncy Castle); OpenSSL tries both when it reads, and so does tsproof.
 */
export function pkcs12PasswordForms(password: string): Uint8Array[] {
  return password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
}

export const utf8Password = (p: string) => new Uint8Array(Buffer.from(p.normalize('NFC'), 'utf8'));

export interface PbeOptions {
  /** The file's budget of key-derivation work (one per file). */
  budget: KdfBudget;
  /** The PKCS#12-KDF forms of the password to try, in order (default pkcs12PasswordForms). */
  pkcs12Passwords?: readonly Uint8Array[];
  /** Whether decrypted bytes are what the caller expects; decides between password forms. */
  accept?: (plain: Uint8Array) => boolean;
}

/**
 * Decrypts data protected by a password-based AlgorithmIdentifier (the PBE part of an
 * EncryptedPrivateKeyInfo or a PKCS#12 EncryptedContentInfo). Undefined means the password
 * is wrong (bad padding); unsupported algorithms and parameters beyond the limits throw.
 */
export async function pbeDecrypt(algorithm: Node, data: Uint8Array, password: string, o: PbeOptions): Promise<Uint8Array | undefined> {
  const what = o.budget.what;
  const alg = readAlgorithmIdentifier(algorithm, 'encryptionAlgorithm');
  switch (alg.oid) {
    case PBE_OID.pbes2: {
      const [kdfNode, encNode, extra] = seq(alg.params, 'PBES2-params');
      if (extra) malformedKey(t`${what}: PBES2 parameters have unexpected fields`);
      const kdf = readAlgorithmIdentifier(kdfNode, 'PBES2.keyDerivationFunc');
      const enc = readAlgorithmIdentifier(encNode, 'PBES2.encryptionScheme');
      const pw = utf8Password(password);
      if (enc.oid === PBE_OID.rc2Cbc) {
        // RC2 has a variable key length: PBKDF2's keyLength gives it (OpenSSL's default: 16).
        if (kdf.oid !== PBE_OID.pbkdf2) unsupportedEncryption(what, t`RC2-CBC with key derivation ${kdf.oid}`);
        const { bits, iv } = readRc2Params(enc.params, what);
        const p = readPbkdf2Params(kdf.params, what);
        const key = await derivePbkdf2(pw, p, p.keyLength ?? 16, o.budget, 'PBKDF2');
        return rc2CbcDecrypt(key, bits, iv, data);
      }
      const cbc = CBC[enc.oid] ?? unsupportedEncryption(what, t`PBES2 cipher ${enc.oid}`);
      const iv = octets(enc.params, 'PBES2.iv');
      if (iv.length !== cbc.ivLength) malformedKey(t`${what}: the ${cbc.name} IV is ${iv.length} bytes, not ${cbc.ivLength}`);
      let key: Uint8Array;
      if (kdf.oid === PBE_OID.pbkdf2) {
        const p = readPbkdf2Params(kdf.params, what);
        if (p.keyLength !== undefined && p.keyLength !== cbc.keyLength) malformedKey(t`${what}: the PBKDF2 key length ${p.keyLength} does not fit ${cbc.name}`);
        key = await derivePbkdf2(pw, p, cbc.keyLength, o.budget, 'PBKDF2');
      } else if (kdf.oid === PBE_OID.scrypt) {
        key = await deriveScrypt(pw, kdf.params, cbc.keyLength, o.budget);
      } else unsupportedEncryption(what, t`key derivation ${kdf.oid}`);
      return cbcDecrypt(cbc.name, key, iv, data);
    }
    case PBE_OID.seedCbcWithSha1: {
      const [s, i] = seq(alg.params, 'seedCBCWithSHA1-params');
      const iterations = o.budget.charge(parameter(i, 'iterations'), 1, 'PBKDF1');
      const dk = pbkdf1Sha1(utf8Password(password), octets(s, 'salt'), iterations);
      const iv = createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16);
      return cbcDecrypt('seed-cbc', dk.subarray(0, 16), iv, data);
    }
    case PBE_OID.pbeSha1Des3:
    case PBE_OID.pbeSha1Des2:
    case PBE_OID.pbeSha1Rc2_40:
    case PBE_OID.pbeSha1Rc2_128: {
      const [s, i] = seq(alg.params, 'pkcs-12PbeParams');
      const salt = octets(s, 'salt');
      const iterations = parameter(i, 'iterations');
      const keyLen = alg.oid === PBE_OID.pbeSha1Des3 ? 24 : alg.oid === PBE_OID.pbeSha1Des2 ? 16 : alg.oid === PBE_OID.pbeSha1Rc2_40 ? 5 : 16;
      let first: Uint8Array | undefined;
      for (const pw of o.pkcs12Passwords ?? pkcs12PasswordForms(password)) {
        const key = chargedPkcs12Kdf('sha1', pw, salt, 1, iterations, keyLen, o.budget, 'PKCS#12 PBE');
        const iv = chargedPkcs12Kdf('sha1', pw, salt, 2, iterations, 8, o.budget, 'PKCS#12 PBE');
        const plain =
          alg.oid === PBE_OID.pbeSha1Des3
            ? cbcDecrypt('des-ede3-cbc', key, iv, data)
            : alg.oid === PBE_OID.pbeSha1Des2
              ? cbcDecrypt('des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)]), iv, data)
              : rc2CbcDecrypt(key, keyLen * 8, iv, data);
        if (plain && (!o.accept || o.accept(plain))) return plain;
        first ??= plain;
      }
      return first;
    }
    default:
      return unsupportedEncryption(what, alg.oid);
  }
}

/** RC2-CBC-Parameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING (SIZE(8)) }; no version: 32 bits. */
function readRc2Params(node: Node | undefined, what: string): { bits: number; iv: Uint8Array } {
  const f = seq(node, 'RC2-CBC-Parameter');
  const version = f.length === 2 ? parameter(f[0], 'rc2ParameterVersion') : undefined;
  const iv = octets(f[f.length - 1], 'RC2-CBC-Parameter.iv');
  if (f.length > 2) malformedKey(t`${what}: RC2-CBC parameters have unexpected fields`);
  if (iv.length !== 8) malformedKey(t`${what}: the RC2-CBC IV is ${iv.length} bytes, not 8`);
  if (version === undefined) return { bits: 32, iv };
  const bits = version >= 256n && version <= 1024n ? Number(version) : RC2_VERSION_BITS[Number(version)];
  if (bits === undefined) unsupportedEncryption(what, t`RC2 parameter version ${version}`);
  return { bits, iv };
}

export type PbeScheme = { kind: 'pbes2-scrypt'; N: number; r: number; p: number } | { kind: 'pbes2-pbkdf2'; iterations: number; prf: 'sha256'; cipher: 'aes-256-cbc' | 'seed-cbc' } | { kind: 'seed-cbc-sha1'; iterations: number };

/** Encrypts with a PBE scheme; returns the AlgorithmIdentifier (DER) and the ciphertext. */
export async function pbeEncrypt(scheme: PbeScheme, data: Uint8Array, password: string): Promise<{ algorithm: Uint8Array; data: Uint8Array }> {
  const salt = randomBytes(scheme.kind === 'seed-cbc-sha1' ? 8 : 16);
  if (scheme.kind === 'seed-cbc-sha1') {
    const dk = pbkdf1Sha1(utf8Password(password), salt, scheme.iterations);
    const iv = createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16);
    return {
      algorithm: der.sequence(der.oid(PBE_OID.seedCbcWithSha1), der.sequence(der.octetString(salt), der.integer(scheme.iterations))),
      data: cbcEncrypt('seed-cbc', dk.subarray(0, 16), iv, data),
    };
  }
  const cipher = scheme.kind === 'pbes2-scrypt' ? 'aes-256-cbc' : scheme.cipher;
  const cbcOid = cipher === 'seed-cbc' ? PBE_OID.seedCbc : PBE_OID.aes256Cbc;
  const keyLength = CBC[cbcOid]!.keyLength;
  const iv = randomBytes(16);
  let kdf: Uint8Array;
  let key: Uint8Array;
  if (scheme.kind === 'pbes2-scrypt') {
    key = await scryptForWriting(utf8Password(password), salt, keyLength, scheme);
    kdf = der.sequence(der.oid(PBE_OID.scrypt), der.sequence(der.octetString(salt), der.integer(scheme.N), der.integer(scheme.r), der.integer(scheme.p), der.integer(keyLength)));
  } else {
    // tsproof's own parameters: a budget of their own, never near the limit.
    key = await derivePbkdf2(utf8Password(password), { salt, iterations: BigInt(scheme.iterations), prf: scheme.prf }, keyLength, new KdfBudget('pbeEncrypt'), 'PBKDF2');
    kdf = der.sequence(der.oid(PBE_OID.pbkdf2), der.sequence(der.octetString(salt), der.integer(scheme.iterations), der.sequence(der.oid('1.2.840.113549.2.9'), der.null())));
  }
  return {
    algorithm: der.sequence(der.oid(PBE_OID.pbes2), der.sequence(kdf, der.sequence(der.oid(cbcOid), der.octetString(iv)))),
    data: cbcEncrypt(cipher, key, iv, data),
  };
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }. */
export async function encryptPrivateKeyInfo(pkcs8: Uint8Array, password: string, scheme: PbeScheme): Promise<Uint8Array> {
  const { algorithm, data } = await pbeEncrypt(scheme, pkcs8, password);
  return der.sequence(algorithm, der.octetString(data));
}

/**
 * Decrypts an EncryptedPrivateKeyInfo to PKCS#8 DER. A wrong password is reported as
 * WRONG_PASSPHRASE (bad padding, or decrypted bytes that are not a PrivateKeyInfo). `budget`:
 * the file's, when the key is one part of a larger file (a PKCS#12 shrouded key bag).
 */
export async function decryptPrivateKeyInfo(encrypted: Uint8Array, password: string, what: string, o: Partial<PbeOptions> = {}): Promise<Uint8Array> {
  let f: readonly Node[];
  try {
    f = seq(parse(encrypted, what), what);
    readOid(seq(f[0], `${what}.encryptionAlgorithm`)[0], `${what}.encryptionAlgorithm`);
  } catch {
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: not an encrypted PKCS#8 private key` });
  }
  const plain = await pbeDecrypt(f[0]!, octets(f[1], `${what}.encryptedData`), password, { ...o, budget: o.budget ?? new KdfBudget(what), accept: looksLikePrivateKeyInfo });
  if (!plain || !looksLikePrivateKeyInfo(plain)) throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase (the key does not decrypt)` });
  return plain;
}

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER (0|1), privateKeyAlgorithm, privateKey OCTET STRING, ... } */
export function looksLikePrivateKeyInfo(b: Uint8Array): boolean {
  try {
    const f = seq(parse(b, 'PrivateKeyInfo'), 'PrivateKeyInfo');
    const v = parameter(f[0], 'version');
    readAlgorithmIdentifier(f[1], 'privateKeyAlgorithm');
    octets(f[2], 'privateKey');
    return v === 0n || v === 1n;
  } catch {
    return false;
  }
}
