import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HashPool, hashFile, hashFiles, prestartHashPool, releaseHashPool, takeHashPool } from '../../src/core/hash/engine.js';
import { CHUNK, hashFileCooperative, hashFileSync } from '../../src/core/hash/stream.js';
import { entryJson, leafHash } from '../../src/core/receipt/leaf.js';
import { hashesManyFiles, TAKES_VALUE } from '../../src/cli/prestart.js';
import { buildProgram } from '../../src/cli/main.js';
import { processContext } from '../../src/cli/context.js';
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
    await expect(
      hashFiles(
        [
          { path: path.join(dir, 'd'), display: 'd' },
          { path: paths[0]!, display: 'x' },
        ],
        { algorithms: ['sha256'] },
      ),
    ).rejects.toThrow(/d: not a regular file/);
  });

  it('reports progress through the reader it hands out', async () => {
    let read: (() => { bytes: number; files: number }) | undefined;
    await hashFiles(
      paths.slice(0, 20).map((p) => ({ path: p, display: p })),
      { algorithms: ['sha256'], progress: (r) => (read = r) },
    );
    const total = paths.slice(0, 20).reduce((n, p) => n + readFileSync(p).length, 0);
    expect(read!()).toEqual({ bytes: total, files: 20 });
  });
});

describe('Merkle leaves computed in the hashing lanes', () => {
  for (const threads of [1, 2, 3]) {
    it(`with ${threads} lane(s), each leaf equals H(0x00 || canonical entry JSON) computed afterwards`, async () => {
      const names = paths.map((_, i) => `설계/f${i}.bin`);
      const salts = randomBytes(32 * paths.length).toString('hex');
      const out = Buffer.from(new SharedArrayBuffer(32 * paths.length));
      const pool = new HashPool(threads);
      try {
        const r = await hashFiles(
          paths.map((p) => ({ path: p, display: p })),
          { algorithms: ['sha256', 'sha512'], leaves: { algorithm: 'sha256', names, salts, out }, pool },
        );
        r.forEach((d, i) => {
          const expectedLeaf = leafHash('sha256', entryJson({ name: names[i]!, size: d.size, digests: d.digests, salt: salts.slice(i * 64, i * 64 + 64) }));
          expect(out.subarray(i * 32, i * 32 + 32).equals(expectedLeaf), `leaf ${i}`).toBe(true);
        });
      } finally {
        await pool.close();
      }
    });
  }

  it('a single file (no pool) gets its leaf too', async () => {
    const out = Buffer.alloc(48);
    const [d] = await hashFiles([{ path: paths[2]!, display: 'x' }], { algorithms: ['sha384'], leaves: { algorithm: 'sha384', names: ['x'], salts: 'ab'.repeat(32), out } });
    expect(out.equals(leafHash('sha384', entryJson({ name: 'x', size: d!.size, digests: d!.digests, salt: 'ab'.repeat(32) })))).toBe(true);
  });
});

describe('starting the hashing threads early', () => {
  it('hands the prestarted pool over once; an untaken one is closed', async () => {
    prestartHashPool();
    const first = takeHashPool();
    const second = takeHashPool();
    expect(second).not.toBe(first);
    await Promise.all([first.close(), second.close()]);
    prestartHashPool();
    await releaseHashPool();
    const fresh = takeHashPool();
    const r = await fresh.hash(
      paths.slice(0, 4).map((p) => ({ path: p, display: p })),
      ['sha256'],
    );
    expect(r[3]!.digests.sha256).toBe(expected(paths[3]!, 'sha256'));
    await fresh.close();
  });

  it('is done for hash and register of a folder or several paths, not for one file or other commands', () => {
    expect(hashesManyFiles(['hash', 'd'], dir)).toBe(true);
    expect(hashesManyFiles(['hash', 'd/f0.bin', 'd/f1.bin'], dir)).toBe(true);
    expect(hashesManyFiles(['--lang', 'ko', 'register', '--tsa', 'http://x/', '-a', 'sha512', 'd'], dir)).toBe(true);
    expect(hashesManyFiles(['hash', 'd/f0.bin'], dir)).toBe(false);
    expect(hashesManyFiles(['register', '--out', 'd', 'd/f0.bin'], dir)).toBe(false);
    expect(hashesManyFiles(['verify', 'd'], dir)).toBe(false);
    expect(hashesManyFiles(['verify', '--receipt', 'r.tsproof.json', '--dir', 'd'], dir)).toBe(true);
    expect(hashesManyFiles(['verify', '--receipt=r.tsproof.json', '--dir=d'], dir)).toBe(true);
    expect(hashesManyFiles(['hash', 'no-such-file'], dir)).toBe(false);
    expect(hashesManyFiles(['hash', 'd/*.bin'], dir)).toBe(false); // a glob is not a path; the command starts its pool itself
  });

  it('knows every option of hash, register and verify that takes a value (else it would count the value as a path)', () => {
    const program = buildProgram(processContext(), () => undefined);
    const withValue = (c: { options: readonly { flags: string; required: boolean; optional: boolean; short?: string; long?: string }[] }) =>
      c.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
    const flags = new Set([...withValue(program), ...['hash', 'register', 'verify'].flatMap((n) => withValue(program.commands.find((c) => c.name() === n)!))]);
    expect([...flags].sort()).toEqual([...TAKES_VALUE].sort());
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

describe('results as they come (onResult)', () => {
  for (const threads of [1, 2, 3]) {
    it(`${threads} lane(s): each file once, with the digests the call resolves with, before it resolves`, async () => {
      const pool = new HashPool(threads);
      try {
        const targets = paths.map((p) => ({ path: p, display: path.basename(p) }));
        const seen = new Map<number, unknown>();
        let resolved = false;
        const call = hashFiles(targets, {
          algorithms: ['sha256', 'sha512'],
          pool,
          onResult: (i, d) => {
            expect(resolved).toBe(false);
            expect(seen.has(i)).toBe(false);
            seen.set(i, d);
          },
        }).then((r) => ((resolved = true), r));
        const r = await call;
        expect(seen.size).toBe(paths.length);
        r.forEach((d, i) => expect(seen.get(i)).toEqual(d));
        expect(r[3]!.digests).toEqual({ sha256: expected(paths[3]!, 'sha256'), sha512: expected(paths[3]!, 'sha512') });
      } finally {
        await pool.close();
      }
    });
  }

  it('one file without a pool: once; an unreadable file: not at all', async () => {
    const got: number[] = [];
    const [one] = await hashFiles([{ path: paths[2]!, display: 'x' }], { algorithms: ['sha256'], onResult: (i) => got.push(i) });
    expect(got).toEqual([0]);
    expect(one!.digests.sha256).toBe(expected(paths[2]!, 'sha256'));
    const gone = path.join(dir, 'gone-3.bin');
    const bad: number[] = [];
    await expect(hashFiles([{ path: gone, display: 'gone-3.bin' }], { algorithms: ['sha256'], onResult: (i) => bad.push(i) })).rejects.toThrow(/gone-3\.bin/);
    const pool = new HashPool(2);
    try {
      const targets = [...paths.slice(0, 5), gone].map((p) => ({ path: p, display: path.basename(p) }));
      await expect(pool.hash(targets, ['sha256'], undefined, (i) => bad.push(i))).rejects.toThrow(/gone-3\.bin/);
    } finally {
      await pool.close();
    }
    expect(bad).not.toContain(5);
  });
});

describe('closing the pool while it hashes', () => {
  for (const threads of [1, 2, 3]) {
    it(`${threads} lane(s): the call under way rejects (hashing cancelled) instead of waiting for the closed threads`, async () => {
      const pool = new HashPool(threads);
      const targets = Array.from({ length: 10 }, () => paths)
        .flat()
        .map((p) => ({ path: p, display: path.basename(p) }));
      const call = pool.hash(targets, ['sha256', 'sha512']);
      call.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
      await pool.close();
      await expect(call).rejects.toThrow('hashing cancelled');
    });
  }
});

// Issue 11: a file overwritten while it was hashed (an editor's autosave) got a digest that
// matches neither the old nor the new content. Every hashing loop now compares the open file's
// identity, size and times before and after reading, and the path's, and refuses a change.
describe('a file that changes while it is read', () => {
  const MiB = 1 << 20;
  /** A file whose times lie in the past, so that a write now changes them whatever the clock's granularity. */
  const settled = (name: string, size: number): string => {
    const p = path.join(dir, name);
    writeFileSync(p, randomBytes(size));
    utimesSync(p, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    return p;
  };
  const edits: [string, (p: string) => void][] = [
    ['overwritten in place (same size)', (p) => writeFileSync(p, randomBytes(statSync(p).size))],
    [
      'one byte patched',
      (p) => {
        const fd = openSync(p, 'r+');
        writeSync(fd, Buffer.from([0x42]), 0, 1, 0);
        closeSync(fd);
      },
    ],
    [
      'replaced by a new file under its name (autosave)',
      (p) => {
        writeFileSync(`${p}.new`, randomBytes(statSync(p).size));
        renameSync(`${p}.new`, p);
      },
    ],
    ['truncated', (p) => truncateSync(p, 10)],
    ['deleted', (p) => rmSync(p)],
  ];
  const loops: [string, (p: string, onBytes: () => void) => Promise<unknown>][] = [
    ['the overlapped loop (one file)', (p, onBytes) => hashFile(p, ['sha256'], 'part.step', onBytes)],
    ['the worker loop', async (p, onBytes) => hashFileSync(p, ['sha256'], Buffer.allocUnsafe(CHUNK), onBytes)],
    ['the cooperative loop (this thread in a pool)', (p, onBytes) => hashFileCooperative(p, ['sha256'], Buffer.allocUnsafe(CHUNK), { last: performance.now(), budgetMs: 10 }, onBytes)],
  ];
  for (const [loop, run] of loops) {
    for (const size of [100, 3 * MiB + 5]) {
      for (const [how, edit] of edits) {
        it(`${loop}, ${size < MiB ? 'small file (read at once)' : 'large file'}: ${how} → refused`, async () => {
          const p = settled(`changing-${size}.bin`, size);
          let edited = false;
          // The hook runs after the first chunk was read: the edit falls inside the read.
          const onBytes = () => {
            if (!edited) edit(p);
            edited = true;
          };
          await expect(run(p, onBytes)).rejects.toSatisfy((e: NodeJS.ErrnoException) => e.code === 'ECHANGED' || (e instanceof InputError && e.code === 'FILE_CHANGED' && /^part\.step changed while it was read/.test(e.message)));
          expect(edited).toBe(true);
        });
      }
    }
  }

  it('a file left alone is hashed as before by every loop', async () => {
    const p = settled('stable.bin', 3 * MiB + 5);
    const want = expected(p, 'sha256');
    for (const [, run] of loops) expect(((await run(p, () => undefined)) as { digests: { sha256: string } }).digests.sha256).toBe(want);
  });

  it('a pool refuses the batch with a one-line InputError naming the file a writer keeps changing (worker and main lanes)', async () => {
    const big = settled('written.bin', 48 * MiB);
    const stable = settled('quiet.bin', 48 * MiB);
    // A writer process patching one byte after another, as fast as it can, while the pool reads.
    const writer = spawn(
      process.execPath,
      ['-e', `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(big)},'r+');let i=0;process.stdout.write('go\\n');setTimeout(()=>{for(;;){fs.writeSync(fd,Buffer.from([i++&255]),0,1,(i*7919)%${48 * MiB})}},0)`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((r) => writer.stdout!.once('data', r));
      const pool = new HashPool(2);
      try {
        await pool.hash([{ path: stable, display: 'quiet.bin' }], ['sha256']); // the worker is up
        // Either lane may take the written file: both must refuse it.
        for (const order of [
          [stable, big],
          [big, stable],
        ]) {
          // On a loaded machine the writer may get no time slice during one read of the file (the
          // pool then rightly sees no change): a few tries, every refusal the right one, and at
          // least one refusal — a pool that never notices fails every try.
          const outcomes: unknown[] = [];
          for (let attempt = 0; attempt < 5 && !outcomes.some((o) => o instanceof Error); attempt++) {
            outcomes.push(
              await pool
                .hash(
                  order.map((p) => ({ path: p, display: path.basename(p) })),
                  ['sha256'],
                )
                .catch((e: unknown) => e),
            );
          }
          const refusals = outcomes.filter((o) => o instanceof Error);
          expect(refusals.length, 'the pool never noticed the writer in 5 reads').toBe(1);
          expect(refusals[0]).toSatisfy((e: unknown) => e instanceof InputError && e.code === 'FILE_CHANGED' && e.message.startsWith('written.bin changed while it was read'));
        }
      } finally {
        await pool.close();
      }
    } finally {
      writer.kill();
    }
  });
});
