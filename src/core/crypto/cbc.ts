/**
 * CBC mode with PKCS#5/PKCS#7 padding over a block function, for the ciphers tsproof carries
 * itself because Node's OpenSSL 3 lacks them (SEED, RC2).
 */

/** Transforms one block in place (`block` is a view of exactly one block). */
export type BlockFunction = (block: Uint8Array) => void;

export function cbcEncrypt(blockSize: number, encrypt: BlockFunction, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const pad = blockSize - (plain.length % blockSize);
  const out = new Uint8Array(plain.length + pad);
  out.set(plain);
  out.fill(pad, plain.length);
  let prev = Uint8Array.from(iv);
  for (let i = 0; i < out.length; i += blockSize) {
    const b = out.subarray(i, i + blockSize);
    for (let j = 0; j < blockSize; j++) b[j]! ^= prev[j]!;
    encrypt(b);
    prev = b;
  }
  return out;
}

/** Decrypts and removes the padding; undefined when the length or the padding is wrong (a wrong key, as a rule). */
export function cbcDecrypt(blockSize: number, decrypt: BlockFunction, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (data.length === 0 || data.length % blockSize !== 0 || iv.length !== blockSize) return undefined;
  const out = Uint8Array.from(data);
  for (let i = out.length - blockSize; i >= 0; i -= blockSize) {
    const b = out.subarray(i, i + blockSize);
    decrypt(b);
    const prev = i === 0 ? iv : data.subarray(i - blockSize, i);
    for (let j = 0; j < blockSize; j++) b[j]! ^= prev[j]!;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > blockSize || !out.subarray(out.length - pad).every((x) => x === pad)) return undefined;
  return out.subarray(0, out.length - pad);
}
