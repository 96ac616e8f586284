/**
 * The files' tree of a renewal over the files (src/core/longterm/files.ts, docs/long-term.md):
 * every file's reduced hash tree and the signature's lead to the same root; a file's first list
 * holds that file alone; and the work of joining files with their own chains is bounded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { branchHash, recoverRoot } from '../../src/core/longterm/ers.js';
import { filePath, filesTree, RenewalChains, type FilesLayer } from '../../src/core/longterm/files.js';
import { LimitError } from '../../src/core/errors.js';

const h = (s: string) => createHash('sha512').update(s).digest();

describe('the files tree of a renewal over the files', () => {
  it('for 1 to 33 files, every file path and the signature path lead to one root, each file alone in its first list', () => {
    for (let n = 1; n <= 33; n++) {
      const hashes = Array.from({ length: n }, (_, i) => h(`file ${i}`));
      const salts = Array.from({ length: n }, () => randomBytes(32).toString('hex'));
      const t = filesTree('sha512', hashes, salts);
      const sig = h('signature');
      const above = [[h('batch sibling')]];
      const root = recoverRoot('sha512', [[branchHash('sha512', sig, t.root)], ...above]);
      const layer: FilesLayer = { renewal: 1, alg: 'sha512', ...t, signatureHash: sig, above, timeStamp: new Uint8Array() };
      expect(Buffer.from(recoverRoot('sha512', [[sig], [t.root], ...above]))).toEqual(Buffer.from(root));
      for (let e = 0; e < n; e++) {
        const p = filePath(layer, e);
        expect(p[0], `n=${n} e=${e}`).toEqual([hashes[e]]);
        expect(Buffer.from(recoverRoot('sha512', p)), `n=${n} e=${e}`).toEqual(Buffer.from(root));
        // No sibling is another file's hash: the path discloses nothing that confirms a guess.
        for (const list of p.slice(1)) for (const v of list) expect(hashes.some((x) => Buffer.compare(x, v) === 0)).toBe(false);
      }
    }
  });

  it('joining every file with its own chains is bounded: beyond 4 GiB of hashing, LIMIT_EXCEEDED before any work', () => {
    const state = new RenewalChains();
    state.chains.push({ start: 0, ats: [new Uint8Array(1 << 20)] });
    state.layers.set(0, { renewal: 0, alg: 'sha512', hashes: [], salts: [], levels: [[]], root: new Uint8Array(), signatureHash: new Uint8Array(), above: [], timeStamp: new Uint8Array() });
    const digests = Array.from({ length: 5000 }, () => '00'.repeat(64));
    const t0 = Date.now();
    expect(() => state.fileHashes('sha512', digests)).toThrow(LimitError);
    expect(() => state.fileHashes('sha512', digests)).toThrow(/would hash 5000 MiB to join each of 5000 file\(s\) with the chains before it, beyond the limit of 4096 MiB/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
