/**
 * Issue 12 — verdicts an outsider can act on, end to end through the built CLI:
 *   - a look-alike receipt (a self-asserted "김영희" at a trusted TSA) passes as a proof, and fails
 *     under each pin — flags, TSPROOF_* variables, config.json, show, ts verify, and verify.sh;
 *   - a fresh machine names the untrusted root and its fingerprint, and verifies after
 *     `trust add --from <receipt> --sha256 <fp>` (and only with the right fingerprint);
 *   - an NPKI identity imported with its chain (--chain, or CA certificates next to the folder)
 *     verifies as certified under a root-only trust store, and the PDFs say so;
 *   - a wrong receipt and a tampered file give different check ids and reasons;
 *   - an evidence pack received alone (zip or folder) is read by show, verify and verify --report;
 *   - the report PDF, read back with pdftotext, shows a modified file as modified with both
 *     digests, covers files of several receipts, and is replaced only with --force;
 *   - `verify <receipt>` says what to do.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { KOREAN_PASSWORD, PKI, ROOT } from '../helpers/fixtures.js';
import { expectOneLineError } from '../helpers/hostile.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';

const PASS = 'verdicts passphrase 12';
const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** SHA-256 of a PEM certificate's DER, as tsproof and OpenSSL print it. */
const fingerprint = (pem: string) =>
  createHash('sha256')
    .update(Buffer.from(readFileSync(pem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'))
    .digest('hex');
const pdfText = (pdf: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\f/g, '\n');
const json = (s: string) => JSON.parse(s) as { ok: boolean; results: Result[] };
interface Result {
  ok: boolean;
  reason: string;
  checks: { id: string; ok: boolean; status: string; cause?: string; subject?: string }[];
  holder?: { identity: string; certifiedBy?: { subject: string }; anchor?: { sha256: string }; revocation: string };
  claimedTime?: string;
  untrusted?: { for: string; subject: string; sha256: string; selfSigned: boolean }[];
  timestamps: { trusted: boolean }[];
}
const failedIds = (r: Result) => r.checks.filter((c) => !c.ok).map((c) => c.id);

const ROOT_FP = fingerprint(path.join(PKI, 'root-ca.pem'));
const ALICE_FP = fingerprint(path.join(PKI, 'holder-alice.pem'));
const TSA_EC_FP = fingerprint(path.join(PKI, 'tsa-ec.pem'));
const ALICE_DN = 'CN=김영희, O=테스트 주식회사, C=KR';
const HOLDER_CA_DN = 'CN=holder-ca, O=tsproof test, C=KR';

let ec: Awaited<ReturnType<typeof bundledTsa>>;
let rsa: Awaited<ReturnType<typeof bundledTsa>>;
let real: CliWorkspace;
let fake: CliWorkspace;
const dirs: string[] = [];
beforeAll(async () => {
  ec = await bundledTsa('tsa-ec');
  rsa = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  real = cliWorkspace('tsproof-verdicts-real-', { passphrase: PASS });
  fake = cliWorkspace('tsproof-verdicts-fake-', { passphrase: PASS });
  dirs.push(real.dir, fake.dir);
  await importAlice(real);
  // The look-alike: anyone can call themselves 김영희 of 테스트 주식회사.
  const made = await fake.run(['identity', 'new', '--name', '김영희', '--org', '테스트 주식회사']);
  expect(made.status, made.stderr).toBe(0);
});
afterAll(async () => {
  await ec.close();
  await rsa.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  removeToolDirs();
});

/** A fresh $TSPROOF_HOME (no trust at all) running in `work`. */
function freshHome(work: string) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tsproof-verdicts-fresh-'));
  dirs.push(home);
  return { home, run: (args: string[], env: NodeJS.ProcessEnv = {}) => real.run(args, { TSPROOF_HOME: home, ...env }), work };
}

describe('pins: the look-alike receipt fails under each pin', () => {
  let file: string;
  let genuine: string;
  let lookalike: string;
  let lookalikeRsa: string;
  beforeAll(async () => {
    file = path.join(real.work, 'contract.pdf');
    writeFileSync(file, 'the contract, version 3\n');
    const r = await real.run(['register', 'contract.pdf', '--tsa', ec.url, '--out', 'genuine', '--json']);
    expect(r.status, r.stderr).toBe(0);
    genuine = path.join(real.work, JSON.parse(r.stdout).receipt);
    writeFileSync(path.join(fake.work, 'contract.pdf'), readFileSync(file));
    const l = await fake.run(['register', 'contract.pdf', '--tsa', ec.url, '--out', 'same-tsa', '--json']);
    expect(l.status, l.stderr).toBe(0);
    lookalike = path.join(fake.work, JSON.parse(l.stdout).receipt);
    const l2 = await fake.run(['register', 'contract.pdf', '--tsa', rsa.url, '--out', 'other-tsa', '--json']);
    expect(l2.status, l2.stderr).toBe(0);
    lookalikeRsa = path.join(fake.work, JSON.parse(l2.stdout).receipt);
  });

  it('without pins, the look-alike verifies (it is a valid proof) — with a warning only', async () => {
    const v = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, '--json']);
    expect(v.status, v.stdout).toBe(0);
    expect(json(v.stdout).results[0]!.holder!.identity).toBe('self-asserted');
  });

  const cases: [string, string[], string][] = [
    ['--holder-cert', ['--holder-cert', ALICE_FP.toUpperCase().replace(/(..)(?!$)/g, '$1:')], 'pin.holder-cert'],
    ['--holder-subject', ['--holder-subject', ALICE_DN], 'pin.holder-subject'],
    ['--holder-issuer', ['--holder-issuer', HOLDER_CA_DN], 'pin.holder-issuer'],
    ['--require-certified', ['--require-certified'], 'pin.certified'],
  ];
  for (const [name, flags, id] of cases) {
    it(`${name}: the genuine receipt passes, the look-alike fails naming ${id}`, async () => {
      const ok = await real.run(['verify', 'contract.pdf', '--receipt', genuine, ...flags, '--json']);
      expect(ok.status, ok.stdout).toBe(0);
      expect(json(ok.stdout).results[0]!.checks.find((c) => c.id === id)).toMatchObject({ status: 'pass' });
      const bad = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, ...flags, '--json']);
      expect(bad.status).toBe(1);
      const r = json(bad.stdout).results[0]!;
      expect(r.reason).toBe('pin-mismatch');
      expect(failedIds(r)).toEqual([id]);
    });
  }

  it('--tsa-cert: a look-alike timestamped by another trusted TSA fails; a * pattern matches subjects', async () => {
    expect((await real.run(['verify', 'contract.pdf', '--receipt', genuine, '--tsa-cert', TSA_EC_FP])).status).toBe(0);
    // The root the TSA chains to may be pinned instead (TSA certificates are rotated, roots stay).
    expect((await real.run(['verify', 'contract.pdf', '--receipt', lookalikeRsa, '--tsa-cert', ROOT_FP])).status).toBe(0);
    const bad = await real.run(['verify', 'contract.pdf', '--receipt', lookalikeRsa, '--tsa-cert', `sha256:${TSA_EC_FP}`, '--json']);
    expect(bad.status).toBe(1);
    expect(json(bad.stdout).results[0]).toMatchObject({ reason: 'pin-mismatch' });
    expect(failedIds(json(bad.stdout).results[0]!)).toEqual(['pin.tsa-cert']);
    expect((await real.run(['verify', 'contract.pdf', '--receipt', genuine, '--holder-subject', 'CN=김영희, *, C=KR'])).status).toBe(0);
    const human = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, '--holder-subject', 'CN=김영희, *, C=KR']);
    expect(human.stdout).toMatch(/✘ NOT VERIFIED {2}contract\.pdf — not made by the expected holder or TSA \(pins\)/);
    expect(human.stdout).toMatch(/✘ pin\.holder-subject +holder "CN=김영희, O=테스트 주식회사" is not the pinned subject "CN=김영희, \*, C=KR"/);
    expectOneLineError(await real.run(['verify', 'contract.pdf', '--receipt', genuine, '--holder-cert', 'abc']), 2, /--holder-cert abc: expected a SHA-256 fingerprint/);
  });

  it('the same pins from TSPROOF_* variables and from config.json; a flag overrides both', async () => {
    const env = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, '--json'], { TSPROOF_HOLDER_CERT: ALICE_FP });
    expect(env.status).toBe(1);
    expect(failedIds(json(env.stdout).results[0]!)).toEqual(['pin.holder-cert']);
    expect((await real.run(['verify', 'contract.pdf', '--receipt', lookalike], { TSPROOF_REQUIRE_CERTIFIED: '1' })).status).toBe(1);
    expect((await real.run(['verify', 'contract.pdf', '--receipt', genuine], { TSPROOF_REQUIRE_CERTIFIED: 'true', TSPROOF_HOLDER_ISSUER: HOLDER_CA_DN })).status).toBe(0);
    expectOneLineError(await real.run(['verify', 'contract.pdf', '--receipt', genuine], { TSPROOF_REQUIRE_CERTIFIED: 'maybe' }), 2, /TSPROOF_REQUIRE_CERTIFIED=maybe: expected 1 or 0/);

    const config = path.join(real.home, 'config.json');
    const before = readFileSync(config, 'utf8');
    try {
      writeFileSync(config, JSON.stringify({ ...JSON.parse(before), pins: { holderCert: [ALICE_FP], requireCertified: true } }));
      const c = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, '--json']);
      expect(c.status).toBe(1);
      expect(failedIds(json(c.stdout).results[0]!).sort()).toEqual(['pin.certified', 'pin.holder-cert']);
      expect((await real.run(['verify', 'contract.pdf', '--receipt', genuine])).status).toBe(0);
      // A flag replaces the same pin from the config (the look-alike's own certificate, pinned on purpose).
      const own = json((await real.run(['show', lookalike, '--json'])).stdout) as unknown as { holder: { certificateSha256: string } };
      const flag = await real.run(['verify', 'contract.pdf', '--receipt', lookalike, '--holder-cert', own.holder.certificateSha256, '--json']);
      expect(failedIds(json(flag.stdout).results[0]!)).toEqual(['pin.certified']);
      writeFileSync(config, JSON.stringify({ ...JSON.parse(before), pins: { holderCert: ['nope'] } }));
      expectOneLineError(await real.run(['verify', 'contract.pdf', '--receipt', genuine]), 2, /pins\.holderCert: expected SHA-256 fingerprints/);
    } finally {
      writeFileSync(config, before);
    }
  });

  it('show takes the pins and says why the look-alike does not verify', async () => {
    const s = await real.run(['show', lookalike, '--require-certified', '--json']);
    expect(s.status).toBe(0);
    const doc = JSON.parse(s.stdout);
    expect(doc).toMatchObject({ verifies: false, reason: 'pin-mismatch', failed: [{ id: 'pin.certified' }] });
    const human = await real.run(['show', lookalike, '--holder-cert', ALICE_FP]);
    expect(human.stdout).toMatch(/verifies: {5}NO — pin\.holder-cert: the holder certificate \(SHA-256 [0-9a-f]{64}\) is not the pinned/);
  });

  it('ts verify takes a TSA pin as a SHA-256 (a certificate file stays what it was)', async () => {
    const pack = path.join(real.dir, 'genuine-pack');
    expect((await real.run(['export', genuine, '--format', 'evidence', '--out', pack])).status).toBe(0);
    const base = ['ts', 'verify', '--token', path.join(pack, 'timestamps', '1.tst'), '--data', path.join(pack, 'signature-value.bin')];
    expect((await real.run([...base, '--tsa-cert', TSA_EC_FP])).status).toBe(0);
    expect((await real.run([...base, '--tsa-cert', path.join(PKI, 'tsa-ec.pem'), '--tsa-cert', ROOT_FP])).status).toBe(0);
    const bad = await real.run([...base, '--tsa-cert', fingerprint(path.join(PKI, 'tsa-rsa.pem')), '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).results[0]).toMatchObject({ reason: 'pin-mismatch' });
    expect((await real.run(base, { TSPROOF_TSA_CERT: fingerprint(path.join(PKI, 'tsa-rsa.pem')) })).status).toBe(1);
  });

  it("the evidence pack's verify.sh takes the same pins from the environment", async () => {
    const packs = { genuine: path.join(real.dir, 'pack-genuine'), lookalike: path.join(real.dir, 'pack-lookalike') };
    expect((await real.run(['export', genuine, '--format', 'evidence', '--out', packs.genuine])).status).toBe(0);
    expect((await real.run(['export', lookalike, '--format', 'evidence', '--out', packs.lookalike])).status).toBe(0);
    const sh = (pack: string, env: Record<string, string>) => runVerifySh(real.dir, pack, file, { env });
    // No pins: both verify (the look-alike's holder is "self-asserted" in its VERIFIED line).
    expect(sh(packs.lookalike, {}).status).toBe(0);
    const pins: [Record<string, string>, RegExp][] = [
      [{ TSPROOF_HOLDER_CERT: ALICE_FP }, /pin TSPROOF_HOLDER_CERT/],
      [{ TSPROOF_HOLDER_SUBJECT: ALICE_DN }, /pin TSPROOF_HOLDER_SUBJECT: the holder is "CN=김영희, O=테스트 주식회사", not "CN=김영희, O=테스트 주식회사, C=KR"/],
      [{ HOLDER_CA: path.join(PKI, 'root-ca.pem'), TSPROOF_REQUIRE_CERTIFIED: '1' }, /holder signature|pin TSPROOF_REQUIRE_CERTIFIED/],
      [{ HOLDER_CA: path.join(PKI, 'root-ca.pem'), TSPROOF_HOLDER_ISSUER: HOLDER_CA_DN }, /holder signature|pin TSPROOF_HOLDER_ISSUER/],
    ];
    for (const [env, why] of pins) {
      const good = sh(packs.genuine, env);
      expect(good.status, `${JSON.stringify(env)}: ${good.stderr}`).toBe(0);
      expect(good.stdout).toMatch(/^ok {4}pin: /m);
      const bad = sh(packs.lookalike, env);
      expect(bad.status, JSON.stringify(env)).toBe(1);
      expect(bad.stderr).toMatch(why);
    }
    // A TSA pin: the genuine pack's TSA is pinned, another is not.
    expect(sh(packs.genuine, { TSPROOF_TSA_CERT: `${TSA_EC_FP.slice(0, 2).toUpperCase()}:${TSA_EC_FP.slice(2)}` }).status).toBe(0);
    const tsa = sh(packs.genuine, { TSPROOF_TSA_CERT: fingerprint(path.join(PKI, 'tsa-rsa.pem')) });
    expect(tsa.status).toBe(1);
    expect(tsa.stderr).toContain('pin TSPROOF_TSA_CERT: timestamp 1 is by TSA');
    // The CA of a pack vouches for nothing: certified and issuer pins need the reader's HOLDER_CA.
    const noCa = sh(packs.genuine, { TSPROOF_REQUIRE_CERTIFIED: '1' });
    expect(noCa.status).toBe(2);
    expect(noCa.stderr).toContain('need HOLDER_CA');
    expect(sh(packs.genuine, { TSPROOF_HOLDER_CERT: 'xyz' }).status).toBe(2);
    expect(sh(packs.genuine, { TSPROOF_HOLDER_SUBJECT: 'CN=김영희, O=*' }).status).toBe(0);
    const ko = sh(packs.lookalike, { TSPROOF_HOLDER_CERT: ALICE_FP, LANG: 'ko_KR.UTF-8' });
    expect(ko.stderr).toMatch(/^실패: 고정값 TSPROOF_HOLDER_CERT/);
  });
});

describe('a fresh machine', () => {
  let receipt: string;
  let file: string;
  beforeAll(async () => {
    file = path.join(real.work, 'fresh', 'drawing.dwg');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'a drawing\n');
    const r = await real.run(['register', 'fresh/drawing.dwg', '--tsa', ec.url, '--json']);
    expect(r.status, r.stderr).toBe(0);
    receipt = path.join(real.work, JSON.parse(r.stdout).receipt);
  });

  it('names the untrusted root and its fingerprint, shows the claimed time as unproven, and verifies after trust add --from --sha256', async () => {
    const f = freshHome(real.work);
    const v = await f.run(['verify', file, '--receipt', receipt]);
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/✘ NOT VERIFIED YET {2}.*drawing\.dwg — matches, but this computer does not trust the root yet/);
    expect(v.stdout).toContain(`under root "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${ROOT_FP}), which this computer does not trust yet`);
    expect(v.stdout).toMatch(/when {5}\d{4}-\d\d-\d\d .* — CLAIMED, NOT PROVEN/);
    expect(v.stdout).toContain(`tsproof trust add --from ${path.relative(real.work, receipt)} --sha256 ${ROOT_FP}`);
    const j = json((await f.run(['verify', file, '--receipt', receipt, '--json'])).stdout).results[0]!;
    expect(j.reason).toBe('untrusted-anchor');
    expect(j.claimedTime).toMatch(/^\d{4}-/);
    expect(j.timestamps).toMatchObject([{ trusted: false }]);
    expect(j.untrusted).toEqual(expect.arrayContaining([expect.objectContaining({ for: 'tsa', sha256: ROOT_FP, selfSigned: true })]));
    expect(failedIds(j)).toEqual(['timestamp.chain']);
    expect(j.checks.find((c) => c.id === 'timestamp.chain')!.cause).toBe('untrusted-anchor');
    const show = JSON.parse((await f.run(['show', receipt, '--json'])).stdout);
    expect(show).toMatchObject({ verifies: false, reason: 'untrusted-anchor', timestamps: [{ trusted: false }] });
    expect(show.claimedTime).toBeDefined();

    // The wrong fingerprint trusts nothing; the right one (in any usual spelling) trusts that root.
    const wrong = await f.run(['trust', 'add', '--from', receipt, '--sha256', 'ab'.repeat(32)]);
    expectOneLineError(wrong, 2, /no certificate in .* has SHA-256 [0-9a-f]{64}; nothing was trusted/);
    expectOneLineError(await f.run(['trust', 'add', '--from', receipt]), 2, /--from and --sha256 go together/);
    const add = await f.run(['trust', 'add', '--from', receipt, '--sha256', ROOT_FP.toUpperCase().replace(/(..)(?!$)/g, '$1:')]);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain(`Trusted for tsa: CN=root-ca, O=tsproof test, C=KR`);
    const after = await f.run(['verify', file, '--receipt', receipt]);
    expect(after.status, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/✔ VERIFIED/);
    // The holder's CA root is trusted for TSAs only: no CA vouches for the holder here yet.
    expect(after.stdout).toMatch(/who {6}CN=김영희, O=테스트 주식회사, C=KR — issuer not trusted here/);
  });

  it('trust add --known trusts a curated root, once', async () => {
    const f = freshHome(real.work);
    const a = await f.run(['trust', 'add', '--known', 'digicert', '--json']);
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).added.map((x: { sha256: string; purpose: string }) => [x.sha256, x.purpose])).toEqual([
      ['3e9099b5015e8f486c00bcea9d111ee721faba355a89bcf1df69561e3dc6325c', 'tsa'],
      ['552f7bdcf1a7af9e6ce672017f4f12abf77240c78e761ac203d1d9d20ac89988', 'tsa'],
    ]);
    expect((await f.run(['trust', 'add', '--known', 'digicert'])).stdout).toContain('Already trusted for tsa');
    expectOneLineError(await f.run(['trust', 'add', '--known', 'nobody']), 2, /--known nobody: no curated root for that name; known: digicert, globalsign/);
    expect((await f.run(['tsa', 'list'])).stdout).toContain('tsproof trust add --known digicert');
  });
});

describe('NPKI identities with their CA certificates', () => {
  it('imported with --chain, the holder is certified under a root-only trust store, in verify, --brief and the PDFs', async () => {
    const ws = cliWorkspace('tsproof-verdicts-npki-', { passphrase: PASS });
    dirs.push(ws.dir);
    const npki = path.join(ws.dir, 'NPKI', 'yessign', 'USER', 'cn=kim');
    cpSync(path.join(ROOT, 'fixtures', 'npki', 'seed-cbc-sha1'), npki, { recursive: true });
    const env = { TSPROOF_IMPORT_PASSPHRASE: KOREAN_PASSWORD };
    // Without its CA certificate: a warning in plain words, and verifiers see no CA vouching.
    const bare = await ws.run(['identity', 'import', '--npki', npki, '--name', 'bare'], env);
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.stderr).toMatch(/warning: "CN=김영희, O=테스트 주식회사, C=KR" is imported without the certificate of its CA "CN=holder-ca, O=tsproof test, C=KR" \(none was found next to the NPKI folder\)/);
    // With --chain: the CA goes into every signature.
    const imp = await ws.run(['identity', 'import', '--npki', npki, '--chain', path.join(PKI, 'holder-ca.pem'), '--name', 'kim'], env);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stderr).not.toContain('warning');
    writeFileSync(path.join(ws.work, 'spec.hwp'), 'a specification\n');
    const bareReg = await ws.run(['register', 'spec.hwp', '--identity', 'bare', '--tsa', ec.url, '--out', 'bare', '--json']);
    const reg = await ws.run(['register', 'spec.hwp', '--identity', 'kim', '--tsa', ec.url, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const receipt = JSON.parse(reg.stdout).receipt as string;
    // The trust store holds the root only (tests' default home: root-ca.pem).
    const bareV = json((await ws.run(['verify', 'spec.hwp', '--receipt', JSON.parse(bareReg.stdout).receipt, '--json'])).stdout).results[0]!;
    expect(bareV.holder!.identity).toBe('unverified');
    const v = json((await ws.run(['verify', 'spec.hwp', '--receipt', receipt, '--json'])).stdout).results[0]!;
    expect(v.ok).toBe(true);
    expect(v.holder).toMatchObject({ identity: 'ca-verified', certifiedBy: { subject: HOLDER_CA_DN }, anchor: { sha256: ROOT_FP }, revocation: 'not-checked' });
    for (const mode of [[], ['--brief']]) {
      const human = await ws.run(['verify', 'spec.hwp', '--receipt', receipt, ...mode]);
      expect(human.stdout).toContain(`who      ${ALICE_DN} — certified by "${HOLDER_CA_DN}" under trusted root "CN=root-ca, O=tsproof test, C=KR"; revocation not checked`);
    }
    const ko = await ws.run(['verify', 'spec.hwp', '--receipt', receipt, '--brief', '--lang', 'ko']);
    expect(ko.stdout).toContain(`"${HOLDER_CA_DN}"이(가) 인증함, 신뢰하는 루트 "CN=root-ca, O=tsproof test, C=KR" 아래; 폐지 여부 확인 안 함`);

    expect((await ws.run(['certificate', receipt, '--out', 'cert.pdf', '--lang', 'both'])).status).toBe(0);
    const cert = pdfText(path.join(ws.work, 'cert.pdf')).replace(/\s+/g, ' ');
    expect(cert).toContain(`certified by "${HOLDER_CA_DN}" under trusted root "CN=root-ca, O=tsproof test, C=KR"; revocation not checked`);
    expect(cert).toContain('폐지 여부 확인 안 함');
    expect((await ws.run(['verify', 'spec.hwp', '--receipt', receipt, '--report', 'report.pdf', '--lang', 'en'])).status).toBe(0);
    const report = pdfText(path.join(ws.work, 'report.pdf')).replace(/\s+/g, ' ');
    expect(report).toContain(`certified by "${HOLDER_CA_DN}" under trusted root`);
    expect(report).toContain(`holder: "CN=root-ca, O=tsproof test, C=KR" SHA-256 ${ROOT_FP}`);
    // The evidence pack's README and verify.sh name the CA too.
    const pack = path.join(ws.dir, 'npki-pack');
    expect((await ws.run(['export', receipt, '--format', 'evidence', '--out', pack])).status).toBe(0);
    expect(readFileSync(path.join(pack, 'README.md'), 'utf8')).toContain(`certified by "${HOLDER_CA_DN}" under trusted root "CN=root-ca, O=tsproof test, C=KR"; revocation not checked`);
    const sh = runVerifySh(ws.dir, pack, path.join(ws.work, 'spec.hwp'), { env: { HOLDER_CA: path.join(PKI, 'root-ca.pem'), TSPROOF_REQUIRE_CERTIFIED: '1', TSPROOF_HOLDER_ISSUER: HOLDER_CA_DN } });
    expect(sh.status, sh.stderr).toBe(0);
    expect(sh.stdout).toContain(`certified by "${HOLDER_CA_DN}"`);
  });

  it('picks up CA certificates kept next to the NPKI folder', async () => {
    const ws = cliWorkspace('tsproof-verdicts-npki2-', { passphrase: PASS });
    dirs.push(ws.dir);
    const user = path.join(ws.dir, 'NPKI', 'yessign', 'USER');
    const npki = path.join(user, 'cn=kim');
    cpSync(path.join(ROOT, 'fixtures', 'npki', 'pbes2-seed'), npki, { recursive: true });
    // As DER, in the CA's folder two levels up; an unrelated CA beside it is left out.
    execFileSync('openssl', ['x509', '-in', path.join(PKI, 'holder-ca.pem'), '-outform', 'DER', '-out', path.join(ws.dir, 'NPKI', 'yessign', 'yessignCA.der')]);
    cpSync(path.join(PKI, 'untrusted-root-ca.pem'), path.join(user, 'other.pem'));
    const imp = await ws.run(['identity', 'import', '--npki', npki], { TSPROOF_IMPORT_PASSPHRASE: KOREAN_PASSWORD });
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(/Found the CA certificate "CN=holder-ca, O=tsproof test, C=KR" next to the NPKI folder/);
    expect(imp.stderr).not.toContain('warning');
    const show = JSON.parse((await ws.run(['identity', 'show', '--json'])).stdout);
    expect(show.chain.map((c: { subject: string }) => c.subject)).toEqual([ALICE_DN, HOLDER_CA_DN]);
  });
});

describe('wrong receipt, tampered file, packs, reports', () => {
  let ra: string;
  let rb: string;
  beforeAll(async () => {
    for (const [dir, text] of [
      ['proj-a', 'part A\n'],
      ['proj-b', 'part B\n'],
    ] as const) {
      mkdirSync(path.join(real.work, dir), { recursive: true });
      writeFileSync(path.join(real.work, dir, 'part.step'), text);
    }
    const a = await real.run(['register', 'proj-a', '--tsa', ec.url, '--out', 'ra', '--json']);
    const b = await real.run(['register', 'proj-b', '--tsa', rsa.url, '--out', 'rb', '--json']);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    ra = JSON.parse(a.stdout).receipt;
    rb = JSON.parse(b.stdout).receipt;
  });

  it('a wrong receipt is not-covered (file.covered); a tampered file is modified (file.digest)', async () => {
    const wrong = json((await real.run(['verify', 'proj-b/part.step', '--receipt', ra, '--json'])).stdout).results[0]!;
    expect(wrong).toMatchObject({ ok: false, reason: 'not-covered' });
    expect(failedIds(wrong)).toEqual(['file.covered']);
    const human = await real.run(['verify', 'proj-b/part.step', '--receipt', ra]);
    expect(human.stdout).toContain('✘ NOT VERIFIED  proj-b/part.step — this receipt does not cover this file');
    expect(human.stdout).toContain(`tsproof show ${ra} --all`);

    const copy = path.join(real.dir, 'tampered', 'proj-a');
    mkdirSync(copy, { recursive: true });
    writeFileSync(path.join(copy, 'part.step'), 'part A, altered\n');
    const tampered = json((await real.run(['verify', path.join(copy, 'part.step'), '--receipt', ra, '--json'])).stdout).results[0]!;
    expect(tampered).toMatchObject({ ok: false, reason: 'modified' });
    expect(failedIds(tampered)).toEqual(['file.digest', 'file.size']);
    const t = await real.run(['verify', path.join(copy, 'part.step'), '--receipt', ra]);
    expect(t.stdout).toMatch(/— MODIFIED: not the registered original/);
    expect(t.stdout).toMatch(/why {6}The file is not the registered original: its SHA256 is [0-9a-f]{64}, while the file registered as "proj-a\/part\.step" has [0-9a-f]{64}\./);
  });

  it('verify <receipt> says what to do instead', async () => {
    expectOneLineError(await real.run(['verify', ra]), 2, new RegExp(`${ra.replace(/\./g, '\\.')} is a receipt, not a file to check: give the file with its receipt \\(tsproof verify <file> --receipt `));
    const pack = path.join(real.dir, 'pack-as-file');
    expect((await real.run(['export', ra, '--format', 'evidence', '--out', pack])).status).toBe(0);
    expectOneLineError(await real.run(['verify', pack]), 2, /is a receipt, not a file to check/);
  });

  it('an evidence pack received alone: show, verify and a report, from the zip and from the folder', async () => {
    const zip = path.join(real.dir, 'received.zip');
    const folder = path.join(real.dir, 'received');
    expect((await real.run(['export', ra, '--format', 'evidence', '--out', zip])).status).toBe(0);
    expect((await real.run(['export', ra, '--format', 'evidence', '--out', folder])).status).toBe(0);
    const f = freshHome(real.work);
    for (const pack of [zip, folder]) {
      const s = JSON.parse((await f.run(['show', pack, '--json'])).stdout);
      expect(s).toMatchObject({ reason: 'untrusted-anchor', source: { kind: pack === zip ? 'pack-zip' : 'pack-folder' }, entries: [{ name: 'proj-a/part.step' }] });
      expect(s.source.sha256).toBe(sha256Of(pack === zip ? zip : path.join(folder, 'signature.p7s')));
    }
    const report = path.join(real.work, 'received-report.pdf');
    const v = await f.run(['verify', 'proj-a/part.step', '--receipt', zip, '--report', report, '--lang', 'en']);
    expect(v.status).toBe(1);
    let text = pdfText(report).replace(/\s+/g, ' ');
    expect(text).toContain('VERIFICATION FAILED');
    expect(text).toContain(`SHA-256 of the evidence pack (zip) examined ${sha256Of(zip)}`);
    expect(text).toContain(`SHA-256 ${ROOT_FP}`);
    expect(text).toContain(`tsproof trust add --from ${path.relative(real.work, zip)} --sha256 ${ROOT_FP}`);
    expect(text).toContain('Claimed time (NOT proven');
    // After the trust decision, the pack alone proves it; the report says so (--force replaces it).
    expect((await f.run(['trust', 'add', '--from', zip, '--sha256', ROOT_FP])).status).toBe(0);
    expectOneLineError(await f.run(['verify', 'proj-a/part.step', '--receipt', folder, '--report', report]), 2, /already exists/);
    const ok = await f.run(['verify', 'proj-a/part.step', '--receipt', folder, '--report', report, '--force', '--lang', 'en']);
    expect(ok.status, ok.stdout).toBe(0);
    text = pdfText(report).replace(/\s+/g, ' ');
    expect(text).toContain('VERIFIED: every file matches its receipt');
    expect(text).toContain('proj-a/part.step [matches]');
    expect(text).toContain(`timestamp 1: "CN=root-ca, O=tsproof test, C=KR" SHA-256 ${ROOT_FP}`);
  });

  it('the report lists a modified file as modified with both digests, a foreign one as not covered, files of several receipts in one report', async () => {
    const dir = path.join(real.work, 'mixed');
    mkdirSync(path.join(dir, 'proj-a'), { recursive: true });
    writeFileSync(path.join(dir, 'proj-a', 'part.step'), 'part A, altered\n');
    const registered = createHash('sha256').update('part A\n').digest('hex');
    const altered = createHash('sha256').update('part A, altered\n').digest('hex');
    // Each file finds its own receipt: proj-b's through the local index (by its content), the altered
    // copy's beside it (as a receipt of a single file is kept).
    cpSync(path.join(real.work, ra), path.join(dir, 'proj-a', 'part.step.tsproof.json'));
    const v = await real.run(['verify', 'proj-b/part.step', 'mixed/proj-a/part.step', '--report', 'mixed.pdf', '--lang', 'both']);
    expect(v.status).toBe(1);
    const text = pdfText(path.join(real.work, 'mixed.pdf')).replace(/\s+/g, ' ');
    expect(text).toContain('원본 검증 증명서 / Certificate of Verification');
    expect(text).toMatch(/mixed\/proj-a\/part\.step \[변경됨 \/ MODIFIED\]/);
    expect(text).toContain(`sha256 ${registered}`);
    expect(text).toContain(`sha256 ${altered}`);
    expect(text).toMatch(/proj-b\/part\.step \[일치 \/ matches\]/);
    expect(text).toMatch(/Receipt 1: .*Receipt 2: /);
    expect(text).toContain('이 파일은 등록된 원본이 아닙니다');
    expect(text).not.toMatch(/mixed\/proj-a\/part\.step \[[^\]]*matches\]/);

    const wrong = await real.run(['verify', 'proj-b/part.step', '--receipt', ra, '--report', 'wrong.pdf', '--lang', 'en']);
    expect(wrong.status).toBe(1);
    expect(pdfText(path.join(real.work, 'wrong.pdf')).replace(/\s+/g, ' ')).toContain('proj-b/part.step [NOT COVERED by this receipt]');
    void rb;
  });
});
