/**
 * Issue 11: a bad .tsproofignore line silently dropped itself and every rule after it (excluded
 * files were registered, their names put in the receipt); a many-star pattern hung the walk; a bad
 * --exclude was an internal error (exit 70).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError } from '../helpers/hostile.js';

const PREFIX = 'tsproof-ignore-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

describe('.tsproofignore and --exclude', () => {
  it('a bad line is an error naming the file and line (exit 2), and nothing is registered', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'd', 'secret'), { recursive: true });
    writeFileSync(path.join(ws.work, 'd', 'plan.txt'), 'plan');
    writeFileSync(path.join(ws.work, 'd', 'secret', 'keys.txt'), 'do not register my name');
    writeFileSync(path.join(ws.work, 'd', '.tsproofignore'), '*.tmp\n[z-a]\nsecret/\n');
    const r = await ws.run(['register', 'd', '--tsa', tsa.url, '--out', '.']);
    expectOneLineError(r, 2, /d\/\.tsproofignore:2: reversed range "z-a" in the pattern \[z-a\]/);
    expect(readdirSync(ws.work).filter((n) => n.endsWith('.tsproof.json'))).toEqual([]);
    expectOneLineError(await ws.run(['hash', 'd']), 2, /\.tsproofignore:2: reversed range/);
  });

  it('--exclude [z-a] is exit 2 with one line', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'd'));
    writeFileSync(path.join(ws.work, 'd', 'a.txt'), 'a');
    expectOneLineError(await ws.run(['register', 'd', '--tsa', tsa.url, '--exclude', '[z-a]']), 2, /--exclude \[z-a\]: reversed range "z-a"/);
  });

  it('a pattern that made a regex backtrack for minutes is matched at once', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'd'));
    writeFileSync(path.join(ws.work, 'd', 'a'.repeat(34)), 'kept');
    writeFileSync(path.join(ws.work, 'd', `${'a'.repeat(33)}b`), 'left out');
    writeFileSync(path.join(ws.work, 'd', '.tsproofignore'), '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n');
    const r = await ws.run(['hash', 'd']);
    expect(r.status, r.stderr).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[1]),
    ).toEqual([`d/${'a'.repeat(34)}`]);
  });
});
