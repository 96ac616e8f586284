/**
 * Issue 11: names, subjects and URLs from receipts, certificates and tokens never reach a terminal
 * or a PDF raw — an unsigned edit of an entry name once cleared the screen and drew a fake
 * "✔ VERIFIED … certified by a trusted CA" — and the verification report PDF says what
 * verification found for each file (it showed a modified file as matching).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfAssertedIdentity } from '../../src/core/identity/create.js';
import { authorityFor, createTsaMaterial } from '../../src/core/tsa/setup.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { serializeReceipt } from '../../src/core/receipt/receipt.js';
import { bundledTsa } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError, expectShownSafely, HOSTILE, RAW_CONTROLS, signedReceipt } from '../helpers/hostile.js';

const PREFIX = 'tsproof-shown-';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

/** The PDF's text as poppler reads it (its form feeds between pages are poppler's). */
const pdfText = (pdf: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\f/g, '\n');

describe('hostile strings are shown escaped, never raw (terminal and PDF)', () => {
  it('an unsigned edit of an entry name or TSA URL cannot draw on the terminal: show, verify, verify --dir, extract, export', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'part.step'), 'ISO-10303-21;\n');
    expect((await ws.run(['register', 'part.step', '--tsa', tsa.url])).status).toBe(0);
    const r = JSON.parse(readFileSync(path.join(ws.work, 'part.step.tsproof.json'), 'utf8'));
    r.entries[0].name = HOSTILE;
    r.timestamps[0].tsa = `http://tsa.example/${HOSTILE}`;
    writeFileSync(path.join(ws.work, 'edited.json'), JSON.stringify(r));
    const runs: [string, string[], number][] = [
      ['show', ['show', 'edited.json', '--all'], 0],
      ['verify', ['verify', 'part.step', '--receipt', 'edited.json'], 1],
      ['verify --dir', ['verify', '--receipt', 'edited.json', '--dir', '.', '--unregistered'], 1],
      ['extract', ['receipt', 'extract', 'edited.json', '--file', 'part.step', '--out', 'one.json'], 0],
      ['export', ['export', 'edited.json', '--format', 'evidence', '--out', 'pack'], 1],
      ['certificate', ['certificate', 'edited.json', '--out', 'c.pdf'], 1],
    ];
    for (const [what, args, code] of runs) {
      const out = await ws.run(args);
      expect(out.status, `${what}: ${out.stderr}`).toBe(code);
      expectShownSafely(what, out.stdout + out.stderr);
    }
    const show = await ws.run(['show', 'edited.json']);
    expect(show.stdout).toContain('part.step\\x1b[2J\\x1b[H✔ VERIFIED  forged.step\\x0d\\x0a  who');
    expect(show.stdout).toContain('\\u202egpj.exe\\x9b31m\\u2028x');
    // --json keeps the exact strings (C1 and bidi characters written as \u escapes, as JSON allows).
    const json = await ws.run(['show', 'edited.json', '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROLS);
    expect(JSON.parse(json.stdout).entries[0].name).toBe(HOSTILE);
  });

  it('a signed receipt with a hostile holder name, TSA name and entry names: verify, verify --dir, show, ts verify, identity list/show, PDFs', async () => {
    const ws = await aliceWorkspace(PREFIX);
    // A TSA and a self-asserted holder whose names are the hostile string, both genuine signers.
    const evilTsa = createTsaMaterial({ name: HOSTILE, now: new Date() });
    const server = createTsaServer(authorityFor(evilTsa, () => new Date()));
    const { port } = await listen(server, '127.0.0.1', 0);
    try {
      writeFileSync(path.join(ws.work, 'tsa-root.pem'), evilTsa.root.toPEM());
      const id = createSelfAssertedIdentity({ name: HOSTILE, now: new Date() });
      writeFileSync(path.join(ws.work, 'present.bin'), 'content');
      const receipt = await signedReceipt({
        files: [
          { absolute: path.join(ws.work, 'present.bin'), name: HOSTILE },
          { absolute: path.join(ws.work, 'present.bin'), name: `missing/${HOSTILE}` },
        ],
        tsaUrl: `http://127.0.0.1:${port}/`,
        identity: { record: {} as never, key: id.key, chain: [id.certificate] },
        anchors: [evilTsa.root],
      });
      writeFileSync(path.join(ws.work, 'r.json'), serializeReceipt(receipt));
      writeFileSync(path.join(ws.work, 'sig.p7s'), Buffer.from(receipt.signature, 'base64'));
      const trust = ['--trust', 'tsa-root.pem'];
      const runs: [string, string[], number][] = [
        ['verify', ['verify', 'present.bin', '--receipt', 'r.json', ...trust], 0],
        ['verify --dir', ['verify', '--receipt', 'r.json', '--dir', '.', ...trust], 1],
        ['show', ['show', 'r.json', ...trust], 0],
        ['ts verify --cms', ['ts', 'verify', '--cms', 'sig.p7s', ...trust], 0],
        ['certificate', ['certificate', 'r.json', '--out', 'c.pdf', ...trust], 0],
        ['verify --report', ['verify', 'present.bin', '--receipt', 'r.json', '--report', 'v.pdf', ...trust], 0],
      ];
      for (const [what, args, code] of runs) {
        const out = await ws.run(args);
        expect(out.status, `${what}: ${out.stdout}${out.stderr}`).toBe(code);
        expectShownSafely(what, out.stdout + out.stderr);
        if (what === 'verify') {
          expect(out.stdout).toMatch(/^ {2}who {6}CN=part\.step\\x1b\[2J\\x1b\[H✔ VERIFIED {2}forged\.step\\x0d\\x0a/m);
          expect(out.stdout).toMatch(/— TSA "CN=part\.step\\x1b\[2J/);
          expect(out.stdout).toMatch(/registered as "part\.step\\x1b\[2J/);
        }
      }
      for (const pdf of ['c.pdf', 'v.pdf']) {
        const text = pdfText(path.join(ws.work, pdf));
        expectShownSafely(pdf, text);
        expect(text).toContain('\\x1b[2J');
      }
      // The same identity in the store: identity list and show.
      const store = await ws.run(['identity', 'new', '--name', HOSTILE, '--as', 'eve']);
      expect(store.status, store.stderr).toBe(0);
      expectShownSafely('identity new', store.stdout + store.stderr);
      for (const args of [
        ['identity', 'list'],
        ['identity', 'show', 'eve'],
      ]) {
        const out = await ws.run(args);
        expect(out.status).toBe(0);
        expectShownSafely(args.join(' '), out.stdout + out.stderr);
        expect(out.stdout).toContain('CN=part.step\\x1b[2J');
      }
    } finally {
      server.close();
    }
  });

  it('errors that quote a name show it escaped, on one line', async () => {
    const ws = await aliceWorkspace(PREFIX);
    expectOneLineError(await ws.run(['verify', HOSTILE]), 2, /part\.step\\x1b\[2J.*: no such file/);
    expectOneLineError(await ws.run(['hash', HOSTILE]), 2, /part\.step\\x1b\[2J/);
  });
});

describe('the verification report PDF shows each file as verification found it', () => {
  it('a modified file is MODIFIED, a matching one matches, a foreign one NOT COVERED', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'd'));
    writeFileSync(path.join(ws.work, 'd', 'a.txt'), 'alpha\n');
    writeFileSync(path.join(ws.work, 'd', 'b.txt'), 'bravo\n');
    const reg = await ws.run(['register', 'd', '--tsa', tsa.url, '--out', '.', '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const receipt = JSON.parse(reg.stdout).receipt as string;
    writeFileSync(path.join(ws.work, 'd', 'b.txt'), 'bravo, edited\n');
    writeFileSync(path.join(ws.work, 'c.txt'), 'charlie\n');
    const v = await ws.run(['verify', 'd/a.txt', 'd/b.txt', 'c.txt', '--receipt', receipt, '--report', 'report.pdf', '--lang', 'en']);
    expect(v.status).toBe(1);
    const text = pdfText(path.join(ws.work, 'report.pdf'));
    expect(text).toMatch(/VERIFICATION FAILED/);
    expect(text).toMatch(/d\/a\.txt +\[matches\]/);
    expect(text).toMatch(/d\/b\.txt +\[MODIFIED\]/);
    expect(text).toMatch(/c\.txt +\[NOT COVERED by this receipt\]/);
    expect(text).not.toMatch(/d\/b\.txt +\[matches\]/);
  });
});
