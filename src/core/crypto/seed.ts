/**
 * SEED (RFC 4269), the Korean 128-bit block cipher used by NPKI private keys, with CBC and
 * PKCS#5 padding. Node's OpenSSL build has no SEED without the legacy provider, so tsproof
 * carries its own. Tested against RFC 4269 Appendix B and OpenSSL's seed-cbc.
 *
 * The G function's four 32-bit tables are the two 8-bit S-boxes S1 and S2 of RFC 4269,
 * each replicated into four bytes and masked (SS0 = S1·0x01010101 & 0x3fcff3fc, …).
 */
import { InputError } from '../errors.js';
import { t } from '../text.js';
import { cbcDecrypt, cbcEncrypt } from './cbc.js';

const S1 = Buffer.from(
  'a985d6d3541dac255d43181e51fcca632844209de0e2c817a58f037bbb13d2ee708c3fa832ddf674ec950b575c5bbd01241c739810ccf2d92ce772839bd186c96050a3eb0db69e4fb75ac678a612afd561c3b441527d8d081f9900190453f7e1fd762f27b08b0eaba26e934d697c090abfeff3c58714fe64de2e4b1a06216b6602f5928a0cb37ed07a4796e52680addfa13037ae36152238f4a7454c81e9849735cbce3c7111c78975fbdaf8945982c4ff493967c0cfd7b80f8e4223916cdba434f148c26f3d2d40be3ebcc1aaba4e553bdc687f9cd84a5677a0ed46b52b65fae3b9b19f5ef9e6b231ea6d5fe4f0cd88163a58d462290733e81b0579906a2a9a',
  'hex',
);
const S2 = Buffer.from(
  '38e82da6cfdeb3b8af6055c7446f6b5bc36233b529a0e2a7d39111061cbc364bef886ca817c416f4c245e1d63f3d8e98284ef63ea5f90ddfd82b667a272ff17242d441c07367ac8bf7ad801fca2caa34d20beee95d9418f857ae08c513cd86b9ff7dc131f58a6ab1d120d7022204687107db9d9961bee659dd5190dc9aa3abd0810f471ae3ec8dbf967b5ca2a163234dc89e9c3a0c2eba6e9f5af292f34978cc15fb70757f351003646dc674d5b4ea097619fe4012e0bd05fa01f02a5ea956438514899bb0e5487997fc1e82218c1b5f7754b21d254f0046ed5852eb7edac9fd3095653cb6e4bb7c0e5039263284699337e724a4cb530a87d94c838fce3b4ab7',
  'hex',
);

function ss(s: Buffer, mask: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let x = 0; x < 256; x++) t[x] = (s[x]! * 0x01010101) & mask;
  return t;
}
const SS0 = ss(S1, 0x3fcff3fc);
const SS1 = ss(S2, 0xfc3fcff3);
const SS2 = ss(S1, 0xf3fc3fcf);
const SS3 = ss(S2, 0xcff3fc3f);

const G = (x: number) => (SS0[x & 0xff]! ^ SS1[(x >>> 8) & 0xff]! ^ SS2[(x >>> 16) & 0xff]! ^ SS3[x >>> 24]!) >>> 0;

/** KC_i = the golden-ratio constant 0x9e3779b9 rotated left by i (RFC 4269 §2.4). */
const KC = Array.from({ length: 16 }, (_, i) => ((0x9e3779b9 << i) | (0x9e3779b9 >>> (32 - i))) >>> 0);

/** The 32 round-key words for a 16-byte key (RFC 4269 §2.4). */
export function seedKeySchedule(key: Uint8Array): Uint32Array {
  if (key.length !== 16) throw new InputError({ code: 'BAD_ARGUMENT', message: t`SEED needs a 16-byte key` });
  const v = Buffer.from(key);
  let k0 = v.readUInt32BE(0);
  let k1 = v.readUInt32BE(4);
  let k2 = v.readUInt32BE(8);
  let k3 = v.readUInt32BE(12);
  const ks = new Uint32Array(32);
  for (let i = 0; i < 16; i++) {
    ks[2 * i] = G((k0 + k2 - KC[i]!) >>> 0);
    ks[2 * i + 1] = G((k1 - k3 + KC[i]!) >>> 0);
    if (i % 2 === 0) {
      // (K0 || K1) rotated right by 8 bits.
      const t = k0;
      k0 = ((k0 >>> 8) | (k1 << 24)) >>> 0;
      k1 = ((k1 >>> 8) | (t << 24)) >>> 0;
    } else {
      // (K2 || K3) rotated left by 8 bits.
      const t = k2;
      k2 = ((k2 << 8) | (k3 >>> 24)) >>> 0;
      k3 = ((k3 << 8) | (t >>> 24)) >>> 0;
    }
  }
  return ks;
}

/** One Feistel round: (a, b) ^= F(c, d, K) for round-key words k0, k1. */
function round(x: Uint32Array, a: number, b: number, c: number, d: number, k0: number, k1: number): void {
  let t0 = (x[c]! ^ k0) >>> 0;
  let t1 = (x[d]! ^ k1 ^ t0) >>> 0;
  t1 = G(t1);
  t0 = G((t0 + t1) >>> 0);
  t1 = G((t1 + t0) >>> 0);
  t0 = (t0 + t1) >>> 0;
  x[a] = (x[a]! ^ t0) >>> 0;
  x[b] = (x[b]! ^ t1) >>> 0;
}

/** Encrypts or decrypts one 16-byte block in place (decryption runs the key schedule backwards). */
export function seedBlock(ks: Uint32Array, block: Uint8Array, decrypt: boolean): void {
  const v = Buffer.from(block.buffer, block.byteOffset, 16);
  const x = new Uint32Array([v.readUInt32BE(0), v.readUInt32BE(4), v.readUInt32BE(8), v.readUInt32BE(12)]);
  for (let r = 0; r < 16; r++) {
    const k = decrypt ? 15 - r : r;
    if (r % 2 === 0) round(x, 0, 1, 2, 3, ks[2 * k]!, ks[2 * k + 1]!);
    else round(x, 2, 3, 0, 1, ks[2 * k]!, ks[2 * k + 1]!);
  }
  // The halves are not swapped after the last round.
  v.writeUInt32BE(x[2]!, 0);
  v.writeUInt32BE(x[3]!, 4);
  v.writeUInt32BE(x[0]!, 8);
  v.writeUInt32BE(x[1]!, 12);
}

export function seedCbcEncrypt(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const ks = seedKeySchedule(key);
  return cbcEncrypt(16, (b) => seedBlock(ks, b, false), iv, plain);
}

/** Decrypts and removes PKCS#5 padding; undefined when the padding is wrong (e.g. a wrong password). */
export function seedCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const ks = seedKeySchedule(key);
  return cbcDecrypt(16, (b) => seedBlock(ks, b, true), iv, data);
}
