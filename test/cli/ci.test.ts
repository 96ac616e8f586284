/**
 * Issue 15: what a CI job needs. The identity from the environment (TSPROOF_IDENTITY: a base64
 * PKCS#12 or PEM text, TSPROOF_IDENTITY_PASSPHRASE), in memory for one command; trust anchors
 * (TSPROOF_TRUST) and TSAs (TSPROOF_TSA) from the environment; `identity import` idempotent; and
 * the verify options scripts need: --quiet, --ignore-missing, repeated --receipt, a folder of
 * receipts, and --dir matching flattened downloads by digest.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSPHRASE, PKI } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { party } from '../helpers/fixtures.js';

let tsa: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  tsa = await bundledTsa();
});
afterAll(async () => tsa?.close());

const P12_B64 = () => readFileSync(path.join(PKI, 'holder-alice.p12')).toString('base64');
const PEM_TEXT = () => readFileSync(path.join(PKI, 'holder-alice.key'), 'utf8') + readFileSync(path.join(PKI, 'holder-alice-chain.pem'), 'utf8');
const ROOT_PEM = () => readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8');
const ALICE_SHA256 = () => party('holder-alice').cert.sha256;

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('identity from the environment', () => {
  for (const [form, value, pass] of [
    ['a base64 PKCS#12', P12_B64, PASSPHRASE],
    ['PEM key and chain', PEM_TEXT, undefined],
  ] as const) {
    it(`${form}: register signs with it, and no key material is written anywhere`, async () => {
      const ws = cliWorkspace('tsproof-ci-env-', { passphrase: 'unused' });
      writeFileSync(path.join(ws.work, 'app.tgz'), 'release artifact');
      const env = { TSPROOF_IDENTITY: value(), ...(pass ? { TSPROOF_IDENTITY_PASSPHRASE: pass } : {}), TSPROOF_TSA: tsa.url, TSPROOF_PASSPHRASE: '' };
      const r = await ws.run(['register', 'app.tgz', '--json'], env);
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.holder.certificateSha256).toBe(ALICE_SHA256());
      expect(doc.holder.identity).toBe('ca-verified');
      // In memory only: no identity stored, no key in the home or the work folder.
      expect(existsSync(path.join(ws.home, 'identities'))).toBe(false);
      for (const f of [...walk(ws.home), ...walk(ws.work)]) expect(readFileSync(f, 'latin1'), f).not.toMatch(/PRIVATE KEY/);
      const v = await ws.run(['verify', 'app.tgz', '--holder-cert', ALICE_SHA256()]);
      expect(v.status, v.stderr + v.stdout).toBe(0);
    });
  }

  it('a PKCS#12 without TSPROOF_IDENTITY_PASSPHRASE: exit 2 naming the variable, nothing of the secret in the message', async () => {
    const ws = cliWorkspace('tsproof-ci-env-', { passphrase: 'unused' });
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const value = P12_B64();
    const r = await ws.run(['register', 'a.txt', '--tsa', tsa.url], { TSPROOF_IDENTITY: value });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/TSPROOF_IDENTITY is protected by a passphrase: set TSPROOF_IDENTITY_PASSPHRASE/);
    expect(r.stderr).not.toContain(value.slice(0, 40));
    const bad = await ws.run(['register', 'a.txt', '--tsa', tsa.url], { TSPROOF_IDENTITY: value, TSPROOF_IDENTITY_PASSPHRASE: 'wrong' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const junk = await ws.run(['register', 'a.txt', '--tsa', tsa.url], { TSPROOF_IDENTITY: 'not base64 at all!' });
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/TSPROOF_IDENTITY: expected a base64 PKCS#12/);
    expect(existsSync(path.join(ws.work, 'a.txt.tsproof.json'))).toBe(false);
  });

  it('--identity names a stored identity even when TSPROOF_IDENTITY is set', async () => {
    const ws = cliWorkspace('tsproof-ci-env-', { passphrase: PASSPHRASE });
    await ws.run(['identity', 'new', '--name', 'Other Person', '--as', 'other']);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const r = await ws.run(['register', 'a.txt', '--identity', 'other', '--tsa', tsa.url, '--json'], { TSPROOF_IDENTITY: P12_B64(), TSPROOF_IDENTITY_PASSPHRASE: PASSPHRASE });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).holder.subject).toMatch(/Other Person/);
  });

  it('TSPROOF_TRUST: a fresh home verifies with the root from the environment and pins from the environment', async () => {
    const a = cliWorkspace('tsproof-ci-reg-', { passphrase: 'x' });
    writeFileSync(path.join(a.work, 'a.txt'), 'artifact');
    const r = await a.run(['register', 'a.txt', '--tsa', tsa.url], { TSPROOF_IDENTITY: P12_B64(), TSPROOF_IDENTITY_PASSPHRASE: PASSPHRASE });
    expect(r.status, r.stderr).toBe(0);
    const b = cliWorkspace('tsproof-ci-ver-', { passphrase: 'x', trustRoot: false });
    copyFileSync(path.join(a.work, 'a.txt'), path.join(b.work, 'a.txt'));
    copyFileSync(path.join(a.work, 'a.txt.tsproof.json'), path.join(b.work, 'a.txt.tsproof.json'));
    const untrusted = await b.run(['verify', 'a.txt', '--quiet']);
    expect(untrusted.status).toBe(1);
    const pins = { TSPROOF_HOLDER_CERT: ALICE_SHA256(), TSPROOF_REQUIRE_CERTIFIED: '1', TSPROOF_TSA_CERT: party('root-ca').cert.sha256 };
    const ok = await b.run(['verify', 'a.txt', '--json'], { TSPROOF_TRUST: ROOT_PEM(), ...pins });
    expect(ok.status, ok.stdout).toBe(0);
    const ids = JSON.parse(ok.stdout).results[0].checks.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['pin.holder-cert', 'pin.certified', 'pin.tsa-cert']));
    const wrongPin = await b.run(['verify', 'a.txt', '--quiet'], { TSPROOF_TRUST: Buffer.from(ROOT_PEM()).toString('base64'), TSPROOF_HOLDER_CERT: 'ab'.repeat(32) });
    expect(wrongPin.status).toBe(1);
    expect(wrongPin.stdout + wrongPin.stderr).toBe('');
  });
});

describe('identity import is idempotent', () => {
  it('the same certificate again: exit 0, nothing changed; another under the same name needs --force', async () => {
    const ws = cliWorkspace('tsproof-ci-imp-', { passphrase: PASSPHRASE });
    const p12 = path.join(PKI, 'holder-alice.p12');
    const first = await ws.run(['identity', 'import', p12, '--name', 'release']);
    expect(first.status, first.stderr).toBe(0);
    const keyFile = path.join(ws.home, 'identities', 'release', 'key.pem');
    const before = { text: readFileSync(keyFile, 'utf8'), mtime: statSync(keyFile).mtimeMs };
    const again = await ws.run(['identity', 'import', p12, '--name', 'release']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Identity "release" already holds this certificate .*nothing imported/);
    const json = await ws.run(['identity', 'import', p12, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, unchanged: true, identity: { name: 'release' } });
    expect(readFileSync(keyFile, 'utf8')).toBe(before.text);
    expect(statSync(keyFile).mtimeMs).toBe(before.mtime);

    // Another certificate under the same name: refused, then replaced with --force.
    const other = await ws.run(['identity', 'new', '--name', 'Someone Else', '--as', 'tmp']);
    expect(other.status, other.stderr).toBe(0);
    const exported = await ws.run(['identity', 'export', 'tmp', '--p12', 'other.p12'], { TSPROOF_EXPORT_PASSPHRASE: PASSPHRASE });
    expect(exported.status, exported.stderr).toBe(0);
    const clash = await ws.run(['identity', 'import', 'other.p12', '--name', 'release']);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/"release" already exists with another certificate .*--force/);
    const forced = await ws.run(['identity', 'import', 'other.p12', '--name', 'release', '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Replaced identity "release"/);
    const shown = await ws.run(['identity', 'show', 'release', '--json']);
    expect(JSON.parse(shown.stdout).identity.subject).toMatch(/Someone Else/);
    expect(readdirSync(path.join(ws.home, 'identities')).sort()).toEqual(['release', 'tmp']);
  });
});

describe('verify options for scripts', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = cliWorkspace('tsproof-ci-verify-', { passphrase: PASSPHRASE });
    await importAlice(ws);
    mkdirSync(path.join(ws.work, 'dist'));
    writeFileSync(path.join(ws.work, 'dist', 'app-1.0.tgz'), 'the app');
    writeFileSync(path.join(ws.work, 'dist', 'app-1.0.sbom.json'), '{"sbom":1}');
    writeFileSync(path.join(ws.work, 'notes.txt'), 'release notes');
    const r = await ws.run(['register', 'dist', '--tsa', tsa.url, '--out', 'receipts/', '--json']);
    expect(r.status, r.stderr).toBe(0);
    batchReceipt = JSON.parse(r.stdout).receipt;
    const n = await ws.run(['register', 'notes.txt', '--tsa', tsa.url, '--out', 'receipts/']);
    expect(n.status, n.stderr).toBe(0);
  });
  let batchReceipt = '';
  const batch = () => batchReceipt;

  it('--quiet: nothing printed, the exit code is the verdict; with --json it is a usage error', async () => {
    const ok = await ws.run(['verify', 'dist/app-1.0.tgz', '--receipt', batch(), '--quiet']);
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    const bad = await ws.run(['verify', 'notes.txt', '--receipt', batch(), '-q']);
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([1, '', '']);
    const both = await ws.run(['verify', 'notes.txt', '--quiet', '--json']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/give --quiet or --json, not both/);
  });

  it('repeated --receipt, and a folder of receipts: each file against the receipt that registers it', async () => {
    const one = await ws.run(['verify', 'dist/app-1.0.tgz', 'notes.txt', '--receipt', batch(), '--json']);
    expect(one.status).toBe(1); // notes.txt is not in the batch
    const two = await ws.run(['verify', 'dist/app-1.0.tgz', 'notes.txt', '--receipt', batch(), '--receipt', 'receipts/notes.txt.tsproof.json', '--json']);
    expect(two.status, two.stdout).toBe(0);
    const doc = JSON.parse(two.stdout);
    expect(doc.results.map((r: { receipt: string }) => r.receipt)).toEqual([batch(), 'receipts/notes.txt.tsproof.json']);
    const folder = await ws.run(['verify', 'dist/app-1.0.tgz', 'dist/app-1.0.sbom.json', 'notes.txt', '--receipt', 'receipts', '--json']);
    expect(folder.status, folder.stdout).toBe(0);
    expect(JSON.parse(folder.stdout).results).toHaveLength(3);
    const empty = path.join(ws.work, 'empty');
    mkdirSync(empty, { recursive: true });
    const none = await ws.run(['verify', 'notes.txt', '--receipt', 'empty']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/a folder with no receipts/);
  });

  it('--ignore-missing: missing files are left out (exit 0); none left is exit 1', async () => {
    const miss = await ws.run(['verify', 'dist/app-1.0.tgz', 'dist/gone.tgz', '--receipt', batch(), '--json']);
    expect(miss.status).toBe(2); // without the option: cannot read
    const ign = await ws.run(['verify', 'dist/app-1.0.tgz', 'dist/gone.tgz', '--receipt', batch(), '--ignore-missing', '--json']);
    expect(ign.status, ign.stdout + ign.stderr).toBe(0);
    const doc = JSON.parse(ign.stdout);
    expect(doc.results).toHaveLength(1);
    expect(doc.missingIgnored).toEqual(['dist/gone.tgz']);
    const none = await ws.run(['verify', 'dist/gone.tgz', '--receipt', batch(), '--ignore-missing']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no file was verified/);
  });

  it('--dir: flattened downloads match by digest and say so; truly missing entries fail unless --ignore-missing', async () => {
    // A CI download of the artifacts: dist/ flattened into one folder, one artifact not downloaded.
    const dl = path.join(ws.work, 'downloads');
    mkdirSync(dl);
    copyFileSync(path.join(ws.work, 'dist', 'app-1.0.tgz'), path.join(dl, 'app-1.0.tgz'));
    const r = await ws.run(['verify', '--receipt', batch(), '--dir', 'downloads', '--json']);
    expect(r.status).toBe(1);
    const d = JSON.parse(r.stdout);
    const byName = Object.fromEntries(d.results.map((x: { file: string }) => [x.file, x]));
    expect(byName['dist/app-1.0.tgz']).toMatchObject({ status: 'matched', ok: true, foundAs: 'app-1.0.tgz' });
    expect(byName['dist/app-1.0.sbom.json']).toMatchObject({ status: 'missing', ok: false });
    const human = await ws.run(['verify', '--receipt', batch(), '--dir', 'downloads', '--ignore-missing']);
    expect(human.status, human.stdout).toBe(0);
    expect(human.stdout).toMatch(/1 file\(s\) matched by digest under another name/);
    expect(human.stdout).toMatch(/dist\/app-1\.0\.tgz {2}\(found as app-1\.0\.tgz, matched by digest\)/);
    expect(human.stdout).toMatch(/1 missing file\(s\) ignored/);
    // A different file under the flattened name is not a match.
    writeFileSync(path.join(dl, 'app-1.0.sbom.json'), 'not the sbom');
    const wrong = await ws.run(['verify', '--receipt', batch(), '--dir', 'downloads', '--json']);
    const w = JSON.parse(wrong.stdout).results.find((x: { file: string }) => x.file === 'dist/app-1.0.sbom.json');
    expect(w).toMatchObject({ status: 'missing' });
    rmSync(dl, { recursive: true });
  });
});
