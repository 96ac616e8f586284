/**
 * Anchor validity windows (docs/trust.md) are judged at the proven time — a token's genTime,
 * a receipt's earliest genTime — whatever --at says: --at moves certificate validity only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '../../src/core/crypto/algorithms.js';
import { party, PKI } from '../helpers/fixtures.js';
import { forgeToken } from '../helpers/forge.js';
import { bundledTsa, cliWorkspace, importAlice } from '../helpers/setup.js';
import type { CliResult } from '../helpers/cli.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const result = (r: CliResult) => JSON.parse(r.stdout).results[0];
const check = (r: CliResult, id: string) => result(r).checks.find((x: { id: string }) => x.id === id);

let tsa: Awaited<ReturnType<typeof bundledTsa>>;
beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa?.close();
});

const workspace = () => cliWorkspace('tsproof-windows-', { trustRoot: false, passphrase: 'window tests' });

describe('anchor windows are judged at the proven time, whatever --at says', () => {
  it("a token made after its root's --valid-to does not chain, with or without --at inside the window", async () => {
    const ws = workspace();
    const tsaParty = party('tsa-ec');
    const data = Buffer.from('data');
    writeFileSync(path.join(ws.work, 'd.bin'), data);
    const token = (genTime: Date) => forgeToken({ cert: tsaParty.cert, key: tsaParty.key, imprintAlgorithm: 'sha256', imprint: hash('sha256', data), genTime });
    writeFileSync(path.join(ws.work, 'late.tst'), token(d('2026-06-01')));
    writeFileSync(path.join(ws.work, 'early.tst'), token(d('2025-06-01')));
    expect((await ws.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'tsa', '--valid-to', '2025-12-31'])).status).toBe(0);
    for (const at of [[], ['--at', '2025-06-01']]) {
      const late = await ws.run(['ts', 'verify', '--token', 'late.tst', '--data', 'd.bin', ...at, '--json']);
      expect(late.status, `with [${at.join(' ')}]`).toBe(1);
      expect(check(late, 'timestamp.chain')).toMatchObject({ ok: false, detail: expect.stringMatching(/no TSA trust anchor for this time/) });
    }
    // A token made inside the window chains, and --at still moves certificate validity.
    expect((await ws.run(['ts', 'verify', '--token', 'early.tst', '--data', 'd.bin'])).status).toBe(0);
    expect((await ws.run(['ts', 'verify', '--token', 'early.tst', '--data', 'd.bin', '--at', '2030-01-01'])).status).toBe(0);
    const afterCerts = await ws.run(['ts', 'verify', '--token', 'early.tst', '--data', 'd.bin', '--at', '2050-01-01', '--json']);
    expect(check(afterCerts, 'timestamp.chain')).toMatchObject({ ok: true });
    expect(check(afterCerts, 'timestamp.chain-validity')).toMatchObject({ ok: false });
  });

  it('a holder anchor whose window ended before the proven time does not certify, even with --at inside it', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.work, 'a.txt'), 'evidence');
    await importAlice(ws);
    expect((await ws.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'tsa'])).status).toBe(0);
    expect((await ws.run(['register', 'a.txt', '--tsa', tsa.url])).status).toBe(0);
    expect((await ws.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'holder', '--valid-to', '2025-12-31'])).status).toBe(0);
    for (const at of [[], ['--at', '2025-06-01']]) {
      const r = await ws.run(['verify', 'a.txt', ...at, '--json']);
      expect(result(r).holder.identity, `with [${at.join(' ')}]`).toBe('unverified');
    }
    // The same anchor without a window certifies the holder.
    expect((await ws.run(['trust', 'remove', `holder-${party('root-ca').cert.sha256.slice(0, 12)}`])).status).toBe(0);
    expect((await ws.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'holder'])).status).toBe(0);
    expect(result(await ws.run(['verify', 'a.txt', '--json'])).holder.identity).toBe('ca-verified');
  });
});
