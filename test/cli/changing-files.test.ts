/**
 * Issue 11: a file overwritten while register hashed it (CAD autosave) got a digest of neither its
 * old nor its new content, and exit 0. Now the command refuses it and writes nothing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError } from '../helpers/hostile.js';

const PREFIX = 'tsproof-changing-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

describe('a file written while it is hashed', () => {
  it('register refuses it with one line (exit 2) and writes nothing', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const big = path.join(ws.work, 'autosave.dwg');
    const size = 96 << 20;
    writeFileSync(big, randomBytes(size));
    // An editor autosaving: one byte patched every millisecond, for as long as the test runs.
    const writer = spawn(
      process.execPath,
      ['-e', `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(big)},'r+');let i=0;process.stdout.write('go\\n');setInterval(()=>fs.writeSync(fd,Buffer.from([i++&255]),0,1,(i*7919)%${size}),1)`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((r) => writer.stdout!.once('data', r));
      const before = readdirSync(ws.work).sort();
      expectOneLineError(await ws.run(['register', 'autosave.dwg', '--tsa', tsa.url]), 2, /autosave\.dwg changed while it was read/);
      expect(readdirSync(ws.work).sort()).toEqual(before);
      expect(existsSync(path.join(ws.home, 'registry.db'))).toBe(false);
    } finally {
      writer.kill();
    }
  });
});
