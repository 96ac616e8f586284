/**
 * The organisation log's Merkle tree against the RFC 6962 / RFC 9162 reference vectors (the
 * certificate-transparency test data: 8 leaves, their roots, audit paths and consistency
 * proofs), and every proof of small trees checked by the §2.1.3.2 / §2.1.4.2 verifiers.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, MerkleLog, logLeafHash, verifyConsistency, verifyInclusion } from '../../src/core/org/log.js';
import { CONSISTENCY, INCLUSION, LEAVES, ROOTS } from '../vectors/rfc6962.js';

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
