/**
 * RC2 (RFC 2268), tsproof's own (Node's OpenSSL 3 has it only in the legacy provider): the RFC's
 * test vectors, and CBC with PKCS#5 padding against `openssl enc` with the legacy provider.
 * Also the hash chains of the PKCS#12 KDF and PBKDF1 against node:crypto.
 */
import { spawnSync } from 'node:child_process';
import { hash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2DecryptBlock, rc2EncryptBlock, rc2KeySchedule } from '../../src/core/crypto/rc2.js';
import { hashChain } from '../../src/core/crypto/hash-chain.js';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('RC2 block cipher', () => {
  // RFC 2268 §5: key, effective key bits, plaintext, ciphertext.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ];
  for (const [key, bits, plain, cipher] of vectors) {
    it(`RFC 2268 vector key=${key.slice(0, 8)}… (${bits} effective bits)`, () => {
      const K = rc2KeySchedule(hex(key), bits);
      const b = Uint8Array.from(hex(plain));
      rc2EncryptBlock(K, b);
      expect(Buffer.from(b).toString('hex')).toBe(cipher);
      rc2DecryptBlock(K, b);
      expect(Buffer.from(b).toString('hex')).toBe(plain);
    });
  }

  it('CBC with PKCS#5 padding agrees with openssl enc -rc2-cbc, -rc2-64-cbc and -rc2-40-cbc (legacy provider), both ways', () => {
    for (const [cipher, keyLength] of [
      ['rc2-cbc', 16],
      ['rc2-64-cbc', 8],
      ['rc2-40-cbc', 5],
    ] as const) {
      for (const len of [0, 1, 7, 8, 9, 100]) {
        const key = randomBytes(keyLength);
        const iv = randomBytes(8);
        const plain = randomBytes(len);
        const ours = rc2CbcEncrypt(key, keyLength * 8, iv, plain);
        const args = ['enc', `-${cipher}`, '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-provider', 'legacy', '-provider', 'default'];
        const theirs = spawnSync('openssl', args, { input: plain });
        expect(theirs.status, theirs.stderr?.toString()).toBe(0);
        expect(Buffer.from(ours).toString('hex')).toBe(theirs.stdout.toString('hex'));
        expect(spawnSync('openssl', [...args, '-d'], { input: Buffer.from(ours) }).stdout.toString('hex')).toBe(plain.toString('hex'));
        expect(Buffer.from(rc2CbcDecrypt(key, keyLength * 8, iv, theirs.stdout)!).toString('hex')).toBe(plain.toString('hex'));
      }
    }
  });

  it('checks the whole PKCS#5 padding: a wrong key is undefined, never garbage (node-forge’s RC2 checked only the last byte)', () => {
    const key = randomBytes(16);
    const iv = randomBytes(8);
    const c = rc2CbcEncrypt(key, 128, iv, Buffer.from('a private key, PKCS#8 DER'));
    let wrong = 0;
    for (let i = 0; i < 64; i++) if (rc2CbcDecrypt(randomBytes(16), 128, iv, c) === undefined) wrong++;
    expect(wrong).toBeGreaterThanOrEqual(56); // ~1/256 chance each of a valid-looking pad (0x01)
    expect(rc2CbcDecrypt(key, 128, iv, c.subarray(0, 15))).toBeUndefined();
    expect(rc2CbcDecrypt(key, 128, iv, new Uint8Array(0))).toBeUndefined();
  });
});

describe('hash chains (PKCS#12 KDF, PBKDF1)', () => {
  for (const h of ['sha1', 'sha256', 'sha512', 'md5'] as const) {
    it(`${h}: the same as node:crypto, step by step`, () => {
      const first = hash(h, randomBytes(13), 'buffer');
      let x = first;
      for (const steps of [0, 1, 2, 63, 64, 1000]) {
        x = first;
        for (let i = 0; i < steps; i++) x = hash(h, x, 'buffer');
        expect(Buffer.from(hashChain(h, first, steps)).toString('hex')).toBe(x.toString('hex'));
      }
    });
  }
});
