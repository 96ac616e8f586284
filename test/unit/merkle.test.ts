import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, levels, rootOf, verifyInclusion } from '../../src/core/receipt/merkle.js';
import { INCLUSION, LEAVES, ROOTS } from '../vectors/rfc6962.js';

// The RFC 6962 reference vectors (test/vectors/rfc6962.ts).

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leaves = LEAVES.map((d) => leafHash('sha256', d));

describe('RFC 6962 Merkle tree', () => {
  it('matches the reference tree heads for sizes 1..8', () => {
    for (let n = 1; n <= 8; n++) expect(hex(rootOf('sha256', leaves.slice(0, n)))).toBe(ROOTS[n - 1]);
  });

  it('produces the reference inclusion proofs', () => {
    for (const [i, n, want] of INCLUSION) expect(inclusionProof(levels('sha256', leaves.slice(0, n)), i).map(hex), `${i}/${n}`).toEqual(want);
  });

  it('every leaf of every tree up to 70 leaves proves inclusion, and nothing else does', () => {
    const many = Array.from({ length: 70 }, (_, i) => leafHash('sha256', Buffer.from([i])));
    for (let n = 1; n <= many.length; n++) {
      const t = levels('sha256', many.slice(0, n));
      const root = t[t.length - 1]![0]!;
      for (let i = 0; i < n; i++) {
        const p = inclusionProof(t, i);
        expect(p.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(verifyInclusion('sha256', i, n, many[i]!, p, root)).toBe(true);
        // Wrong leaf, wrong index, wrong size, truncated or extended proofs all fail.
        expect(verifyInclusion('sha256', i, n, many[(i + 1) % 70]!, p, root)).toBe(false);
        if (n > 1) expect(verifyInclusion('sha256', (i + 1) % n, n, many[i]!, p, root)).toBe(false);
        if (p.length) expect(verifyInclusion('sha256', i, n, many[i]!, p.slice(1), root)).toBe(false);
        expect(verifyInclusion('sha256', i, n, many[i]!, [...p, root], root)).toBe(false);
      }
    }
  });

  it('separates leaves from nodes (a node cannot pose as a leaf)', () => {
    const t = levels('sha256', leaves.slice(0, 4));
    // The concatenation of two leaf hashes, presented as leaf data, hashes differently from their node.
    expect(hex(leafHash('sha256', Buffer.concat([leaves[0]!, leaves[1]!])))).not.toBe(hex(t[1]![0]!));
  });
});

describe('entry leaf data', () => {
  it('the hand-written entryJson equals the generic canonical JSON', async () => {
    const { canonicalJson, entryJson } = await import('../../src/core/receipt/manifest.js');
    const entries = [
      { name: 'a.txt', size: 0, digests: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, salt: 'ab'.repeat(32) },
      { name: '설계/도면 "1"\\\n.dwg', size: 123456789, digests: { sha512: 'f'.repeat(128), sha256: '0'.repeat(64), sha384: '1'.repeat(96) }, salt: '00'.repeat(32) },
    ];
    for (const e of entries) expect(entryJson(e)).toBe(canonicalJson({ name: e.name, size: e.size, digests: e.digests, salt: e.salt }));
  });
});
