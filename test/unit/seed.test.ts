import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedBlock, seedCbcDecrypt, seedCbcEncrypt, seedKeySchedule } from '../../src/core/crypto/seed.js';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('SEED block cipher', () => {
  // RFC 4269 Appendix B.
  const vectors = [
    ['00000000000000000000000000000000', '000102030405060708090a0b0c0d0e0f', '5ebac6e0054e166819aff1cc6d346cdb'],
    ['000102030405060708090a0b0c0d0e0f', '00000000000000000000000000000000', 'c11f22f20140505084483597e4370f43'],
    ['4706480851e61be85d74bfb3fd956185', '83a2f8a288641fb9a4e9a5cc2f131c7d', 'ee54d13ebcae706d226bc3142cd40d4a'],
    ['28dbc3bc49ffd87dcfa509b11d422be7', 'b41e6be2eba84a148e2eed84593c5ec7', '9b9b7bfcd1813cb95d0b3618f40f5122'],
  ];
  for (const [key, plain, cipher] of vectors) {
    it(`RFC 4269 vector key=${key.slice(0, 8)}…`, () => {
      const ks = seedKeySchedule(hex(key!));
      const b = Uint8Array.from(hex(plain!));
      seedBlock(ks, b, false);
      expect(Buffer.from(b).toString('hex')).toBe(cipher);
      seedBlock(ks, b, true);
      expect(Buffer.from(b).toString('hex')).toBe(plain);
    });
  }

  it('CBC with PKCS#5 padding agrees with openssl enc -seed-cbc (legacy provider), both ways', () => {
    for (const len of [0, 1, 15, 16, 17, 100, 1000]) {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const plain = randomBytes(len);
      const ours = seedCbcEncrypt(key, iv, plain);
      const args = ['enc', '-seed-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-provider', 'legacy', '-provider', 'default'];
      const theirs = spawnSync('openssl', args, { input: plain });
      expect(theirs.status, theirs.stderr?.toString()).toBe(0);
      expect(Buffer.from(ours).toString('hex')).toBe(theirs.stdout.toString('hex'));
      const back = spawnSync('openssl', [...args, '-d'], { input: Buffer.from(ours) });
      expect(back.stdout.toString('hex')).toBe(plain.toString('hex'));
      expect(Buffer.from(seedCbcDecrypt(key, iv, theirs.stdout)!).toString('hex')).toBe(plain.toString('hex'));
    }
  });

  it('reports bad padding (a wrong key) as undefined, never garbage', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const c = seedCbcEncrypt(key, iv, Buffer.from('a private key, PKCS#8 DER'));
    let wrong = 0;
    for (let i = 0; i < 50; i++) if (seedCbcDecrypt(randomBytes(16), iv, c) === undefined) wrong++;
    expect(wrong).toBeGreaterThanOrEqual(45); // ~1/256 chance each of a valid-looking pad
    expect(seedCbcDecrypt(key, iv, c.subarray(0, 15))).toBeUndefined();
  });
});
