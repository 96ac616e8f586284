/**
 * The organisation log's Merkle tree against the RFC 6962 / RFC 9162 reference vectors (the
 * certificate-transparency test data: 8 leaves, their roots, audit paths and consistency
 * proofs), and every proof of small trees checked by the §2.1.3.2 / §2.1.4.2 verifiers.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, MerkleLog, logLeafHash, verifyConsistency, verifyInclusion } from '../../src/core/org/log.js';

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (l: string[]) => l.map((h) => Buffer.from(h, 'hex'));

function logOf(n: number): MerkleLog {
  const log = new MerkleLog();
  for (let i = 0; i < n; i++) log.append(logLeafHash(i < LEAVES.length ? LEAVES[i]! : Buffer.from(`leaf ${i}`)));
  return log;
}

describe('RFC 9162 Merkle log: reference vectors', () => {
  const log = logOf(8);
  it('gives the published roots of trees of 1 to 8 leaves, and SHA-256("") for the empty tree', () => {
    for (let n = 1; n <= 8; n++) expect(hex(log.root(n)), `n=${n}`).toBe(ROOTS[n - 1]);
    expect(hex(log.root(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(EMPTY_ROOT)).toBe(hex(log.root(0)));
  });
  it('builds the published inclusion proofs, and the verifier accepts them', () => {
    for (const [i, n, want] of INCLUSION) {
      expect(log.inclusionProof(i, n).map(hex), `${i}/${n}`).toEqual(want);
      expect(verifyInclusion(i, n, log.leaf(i), fromHex(want), Buffer.from(ROOTS[n - 1]!, 'hex'))).toBe(true);
    }
  });
  it('builds the published consistency proofs, and the verifier accepts them', () => {
    for (const [m, n, want] of CONSISTENCY) {
      expect(log.consistencyProof(m, n).map(hex), `${m}→${n}`).toEqual(want);
      expect(verifyConsistency(m, n, Buffer.from(ROOTS[m - 1]!, 'hex'), Buffer.from(ROOTS[n - 1]!, 'hex'), fromHex(want))).toBe(true);
    }
  });
});

describe('RFC 9162 Merkle log: every proof of trees up to 20 leaves', () => {
  const log = logOf(20);
  it('every inclusion proof verifies, and fails for another leaf, index or root, or a shortened path', () => {
    for (let n = 1; n <= 20; n++)
      for (let i = 0; i < n; i++) {
        const p = log.inclusionProof(i, n);
        expect(verifyInclusion(i, n, log.leaf(i), p, log.root(n)), `${i}/${n}`).toBe(true);
        expect(verifyInclusion(i, n, logLeafHash(Buffer.from('other')), p, log.root(n))).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, log.leaf(i), p, log.root(n))).toBe(false);
        if (n > 1) expect(verifyInclusion(i, n, log.leaf(i), p, log.root(n - 1))).toBe(false);
        if (p.length) expect(verifyInclusion(i, n, log.leaf(i), p.slice(1), log.root(n))).toBe(false);
      }
  });
  it('every consistency proof verifies; a changed, dropped or reordered leaf breaks it', () => {
    for (let n = 1; n <= 20; n++)
      for (let m = 1; m <= n; m++) {
        const p = log.consistencyProof(m, n);
        expect(verifyConsistency(m, n, log.root(m), log.root(n), p), `${m}→${n}`).toBe(true);
        if (m < n) {
          // A log whose leaf m-1 was edited: the old root no longer matches.
          const forged = new MerkleLog();
          for (let i = 0; i < n; i++) forged.append(i === m - 1 ? logLeafHash(Buffer.from('edited')) : log.leaf(i));
          expect(verifyConsistency(m, n, log.root(m), forged.root(n), forged.consistencyProof(m, n))).toBe(false);
          expect(verifyConsistency(m, n, log.root(m), log.root(n), p.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, log.root(m), log.root(n), [...p].reverse().length > 1 ? [...p].reverse() : [Buffer.alloc(32)])).toBe(false);
        }
      }
  });
  it('a shrunk tree is never consistent with a larger old one', () => {
    expect(verifyConsistency(5, 4, log.root(5), log.root(4), [])).toBe(false);
    expect(() => log.consistencyProof(5, 21)).toThrow(RangeError);
  });
});
