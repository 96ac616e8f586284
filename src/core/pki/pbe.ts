/**
 * Password-based encryption of private keys (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958) in
 * every form tsproof meets:
 *   - PBES2 (RFC 8018) with PBKDF2 (HMAC-SHA1/224/256/384/512) or scrypt (RFC 7914), and
 *     AES-128/192/256-CBC, 3DES-CBC or SEED-CBC (KISA, 1.2.410.200004.1.4);
 *   - KISA seedCBCWithSHA1 (1.2.410.200004.1.15), the legacy NPKI form: PBKDF1-SHA1, key =
 *     DK[0..16], IV = SHA-1(DK[16..20])[0..16];
 *   - PKCS#12 PBE (RFC 7292 Appendix C) with SHA-1 and 3DES or RC2 — RC2 through node-forge,
 *     the only cipher nothing else here provides.
 * Passwords: UTF-8 for PBES2 and PBKDF1, BMPString for the PKCS#12 KDF (as OpenSSL does).
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2 as pbkdf2Cb, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { der, parse, seq, oid as readOid, octets, integer, type Node } from '../asn1/der.js';
import { readAlgorithmIdentifier } from '../crypto/algorithms.js';
import { seedCbcDecrypt, seedCbcEncrypt } from '../crypto/seed.js';
import { InputError } from '../errors.js';
import { t } from '../text.js';

const pbkdf2 = promisify(pbkdf2Cb);
const scrypt = promisify(scryptCb) as (pw: Buffer, salt: Buffer, len: number, o: object) => Promise<Buffer>;

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
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  pbeSha1Des3: '1.2.840.113549.1.12.1.3',
  pbeSha1Des2: '1.2.840.113549.1.12.1.4',
} as const;

const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const CBC: Record<string, { name: string; keyLength: number }> = {
  [PBE_OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16 },
  [PBE_OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24 },
  [PBE_OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32 },
  [PBE_OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyLength: 24 },
  [PBE_OID.seedCbc]: { name: 'seed-cbc', keyLength: 16 },
};

function unsupported(what: string): never {
  throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`unsupported key encryption: ${what}` });
}

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

/** PBKDF1 with SHA-1 (RFC 8018 §5.1): T1 = H(P || S), Ti = H(Ti-1). */
export function pbkdf1Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  let t = createHash('sha1').update(password).update(salt).digest();
  for (let i = 1; i < iterations; i++) t = createHash('sha1').update(t).digest();
  return new Uint8Array(t);
}

/** The PKCS#12 KDF (RFC 7292 Appendix B.2). `id`: 1 key, 2 IV, 3 MAC key. */
export function pkcs12Kdf(hash: string, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const u = createHash(hash).digest().length;
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64;
  const fill = (src: Uint8Array) => {
    const len = src.length ? v * Math.ceil(src.length / v) : 0;
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let done = 0; done < n; done += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      // I_j = (I_j + B + 1) mod 2^(8v)
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k]! + B[k]! + carry;
        I[j + k] = s & 0xff;
        carry = s >> 8;
      }
    }
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, n));
}

/** A password as a null-terminated BMPString (UTF-16BE), for the PKCS#12 KDF. */
export function bmpPassword(password: string): Uint8Array {
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return new Uint8Array(b);
}

const utf8 = (p: string) => new Uint8Array(Buffer.from(p.normalize('NFC'), 'utf8'));

/**
 * Decrypts data protected by a password-based AlgorithmIdentifier (the PBE part of an
 * EncryptedPrivateKeyInfo or a PKCS#12 EncryptedContentInfo). Undefined means the password
 * is wrong (bad padding); unsupported algorithms throw.
 */
export async function pbeDecrypt(algorithm: Node, data: Uint8Array, password: string): Promise<Uint8Array | undefined> {
  const alg = readAlgorithmIdentifier(algorithm, 'encryptionAlgorithm');
  switch (alg.oid) {
    case PBE_OID.pbes2: {
      const [kdfNode, encNode] = seq(alg.params, 'PBES2-params');
      const kdf = readAlgorithmIdentifier(kdfNode, 'PBES2.keyDerivationFunc');
      const enc = readAlgorithmIdentifier(encNode, 'PBES2.encryptionScheme');
      const cbc = CBC[enc.oid] ?? unsupported(`PBES2 cipher ${enc.oid}`);
      const iv = octets(enc.params, 'PBES2.iv');
      let key: Uint8Array;
      if (kdf.oid === PBE_OID.pbkdf2) {
        const p = seq(kdf.params, 'PBKDF2-params');
        const salt = octets(p[0], 'PBKDF2.salt');
        const iter = Number(integer(p[1], 'PBKDF2.iterationCount'));
        const prfNode = p.slice(2).find((n) => n.isUniversal(16));
        const prf = prfNode ? (PRF[readAlgorithmIdentifier(prfNode, 'PBKDF2.prf').oid] ?? unsupported('PBKDF2 PRF')) : 'sha1';
        if (iter < 1 || iter > 10_000_000) unsupported(`PBKDF2 with ${iter} iterations`);
        key = new Uint8Array(await pbkdf2(Buffer.from(utf8(password)), salt, iter, cbc.keyLength, prf));
      } else if (kdf.oid === PBE_OID.scrypt) {
        const p = seq(kdf.params, 'scrypt-params');
        const salt = octets(p[0], 'scrypt.salt');
        const [N, r, pp] = [p[1], p[2], p[3]].map((n) => Number(integer(n, 'scrypt')));
        if (!N || !r || !pp || N > 1 << 22 || r > 32 || pp > 16) unsupported('scrypt parameters out of range');
        key = new Uint8Array(await scrypt(Buffer.from(utf8(password)), Buffer.from(salt), cbc.keyLength, { N, r, p: pp, maxmem: 256 * N * r + (1 << 20) }));
      } else unsupported(`key derivation ${kdf.oid}`);
      return cbcDecrypt(cbc.name, key, iv, data);
    }
    case PBE_OID.seedCbcWithSha1: {
      const [s, i] = seq(alg.params, 'seedCBCWithSHA1-params');
      const dk = pbkdf1Sha1(utf8(password), octets(s, 'salt'), Number(integer(i, 'iterations')));
      const iv = createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16);
      return cbcDecrypt('seed-cbc', dk.subarray(0, 16), iv, data);
    }
    case PBE_OID.pbeSha1Des3:
    case PBE_OID.pbeSha1Des2:
    case PBE_OID.pbeSha1Rc2_40:
    case PBE_OID.pbeSha1Rc2_128: {
      const [s, i] = seq(alg.params, 'pkcs-12PbeParams');
      const salt = octets(s, 'salt');
      const iter = Number(integer(i, 'iterations'));
      const pw = bmpPassword(password);
      const keyLen = alg.oid === PBE_OID.pbeSha1Des3 ? 24 : alg.oid === PBE_OID.pbeSha1Des2 ? 16 : alg.oid === PBE_OID.pbeSha1Rc2_40 ? 5 : 16;
      const key = pkcs12Kdf('sha1', pw, salt, 1, iter, keyLen);
      const iv = pkcs12Kdf('sha1', pw, salt, 2, iter, 8);
      if (alg.oid === PBE_OID.pbeSha1Des3) return cbcDecrypt('des-ede3-cbc', key, iv, data);
      if (alg.oid === PBE_OID.pbeSha1Des2) return cbcDecrypt('des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)]), iv, data);
      return rc2Decrypt(key, iv, data);
    }
    default:
      return unsupported(alg.oid);
  }
}

/** RC2-CBC (RFC 2268) via node-forge: legacy PKCS#12 files (OpenSSL -legacy, old Windows exports). */
function rc2Decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const d = forge.rc2.createDecryptionCipher(forge.util.createBuffer(Buffer.from(key).toString('binary')), key.length * 8);
  d.start(forge.util.createBuffer(Buffer.from(iv).toString('binary')));
  d.update(forge.util.createBuffer(Buffer.from(data).toString('binary')));
  if (!d.finish()) return undefined;
  return new Uint8Array(Buffer.from(d.output.getBytes(), 'binary'));
}

export type PbeScheme =
  | { kind: 'pbes2-scrypt'; N: number; r: number; p: number }
  | { kind: 'pbes2-pbkdf2'; iterations: number; prf: 'sha256'; cipher: 'aes-256-cbc' | 'seed-cbc' }
  | { kind: 'seed-cbc-sha1'; iterations: number };

/** Encrypts with a PBE scheme; returns the AlgorithmIdentifier (DER) and the ciphertext. */
export async function pbeEncrypt(scheme: PbeScheme, data: Uint8Array, password: string): Promise<{ algorithm: Uint8Array; data: Uint8Array }> {
  const salt = randomBytes(scheme.kind === 'seed-cbc-sha1' ? 8 : 16);
  if (scheme.kind === 'seed-cbc-sha1') {
    const dk = pbkdf1Sha1(utf8(password), salt, scheme.iterations);
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
    key = new Uint8Array(await scrypt(Buffer.from(utf8(password)), salt, keyLength, { N: scheme.N, r: scheme.r, p: scheme.p, maxmem: 256 * scheme.N * scheme.r + (1 << 20) }));
    kdf = der.sequence(der.oid(PBE_OID.scrypt), der.sequence(der.octetString(salt), der.integer(scheme.N), der.integer(scheme.r), der.integer(scheme.p), der.integer(keyLength)));
  } else {
    key = new Uint8Array(await pbkdf2(Buffer.from(utf8(password)), salt, scheme.iterations, keyLength, scheme.prf));
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
 * WRONG_PASSPHRASE (bad padding, or decrypted bytes that are not a PrivateKeyInfo).
 */
export async function decryptPrivateKeyInfo(encrypted: Uint8Array, password: string, what: string): Promise<Uint8Array> {
  let f: readonly Node[];
  try {
    f = seq(parse(encrypted, what), what);
    readOid(seq(f[0], `${what}.encryptionAlgorithm`)[0], `${what}.encryptionAlgorithm`);
  } catch {
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: not an encrypted PKCS#8 private key` });
  }
  const plain = await pbeDecrypt(f[0]!, octets(f[1], `${what}.encryptedData`), password);
  if (!plain || !looksLikePrivateKeyInfo(plain)) throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase (the key does not decrypt)` });
  return plain;
}

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER (0|1), privateKeyAlgorithm, privateKey OCTET STRING, ... } */
export function looksLikePrivateKeyInfo(b: Uint8Array): boolean {
  try {
    const f = seq(parse(b, 'PrivateKeyInfo'), 'PrivateKeyInfo');
    const v = integer(f[0], 'version');
    readAlgorithmIdentifier(f[1], 'privateKeyAlgorithm');
    octets(f[2], 'privateKey');
    return v === 0n || v === 1n;
  } catch {
    return false;
  }
}
