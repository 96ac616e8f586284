/**
 * writeNewFolder (core/io/fs.ts): the evidence pack's folder is built in a private temporary
 * folder with an unpredictable name and renamed into place; nothing planted is adopted or
 * followed, and an existing target of any kind is refused (issue 11).
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { writeNewFolder, type FolderFile } from '../../src/core/io/fs.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-write-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: FolderFile[] = [
  { path: 'a.txt', data: 'a' },
  { path: 'sub/b.bin', data: Uint8Array.of(0, 1, 2) },
  { path: 'sub/deeper/c.sh', data: '#!/bin/sh\n', executable: true },
];
const leftovers = () => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('writeNewFolder', () => {
  it('writes the files, with the modes a plain mkdir and an executable bit give', async () => {
    const dest = path.join(dir, 'out');
    await writeNewFolder(dest, files, 'out');
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('a');
    expect([...readFileSync(path.join(dest, 'sub', 'b.bin'))]).toEqual([0, 1, 2]);
    const umask = process.umask();
    expect(statSync(dest).mode & 0o777).toBe(0o777 & ~umask);
    expect(statSync(path.join(dest, 'sub', 'deeper', 'c.sh')).mode & 0o777).toBe(0o755 & ~umask);
    expect(statSync(path.join(dest, 'a.txt')).mode & 0o777).toBe(0o644 & ~umask);
    expect(leftovers()).toEqual([]);
  });

  it('builds in a fresh folder beside the target, mode 0700, under a name no one can guess', async () => {
    const seen: { name: string; mode: number }[] = [];
    const spy = (dest: string): FolderFile => ({
      path: 'x',
      // Read while the folder is being written: look at what is beside the target then.
      get data() {
        const tmp = readdirSync(path.dirname(dest)).filter((f) => f.startsWith(`.${path.basename(dest)}.tmp-`));
        expect(tmp).toHaveLength(1);
        seen.push({ name: tmp[0]!, mode: statSync(path.join(path.dirname(dest), tmp[0]!)).mode & 0o777 });
        return 'x';
      },
    });
    await writeNewFolder(path.join(dir, 'p1'), [spy(path.join(dir, 'p1'))], 'p1');
    await writeNewFolder(path.join(dir, 'p2'), [spy(path.join(dir, 'p2'))], 'p2');
    expect(seen.map((s) => s.mode)).toEqual([0o700, 0o700]);
    const suffix = (n: string) => n.replace(/^\.p\d\.tmp-/, '');
    expect(suffix(seen[0]!.name)).toMatch(/^[A-Za-z0-9]{6}$/);
    expect(suffix(seen[0]!.name)).not.toBe(suffix(seen[1]!.name));
    expect(seen[0]!.name).not.toContain(String(process.pid));
  });

  it('refuses an existing target — folder, file, link, dangling link — touching nothing', async () => {
    const victim = path.join(dir, 'victim');
    mkdirSync(victim);
    const kinds: [string, (p: string) => void][] = [
      ['empty folder', (p) => mkdirSync(p)],
      ['file', (p) => writeFileSync(p, 'mine')],
      ['link to a folder', (p) => symlinkSync(victim, p)],
      ['dangling link', (p) => symlinkSync(path.join(victim, 'nothing-here'), p)],
    ];
    for (const [what, make] of kinds) {
      const dest = path.join(dir, `taken-${what.replace(/ /g, '-')}`);
      make(dest);
      const before = lstatSync(dest);
      await expect(writeNewFolder(dest, files, what), what).rejects.toSatisfy((e: unknown) => e instanceof InputError && e.code === 'BAD_ARGUMENT' && e.message === `${what} already exists`);
      const after = lstatSync(dest);
      expect(after.ino, what).toBe(before.ino);
      if (after.isSymbolicLink()) expect(readlinkSync(dest)).toContain('victim');
      if (after.isDirectory()) expect(readdirSync(dest)).toEqual([]);
    }
    expect(readdirSync(victim)).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('leaves nothing behind when writing fails half-way, or a path tries to leave the folder', async () => {
    const failing: FolderFile = {
      path: 'sub/fail',
      get data(): string {
        throw new Error('disk on fire');
      },
    };
    await expect(writeNewFolder(path.join(dir, 'half'), [...files, failing], 'half')).rejects.toThrow('disk on fire');
    await expect(writeNewFolder(path.join(dir, 'escape'), [{ path: '../escaped', data: 'x' }], 'escape')).rejects.toThrow(/bad path/);
    await expect(writeNewFolder(path.join(dir, 'twice'), [files[0]!, files[0]!], 'twice')).rejects.toSatisfy((e: unknown) => e instanceof InputError && /cannot write twice: EEXIST/.test(e.message));
    for (const n of ['half', 'escape', 'twice']) expect(readdirSync(dir)).not.toContain(n);
    expect(readdirSync(dir)).not.toContain('escaped');
    expect(leftovers()).toEqual([]);
  });

  it('says which output it cannot write, in one line, when its place is not a folder', async () => {
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, 'x');
    await expect(writeNewFolder(path.join(file, 'pack'), files, 'plain-file/pack')).rejects.toSatisfy((e: unknown) => e instanceof InputError && /^cannot write plain-file\/pack: E[A-Z]+$/.test(e.message));
  });
});
