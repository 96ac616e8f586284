/**
 * Credential files as other tools write them (Java, Bouncy Castle — compiled and run here) and
 * as an attacker would (hostile key-derivation parameters, keys that do not decode), built from
 * the core's own pieces so that each test changes exactly one thing.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { der, explicit, flattenOctets, parse, seq } from '../../src/core/asn1/der.js';
import { PBE_OID } from '../../src/core/pki/pbe.js';
import { ROOT, PKI } from './fixtures.js';

const BC = ['bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((j) => path.join('/usr/share/java', j)).join(':');

export interface JavaP12Job {
  /** jdk | jdk-legacy | bc-keystore | bc-legacy | bc-pbmac1 | bc-pbmac1-as-is (see test/helpers/java/P12Writer.java) */
  mode: string;
  out: string;
  password: string;
  iterations?: number;
  hmac?: 'HmacSHA256' | 'HmacSHA512';
  prf?: 'SHA256' | 'SHA512';
}

/** Compiles P12Writer.java into `dir` and writes the fixture holder alice's key and chain as each job asks. */
export function javaPkcs12(dir: string, jobs: readonly JavaP12Job[]): void {
  const classes = path.join(dir, 'classes');
  if (!existsSync(path.join(classes, 'P12Writer.class'))) {
    mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-d', classes, '-cp', BC, path.join(ROOT, 'test', 'helpers', 'java', 'P12Writer.java')], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const args = jobs.flatMap((j) => [j.mode, j.out, j.password, String(j.iterations ?? 2048), j.hmac ?? 'HmacSHA256', j.prf ?? 'SHA256']);
  execFileSync('java', ['-cp', `${classes}:${BC}`, 'P12Writer', path.join(PKI, 'holder-alice.key'), path.join(PKI, 'holder-alice-chain.pem'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A PBKDF2 AlgorithmIdentifier with any parameters (RFC 8018 §A.2). */
export function pbkdf2Alg(o: { salt?: Uint8Array; iterations: bigint | number; keyLength?: number; prf?: string }): Uint8Array {
  const prf = o.prf ?? '1.2.840.113549.2.9';
  return der.sequence(der.oid(PBE_OID.pbkdf2), der.sequence(der.octetString(o.salt ?? randomBytes(16)), der.integer(o.iterations), o.keyLength === undefined ? undefined : der.integer(o.keyLength), der.sequence(der.oid(prf), der.null())));
}

/** An scrypt AlgorithmIdentifier with any parameters (RFC 7914 §7.1). */
export function scryptAlg(o: { N: bigint | number; r: bigint | number; p: bigint | number; keyLength?: number }): Uint8Array {
  return der.sequence(der.oid(PBE_OID.scrypt), der.sequence(der.octetString(randomBytes(16)), der.integer(o.N), der.integer(o.r), der.integer(o.p), o.keyLength === undefined ? undefined : der.integer(o.keyLength)));
}

/** PBES2 with a key-derivation AlgorithmIdentifier and AES-256-CBC. */
export function pbes2Alg(kdf: Uint8Array, iv: Uint8Array = randomBytes(16)): Uint8Array {
  return der.sequence(der.oid(PBE_OID.pbes2), der.sequence(kdf, der.sequence(der.oid(PBE_OID.aes256Cbc), der.octetString(iv))));
}

/** EncryptedPrivateKeyInfo: an algorithm and (any) ciphertext. */
export const encryptedPrivateKeyInfo = (algorithm: Uint8Array, data: Uint8Array = randomBytes(48)) => der.sequence(algorithm, der.octetString(data));

/** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) encryption done with node:crypto alone, independent of pbe.ts. */
export function pbes2Encrypt(plain: Uint8Array, password: string, iterations = 2048): Uint8Array {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  return encryptedPrivateKeyInfo(pbes2Alg(pbkdf2Alg({ salt, iterations }), iv), Buffer.concat([c.update(plain), c.final()]));
}

/**
 * A PrivateKeyInfo that has the right shape but is no key: an EC P-256 key whose ECPrivateKey
 * is garbage. It decrypts with the right password, then cannot be decoded.
 */
export function undecodablePrivateKeyInfo(): Uint8Array {
  const ecPublicKey = der.sequence(der.oid('1.2.840.10045.2.1'), der.oid('1.2.840.10045.3.1.7'));
  return der.sequence(der.integer(0), ecPublicKey, der.octetString(Buffer.from('this is not an ECPrivateKey')));
}

/** A classic PKCS#12 MacData with any iteration count and a random MAC value (refused before it is checked). */
export function unverifiableMacData(iterations: bigint | number, digest: 'sha1' | 'sha256' | 'sha512' = 'sha256'): Uint8Array {
  const [oid, length] = { sha1: ['1.3.14.3.2.26', 20], sha256: ['2.16.840.1.101.3.4.2.1', 32], sha512: ['2.16.840.1.101.3.4.2.3', 64] }[digest] as [string, number];
  return der.sequence(der.sequence(der.sequence(der.oid(oid), der.null()), der.octetString(randomBytes(length))), der.octetString(randomBytes(16)), der.integer(iterations));
}

/** The AuthenticatedSafe content octets of a PFX (what its MAC covers) and the PFX's fields. */
export function pfxParts(pfx: Uint8Array): { authSafe: Uint8Array; macData: Uint8Array | undefined } {
  const f = seq(parse(pfx), 'PFX');
  const [, content] = seq(f[1], 'authSafe');
  return { authSafe: flattenOctets(explicit(content, 0, 'authSafe'), 'authSafe'), macData: f[2]?.raw };
}

/**
 * PBMAC1 MacData (RFC 9579) computed with node:crypto alone: PBKDF2 over the UTF-8 password
 * gives the HMAC key. `keyLength` is what the parameters say; `derive` how many bytes the key
 * really has (to build a file whose MAC is right for a flawed parameter); `macLength` truncates.
 */
export function pbmac1MacData(
  authSafe: Uint8Array,
  password: string,
  o: { salt?: Uint8Array; iterations?: bigint | number; keyLength?: number; derive?: number; hmac?: 'sha256' | 'sha512'; macLength?: number; kdf?: Uint8Array },
): Uint8Array {
  const hmac = o.hmac ?? 'sha256';
  const salt = o.salt ?? randomBytes(16);
  const iterations = o.iterations ?? 2048;
  const keyLength = o.derive ?? o.keyLength ?? (hmac === 'sha256' ? 32 : 64);
  const key = Number(iterations) > 0 && Number(iterations) < 1e6 ? pbkdf2Sync(Buffer.from(password, 'utf8'), salt, Number(iterations), keyLength, 'sha256') : Buffer.alloc(keyLength);
  const mac = createHmac(hmac, key).update(authSafe).digest().subarray(0, o.macLength);
  const hmacOid = hmac === 'sha256' ? '1.2.840.113549.2.9' : '1.2.840.113549.2.11';
  const kdf = o.kdf ?? pbkdf2Alg({ salt, iterations, ...(o.keyLength === undefined ? {} : { keyLength: o.keyLength }) });
  const pbmac1 = der.sequence(der.oid('1.2.840.113549.1.5.14'), der.sequence(kdf, der.sequence(der.oid(hmacOid), der.null())));
  return der.sequence(der.sequence(pbmac1, der.octetString(mac)), der.octetString(Buffer.from('NOT USED')), der.integer(1));
}
