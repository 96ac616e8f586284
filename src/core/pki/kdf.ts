/**
 * Password-based key derivation for credential files — PBKDF2 (RFC 8018 §5.2), scrypt
 * (RFC 7914), PBKDF1-SHA1 (RFC 8018 §5.1, NPKI's seedCBCWithSHA1) and the PKCS#12 KDF
 * (RFC 7292 Appendix B.2) — and the limits on the work a file may ask for. A credential file
 * chooses its own iteration counts and scrypt cost, so an unbounded count is a way to hang
 * tsproof (2^31−1 iterations) or exhaust its memory (scrypt N=2^20). Every derivation is
 * charged to one budget per file before it runs; see docs/identity.md, "Limits".
 */
import { hash as oneShotHash, pbkdf2 as pbkdf2Cb, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { integer, integerBytes, octets, seq, type Node } from '../asn1/der.js';
import { DIGEST_LENGTH, readAlgorithmIdentifier, type AnyDigest } from '../crypto/algorithms.js';
import { hashChain, hasFastChain } from '../crypto/hash-chain.js';
import { InputError } from '../errors.js';
import { t, type Text } from '../text.js';

const pbkdf2 = promisify(pbkdf2Cb);
const scrypt = promisify(scryptCb) as (pw: Buffer, salt: Buffer, len: number, o: object) => Promise<Buffer>;

/**
 * What one credential file (a PKCS#12, a PKCS#8 key, an NPKI signPri.key, a stored key.pem)
 * may ask for. Real files ask for far less: OpenSSL writes 2,048 iterations, Windows 2,000,
 * Java 10,000 (50,000 for PBE and 100,000 for the MAC in its legacy form), NPKI 1,024–2,048,
 * Bouncy Castle 1.72 51,200 (102,400 for the MAC), and tsproof's own keys scrypt N=2^14, r=8,
 * p=5 (16 MiB).
 */
export const KDF_LIMITS = {
  /**
   * Hash iterations in total over every derivation of one file: each derivation counts its
   * iteration count once per hash-sized block it produces (a 3DES key from SHA-1 is two
   * blocks). Bouncy Castle's legacy form at 600,000 iterations (its default from 1.86) with a
   * MAC at twice that needs 4.2 M.
   */
  iterations: 6_000_000,
  /** scrypt memory, 128·r·N bytes: 64 MiB (OpenSSL's own default limit is 32 MiB). */
  scryptMemory: 64 * 1024 * 1024,
  /** scrypt work, 128·r·N·p bytes over all derivations of a file (p runs one after another in the same memory). */
  scryptWork: 256 * 1024 * 1024,
  /** What each derivation counts at least: no file gets more than 4,000 of them. */
  minimumCharge: 1_500,
  /**
   * How much more an iteration of the PKCS#12 KDF counts with MD5, SHA-224, SHA-384 or SHA-512,
   * whose hash chains go through node:crypto one call per step (hash-chain.ts).
   */
  slowChainFactor: 4,
} as const;

function tooMuch(message: Text): never {
  throw new InputError({ code: 'LIMIT_EXCEEDED', message });
}

/** A credential file whose parameters cannot be right (exit 2, MALFORMED_KEY). */
export function malformedKey(message: Text): never {
  throw new InputError({ code: 'MALFORMED_KEY', message });
}

/** A key encryption tsproof does not implement (exit 2, UNSUPPORTED_ALGORITHM). */
export function unsupportedEncryption(what: string, detail: Text | string): never {
  throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: unsupported key encryption: ${detail}` });
}

/** The work one file may still ask for. Derivations are charged before they run. */
export class KdfBudget {
  #iterations: bigint = BigInt(KDF_LIMITS.iterations);
  #scryptWork: bigint = BigInt(KDF_LIMITS.scryptWork);
  constructor(readonly what: string) {}

  /**
   * Checks an iteration count read from the file and charges `blocks` derivations of it;
   * returns it as a number. Refused (exit 2) at once when the file's total would exceed the
   * limit. Each derivation counts at least KDF_LIMITS.minimumCharge, which bounds how many
   * derivations a file can ask for however small their counts.
   */
  charge(iterations: bigint, blocks: number, kind: string): number {
    if (iterations < 1n) malformedKey(t`${this.what}: the ${kind} iteration count ${shown(iterations)} is not positive`);
    const cost = iterations * BigInt(blocks);
    const charged = cost > BigInt(KDF_LIMITS.minimumCharge) ? cost : BigInt(KDF_LIMITS.minimumCharge);
    if (charged > this.#iterations) {
      tooMuch(t`${this.what}: ${kind} asks for ${shown(iterations)} iterations; tsproof allows at most ${KDF_LIMITS.iterations.toLocaleString('en')} hash iterations per file`);
    }
    this.#iterations -= charged;
    return Number(iterations);
  }

  /** Charges one scrypt derivation's work (128·N·r·p bytes); false when the file has had its share. */
  chargeScrypt(work: bigint): boolean {
    if (work > this.#scryptWork) return false;
    this.#scryptWork -= work;
    return true;
  }
}

/**
 * An INTEGER parameter (an iteration count, a scrypt cost, a key length) as a bigint, without
 * converting thousands of digits: anything longer than 8 bytes is beyond every limit anyway and
 * reads as ±2^64 — enough for the checks, which then refuse it.
 */
export function parameter(node: Node | undefined, where: string): bigint {
  const c = integerBytes(node, where);
  if (c.length <= 8) return integer(node, where);
  return c[0]! & 0x80 ? -(1n << 64n) : 1n << 64n;
}

/** A parameter for a message: the ±2^64 of an oversized INTEGER (see `parameter`) as words. */
const shown = (v: bigint) => (v >= 1n << 64n ? 'more than 2^64' : v <= -(1n << 64n) ? 'less than -2^64' : v.toString());

/** HMAC PRFs of PBKDF2 (RFC 8018 §B.1) and the HMACs of PBMAC1, by OID. */
export const HMAC_DIGEST: Readonly<Record<string, AnyDigest>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
  '2.16.840.1.101.3.4.2.14': 'sha3-256',
  '2.16.840.1.101.3.4.2.15': 'sha3-384',
  '2.16.840.1.101.3.4.2.16': 'sha3-512',
};

/**
 * PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, otherSource … },
 *   iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 */
export interface Pbkdf2Params {
  salt: Uint8Array;
  iterations: bigint;
  keyLength?: number;
  prf: AnyDigest;
}

export function readPbkdf2Params(node: Node | undefined, what: string): Pbkdf2Params {
  const p = seq(node, 'PBKDF2-params');
  if (p[0] && !p[0].isUniversal(4)) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: PBKDF2 with a salt from another source is not supported` });
  const salt = octets(p[0], 'PBKDF2.salt');
  const iterations = parameter(p[1], 'PBKDF2.iterationCount');
  const rest = p.slice(2);
  let keyLength: number | undefined;
  if (rest[0]?.isUniversal(2)) {
    const k = parameter(rest.shift(), 'PBKDF2.keyLength');
    if (k < 1n || k > 256n) malformedKey(t`${what}: PBKDF2 key length ${k} is out of range`);
    keyLength = Number(k);
  }
  let prf: AnyDigest = 'sha1';
  if (rest[0]) {
    const a = readAlgorithmIdentifier(rest.shift(), 'PBKDF2.prf');
    prf = HMAC_DIGEST[a.oid] ?? unsupportedEncryption(what, t`PBKDF2 PRF ${a.oid}`);
  }
  if (rest.length) malformedKey(t`${what}: PBKDF2 parameters have unexpected fields`);
  return keyLength === undefined ? { salt, iterations, prf } : { salt, iterations, keyLength, prf };
}

/** PBKDF2, charged to the budget (one block per PRF output). */
export async function derivePbkdf2(password: Uint8Array, p: Pbkdf2Params, keyLength: number, budget: KdfBudget, kind: string): Promise<Uint8Array> {
  const iterations = budget.charge(p.iterations, Math.ceil(keyLength / DIGEST_LENGTH[p.prf]), kind);
  return new Uint8Array(await pbkdf2(Buffer.from(password), Buffer.from(p.salt), iterations, keyLength, p.prf));
}

/**
 * scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER (1..MAX),
 *   blockSize INTEGER (1..MAX), parallelizationParameter INTEGER (1..MAX), keyLength INTEGER OPTIONAL }
 * (RFC 7914 §7.1). N must be a power of two greater than 1 and below 2^(16·r) (RFC 7914 §2).
 */
export async function deriveScrypt(password: Uint8Array, node: Node | undefined, keyLength: number, budget: KdfBudget): Promise<Uint8Array> {
  const what = budget.what;
  const p = seq(node, 'scrypt-params');
  const salt = octets(p[0], 'scrypt.salt');
  const [N, r, pp] = [p[1], p[2], p[3]].map((n, i) => parameter(n, ['scrypt.costParameter', 'scrypt.blockSize', 'scrypt.parallelizationParameter'][i]!)) as [bigint, bigint, bigint];
  if (p[4] && parameter(p[4], 'scrypt.keyLength') !== BigInt(keyLength)) malformedKey(t`${what}: the scrypt key length does not fit the cipher's ${keyLength} bytes`);
  if (N < 2n || (N & (N - 1n)) !== 0n) malformedKey(t`${what}: scrypt cost N=${N} is not a power of two greater than 1`);
  // RFC 7914 §2: r·p < 2^30 and N < 2^(128·r/8), compared by bit length (N is a power of two).
  if (r < 1n || pp < 1n || r * pp >= 1n << 30n || BigInt(N.toString(2).length - 1) >= 16n * r) malformedKey(t`${what}: scrypt parameters N=${N}, r=${r}, p=${pp} are out of range`);
  const memory = 128n * r * N;
  if (memory > BigInt(KDF_LIMITS.scryptMemory)) {
    tooMuch(t`${what}: scrypt with N=${N}, r=${r} needs ${mib(memory)} MiB of memory; tsproof allows at most ${mib(BigInt(KDF_LIMITS.scryptMemory))} MiB`);
  }
  if (!budget.chargeScrypt(memory * pp)) {
    tooMuch(t`${what}: scrypt with N=${N}, r=${r}, p=${pp} is more work than tsproof allows (128·N·r·p at most ${mib(BigInt(KDF_LIMITS.scryptWork))} MiB per file)`);
  }
  const o = { N: Number(N), r: Number(r), p: Number(pp), maxmem: Number(memory) + (1 << 20) };
  try {
    return new Uint8Array(await scrypt(Buffer.from(password), Buffer.from(salt), keyLength, o));
  } catch {
    return malformedKey(t`${what}: scrypt parameters N=${N}, r=${r}, p=${pp} are out of range`);
  }
}

const mib = (bytes: bigint) => (bytes / (1n << 20n)).toString();

/** scrypt for writing (tsproof's own parameters), with the same memory bound. */
export async function scryptForWriting(password: Uint8Array, salt: Uint8Array, keyLength: number, o: { N: number; r: number; p: number }): Promise<Uint8Array> {
  return new Uint8Array(await scrypt(Buffer.from(password), Buffer.from(salt), keyLength, { ...o, maxmem: 128 * o.N * o.r + (1 << 20) }));
}

/** PBKDF1 with SHA-1 (RFC 8018 §5.1): T1 = H(P || S), Ti = H(Ti-1); 20 bytes. */
export function pbkdf1Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  return hashChain('sha1', oneShotHash('sha1', Buffer.concat([password, salt]), 'buffer'), iterations - 1);
}

/** The PKCS#12 KDF's block size v in bytes for each hash it is defined with (RFC 7292 Appendix B.2). */
const PKCS12_V: Partial<Record<AnyDigest, number>> = { md5: 64, sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 };

export function pkcs12KdfSupports(h: AnyDigest): boolean {
  return PKCS12_V[h] !== undefined;
}

/** The PKCS#12 KDF (RFC 7292 Appendix B.2). `id`: 1 key, 2 IV, 3 MAC key. */
export function pkcs12Kdf(hash: AnyDigest, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const u = DIGEST_LENGTH[hash];
  const v = PKCS12_V[hash];
  if (v === undefined) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`the PKCS#12 key derivation is not defined with ${hash}` });
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
    const A = Buffer.from(hashChain(hash, oneShotHash(hash, Buffer.concat([D, I]), 'buffer'), iterations - 1));
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

/** The PKCS#12 KDF, charged to the budget (one block per hash output; more for hashes without a fast chain). */
export function chargedPkcs12Kdf(hash: AnyDigest, password: Uint8Array, salt: Uint8Array, id: number, iterations: bigint, n: number, budget: KdfBudget, kind: string): Uint8Array {
  const blocks = Math.ceil(n / DIGEST_LENGTH[hash]) * (hasFastChain(hash) ? 1 : KDF_LIMITS.slowChainFactor);
  return pkcs12Kdf(hash, password, salt, id, budget.charge(iterations, blocks, kind), n);
}
