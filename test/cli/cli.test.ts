/**
 * End-to-end runs of the built CLI (bin/tsproof.js → dist): stdout, stderr and exit codes.
 * Each test gets its own $TSPROOF_HOME; TSAs are local servers in this process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cLocale, runCli, type CliResult } from '../helpers/cli.js';
import { PKI, PASSPHRASE } from '../helpers/fixtures.js';
import { bundledTsa } from '../helpers/setup.js';
import { hostileTsa, type HostileMode } from '../helpers/servers.js';

const PASS = 'correct horse battery staple 7f3a';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
const allOutput: string[] = [];

function sandbox() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-cli-'));
  const home = path.join(dir, 'home');
  const work = path.join(dir, 'work');
  mkdirSync(work, { recursive: true });
  mkdirSync(path.join(home, 'trust'), { recursive: true });
  copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(home, 'trust', 'root-ca.pem'));
  const env = { TSPROOF_HOME: home, TSPROOF_PASSPHRASE: PASS };
  const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd = work): Promise<CliResult> => {
    const r = await runCli(args, { cwd, env: { ...env, ...extraEnv } });
    allOutput.push(r.stdout, r.stderr);
    return r;
  };
  return { dir, home, work, env, run };
}

/** A one-line error: exactly one line on stderr, no stack trace. */
function expectOneLineError(r: CliResult, code: number, message: RegExp) {
  expect(r.status, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsproof: error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:.*\n.*node:/);
}

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

describe('tsproof --help and usage', () => {
  it('documents the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*1\s+verification failed[\s\S]*3\s+a TSA/);
  });
  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.status).toBe(2);
  });
});

describe('tsproof hash', () => {
  it('prints sha256sum -c compatible lines for Korean names, empty files and folders', async () => {
    const s = sandbox();
    mkdirSync(path.join(s.work, '설계'), { recursive: true });
    writeFileSync(path.join(s.work, '설계', '도면 1.dwg'), randomBytes(3000));
    writeFileSync(path.join(s.work, 'empty'), '');
    const r = await s.run(['hash', '.']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty');
    const expected = execFileSync('sha256sum', ['설계/도면 1.dwg'], { cwd: s.work, encoding: 'utf8' });
    expect(r.stdout).toContain(expected.trim());
    writeFileSync(path.join(s.work, 'SUMS'), r.stdout);
    expect(spawnSync('sha256sum', ['-c', 'SUMS'], { cwd: s.work }).status).toBe(0);
  });

  it('--json prints one document; a missing file is exit 2 with one line', async () => {
    const s = sandbox();
    writeFileSync(path.join(s.work, 'a.txt'), 'a');
    const r = await s.run(['hash', '--json', '-a', 'sha512', 'a.txt']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, algorithm: 'sha512', files: [{ file: 'a.txt', size: 1 }] });
    expectOneLineError(await s.run(['hash', 'nope.txt']), 2, /nope\.txt: no such file/);
    expectOneLineError(await s.run(['hash', '-a', 'md5', 'a.txt']), 2, /unsupported algorithm "md5"/);
  });

  it('a reader that stops early (| head) ends it quietly with status 141, no stack trace', () => {
    const s = sandbox();
    for (let i = 0; i < 3000; i++) writeFileSync(path.join(s.work, `f${i}`), String(i));
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" hash . | head -n 1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { cwd: s.work, encoding: 'utf8', env: cLocale() });
    expect(r.stdout.trim()).toBe('status=141');
    expect(r.stderr).toBe('');
  });
});

describe('tsproof identity', () => {
  it('new creates an encrypted, owner-only, self-asserted identity and a CSR', async () => {
    const s = sandbox();
    const r = await s.run(['identity', 'new', '--name', '홍길동', '--org', '테스트', '--csr', 'me.csr', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.identity).toMatchObject({ subject: 'CN=홍길동, O=테스트', selfAsserted: true, key: 'ECDSA P-256' });
    const dir = path.join(s.home, 'identities', out.identity.name);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    // Stored encrypted as standard PKCS#8 PBES2 (scrypt): OpenSSL opens it with the passphrase, and only with it.
    const keyPem = readFileSync(path.join(dir, 'key.pem'), 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const asn1 = execFileSync('openssl', ['asn1parse', '-in', path.join(dir, 'key.pem')], { encoding: 'utf8' });
    expect(asn1).toMatch(/PBES2[\s\S]*:scrypt[\s\S]*aes-256-cbc/);
    const opened = spawnSync('openssl', ['pkey', '-in', path.join(dir, 'key.pem'), '-passin', 'env:PW', '-noout', '-text_pub'], { env: { ...process.env, PW: PASS }, encoding: 'utf8' });
    expect(opened.status, opened.stderr).toBe(0);
    expect(spawnSync('openssl', ['pkey', '-in', path.join(dir, 'key.pem'), '-passin', 'pass:wrong', '-noout'], { encoding: 'utf8' }).status).not.toBe(0);
    const csr = execFileSync('openssl', ['req', '-in', 'me.csr', '-verify', '-noout', '-subject', '-nameopt', 'utf8'], { cwd: s.work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(csr).toContain('홍길동');
    const list = await s.run(['identity', 'list']);
    expect(list.stdout).toMatch(/\* \S+\s+CN=홍길동, O=테스트 \(self-asserted\)/);
    const show = await s.run(['identity', 'show', '--json']);
    expect(JSON.parse(show.stdout).identity.name).toBe(out.identity.name);
  });

  it('without a passphrase in CI it says how to give one (exit 2)', async () => {
    const s = sandbox();
    // Unset (spawn drops undefined); set but empty is its own error (test/cli/credentials-hardening.test.ts).
    expectOneLineError(await s.run(['identity', 'new', '--name', 'X'], { TSPROOF_PASSPHRASE: undefined }), 2, /TSPROOF_PASSPHRASE or use --passphrase-file/);
  });

  const imports: [string, string[]][] = [
    ['PKCS#12 (OpenSSL 3 defaults: AES-256, PBKDF2, SHA-256 MAC)', ['holder-alice.p12']],
    ['PKCS#12 (OpenSSL -legacy: RC2-40, 3DES)', ['holder-alice-legacy.p12']],
    ['PEM certificate chain + encrypted PKCS#8 key', ['holder-alice-chain.pem', '--key', 'holder-alice-encrypted.key']],
    ['PEM certificate + traditional encrypted PEM key', ['holder-alice-chain.pem', '--key', 'holder-alice-traditional.key']],
    ['PEM certificate + plain PKCS#8 key', ['holder-alice-chain.pem', '--key', 'holder-alice.key']],
  ];
  for (const [what, args] of imports) {
    it(`import: ${what}`, async () => {
      const s = sandbox();
      const r = await s.run(['identity', 'import', ...args.map((a) => (a.startsWith('-') ? a : path.join(PKI, a))), '--name', 'alice', '--json'], { TSPROOF_IMPORT_PASSPHRASE: PASSPHRASE });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).identity).toMatchObject({ name: 'alice', subject: 'CN=김영희, O=테스트 주식회사, C=KR', selfAsserted: false });
      expect(readFileSync(path.join(s.home, 'identities', 'alice', 'chain.pem'), 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    });
  }

  it('import refuses a wrong passphrase, a key of another certificate, and a certificate that cannot sign (exit 2, nothing stored)', async () => {
    const s = sandbox();
    expectOneLineError(await s.run(['identity', 'import', path.join(PKI, 'holder-alice.p12')], { TSPROOF_IMPORT_PASSPHRASE: 'wrong' }), 2, /wrong passphrase/);
    expectOneLineError(await s.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice-encrypted.key')], { TSPROOF_IMPORT_PASSPHRASE: 'wrong' }), 2, /wrong passphrase/);
    expectOneLineError(await s.run(['identity', 'import', path.join(PKI, 'holder-alice.pem'), '--key', path.join(PKI, 'tsa-ec.key')]), 2, /does not belong/);
    expectOneLineError(await s.run(['identity', 'import', path.join(PKI, 'holder-no-signing.pem'), '--key', path.join(PKI, 'holder-no-signing.key')]), 2, /may not be used for signatures/);
    expectOneLineError(await s.run(['identity', 'import', path.join(PKI, 'holder-expired.pem'), '--key', path.join(PKI, 'holder-expired.key')]), 2, /expired/);
    expect(existsSync(path.join(s.home, 'identities')) ? readdirSync(path.join(s.home, 'identities')) : []).toEqual([]);
  });
});

async function withIdentity() {
  const s = sandbox();
  const r = await s.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key'), '--name', 'alice']);
  expect(r.status, r.stderr).toBe(0);
  return s;
}

describe('tsproof register and verify', () => {
  it('registers a folder and verifies each file offline, beside the file or via the index', async () => {
    const s = await withIdentity();
    mkdirSync(path.join(s.work, 'designs', '회로'), { recursive: true });
    writeFileSync(path.join(s.work, 'designs', '회로', '전원부.sch'), randomBytes(10_000));
    writeFileSync(path.join(s.work, 'designs', 'empty.txt'), '');
    writeFileSync(path.join(s.work, 'single.pdf'), randomBytes(2000));
    const reg = await s.run(['register', 'designs', '--tsa', tsa.url, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const out = JSON.parse(reg.stdout);
    expect(out).toMatchObject({ ok: true, holder: { identity: 'ca-verified' }, files: [{ file: 'designs/empty.txt' }, { file: 'designs/회로/전원부.sch' }] });
    expect(existsSync(path.join(s.work, out.receipt))).toBe(true);

    const single = await s.run(['register', 'single.pdf', '--tsa', tsa.url]);
    expect(single.status, single.stderr).toBe(0);
    expect(existsSync(path.join(s.work, 'single.pdf.tsproof.json'))).toBe(true);
    expect(single.stdout).toMatch(/Registered 1 file → single\.pdf\.tsproof\.json/);

    const v = await s.run(['verify', 'designs/회로/전원부.sch', 'designs/empty.txt', 'single.pdf', '--json']);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const doc = JSON.parse(v.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.results).toHaveLength(3);
    for (const res of doc.results) {
      expect(res).toMatchObject({ ok: true, holder: { subject: 'CN=김영희, O=테스트 주식회사, C=KR' } });
      for (const c of res.checks) expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'ok', 'detail']));
      expect(res.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['file.digest', 'signature.signature', 'timestamp.imprint', 'timestamp.chain', 'holder.validity', 'signature.signing-time']));
    }
    expect(doc.results[2].receipt).toBe('single.pdf.tsproof.json');

    // Human output: who (the CA that vouched, its root, revocation), when, what — short by default,
    // every check with --full; nothing on stdout but the report.
    const human = await s.run(['verify', 'single.pdf']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/✔ VERIFIED {2}single\.pdf/);
    expect(human.stdout).toMatch(/who {6}CN=김영희, O=테스트 주식회사, C=KR — certified by "CN=holder-ca, O=tsproof test, C=KR" under trusted root "CN=root-ca, O=tsproof test, C=KR"; revocation not checked/);
    expect(human.stdout).toMatch(/when {5}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC \(.* KST\) ±1 s — TSA "CN=Test TSA EC/);
    expect(human.stdout).not.toMatch(/timestamp\.ess-certid/);
    expect(human.stdout.split('\n').length).toBeLessThan(12);
    const full = await s.run(['verify', 'single.pdf', '--full']);
    expect(full.stdout).toMatch(/✔ timestamp\[0\] timestamp\.ess-certid/);
    expect(full.stdout.split('\n').length).toBeGreaterThan(50);
    const brief = await s.run(['verify', 'single.pdf', '--brief']);
    expect(brief.stdout).toMatch(/certified by "CN=holder-ca, O=tsproof test, C=KR" .*; revocation not checked/);
    expect(human.stdout).not.toMatch(/\u001b\[/);
  });

  it('a modified file fails verify with exit 1 and names file.digest', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), randomBytes(500));
    expect((await s.run(['register', 'a.bin', '--tsa', tsa.url])).status).toBe(0);
    const b = readFileSync(path.join(s.work, 'a.bin'));
    b[0]! ^= 1;
    writeFileSync(path.join(s.work, 'a.bin'), b);
    const v = await s.run(['verify', 'a.bin', '--json']);
    expect(v.status).toBe(1);
    const res = JSON.parse(v.stdout).results[0];
    expect(res.ok).toBe(false);
    expect(res.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { id: string }) => c.id)).toEqual(['file.digest']);
    const human = await s.run(['verify', 'a.bin']);
    expect(human.stdout).toMatch(/✘ NOT VERIFIED {2}a\.bin — MODIFIED[\s\S]*✘ file\.digest .*the content of "a\.bin" differs/);
    expect(res.reason).toBe('modified');
  });

  it('a truncated or garbage receipt is exit 2 with a one-line error', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), 'data');
    expect((await s.run(['register', 'a.bin', '--tsa', tsa.url])).status).toBe(0);
    const text = readFileSync(path.join(s.work, 'a.bin.tsproof.json'), 'utf8');
    writeFileSync(path.join(s.work, 'trunc.json'), text.slice(0, text.length / 2));
    writeFileSync(path.join(s.work, 'garbage.json'), randomBytes(300));
    writeFileSync(path.join(s.work, 'wrong.json'), '{"format":"something-else"}');
    expectOneLineError(await s.run(['verify', 'a.bin', '--receipt', 'trunc.json']), 2, /trunc\.json: not a receipt \(not valid JSON; truncated\?\)/);
    expectOneLineError(await s.run(['verify', 'a.bin', '--receipt', 'garbage.json']), 2, /not a receipt/);
    expectOneLineError(await s.run(['verify', 'a.bin', '--receipt', 'wrong.json']), 2, /format: expected "tsproof\.receipt"/);
    const j = await s.run(['verify', 'a.bin', '--receipt', 'trunc.json', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'MALFORMED_RECEIPT', exitCode: 2 } });
  });

  it('tampered receipt fields exit 1 naming the failed check', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), 'data');
    expect((await s.run(['register', 'a.bin', '--tsa', tsa.url])).status).toBe(0);
    const receipt = JSON.parse(readFileSync(path.join(s.work, 'a.bin.tsproof.json'), 'utf8'));
    const variants: [string, (r: any) => void, string][] = [
      ['digest', (r) => (r.entries[0].digests.sha256 = r.entries[0].digests.sha256.replace(/^..../, '0000')), 'merkle.root'],
      [
        'signed root',
        (r) =>
          (r.manifest = Buffer.from(
            Buffer.from(r.manifest, 'base64')
              .toString()
              .replace(/"root":"[0-9a-f]{4}/, '"root":"0000'),
          ).toString('base64')),
        'signature.signed-attributes',
      ],
      ['time', (r) => (r.timestamps[0].token = tweak(r.timestamps[0].token, new Date().getUTCFullYear().toString())), 'timestamp.binding'],
      ['holder', (r) => (r.signature = tweak(r.signature, '김영희')), 'signature.signing-certificate-v2'],
      ['signature', (r) => (r.signature = flipAt(r.signature, -200)), 'signature'],
      ['id', (r) => (r.id = r.id.replace(/^./, (c: string) => (c === 'a' ? 'b' : 'a'))), 'receipt.id'],
    ];
    for (const [name, edit, id] of variants) {
      const r = JSON.parse(JSON.stringify(receipt));
      edit(r);
      writeFileSync(path.join(s.work, `t-${name}.json`), JSON.stringify(r));
      const v = await s.run(['verify', 'a.bin', '--receipt', `t-${name}.json`, '--json']);
      expect(v.status, `${name}: ${v.stderr}`).toBe(1);
      const failedIds = JSON.parse(v.stdout)
        .results[0].checks.filter((c: { ok: boolean }) => !c.ok)
        .map((c: { id: string }) => c.id);
      expect(
        failedIds.some((x: string) => x.startsWith(id)),
        `${name}: ${failedIds}`,
      ).toBe(true);
    }
  });

  it('no receipt anywhere is a failed verification, naming receipt.located', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'unregistered.txt'), 'x');
    const v = await s.run(['verify', 'unregistered.txt', '--json']);
    expect(v.status).toBe(1);
    expect(JSON.parse(v.stdout).results[0].checks[0]).toMatchObject({ id: 'receipt.located', ok: false });
  });

  it('without a TSA configured, says how to configure one (exit 2); a malformed URL is exit 2', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), 'data');
    expectOneLineError(await s.run(['register', 'a.bin']), 2, /no TSA configured: pass --tsa <url>.*config\.json.*tsproof tsa init/);
    expectOneLineError(await s.run(['register', 'a.bin', '--tsa', 'not a url']), 2, /not a valid TSA URL/);
    expectOneLineError(await s.run(['register', 'a.bin', '--tsa', 'ftp://x/']), 2, /must use http or https/);
    writeFileSync(path.join(s.home, 'config.json'), JSON.stringify({ tsa: [tsa.url] }));
    expect((await s.run(['register', 'a.bin'])).status).toBe(0);
  });

  it('a wrong identity passphrase is exit 2 and writes nothing', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), 'data');
    expectOneLineError(await s.run(['register', 'a.bin', '--tsa', tsa.url], { TSPROOF_PASSPHRASE: 'not it' }), 2, /wrong passphrase/);
    expect(existsSync(path.join(s.work, 'a.bin.tsproof.json'))).toBe(false);
  });

  const hostile: [HostileMode, RegExp][] = [
    ['wrong-imprint', /failed timestamp\.imprint/],
    ['wrong-nonce', /timestamp\.nonce/],
    ['missing-nonce', /timestamp\.nonce/],
    ['rejection', /refused the request/],
    ['garbage', /not a TimeStampResp/],
    ['html', /answered text\/html/],
    ['http-500', /HTTP 500/],
    ['timeout', /no complete answer within 1 s/],
    ['truncated', /cut off|truncated/],
    ['wrong-content-type', /application\/octet-stream/],
    ['no-eku', /timestamp\.eku/],
    ['other-key', /timestamp\.signature/],
    ['wrong-ess', /timestamp\.ess-certid/],
    ['expired-cert', /timestamp\.chain-validity/],
    ['untrusted-root', /timestamp\.chain/],
    ['future-gentime', /timestamp\.gen-time/],
  ];
  it('refuses every hostile TSA answer with exit 3, names the problem, and writes nothing', async () => {
    const s = await withIdentity();
    writeFileSync(path.join(s.work, 'a.bin'), 'data');
    for (const [mode, message] of hostile) {
      const bad = await hostileTsa(mode);
      try {
        const r = await s.run(['register', 'a.bin', '--tsa', bad.url, '--timeout', '1']);
        expectOneLineError(r, 3, message);
      } finally {
        await bad.close();
      }
      expect(readdirSync(s.work), mode).toEqual(['a.bin']);
      expect(existsSync(path.join(s.home, 'registry.db')), mode).toBe(false);
    }
  });
});

describe('tsproof ts verify', () => {
  it('verifies an OpenSSL-made response against data and a digest; refuses other data (1) and garbage (2)', async () => {
    const s = sandbox();
    writeFileSync(path.join(s.work, 'data.txt'), 'hello');
    writeFileSync(
      path.join(s.work, 'ts.cnf'),
      `[tsa]\ndefault_tsa=t\n[t]\ncrypto_device=builtin\nserial=${path.join(s.work, 'serial')}\nsigner_digest=sha256\ndefault_policy=1.2.3.4.77\ndigests=sha256\naccuracy=secs:1\ness_cert_id_alg=sha256\n`,
    );
    writeFileSync(path.join(s.work, 'serial'), '01\n');
    execFileSync('openssl', ['ts', '-query', '-data', 'data.txt', '-sha256', '-cert', '-out', 'q.tsq'], { cwd: s.work, stdio: 'ignore' });
    execFileSync('openssl', ['ts', '-reply', '-config', 'ts.cnf', '-queryfile', 'q.tsq', '-signer', path.join(PKI, 'tsa-ec.pem'), '-inkey', path.join(PKI, 'tsa-ec.key'), '-out', 'r.tsr'], { cwd: s.work, stdio: 'ignore' });
    const ok = await s.run(['ts', 'verify', '--token', 'r.tsr', '--data', 'data.txt']);
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/✔ VALID TIMESTAMP/);
    const digest = await s.run(['ts', 'verify', '--token', 'r.tsr', '--digest', 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', '--json']);
    expect(JSON.parse(digest.stdout)).toMatchObject({ ok: true, results: [{ ok: true, timestamp: { policy: '1.2.3.4.77' } }] });
    writeFileSync(path.join(s.work, 'other.txt'), 'hellO');
    const bad = await s.run(['ts', 'verify', '--token', 'r.tsr', '--data', 'other.txt', '--json']);
    expect(bad.status).toBe(1);
    expect(
      JSON.parse(bad.stdout)
        .results[0].checks.filter((c: { ok: boolean }) => !c.ok)
        .map((c: { id: string }) => c.id),
    ).toEqual(['timestamp.imprint']);
    // Without the root trusted the chain check fails.
    const untrusted = await s.run(['ts', 'verify', '--token', 'r.tsr', '--data', 'data.txt', '--json'], { TSPROOF_HOME: path.join(s.dir, 'empty-home') });
    expect(untrusted.status).toBe(1);
    writeFileSync(path.join(s.work, 'junk.tsr'), randomBytes(100));
    expectOneLineError(await s.run(['ts', 'verify', '--token', 'junk.tsr', '--data', 'data.txt']), 2, /not a DER TimeStampResp or TimeStampToken/);
  });
});

describe('tsproof tsa init / serve', () => {
  it('serves tokens that OpenSSL requests over HTTP and verifies, and tsproof registers against', async () => {
    const s = await withIdentity();
    const init = await s.run(['tsa', 'init', '--dir', 'tsa']);
    expect(init.status, init.stderr).toBe(0);
    expect(statSync(path.join(s.work, 'tsa', 'tsa-key.pem')).mode & 0o777).toBe(0o600);
    const eku = execFileSync('openssl', ['x509', '-in', 'tsa/tsa.pem', '-noout', '-ext', 'extendedKeyUsage'], { cwd: s.work, encoding: 'utf8' });
    expect(eku).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(path.dirname(PKI), '..', 'bin', 'tsproof.js'), 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], {
      cwd: s.work,
      env: { ...cLocale(), ...s.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
        child.on('exit', () => reject(new Error('server exited')));
      });
      const url = `http://127.0.0.1:${port}/`;
      expect((await fetch(`${url}health`)).status).toBe(200);
      writeFileSync(path.join(s.work, 'doc.txt'), 'document');
      execFileSync('openssl', ['ts', '-query', '-data', 'doc.txt', '-sha384', '-cert', '-out', 'q.tsq'], { cwd: s.work, stdio: 'ignore' });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: readFileSync(path.join(s.work, 'q.tsq')) });
      expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
      writeFileSync(path.join(s.work, 'r.tsr'), Buffer.from(await res.arrayBuffer()));
      const v = spawnSync('openssl', ['ts', '-verify', '-in', 'r.tsr', '-queryfile', 'q.tsq', '-CAfile', 'tsa/root.pem'], { cwd: s.work, encoding: 'utf8' });
      expect(v.stdout).toContain('Verification: OK');
      // tsa init trusted its root in $TSPROOF_HOME/trust, so registration works without --trust.
      const reg = await s.run(['register', 'doc.txt', '--tsa', url]);
      expect(reg.status, reg.stderr).toBe(0);
      expect((await s.run(['verify', 'doc.txt'])).status).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('tsproof demo', () => {
  it('runs offline and exits 0', async () => {
    const r = await runCli(['demo']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Demo OK/);
    expect(r.stderr).toMatch(/openssl ts -verify .* Verification: OK/);
    expect(r.stderr).toMatch(/VERIFIED: designs\/bracket\.step was registered/); // the evidence pack's verify.sh
    expect(r.stderr.slice(r.stderr.indexOf('Summary'))).not.toMatch(/✘/); // every expectation held
  });

  it("speaks Korean with --lang ko, down to the evidence pack's verify.sh", async () => {
    const r = await runCli(['--lang', 'ko', 'demo']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/데모 성공/);
    expect(r.stderr).toMatch(/파일 4개를 등록했습니다/);
    expect(r.stderr).toMatch(/검증됨: designs\/bracket\.step은\(는\) "designs\/bracket\.step"\(으\)로 등록되었으며/);
    expect(r.stderr.slice(r.stderr.indexOf('요약'))).not.toMatch(/✘/);
  });
});

describe('secrets', () => {
  it('no passphrase used in this file appeared in any output', () => {
    const all = allOutput.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(PASS);
    expect(all).not.toContain(PASSPHRASE);
    expect(all).not.toMatch(/PRIVATE KEY/);
  });
});

function tweak(b64: string, marker: string): string {
  const b = Buffer.from(b64, 'base64');
  const at = b.indexOf(Buffer.from(marker));
  expect(at).toBeGreaterThan(0);
  b[at + 2]! ^= 1;
  return b.toString('base64');
}
function flipAt(b64: string, at: number): string {
  const b = Buffer.from(b64, 'base64');
  b[b.length + at]! ^= 1;
  return b.toString('base64');
}
