/**
 * Issue 11: evidence with more than one reading (a receipt naming a key twice, reserved fields
 * with content) is refused; a validly signed receipt whose entry names no folder can hold (a NUL,
 * 5,000 characters) is a failed verification, never an internal error (exit 70).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeReceipt } from '../../src/core/receipt/receipt.js';
import { bundledTsa } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError, signedReceipt } from '../helpers/hostile.js';

const PREFIX = 'tsproof-reading-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

describe('receipts with more than one reading', () => {
  it('a receipt that repeats a key, or carries revocation data of no documented form, is exit 2 with one line', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    expect((await ws.run(['register', 'a.txt', '--tsa', tsa.url])).status).toBe(0);
    const text = readFileSync(path.join(ws.work, 'a.txt.tsproof.json'), 'utf8');
    writeFileSync(path.join(ws.work, 'dup.json'), text.replace('"name":"a.txt"', '"name":"a.txt","name":"b.txt"'));
    expectOneLineError(await ws.run(['verify', 'a.txt', '--receipt', 'dup.json']), 2, /dup\.json: not a receipt: an object names the key "name" twice/);
    writeFileSync(path.join(ws.work, 'rev.json'), text.replace('"revocation": []', '"revocation": [{"ocsp":"AAAA"}]'));
    expectOneLineError(await ws.run(['verify', 'a.txt', '--receipt', 'rev.json']), 2, /revocation\[0\]\.ocsp: unexpected field/);
  });
});

describe('entry names no folder can hold', () => {
  it('verify --dir with validly signed entry names holding NUL, 5,000 characters or a file as a folder: exit 1, never 70', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'x.bin'), 'x');
    const one = async (name: string) => {
      const r = await signedReceipt({ files: [{ absolute: path.join(ws.work, 'x.bin'), name }], tsaUrl: tsa.url });
      const file = `r-${randomBytes(4).toString('hex')}.json`;
      writeFileSync(path.join(ws.work, file), serializeReceipt(r));
      return ws.run(['verify', '--receipt', file, '--dir', '.']);
    };
    const nul = await one('a\u0000b.txt');
    expect(nul.status, nul.stderr).toBe(1);
    expect(nul.stderr).toBe('');
    expect(nul.stdout).toMatch(/✘ receipt\.entries +entries\[0\]\.name: expected a relative POSIX path in NFC/);
    const long = await one('n'.repeat(5000));
    expect(long.status, long.stderr).toBe(1);
    expect(long.stderr).toBe('');
    expect(long.stdout).toMatch(/✘ missing +n{5000} +\(registered "n{5000}" \(1 bytes\) is missing: its name is too long for a path on this system\)/);
    const under = await one('x.bin/inside.txt');
    expect(under.status, under.stderr).toBe(1);
    expect(under.stdout).toMatch(/✘ missing +x\.bin\/inside\.txt/);
    const json = await ws.run(['verify', '--receipt', readdirSync(ws.work).find((n) => n.startsWith('r-'))!, '--dir', '.', '--json']);
    expect(JSON.parse(json.stdout).ok).toBe(false);
  });
});
