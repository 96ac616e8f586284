/**
 * Who vouches for whom, end to end through the built CLI: a pinned end-entity certificate
 * cannot issue (holder or TSA), and every certificate of a holder's path must be valid at the
 * proven time. The chains are made by OpenSSL (test/helpers/openssl-pki.ts), which is asked
 * about them too.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '../../src/core/crypto/algorithms.js';
import { PKI } from '../helpers/fixtures.js';
import { forgeToken } from '../helpers/forge.js';
import { CA_EXT, HOLDER_EXT, OpensslPki, TSA_EXT, type Issued } from '../helpers/openssl-pki.js';
import { bundledTsa, cliWorkspace, type CliWorkspace } from '../helpers/setup.js';
import type { CliResult } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const FROM = d('2020-01-01');
const UNTIL = d('2045-01-01');

let pki: OpensslPki;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
const c: Record<string, Issued> = {};

beforeAll(async () => {
  pki = new OpensslPki('tsproof-cli-paths-');
  const issue = (name: string, subject: string, issuer: Issued | undefined, ext: readonly string[], to = UNTIL) => (c[name] = pki.issue(name, { subject, ...(issuer ? { issuer } : {}), from: FROM, to, ext }));
  const root = issue('root', '/C=KR/O=Holder CA/CN=Holder Root', undefined, CA_EXT);
  const pinned = issue('pinned', '/C=KR/O=Acme/CN=Pinned Holder', root, HOLDER_EXT);
  issue('any-name', '/C=KR/O=Big Bank/CN=Any Name', pinned, HOLDER_EXT);
  const expired = issue('inter-expired', '/C=KR/O=Holder CA/CN=Intermediate expired 2021', root, CA_EXT, d('2021-12-31'));
  issue('under-expired', '/C=KR/O=Acme/CN=Holder under an expired intermediate', expired, HOLDER_EXT);
  const pinnedTsa = issue('pinned-tsa', '/C=KR/O=Some TSA/CN=Pinned TSA', root, TSA_EXT);
  issue('minted-tsa', '/C=KR/O=Some TSA/CN=Minted TSA', pinnedTsa, TSA_EXT);
  issue('unknown-critical', '/C=KR/O=Acme/CN=Holder with an unknown critical extension', root, [...HOLDER_EXT, '1.3.6.1.4.1.55555.1=critical,ASN1:NULL']);
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa?.close();
});

function workspace(): CliWorkspace {
  const ws = cliWorkspace('tsproof-paths-', { trustRoot: false, passphrase: 'path tests' });
  writeFileSync(path.join(ws.work, 'a.txt'), 'evidence');
  return ws;
}

/** A workspace whose identity is `leaf` (with `chain` embedded), with the fixture root trusted for TSAs and `a.txt` registered. */
async function registeredAs(leaf: string, chain: string[]): Promise<CliWorkspace> {
  const ws = workspace();
  expect((await ws.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'tsa'])).status).toBe(0);
  const chainFile = pki.bundle(`${leaf}-chain`, [c[leaf]!, ...chain.map((n) => c[n]!)]);
  const imp = await ws.run(['identity', 'import', chainFile, '--key', c[leaf]!.keyFile]);
  expect(imp.status, imp.stderr).toBe(0);
  const reg = await ws.run(['register', 'a.txt', '--tsa', tsa.url]);
  expect(reg.status, reg.stderr).toBe(0);
  return ws;
}

const result = (r: CliResult) => JSON.parse(r.stdout).results[0];
const check = (r: CliResult, id: string) => result(r).checks.find((x: { id: string }) => x.id === id);

describe('a pinned end-entity certificate issues nothing', () => {
  it('a holder certificate trusted for holders certifies itself', async () => {
    const ws = await registeredAs('pinned', ['root']);
    expect((await ws.run(['trust', 'add', c.pinned!.pem, '--for', 'holder'])).status).toBe(0);
    const r = await ws.run(['verify', 'a.txt', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(result(r).holder.identity).toBe('ca-verified');
  });

  it('"CN=Any Name" minted with the pinned holder certificate\'s key is not CA-verified', async () => {
    const ws = await registeredAs('any-name', ['pinned']);
    expect((await ws.run(['trust', 'add', c.pinned!.pem, '--for', 'holder'])).status).toBe(0);
    const r = await ws.run(['verify', 'a.txt', '--json']);
    expect(result(r).holder).toMatchObject({ subject: 'CN=Any Name, O=Big Bank, C=KR', identity: 'unverified' });
    expect(check(r, 'holder.identity')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/issuer "CN=Pinned Holder, O=Acme, C=KR" is not a CA/) });
    const human = await ws.run(['verify', 'a.txt']);
    expect(human.stdout + human.stderr).not.toMatch(/certified by trusted/);
  });

  it("a TSA certificate minted with a pinned TSA certificate's key does not chain (exit 1), as openssl ts -verify says", async () => {
    const ws = workspace();
    const data = Buffer.from('data');
    const token = forgeToken({ cert: c['minted-tsa']!.cert, key: c['minted-tsa']!.key, certificates: [c['minted-tsa']!.cert, c['pinned-tsa']!.cert], imprintAlgorithm: 'sha256', imprint: hash('sha256', data), genTime: d('2026-01-01') });
    writeFileSync(path.join(ws.work, 't.tst'), token);
    writeFileSync(path.join(ws.work, 'd.bin'), data);
    const r = await ws.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--trust', c['pinned-tsa']!.pem, '--json']);
    expect(r.status).toBe(1);
    expect(
      result(r)
        .checks.filter((x: { ok: boolean }) => !x.ok)
        .map((x: { id: string }) => x.id),
    ).toEqual(['timestamp.chain']);
    expect(check(r, 'timestamp.chain').detail).toMatch(/is not a CA/);
    const ossl = openssl(['ts', '-verify', '-token_in', '-in', 't.tst', '-data', 'd.bin', '-partial_chain', '-CAfile', c['pinned-tsa']!.pem, '-untrusted', c['pinned-tsa']!.pem, '-attime', String(d('2026-01-01').getTime() / 1000)], ws.work);
    expect(ossl.ok).toBe(false);
    expect(ossl.stdout + ossl.stderr).toMatch(/invalid CA certificate/);
  });
});

describe('a holder certificate with a critical extension tsproof does not recognise', () => {
  it('cannot be imported: exit 2, one line', async () => {
    const ws = workspace();
    const r = await ws.run(['identity', 'import', c['unknown-critical']!.pem, '--key', c['unknown-critical']!.keyFile]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/critical extension tsproof does not recognise \(1\.3\.6\.1\.4\.1\.55555\.1\)/)]);
  });
});

describe('every certificate on the holder path is valid at the proven time', () => {
  it('a holder under an intermediate that expired in 2021 is not CA-verified in 2026', async () => {
    const ws = await registeredAs('under-expired', ['inter-expired']);
    expect((await ws.run(['trust', 'add', c.root!.pem, '--for', 'holder'])).status).toBe(0);
    const r = await ws.run(['verify', 'a.txt', '--json']);
    expect(result(r).holder.identity).toBe('unverified');
    expect(check(r, 'holder.identity')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/chains to trusted "CN=Holder Root.*but the path is not valid: "CN=Intermediate expired 2021.*" is not valid at/) });
    // OpenSSL says the same about this chain at the proven time.
    const at = new Date(result(r).time);
    expect(pki.verify(c['under-expired']!, { anchors: [c.root!], untrusted: [c['inter-expired']!], at }).out).toMatch(/certificate has expired/);
  });
});
