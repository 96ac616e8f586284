import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HashPool, hashFile, hashFiles } from '../../src/core/hash/engine.js';
import { InputError } from '../../src/core/errors.js';

let dir: string;
let paths: string[];
const expected = (p: string, alg: string) => createHash(alg).update(readFileSync(p)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-engine-'));
  mkdirSync(path.join(dir, 'd'));
  // Sizes around the 1 MiB chunk boundary, empty, tiny and a few MiB.
  const sizes = [0, 1, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17, ...Array.from({ length: 200 }, (_, i) => 100 + i * 37)];
  paths = sizes.map((n, i) => {
    const p = path.join(dir, 'd', `f${i}.bin`);
    writeFileSync(p, randomBytes(n));
    return p;
  });
});

describe('hash engine', () => {
  it('one file on this thread, overlapped reads: same digests as a one-shot hash, in several algorithms at once', async () => {
    for (const p of paths.slice(0, 7)) {
      const r = await hashFile(p, ['sha256', 'sha512']);
      expect(r.digests).toEqual({ sha256: expected(p, 'sha256'), sha512: expected(p, 'sha512') });
      expect(r.size).toBe(readFileSync(p).length);
    }
  });

  for (const threads of [1, 2, 3]) {
    it(`many files with ${threads} lane(s): results in input order, identical to a one-shot hash`, async () => {
      const pool = new HashPool(threads);
      try {
        const targets = paths.map((p) => ({ path: p, display: path.basename(p) }));
        const r = await pool.hash(targets, ['sha256', 'sha384']);
        r.forEach((d, i) => expect(d.digests).toEqual({ sha256: expected(paths[i]!, 'sha256'), sha384: expected(paths[i]!, 'sha384') }));
        // The pool is reusable, and counts what it hashed.
        await pool.hash(targets.slice(0, 3), ['sha256']);
        expect(pool.progress().files).toBe(paths.length + 3);
      } finally {
        await pool.close();
      }
    });
  }

  it('an unreadable file rejects the batch with a one-line InputError naming it', async () => {
    const gone = path.join(dir, 'gone.bin');
    writeFileSync(gone, 'x');
    rmSync(gone);
    const targets = [...paths.slice(0, 50), gone, ...paths.slice(50, 60)].map((p) => ({ path: p, display: path.basename(p) }));
    await expect(hashFiles(targets, { algorithms: ['sha256'] })).rejects.toSatisfy((e: unknown) => e instanceof InputError && e.code === 'FILE_NOT_FOUND' && e.message === 'gone.bin: no such file');
    await expect(hashFiles([{ path: path.join(dir, 'd'), display: 'd' }, { path: paths[0]!, display: 'x' }], { algorithms: ['sha256'] })).rejects.toThrow(/d: not a regular file/);
  });

  it('reports progress through the reader it hands out', async () => {
    let read: (() => { bytes: number; files: number }) | undefined;
    await hashFiles(paths.slice(0, 20).map((p) => ({ path: p, display: p })), { algorithms: ['sha256'], progress: (r) => (read = r) });
    const total = paths.slice(0, 20).reduce((n, p) => n + readFileSync(p).length, 0);
    expect(read!()).toEqual({ bytes: total, files: 20 });
  });
});

describe('hash pool after a failure', () => {
  it('a later call never receives a failed call’s late answers', async () => {
    const pool = new HashPool(3);
    try {
      const gone = path.join(dir, 'gone-2.bin');
      const targets = paths.map((p) => ({ path: p, display: path.basename(p) }));
      await expect(pool.hash([{ path: gone, display: 'gone-2.bin' }, ...targets], ['sha256'])).rejects.toThrow(/gone-2\.bin/);
      const r = await pool.hash(targets.slice(0, 5), ['sha256']);
      r.forEach((d, i) => expect(d.digests.sha256).toBe(expected(paths[i]!, 'sha256')));
    } finally {
      await pool.close();
    }
  });
});
