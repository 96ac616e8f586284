/**
 * Evidence for other readers: the evidence pack checked by its own verify.sh with OpenSSL
 * alone (tsproof not on the PATH), the in-toto statement, and tsproof show.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, importAlice } from '../helpers/setup.js';
import { PKI } from '../helpers/fixtures.js';
import { hostileTsa, type Running } from '../helpers/servers.js';
import { removeToolDirs, runVerifySh, toolDir, type Flavour } from '../helpers/evidence.js';

let tsa: Running;
let s: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  tsa = await hostileTsa('ok');
  s = await setup();
});
afterAll(() => {
  tsa.close();
  if (s?.dir) rmSync(s.dir, { recursive: true, force: true });
  removeToolDirs();
});

async function setup() {
  const ws = cliWorkspace('tsproof-evidence-', { passphrase: 'evidence test' });
  const { dir, work, run } = ws;
  mkdirSync(path.join(work, 'proj', '설계'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < 13; i++) {
    const n = i % 4 === 0 ? `설계/도면 ${i}.step` : `part-${i}.bin`;
    writeFileSync(path.join(work, 'proj', n), randomBytes(50 + i * 31));
    names.push(`proj/${n}`);
  }
  await importAlice(ws);
  const reg = await run(['register', 'proj', '--tsa', tsa.url, '--json']);
  expect(reg.status, reg.stderr).toBe(0);
  return { dir, work, names, run, receipt: JSON.parse(reg.stdout).receipt as string };
}

/** Runs verify.sh from a fresh copy of the pack, with a PATH of only bash, OpenSSL and BusyBox's cat, od, wc, cmp, rm, mktemp. */
function verifySh(pack: string, file: string, extraEnv: Record<string, string> = {}, flavour: Flavour = 'busybox') {
  return runVerifySh(s.dir, pack, file, { env: extraEnv, flavour });
}

describe('evidence pack', () => {
  let pack: string;
  beforeAll(async () => {
    pack = path.join(s.dir, 'pack');
    const r = await s.run(['export', s.receipt, '--format', 'evidence', '--out', pack]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('verify.sh');
  });

  it('holds the standard objects; verify.sh runs with only bash, OpenSSL and six POSIX tools on the PATH', () => {
    for (const f of ['manifest.json', 'signature.p7s', 'signature-value.bin', 'timestamps/1.tst', 'certs/holder-ca.pem', 'certs/tsa-1-ca.pem', 'entries.tsv', 'verify.sh', 'README.md']) expect(existsSync(path.join(pack, f)), f).toBe(true);
    expect(readdirSync(path.join(pack, 'entries'))).toHaveLength(26);
    for (const flavour of ['busybox', 'gnu'] as const) {
      const bin = toolDir(flavour);
      expect(spawnSync(path.join(bin, 'bash'), ['-c', 'command -v tsproof || command -v node || command -v grep || command -v sed || command -v stat || command -v date || command -v sha256sum'], { env: { PATH: bin } }).status).not.toBe(0);
    }
    const readme = readFileSync(path.join(pack, 'README.md'), 'utf8');
    expect(readme).toContain('KST');
    expect(readme).toContain('신뢰 기준');
    expect(readme).toContain(
      createHash('sha256')
        .update(readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')
        .digest('hex'),
    );
  });

  it('passes for every registered file, with OpenSSL alone', () => {
    for (const [n, flavour] of [
      [s.names[0]!, 'busybox'],
      [s.names[5]!, 'gnu'],
      [s.names[12]!, 'busybox'],
    ] as const) {
      const r = verifySh(pack, path.join(s.work, n), {}, flavour);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('VERIFIED');
      expect(r.stdout).toContain('openssl ts -verify');
      expect(r.stdout).toContain('openssl cms -verify');
    }
    // The same checks speak Korean under a Korean locale (LC_ALL over LANG, as in tsproof).
    const ko = verifySh(pack, path.join(s.work, s.names[0]!), { LANG: 'ko_KR.UTF-8' });
    expect(ko.status, ko.stderr).toBe(0);
    expect(ko.stdout).toMatch(/^검증됨: .*등록되었으며 늦어도 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST\)에 존재했습니다\. 보유자 "CN=김영희, O=테스트 주식회사, C=KR"/m);
    expect(ko.stdout).toContain('포함 증명이 서명된 머클 루트로 이어집니다');
    expect(verifySh(pack, path.join(s.work, s.names[0]!), { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' }).stdout).toContain('VERIFIED');
  });

  it('fails for a modified copy, an unregistered file and a tampered pack', () => {
    const original = path.join(s.work, s.names[3]!);
    const modified = path.join(s.dir, 'modified.bin');
    const bytes = readFileSync(original);
    bytes[0]! ^= 1;
    writeFileSync(modified, bytes);
    const m = verifySh(pack, modified);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/^FAIL: .*not registered in this pack/);
    const ko = verifySh(pack, modified, { LANG: 'ko_KR.UTF-8' });
    expect(ko.status).toBe(1);
    expect(ko.stderr).toMatch(/^실패: .*이 묶음에 등록되어 있지 않습니다/);

    // A tampered leaf (the size changed in entries.tsv and the leaf): the proof no longer reaches the root.
    const tampered = path.join(s.dir, 'pack-tampered');
    cpSync(pack, tampered, { recursive: true });
    const tsv = readFileSync(path.join(tampered, 'entries.tsv'), 'utf8').split('\n');
    const row = tsv.findIndex((l) => l.endsWith(s.names[3]!.slice('proj/'.length)));
    const [id] = tsv[row]!.split('\t');
    const leafFile = path.join(tampered, 'entries', `${id}.json`);
    const leaf = JSON.parse(readFileSync(leafFile, 'utf8'));
    writeFileSync(leafFile, JSON.stringify({ ...leaf, salt: '00'.repeat(32) }));
    const t = verifySh(tampered, original);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain("does not lead to the manifest's Merkle root");

    // A corrupted token (in the signature and its loose copy alike): OpenSSL rejects it.
    const swapped = path.join(s.dir, 'pack-swapped');
    cpSync(pack, swapped, { recursive: true });
    const tok = readFileSync(path.join(swapped, 'timestamps', '1.tst'));
    const p7s = readFileSync(path.join(swapped, 'signature.p7s'));
    const at = p7s.indexOf(tok);
    expect(at).toBeGreaterThan(0);
    tok[tok.length - 5]! ^= 0xff; // inside the TSA's signature value
    tok.copy(p7s, at);
    writeFileSync(path.join(swapped, 'timestamps', '1.tst'), tok);
    writeFileSync(path.join(swapped, 'signature.p7s'), p7s);
    const w = verifySh(swapped, original);
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/^FAIL: timestamp 1: openssl ts -verify: /);

    // A holder anchor the user brings that is not the holder's CA: openssl cms refuses.
    const other = path.join(s.dir, 'other-ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=Someone else', '-days', '1', '-out', other], { stdio: 'ignore' });
    const a = verifySh(pack, original, { HOLDER_CA: other });
    expect(a.status).toBe(1);
    expect(a.stderr).toContain('holder signature');
  });

  it('checks every embedded token of a registration with two TSAs, and names both', async () => {
    const ec = await bundledTsa();
    const rsa = await bundledTsa('tsa-rsa', ['intermediate-ca']); // a path through an intermediate the token carries
    try {
      const one = path.join(s.work, 'two-tsas.txt');
      writeFileSync(one, 'timestamped twice\n');
      const reg = await s.run(['register', 'two-tsas.txt', '--tsa', ec.url, '--tsa', rsa.url, '--json']);
      expect(reg.status, reg.stderr).toBe(0);
      const p2 = path.join(s.dir, 'pack-two-tsas');
      expect((await s.run(['export', JSON.parse(reg.stdout).receipt, '--format', 'evidence', '--out', p2])).status).toBe(0);
      for (const f of ['timestamps/1.tst', 'timestamps/2.tst', 'certs/tsa-1-ca.pem', 'certs/tsa-2-ca.pem']) expect(existsSync(path.join(p2, f)), f).toBe(true);
      const r = verifySh(p2, one);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('carrying 2 timestamp(s)');
      const line = r.stdout.split('\n').find((l) => l.startsWith('VERIFIED: '))!;
      expect(line).toMatch(/Timestamp 1 by TSA "CN=Test TSA EC, .*Timestamp 2 by TSA "CN=Test TSA RSA, O=tsproof test, C=KR" \(SHA-256 [0-9a-f]{64}\), trusted through "CN=root-ca, O=tsproof test, C=KR"/);
      // One TSA_CA for both; a bundle whose only root is not the RSA TSA's fails on that token.
      expect(verifySh(p2, one, { TSA_CA: path.join(PKI, 'root-ca.pem') }).status).toBe(0);
      const wrong = verifySh(p2, one, { TSA_CA: path.join(PKI, 'untrusted-root-ca.pem') });
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/^FAIL: timestamp 1: openssl ts -verify/m);

      // Asked the other way round: the receipt lists RSA first, the signature still holds EC first
      // (a sorted SET); the pack follows the signature, so verify.sh agrees and numbers alike.
      const other = path.join(s.work, 'two-tsas-reversed.txt');
      writeFileSync(other, 'timestamped twice, RSA first\n');
      const rev = await s.run(['register', 'two-tsas-reversed.txt', '--tsa', rsa.url, '--tsa', ec.url, '--json']);
      expect(rev.status, rev.stderr).toBe(0);
      const p3 = path.join(s.dir, 'pack-two-tsas-reversed');
      const exp = await s.run(['export', JSON.parse(rev.stdout).receipt, '--format', 'evidence', '--out', p3]);
      expect(exp.status, exp.stderr).toBe(0);
      const r3 = verifySh(p3, other);
      expect(r3.status, r3.stderr).toBe(0);
      expect(r3.stdout.split('\n').find((l) => l.startsWith('VERIFIED: '))).toMatch(/Timestamp 1 by TSA "CN=Test TSA EC, .*Timestamp 2 by TSA "CN=Test TSA RSA, /);
    } finally {
      await ec.close();
      await rsa.close();
    }
  });

  it('works from a per-file receipt too, disclosing one entry', async () => {
    const one = path.join(s.dir, 'one.tsproof.json');
    expect((await s.run(['receipt', 'extract', s.receipt, '--file', s.names[7]!, '--out', one])).status).toBe(0);
    const pack1 = path.join(s.dir, 'pack-one');
    expect((await s.run(['export', one, '--format', 'evidence', '--out', pack1])).status).toBe(0);
    expect(readdirSync(path.join(pack1, 'entries'))).toHaveLength(2);
    expect(verifySh(pack1, path.join(s.work, s.names[7]!)).status).toBe(0);
    expect(verifySh(pack1, path.join(s.work, s.names[8]!)).status).toBe(1);
  });

  it('writes the pack as one zip that unzip extracts (verify.sh still executable) and that verifies', async () => {
    const z = path.join(s.dir, 'evidence-one.zip');
    const r = await s.run(['export', s.receipt, '--format', 'evidence', '--out', z]);
    expect(r.status, r.stderr).toBe(0);
    const list = execFileSync('unzip', ['-Z', '-1', z], { encoding: 'utf8' }).trim().split('\n');
    expect(list).toContain('evidence-one/verify.sh');
    expect(list).toContain('evidence-one/timestamps/1.tst');
    expect(execFileSync('unzip', ['-tq', z], { encoding: 'utf8' })).toMatch(/No errors/);
    const into = mkdtempSync(path.join(s.dir, 'unzip-'));
    execFileSync('unzip', ['-q', z, '-d', into]);
    const sh = path.join(into, 'evidence-one', 'verify.sh');
    expect(statSync(sh).mode & 0o111).not.toBe(0);
    // Byte for byte what the folder export holds.
    for (const f of ['manifest.json', 'signature.p7s', 'timestamps/1.tst', 'entries.tsv']) expect(readFileSync(path.join(into, 'evidence-one', f)).equals(readFileSync(path.join(s.dir, 'pack', f))), f).toBe(true);
    const v = spawnSync(path.join(toolDir('busybox'), 'bash'), [sh, path.join(s.work, s.names[2]!)], { encoding: 'utf8', env: { PATH: toolDir('busybox') } });
    expect(v.status, v.stderr).toBe(0);
  });

  it('refuses a receipt that does not verify, and an existing destination, writing nothing', async () => {
    const bad = path.join(s.dir, 'bad.tsproof.json');
    const r = JSON.parse(readFileSync(path.join(s.work, s.receipt), 'utf8'));
    r.entries[0].size += 1;
    writeFileSync(bad, JSON.stringify(r));
    const out = path.join(s.dir, 'pack-bad');
    const x = await s.run(['export', bad, '--format', 'evidence', '--out', out]);
    expect(x.status).toBe(1);
    expect(x.stderr.trim().split('\n')).toHaveLength(1);
    expect(x.stderr).toMatch(/^tsproof: error: .*does not verify/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(s.dir).some((f) => f.includes('.tmp-'))).toBe(false);
    const j = await s.run(['export', bad, '--format', 'in-toto', '--out', path.join(s.dir, 'never.json'), '--json']);
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'VERIFICATION_FAILED', exitCode: 1 });
    expect(existsSync(path.join(s.dir, 'never.json'))).toBe(false);
    const again = await s.run(['export', s.receipt, '--format', 'evidence', '--out', path.join(s.dir, 'pack')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');
  });
});

describe('in-toto and show', () => {
  it('exports an in-toto Statement v1 whose subjects are the registered files and their digests', async () => {
    const r = await s.run(['export', s.receipt, '--format', 'in-toto', '--out', '-']);
    expect(r.status, r.stderr).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe('https://tsproof.dev/registration/v1');
    expect(st.subject).toHaveLength(s.names.length);
    for (const n of s.names) {
      const subj = st.subject.find((x: { name: string }) => x.name === n.normalize('NFC'));
      expect(subj, n).toBeDefined();
      expect(subj.digest.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(path.join(s.work, n)))
          .digest('hex'),
      );
    }
    expect(st.predicate.holder.identity).toBe('ca-verified');
    expect(Date.parse(st.predicate.provenTime)).toBeGreaterThan(0);
  });

  it('shows a readable summary, in text and JSON, even of a receipt that does not verify', async () => {
    const t = await s.run(['show', s.receipt]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/verifies: +yes/);
    expect(t.stdout).toContain('CN=김영희');
    expect(t.stdout).toContain('KST');
    for (const n of s.names) expect(t.stdout).toContain(n.normalize('NFC'));
    const j = await s.run(['show', s.receipt, '--json']);
    const v = JSON.parse(j.stdout);
    expect(v.verifies).toBe(true);
    expect(v.kind).toBe('full');
    expect(v.entries).toHaveLength(s.names.length);
    const bad = path.join(s.dir, 'bad-show.tsproof.json');
    const r = JSON.parse(readFileSync(path.join(s.work, s.receipt), 'utf8'));
    r.entries[1].digests.sha256 = '0'.repeat(64);
    writeFileSync(bad, JSON.stringify(r));
    const b = await s.run(['show', bad, '--json']);
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout).verifies).toBe(false);
    expect(JSON.parse(b.stdout).failed[0].id).toMatch(/merkle/);
  });
});

const HAVE_POPPLER = !!spawnSync('pdftotext', ['-v']).stderr?.length;
/** Poppler reads what a PDF viewer would show: the text layer, and the rendered page. */
function pdfText(pdf: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
}

describe.skipIf(!HAVE_POPPLER)('PDF certificates (read back with poppler: pdftotext, pdftoppm)', () => {
  it('a certificate of registration names the holder, digests and times in Korean and English, and stays small', async () => {
    const pdf = path.join(s.dir, 'cert-both.pdf');
    const r = await s.run(['certificate', s.receipt, '--lang', 'both', '--out', pdf]);
    expect(r.status, r.stderr).toBe(0);
    const size = readFileSync(pdf).length;
    expect(size).toBeLessThan(120_000); // the 2 MB font is subset to the glyphs used
    const text = pdfText(pdf);
    expect(text).toContain('원본 등록 증명서');
    expect(text).toContain('Certificate of Registration');
    expect(text).toContain('김영희'); // the holder, from the certificate's subject
    expect(text).toContain('테스트 주식회사');
    expect(text).toContain('KST');
    expect(text).toContain('UTC');
    const receipt = JSON.parse(readFileSync(path.join(s.work, s.receipt), 'utf8'));
    const provenUtc = JSON.parse((await s.run(['show', s.receipt, '--json'])).stdout)
      .provenTime.replace('T', ' ')
      .replace('Z', '');
    expect(text).toContain(provenUtc);
    for (const e of receipt.entries) {
      expect(text).toContain(e.digests.sha256);
      expect(text.normalize('NFC')).toContain(e.name);
    }
    // Rendered, the page is not blank: enough dark pixels for the text.
    const png = path.join(s.dir, 'cert-page');
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-gray', pdf, png]);
    const page = readdirSync(s.dir).find((f) => f.startsWith('cert-page') && f.endsWith('.png'))!;
    expect(readFileSync(path.join(s.dir, page)).length).toBeGreaterThan(5_000);
  });

  it('a per-file certificate in one language shows only that file', async () => {
    const ko = path.join(s.dir, 'cert-ko.pdf');
    const one = s.names[4]!;
    expect((await s.run(['certificate', s.receipt, '--file', one, '--lang', 'ko', '--out', ko])).status).toBe(0);
    const text = pdfText(ko);
    expect(text).toContain('원본 등록 증명서');
    expect(text).not.toContain('Certificate of Registration');
    expect(text).toContain(
      createHash('sha256')
        .update(readFileSync(path.join(s.work, one)))
        .digest('hex'),
    );
    expect(text).not.toContain(
      createHash('sha256')
        .update(readFileSync(path.join(s.work, s.names[5]!)))
        .digest('hex'),
    );
    expect(text).toContain('다른 파일 12개');
    const en = path.join(s.dir, 'cert-en.pdf');
    expect((await s.run(['certificate', s.receipt, '--file', one, '--lang', 'en', '--out', en])).status).toBe(0);
    expect(pdfText(en)).not.toContain('원본 등록 증명서');
  });

  it('verify --report writes a certificate of verification with every check, passing or failing', async () => {
    const good = path.join(s.dir, 'report-ok.pdf');
    const r = await s.run(['verify', s.names[1]!, '--receipt', s.receipt, '--report', good, '--lang', 'en']);
    expect(r.status, r.stderr).toBe(0);
    const text = pdfText(good);
    expect(text).toContain('Certificate of Verification');
    expect(text).toContain('VERIFIED');
    expect(text).toContain('timestamp.signature');
    expect(text).toContain('holder.identity');

    const changed = path.join(s.dir, 'changed.bin');
    const b = readFileSync(path.join(s.work, s.names[1]!));
    b[0]! ^= 1;
    writeFileSync(changed, b);
    const bad = path.join(s.dir, 'report-bad.pdf');
    const f = await s.run(['verify', changed, '--receipt', s.receipt, '--report', bad, '--lang', 'ko']);
    expect(f.status).toBe(1);
    const t2 = pdfText(bad);
    expect(t2).toContain('원본 검증 증명서');
    expect(t2).toContain('검증 실패');
    expect(t2).toContain('실패');
  });

  it('refuses bad arguments before any work, writing nothing', async () => {
    const x = path.join(s.dir, 'never.pdf');
    const l = await s.run(['certificate', s.receipt, '--lang', 'fr', '--out', x]);
    expect(l.status).toBe(2);
    expect(l.stderr).toMatch(/^error: option '--lang <lang>' argument 'fr' is invalid\. expected ko, en or both$/m);
    const n = await s.run(['certificate', s.receipt, '--file', 'nope.txt', '--out', x]);
    expect(n.status).toBe(2);
    expect(n.stderr).toContain('not registered');
    expect(existsSync(x)).toBe(false);
  });
});
