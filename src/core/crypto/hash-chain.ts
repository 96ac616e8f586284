/**
 * Hash chains — x, H(x), H(H(x)), … where each step hashes the previous digest — the inner loop
 * of the PKCS#12 KDF (RFC 7292 Appendix B.2) and of PBKDF1 (RFC 8018 §5.1). Node has no native
 * loop for them, and one call into node:crypto per step costs about a microsecond: legacy
 * PKCS#12 files at 600,000 iterations (3.6 M steps) took seconds. A digest always fits one
 * compression block, so SHA-1 and SHA-256 — the hashes these files use — run here as one
 * fixed-size compression per step, several times faster; other hashes go through node:crypto.
 * Checked against node:crypto in test/unit/hash-chain.test.ts.
 */
import { hash as oneShot } from 'node:crypto';
import type { AnyDigest } from './algorithms.js';

/** Whether `hashChain` runs `h` in its own loop rather than one node:crypto call per step. */
export function hasFastChain(h: AnyDigest): boolean {
  return h === 'sha1' || h === 'sha256';
}

/** H applied `steps` times to `first` (a digest of H); `steps` 0 returns `first`. */
export function hashChain(h: AnyDigest, first: Uint8Array, steps: number): Uint8Array {
  if (h === 'sha1' && first.length === 20) return sha1Chain(first, steps);
  if (h === 'sha256' && first.length === 32) return sha256Chain(first, steps);
  let x = Buffer.from(first);
  for (let i = 0; i < steps; i++) x = oneShot(h, x, 'buffer');
  return new Uint8Array(x);
}

const words = (b: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => Buffer.from(b.buffer, b.byteOffset, b.length).readInt32BE(4 * i));

function toBytes(h: readonly number[]): Uint8Array {
  const out = Buffer.alloc(4 * h.length);
  h.forEach((w, i) => out.writeInt32BE(w | 0, 4 * i));
  return new Uint8Array(out);
}

/** SHA-1 (FIPS 180-4 §6.1) of a 20-byte message, repeated: one padded block per step. */
function sha1Chain(first: Uint8Array, steps: number): Uint8Array {
  const W = new Int32Array(80);
  let [h0, h1, h2, h3, h4] = words(first, 5) as [number, number, number, number, number];
  // The padding of a 160-bit message: a 1 bit, zeros, and the length.
  W[5] = 0x80000000 | 0;
  W[15] = 160;
  for (let s = 0; s < steps; s++) {
    W[0] = h0;
    W[1] = h1;
    W[2] = h2;
    W[3] = h3;
    W[4] = h4;
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = 0x67452301;
    let b = 0xefcdab89 | 0;
    let c = 0x98badcfe | 0;
    let d = 0x10325476;
    let e = 0xc3d2e1f0 | 0;
    let t: number;
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (0x67452301 + a) | 0;
    h1 = ((0xefcdab89 | 0) + b) | 0;
    h2 = ((0x98badcfe | 0) + c) | 0;
    h3 = (0x10325476 + d) | 0;
    h4 = ((0xc3d2e1f0 | 0) + e) | 0;
  }
  return toBytes([h0, h1, h2, h3, h4]);
}

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K256 = Int32Array.from(
  [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6,
    0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb,
    0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee,
    0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ].map((k) => k | 0),
);
/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
const H256 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((h) => h | 0);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** SHA-256 (FIPS 180-4 §6.2) of a 32-byte message, repeated: one padded block per step. */
function sha256Chain(first: Uint8Array, steps: number): Uint8Array {
  const W = new Int32Array(64);
  const h = Int32Array.from(words(first, 8));
  W[8] = 0x80000000 | 0;
  W[15] = 256;
  for (let s = 0; s < steps; s++) {
    W.set(h, 0);
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!;
      const w2 = W[i - 2]!;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = H256[0]!;
    let b = H256[1]!;
    let c = H256[2]!;
    let d = H256[3]!;
    let e = H256[4]!;
    let f = H256[5]!;
    let g = H256[6]!;
    let hh = H256[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i]! + W[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (H256[0]! + a) | 0;
    h[1] = (H256[1]! + b) | 0;
    h[2] = (H256[2]! + c) | 0;
    h[3] = (H256[3]! + d) | 0;
    h[4] = (H256[4]! + e) | 0;
    h[5] = (H256[5]! + f) | 0;
    h[6] = (H256[6]! + g) | 0;
    h[7] = (H256[7]! + hh) | 0;
  }
  return toBytes([...h]);
}
