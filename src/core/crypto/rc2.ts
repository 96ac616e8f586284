/**
 * RC2 (RFC 2268), the 64-bit block cipher of legacy PKCS#12 files (OpenSSL -legacy, Windows
 * and Java exports: pbeWithSHAAnd40BitRC2-CBC) and of PBES2 with RC2-CBC (RFC 8018 §B.2.3).
 * Node's OpenSSL 3 has RC2 only in the legacy provider, which Node cannot load at run time,
 * so tsproof carries its own. Tested against RFC 2268 §5 and OpenSSL's rc2-cbc.
 */
import { InputError } from '../errors.js';
import { t } from '../text.js';
import { cbcDecrypt, cbcEncrypt } from './cbc.js';

/** PITABLE (RFC 2268 §2): a permutation of 0…255 from the digits of pi. */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b255597312d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** The rotation amounts of the four mixing steps (RFC 2268 §3.1). */
const S = [1, 2, 3, 5] as const;

/**
 * Key expansion (RFC 2268 §2): 64 16-bit words K[0..63] from a key of 1 to 128 bytes and an
 * "effective key length" T1 in bits (1 to 1024), which reduces the search space to 2^T1.
 */
export function rc2KeySchedule(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new InputError({ code: 'BAD_ARGUMENT', message: t`RC2 needs a key of 1 to 128 bytes` });
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) throw new InputError({ code: 'BAD_ARGUMENT', message: t`RC2 needs an effective key length of 1 to 1024 bits` });
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

const rol = (w: number, s: number) => ((w << s) | (w >>> (16 - s))) & 0xffff;
const ror = (w: number, s: number) => ((w >>> s) | (w << (16 - s))) & 0xffff;

const words = (b: Uint8Array) => [b[0]! | (b[1]! << 8), b[2]! | (b[3]! << 8), b[4]! | (b[5]! << 8), b[6]! | (b[7]! << 8)];
function store(R: readonly number[], b: Uint8Array): void {
  for (let i = 0; i < 4; i++) {
    b[2 * i] = R[i]! & 0xff;
    b[2 * i + 1] = R[i]! >>> 8;
  }
}

/** Encrypts one 8-byte block in place (RFC 2268 §3: 5 mixing, 1 mashing, 6 mixing, 1 mashing, 5 mixing rounds). */
export function rc2EncryptBlock(K: Uint16Array, b: Uint8Array): void {
  const R = words(b);
  let j = 0;
  const mix = () => {
    for (let i = 0; i < 4; i++) {
      const r = R[i]! + K[j++]! + (R[(i + 3) & 3]! & R[(i + 2) & 3]!) + (~R[(i + 3) & 3]! & R[(i + 1) & 3]!);
      R[i] = rol(r & 0xffff, S[i]!);
    }
  };
  const mash = () => {
    for (let i = 0; i < 4; i++) R[i] = (R[i]! + K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (const [n, round] of [
    [5, mix],
    [1, mash],
    [6, mix],
    [1, mash],
    [5, mix],
  ] as const)
    for (let k = 0; k < n; k++) round();
  store(R, b);
}

/** Decrypts one 8-byte block in place (RFC 2268 §4: the rounds of §3 inverted, in reverse order). */
export function rc2DecryptBlock(K: Uint16Array, b: Uint8Array): void {
  const R = words(b);
  let j = 63;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) R[i] = (ror(R[i]!, S[i]!) - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (const [n, round] of [
    [5, rmix],
    [1, rmash],
    [6, rmix],
    [1, rmash],
    [5, rmix],
  ] as const)
    for (let k = 0; k < n; k++) round();
  store(R, b);
}

/** RC2-CBC with PKCS#5 padding. */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const K = rc2KeySchedule(key, effectiveBits);
  return cbcEncrypt(8, (b) => rc2EncryptBlock(K, b), iv, plain);
}

/** RC2-CBC decryption; undefined when the length or the PKCS#5 padding is wrong (a wrong key, as a rule). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const K = rc2KeySchedule(key, effectiveBits);
  return cbcDecrypt(8, (b) => rc2DecryptBlock(K, b), iv, data);
}
