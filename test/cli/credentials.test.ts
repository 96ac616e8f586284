/**
 * Credentials through the CLI: NPKI folders (import, scan), every PKCS#12, export and remove,
 * the 30-day warning, and a grep of everything printed for the passphrases used.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { ALICE_PKCS12, KOREAN_PASSWORD, PASSPHRASE, PKI, ROOT, SHARED } from '../helpers/fixtures.js';
import { bundledTsa } from '../helpers/setup.js';

const STORE = 'store passphrase 9c1e';
const KOREAN = KOREAN_PASSWORD;
const NPKI_FIX = path.join(ROOT, 'fixtures', 'npki');
const NPKI_SHARED = path.join(SHARED, 'interop', 'npki', 'pypinksign-yessign-test');
const printed: string[] = [];
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
beforeAll(async () => {
  tsa = await bundledTsa();
});
afterAll(() => tsa.close());

function sandbox() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-cred-'));
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, 'trust'), { recursive: true });
  copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(home, 'trust', 'root.pem'));
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const r = await runCli(args, { cwd: dir, env: { TSPROOF_HOME: home, TSPROOF_PASSPHRASE: STORE, HOME: dir, ...env } });
    printed.push(r.stdout, r.stderr);
    return r;
  };
  return { dir, home, run };
}
const oneLine = (r: CliResult, code: number, re: RegExp) => {
  expect(r.status, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(re);
};

describe('identity import --npki', () => {
  for (const form of ['seed-cbc-sha1', 'pbes2-seed', 'pbes2-seed-openssl']) {
    it(`${form}: imports with a Korean password, then registers and verifies`, async () => {
      const s = sandbox();
      const imp = await s.run(['identity', 'import', '--npki', path.join(NPKI_FIX, form), '--name', 'npki', '--json'], { TSPROOF_IMPORT_PASSPHRASE: KOREAN });
      expect(imp.status, imp.stderr).toBe(0);
      expect(JSON.parse(imp.stdout).identity).toMatchObject({ source: 'npki', subject: 'CN=김영희, O=테스트 주식회사, C=KR' });
      execFileSync('sh', ['-c', 'echo 설계 > 도면.txt'], { cwd: s.dir });
      expect((await s.run(['register', '도면.txt', '--tsa', tsa.url])).status).toBe(0);
      expect((await s.run(['verify', '도면.txt'])).status).toBe(0);
    });
  }

  it('a wrong password is exit 2 with one line, and nothing is stored', async () => {
    const s = sandbox();
    oneLine(await s.run(['identity', 'import', '--npki', path.join(NPKI_FIX, 'seed-cbc-sha1')], { TSPROOF_IMPORT_PASSPHRASE: '한글-비밀번호-8' }), 2, /wrong passphrase/);
    expect(existsSync(path.join(s.home, 'identities'))).toBe(false);
  });

  it.skipIf(!existsSync(NPKI_SHARED))('the real yessign test certificate is read, then refused because it expired (exit 2)', async () => {
    const s = sandbox();
    const pw = readFileSync(path.join(NPKI_SHARED, 'password.txt'), 'utf8').trim();
    oneLine(await s.run(['identity', 'import', '--npki', NPKI_SHARED], { TSPROOF_IMPORT_PASSPHRASE: pw }), 2, /the certificate expired on 2020-03-25T14:59:59/);
    oneLine(await s.run(['identity', 'import', '--npki', NPKI_SHARED], { TSPROOF_IMPORT_PASSPHRASE: 'not it' }), 2, /wrong passphrase/);
  });
});

describe('identity scan', () => {
  it('finds NPKI folders in the usual place and on --path, with Korean subjects, CAs and expiry', async () => {
    const s = sandbox();
    const user = path.join(s.dir, 'NPKI', 'yessign', 'USER', 'cn=김영희()0001');
    mkdirSync(path.dirname(user), { recursive: true });
    cpSync(path.join(NPKI_FIX, 'seed-cbc-sha1'), user, { recursive: true });
    const usb = path.join(s.dir, 'usb', 'NPKI', 'SignKorea', 'USER', 'cn=other');
    mkdirSync(path.dirname(usb), { recursive: true });
    cpSync(existsSync(NPKI_SHARED) ? NPKI_SHARED : path.join(NPKI_FIX, 'pbes2-seed'), usb, { recursive: true });
    const r = await s.run(['identity', 'scan', '--path', path.join(s.dir, 'usb'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout).certificates;
    expect(found.map((c: { dir: string }) => c.dir).sort()).toEqual([usb, user].sort());
    const mine = found.find((c: { dir: string }) => c.dir === user);
    expect(mine).toMatchObject({ commonName: '김영희', ca: 'tsproof test', expired: false, keyUsage: ['digitalSignature', 'nonRepudiation'] });
    if (existsSync(NPKI_SHARED)) expect(found.find((c: { dir: string }) => c.dir === usb)).toMatchObject({ ca: 'yessign', expired: true });
    const human = await s.run(['identity', 'scan']);
    expect(human.stdout).toMatch(/김영희\n {2}folder {4}.*cn=김영희\(\)0001/);
    expect(human.stdout).toMatch(/import: {3}tsproof identity import --npki/);
  });
});

describe('identity import of every PKCS#12', () => {
  const files = [...ALICE_PKCS12, ['keytool-generated.p12', PASSPHRASE] as const];
  for (const [file, pw] of files) {
    it(file, async () => {
      const s = sandbox();
      const r = await s.run(['identity', 'import', path.join(PKI, file), '--name', 'x', '--json'], { TSPROOF_IMPORT_PASSPHRASE: pw });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).identity.source).toBe('pkcs12');
    });
  }
});

describe('identity export, remove, and the 30-day warning', () => {
  it('export --p12 writes a backup OpenSSL opens and tsproof re-imports; remove needs --yes', async () => {
    const s = sandbox();
    expect((await s.run(['identity', 'import', path.join(PKI, 'holder-alice.p12'), '--name', 'alice'], { TSPROOF_IMPORT_PASSPHRASE: PASSPHRASE })).status).toBe(0);
    const exp = await s.run(['identity', 'export', 'alice', '--p12', 'backup.p12'], { TSPROOF_EXPORT_PASSPHRASE: KOREAN });
    expect(exp.status, exp.stderr).toBe(0);
    const info = execFileSync('openssl', ['pkcs12', '-in', 'backup.p12', '-passin', 'env:PW', '-nodes'], { cwd: s.dir, env: { ...process.env, PW: KOREAN }, encoding: 'utf8' });
    expect(info).toMatch(/BEGIN PRIVATE KEY/);
    oneLine(await s.run(['identity', 'export', 'alice', '--p12', 'backup.p12'], { TSPROOF_EXPORT_PASSPHRASE: KOREAN }), 2, /already exists/);
    oneLine(await s.run(['identity', 'remove', 'alice']), 2, /confirm with --yes/);
    expect((await s.run(['identity', 'remove', 'alice', '--yes'])).status).toBe(0);
    expect(existsSync(path.join(s.home, 'identities', 'alice'))).toBe(false);
    const back = await s.run(['identity', 'import', 'backup.p12', '--name', 'alice'], { TSPROOF_IMPORT_PASSPHRASE: KOREAN });
    expect(back.status, back.stderr).toBe(0);
  });

  it('warns when the certificate expires within 30 days', async () => {
    const s = sandbox();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '10', '-subj', '/CN=Soon'], { cwd: s.dir, stdio: 'ignore' });
    const r = await s.run(['identity', 'import', 'c.pem', '--key', 'k.pem']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the certificate expires on .* \(in 9 day\(s\)\)/);
  });
});

describe('secrets', () => {
  it('no passphrase used in this file appeared in any output', () => {
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(2000);
    for (const secret of [STORE, KOREAN, PASSPHRASE, existsSync(NPKI_SHARED) ? readFileSync(path.join(NPKI_SHARED, 'password.txt'), 'utf8').trim() : STORE]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/PRIVATE KEY/);
  });
});
