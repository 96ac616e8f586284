import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, levels, rootOf, verifyInclusion } from '../../src/core/receipt/merkle.js';

// RFC 6962 reference leaves and tree heads (certificate-transparency test data).
const DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
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
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leaves = DATA.map((d) => leafHash('sha256', d));

describe('RFC 6962 Merkle tree', () => {
  it('matches the reference tree heads for sizes 1..8', () => {
    for (let n = 1; n <= 8; n++) expect(hex(rootOf('sha256', leaves.slice(0, n)))).toBe(ROOTS[n - 1]);
  });

  it('produces the reference inclusion proof for leaf 0 of 8', () => {
    expect(inclusionProof(levels('sha256', leaves), 0).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
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
