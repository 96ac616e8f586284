/**
 * Technology escrow end to end (docs/escrow.md), with OpenSSL as the independent oracle both
 * ways: `openssl cms -decrypt` opens every deposit tsproof writes, for each recipient type, and
 * the files it yields match the receipt; tsproof opens what `openssl cms -encrypt` writes. PDFs
 * are read back with poppler's pdftotext. The depositor, the agent and the beneficiary each have
 * their own $TSPROOF_HOME.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { hostileTsa, type Running } from '../helpers/servers.js';
import { makeRecipient, makeRecipients, type Recipient } from '../helpers/escrow.js';
import { PKI, ROOT } from '../helpers/fixtures.js';
import { ESCROW_RECEIPT_ATTRIBUTE } from '../../src/core/asn1/oids.js';
import { fileHeader } from '../../src/core/escrow/tar-write.js';

let tsa: Running;
let dep: CliWorkspace;
let agent: CliWorkspace;
let ben: CliWorkspace;
let r: ReturnType<typeof makeRecipients>;
let names: string[];
let receipt: { id: string; entries: { name: string; size: number; digests: { sha256: string } }[] };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ESCROW_ARC = ESCROW_RECEIPT_ATTRIBUTE.slice(0, -2);

const HAVE_POPPLER = !!spawnSync('pdftotext', ['-v']).stderr?.length;
const pdfText = (pdf: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });

async function importRecipient(ws: CliWorkspace, x: Recipient, name: string) {
  const res = await ws.run(['identity', 'import', x.chainPem, '--key', x.keyPem, '--name', name]);
  expect(res.status, res.stderr).toBe(0);
}

beforeAll(async () => {
  tsa = await hostileTsa('ok');
  dep = cliWorkspace('tsproof-escrow-dep-', { passphrase: 'depositor pass' });
  agent = cliWorkspace('tsproof-escrow-agent-', { passphrase: 'agent pass' });
  ben = cliWorkspace('tsproof-escrow-ben-', { passphrase: 'beneficiary pass' });
  r = makeRecipients(dep.dir);
  await importAlice(dep);
  await importRecipient(agent, r.rsa, 'agent-rsa');
  await importRecipient(agent, r.p256, 'agent-p256');
  await importRecipient(ben, r.p384, 'beneficiary');
  await importRecipient(ben, r.outsider, 'outsider');
  // The material: a Korean name, a name longer than ustar's 100 bytes, an empty file, an
  // executable, and a few MiB across the 1 MiB segment boundary.
  const proj = path.join(dep.work, 'proj');
  const long = `${'깊은폴더/'.repeat(6)}${'아주-긴-파일-이름-'.repeat(6)}.txt`;
  const files: [string, Buffer][] = [
    ['설계/도면 1.step', randomBytes(5000)],
    [long, Buffer.from('long name\n')],
    ['empty.txt', Buffer.alloc(0)],
    ['build.sh', Buffer.from('#!/bin/sh\necho hi\n')],
    ['data/big.bin', randomBytes(3 * (1 << 20) + 123)],
  ];
  for (const [n, b] of files) {
    mkdirSync(path.dirname(path.join(proj, n)), { recursive: true });
    writeFileSync(path.join(proj, n), b);
  }
  chmodSync(path.join(proj, 'build.sh'), 0o755);
  names = files.map(([n]) => `proj/${n}`).sort();
  const res = await dep.run(['escrow', 'deposit', 'proj', '--to', r.rsa.certPem, '--to', r.p256.certPem, '--to', r.p384.certPem, '--out', 'deposit.p7m', '--tsa', tsa.url, '--json']);
  expect(res.status, res.stderr).toBe(0);
  receipt = JSON.parse(readFileSync(path.join(dep.work, 'deposit.p7m.tsproof.json'), 'utf8'));
});
afterAll(() => {
  tsa?.close();
  for (const w of [dep, agent, ben]) if (w) rmSync(w.dir, { recursive: true, force: true });
});

const deposit = () => path.join(dep.work, 'deposit.p7m');

describe('escrow deposit', () => {
  it('registers the files as register does, and writes the deposit and its receipt', async () => {
    expect(receipt.entries.map((e) => e.name).sort()).toEqual(names);
    for (const e of receipt.entries) expect(e.digests.sha256).toBe(sha256(readFileSync(path.join(dep.work, e.name))));
    // The receipt verifies a file as any registration's does.
    const v = await dep.run(['verify', names[0]!, '--receipt', 'deposit.p7m.tsproof.json']);
    expect(v.status, v.stderr).toBe(0);
    expect(statSync(deposit()).size).toBeGreaterThan(3 * (1 << 20));
    expect(readdirSync(dep.work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it.each(['rsa', 'p256', 'p384'] as const)('openssl cms -decrypt opens it for the %s recipient, and the files match the receipt', (kind) => {
    const x = r[kind];
    const dir = path.join(dep.dir, `openssl-${kind}`);
    mkdirSync(dir);
    const tar = path.join(dir, 'archive.tar');
    execFileSync('openssl', ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', deposit(), '-inkey', x.keyPem, '-recip', x.certPem, '-out', tar]);
    mkdirSync(path.join(dir, 'x'));
    execFileSync('tar', ['-xf', tar, '-C', path.join(dir, 'x')]);
    const found = execFileSync('find', ['.', '-type', 'f'], { cwd: path.join(dir, 'x'), encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.slice(2))
      .sort();
    expect(found).toEqual(names);
    for (const e of receipt.entries) {
      const b = readFileSync(path.join(dir, 'x', e.name));
      expect(b.length).toBe(e.size);
      expect(sha256(b)).toBe(e.digests.sha256);
    }
    expect(statSync(path.join(dir, 'x', 'proj/build.sh')).mode & 0o111).not.toBe(0);
  });

  it('takes folders as register and hash do: -C/--base, .tsproofignore, version control left out (--include-vcs), --gitignore', async () => {
    const tree = path.join(dep.work, 'tree', 'app');
    for (const [n, b] of [
      ['src/main.c', 'int main;'],
      ['src/main.o', 'object'],
      ['notes.tmp', 'scratch'],
      ['build/out.bin', 'built'],
      ['.git/HEAD', 'ref: refs/heads/main'],
      ['.tsproofignore', '*.tmp\n'],
      ['.gitignore', 'build/\n*.o\n'],
    ] as const) {
      mkdirSync(path.dirname(path.join(tree, n)), { recursive: true });
      writeFileSync(path.join(tree, n), b);
    }
    const names = async (out: string, ...args: string[]) => {
      const res = await dep.run(['escrow', 'deposit', '-C', 'tree', 'app', '--to', r.rsa.certPem, '--out', out, '--tsa', tsa.url, '--json', ...args]);
      expect(res.status, res.stderr).toBe(0);
      return { names: (JSON.parse(res.stdout).files as { file: string }[]).map((f) => f.file).sort(), stderr: res.stderr };
    };
    // Named relative to -C tree; .tsproofignore read (and itself left out); .git left out with the same note as register's.
    const plain = await names('walk-1.p7m');
    expect(plain.names).toEqual(['app/.gitignore', 'app/build/out.bin', 'app/src/main.c', 'app/src/main.o']);
    expect(plain.stderr).toContain('left out version control: app/.git/ (--include-vcs keeps it)');
    expect((await names('walk-2.p7m', '--gitignore')).names).toEqual(['app/.gitignore', 'app/src/main.c']);
    expect((await names('walk-3.p7m', '--include-vcs', '--exclude', 'build/')).names).toEqual(['app/.git/HEAD', 'app/.gitignore', 'app/src/main.c', 'app/src/main.o']);
  });
});

describe('docs/escrow.md, "Opening a deposit with OpenSSL alone"', () => {
  it('runs as written: decrypts, unpacks, cuts the receipt out, and finds every file in it', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'escrow.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Opening a deposit with OpenSSL alone'));
    const start = section.indexOf('```sh\n') + 6;
    const script = section.slice(start, section.indexOf('\n```', start));
    const work = mkdtempSync(path.join(dep.dir, 'doc-'));
    writeFileSync(path.join(work, 'acme-2026.p7m'), readFileSync(deposit()));
    writeFileSync(path.join(work, 'agent.key'), readFileSync(r.p256.keyPem));
    writeFileSync(path.join(work, 'agent.pem'), readFileSync(r.p256.certPem));
    const res = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: work, encoding: 'utf8' });
    expect(res.status, `${res.stderr}\n---\n${script}`).toBe(0);
    expect(readFileSync(path.join(work, 'receipt.json'))).toEqual(readFileSync(path.join(dep.work, 'deposit.p7m.tsproof.json')));
    expect(res.stdout.trim().split('\n').sort()).toEqual(names.map((n) => `ok   ${n}`).sort());
  });
});

describe('escrow inspect', () => {
  it('shows recipients, sizes and the receipt without any key (a home with no identities)', async () => {
    const res = await agent.run(['escrow', 'inspect', deposit(), '--json'], { TSPROOF_HOME: path.join(agent.dir, 'empty-home') });
    expect(res.status, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j.ok).toBe(false); // the fixture root is not trusted in an empty home: the receipt's TSA cannot be judged
    const trusted = JSON.parse((await agent.run(['escrow', 'inspect', deposit(), '--json'])).stdout);
    expect(trusted.ok).toBe(true);
    expect(trusted.deposit).toMatchObject({ kind: 'envelopedData', cipher: 'aes-256-cbc', bytes: statSync(deposit()).size, sha256: sha256(readFileSync(deposit())) });
    expect(trusted.recipients.map((x: { role: string; subject: string }) => [x.role, x.subject]).sort()).toEqual([r.rsa, r.p256, r.p384].map((x, i) => [i === 0 ? 'agent' : 'beneficiary', x.cert.subject]).sort());
    expect(trusted.receipt).toMatchObject({ id: receipt.id, verifies: true, files: names.length });
    expect(trusted.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    for (const id of ['deposit.statement.signature', 'deposit.statement.signer', 'deposit.statement.receipt', 'deposit.statement.mac', 'deposit.recipients']) expect(trusted.checks.map((c: { id: string }) => c.id)).toContain(id);

    const human = await agent.run(['escrow', 'inspect', deposit()]);
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toContain('agent       CN=임치기관 RSA, O=임치 시험, C=KR — RSA-OAEP (SHA-256) key transport');
    expect(human.stdout).toContain('beneficiary CN=사용기업 P-384, O=임치 시험, C=KR — ECDH key agreement (X9.63 KDF SHA-384, AES-256 key wrap)');
    expect(human.stdout).toContain(`receipt     ${receipt.id}: 5 file(s)`);
  });

  it('writes the receipt it carries (--receipt-out), byte for byte the one written beside the deposit', async () => {
    const outFile = path.join(agent.dir, 'carried.json');
    const res = await agent.run(['escrow', 'inspect', deposit(), '--receipt-out', outFile]);
    expect(res.status, res.stderr).toBe(0);
    expect(readFileSync(outFile)).toEqual(readFileSync(path.join(dep.work, 'deposit.p7m.tsproof.json')));
  });
});

describe('escrow verify (검증임치)', () => {
  it.each(['agent-rsa', 'agent-p256'])('the agent (%s) checks every file while streaming and writes a signed, timestamped statement', async (who) => {
    const res = await agent.run(['escrow', 'verify', deposit(), '--identity', who, '--tsa', tsa.url, '--out', `${who}.json`, '--lang', 'both', '--json']);
    expect(res.status, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j.ok).toBe(true);
    expect(j.files.map((f: { name: string; status: string }) => f.status)).toEqual(names.map(() => 'matched'));
    expect(j.checks.find((c: { id: string }) => c.id === 'deposit.integrity').detail).toBe('the MAC matches (aes-256-cbc with AES-256-GMAC): the content is as sealed');
    // The depositor named the RSA certificate as the agent; the P-256 one is a beneficiary.
    expect(j.checks.find((c: { id: string }) => c.id === 'deposit.agent').status).toBe(who === 'agent-rsa' ? 'pass' : 'warn');
    const statement = JSON.parse(readFileSync(path.join(agent.work, `${who}.json`), 'utf8'));
    expect(statement).toMatchObject({ format: 'tsproof.escrow.verification', result: 'verified', deposit: { sha256: sha256(readFileSync(deposit())) }, registration: { receipt: receipt.id, files: 5 } });
    expect(statement.statement).toMatch(/^The deposit contains exactly the 5 file\(s\) registered by CN=김영희, O=테스트 주식회사, C=KR at \d{4}-/);
    // The statement is a registration of the agent: tsproof verify (and so the evidence pack) checks it.
    const v = await agent.run(['verify', `${who}.json`]);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('임치기관');
    // No plaintext anywhere: only the statement, its receipt and its PDF were written.
    expect(
      readdirSync(agent.work)
        .filter((f) => f.startsWith(who))
        .sort(),
    ).toEqual([`${who}.json`, `${who}.json.tsproof.json`, `${who}.pdf`]);
  });

  it.skipIf(!HAVE_POPPLER)('the statement PDF names the verdict, the parties, the deposit and every file (Korean and English)', async () => {
    const text = pdfText(path.join(agent.work, 'agent-rsa.pdf')).normalize('NFC');
    for (const s of ['검증임치 확인서', 'Escrow Verification Statement', '검증 완료', 'VERIFIED', '김영희', '임치기관 RSA', 'KST', sha256(readFileSync(deposit()))]) expect(text).toContain(s);
    for (const e of receipt.entries) expect(text).toContain(e.digests.sha256);
    expect(text).toMatch(/Page 1 of \d+ · \S+/);
  });
});

describe('escrow release', () => {
  it('extracts for the beneficiary, every file checked as written, and records a signed release event', async () => {
    const res = await ben.run(['escrow', 'release', deposit(), '--identity', 'beneficiary', '--out', 'released', '--json']);
    expect(res.status, res.stderr).toBe(0);
    for (const e of receipt.entries) expect(sha256(readFileSync(path.join(ben.work, 'released', e.name)))).toBe(e.digests.sha256);
    expect(statSync(path.join(ben.work, 'released', 'proj/build.sh')).mode & 0o111).not.toBe(0);
    // Recorded in the registry's event chain (docs/registry.md), as an escrow.release event.
    const db = new DatabaseSync(path.join(ben.home, 'registry.db'), { readOnly: true });
    const events = (db.prepare("SELECT kind, payload FROM events WHERE kind LIKE 'escrow.%' ORDER BY seq").all() as { kind: string; payload: string }[]).map((row) => ({ ...JSON.parse(row.payload), eventKind: row.kind }));
    db.close();
    expect(events.find((e) => e.kind === 'release').eventKind).toBe('escrow.release');
    expect((await ben.run(['registry', 'verify'])).status).toBe(0);
    const ev = events.find((e) => e.kind === 'release');
    expect(ev).toMatchObject({ receiptId: receipt.id, actor: { subject: r.p384.cert.subject }, deposit: { sha256: sha256(readFileSync(deposit())) } });
    // The signed event opens with OpenSSL: a CMS SignedData whose content is the release event.
    const p7 = path.join(ben.dir, 'release.p7s');
    writeFileSync(p7, Buffer.from(ev.signed, 'base64'));
    const content = execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7, '-CAfile', path.join(PKI, 'root-ca.pem'), '-purpose', 'any'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(content)).toMatchObject({ format: 'tsproof.escrow.release', beneficiary: { subject: r.p384.cert.subject }, files: 5 });
  });

  it('refuses a deposit made for someone else (exit 2) and a wrong passphrase (exit 2), extracting nothing', async () => {
    const other = await ben.run(['escrow', 'release', deposit(), '--identity', 'outsider', '--out', 'nope']);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/^tsproof: error: the deposit is not encrypted for "CN=Outsider, O=임치 시험, C=KR" \(serial [0-9a-f]+\); its recipients are: serial [0-9a-f]+ of "CN=holder-ca, O=tsproof test, C=KR"; /m);
    const wrong = await ben.run(['escrow', 'release', deposit(), '--identity', 'beneficiary', '--out', 'nope'], { TSPROOF_PASSPHRASE: 'not it' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('wrong passphrase');
    expect(readdirSync(ben.work).filter((f) => f.startsWith('nope'))).toEqual([]);
  });
});

describe.skipIf(!HAVE_POPPLER)('escrow certificate (임치증서)', () => {
  it('names the depositor, the agent, the files with digests, the proven time and the deposit SHA-256', async () => {
    const pdf = path.join(dep.dir, 'deposit-cert.pdf');
    const res = await dep.run(['escrow', 'certificate', deposit(), '--out', pdf, '--lang', 'both']);
    expect(res.status, res.stderr).toBe(0);
    const text = pdfText(pdf).normalize('NFC');
    for (const s of ['기술자료 임치증서', 'Certificate of Deposit', '임치기관', 'Escrow agent', '임치기관 RSA', '사용기업 P-384', '김영희', 'KST', 'UTC', sha256(readFileSync(deposit()))]) expect(text).toContain(s);
    for (const e of receipt.entries) expect(text).toContain(e.digests.sha256);
    // The layout every certificate shares (export/pdf-layout.ts): the holder's issuer and certificate, the
    // page and the deposit's id at the foot of every page, the deposit's size for people beside the bytes.
    for (const s of ['발급자 / Issuer', '인증서 SHA-256 / Certificate SHA-256']) expect(text).toContain(s);
    expect(text).toMatch(/1 \/ \d+쪽 \/ Page 1 of \d+ · \S+/);
    expect(text).toMatch(/[\d.]+ [KM]iB \([\d,]+ 바이트 \/ bytes\)/);
    // The cipher this deposit was sealed with (the default, --cipher aes-256-cbc), not another.
    expect(text).toContain('CMS EnvelopedData (RFC 5652), AES-256-CBC, AES-256-GMAC');
    expect(text).not.toContain('AuthEnvelopedData');
    const en = path.join(dep.dir, 'deposit-cert-en.pdf');
    expect((await dep.run(['escrow', 'certificate', deposit(), '--out', en, '--lang', 'en'])).status).toBe(0);
    expect(pdfText(en)).not.toContain('기술자료 임치증서');
  });
});

const BC = ['bcprov', 'bcpkix', 'bcutil'].map((j) => `/usr/share/java/${j}.jar`);
const HAVE_JAVA = spawnSync('java', ['-version']).status === 0 && BC.every((j) => existsSync(j));
let classes: string | undefined;
/** Bouncy Castle opens a deposit for a recipient: the content, and the attribute OIDs it found. */
function bouncyCastle(file: string, x: Recipient, outFile: string): string[] {
  if (!classes) {
    classes = path.join(dep.dir, 'java');
    execFileSync('javac', ['-cp', BC.join(':'), '-d', classes, path.join(ROOT, 'test', 'oracles', 'EscrowOpen.java')]);
  }
  const out = execFileSync('java', ['-cp', [classes, ...BC].join(':'), 'EscrowOpen', file, x.certPem, x.keyPem, outFile], { encoding: 'utf8' });
  return out.trim().split('\n');
}

describe.skipIf(!HAVE_JAVA)('Bouncy Castle, a second independent reader', () => {
  it.each(['rsa', 'p256', 'p384'] as const)('opens the default (EnvelopedData, AES-256-CBC) deposit for the %s recipient and finds the three attributes', (kind) => {
    const tar = path.join(dep.dir, `bc-${kind}.tar`);
    const attrs = bouncyCastle(deposit(), r[kind], tar);
    expect(attrs.sort()).toEqual(['.1', '.2', '.3'].map((n) => `${ESCROW_ARC}${n}`));
    expect(execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual(names);
  });

  it('opens an AES-256-GCM deposit (AuthEnvelopedData, RFC 5083) and finds its unauthAttrs, which OpenSSL 3.0 cannot parse', async () => {
    const res = await dep.run(['escrow', 'deposit', 'proj/설계', 'proj/build.sh', '--to', r.rsa.certPem, '--cipher', 'aes-256-gcm', '--out', 'gcm.p7m', '--tsa', tsa.url]);
    expect(res.status, res.stderr).toBe(0);
    const tar = path.join(dep.dir, 'bc-gcm.tar');
    expect(bouncyCastle(path.join(dep.work, 'gcm.p7m'), r.rsa, tar).sort()).toEqual(['.1', '.2'].map((n) => `${ESCROW_ARC}${n}`));
    expect(execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual(['proj/build.sh', 'proj/설계/도면 1.step']);
    // tsproof itself verifies it as the agent.
    const v = await agent.run(['escrow', 'verify', path.join(dep.work, 'gcm.p7m'), '--identity', 'agent-rsa', '--tsa', tsa.url, '--out', 'gcm-statement.json', '--json']);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).checks.find((c: { id: string }) => c.id === 'deposit.integrity').detail).toBe('the authentication tag matches (aes-256-gcm): the content is as sealed');
  });
});

describe('tsproof opens what openssl cms -encrypt writes', () => {
  let tarFile: string;
  beforeAll(() => {
    // GNU tar's default format (long names as 'L' entries, folders as entries of their own).
    tarFile = path.join(dep.dir, 'gnu.tar');
    execFileSync('tar', ['-cf', tarFile, 'proj'], { cwd: dep.work });
  });
  const receiptFile = () => path.join(dep.work, 'deposit.p7m.tsproof.json');
  const cases: [string, 'rsa' | 'p256' | 'p384', string, string[]][] = [
    ['OpenSSL defaults: 3DES-CBC, RSA PKCS#1 v1.5, DER', 'rsa', 'agent-rsa', []],
    ['OpenSSL defaults with an EC recipient: 3DES-CBC, ECDH P-256 (SHA-1 KDF, 3DES key wrap)', 'p256', 'agent-p256', []],
    ['AES-128-CBC, RSA-OAEP, streamed BER', 'rsa', 'agent-rsa', ['-aes-128-cbc', '-stream', '-keyopt', 'rsa_padding_mode:oaep']],
    ['AES-256-GCM AuthEnvelopedData, ECDH P-256 (SHA-1 KDF), streamed', 'p256', 'agent-p256', ['-aes-256-gcm', '-stream']],
    ['AES-256-CBC, ECDH P-384, recipient by subject key identifier', 'p384', 'beneficiary', ['-aes-256-cbc', '-keyid']],
  ];
  it.each(cases)('%s', async (_label, kind, identity, args) => {
    const ws = kind === 'p384' ? ben : agent;
    const file = path.join(dep.dir, `openssl-${kind}-${args.length}.p7m`);
    execFileSync('openssl', ['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', tarFile, '-out', file, '-recip', r[kind].certPem, ...args]);
    const outDir = `from-openssl-${kind}-${args.length}`;
    const res = await ws.run(['escrow', 'release', file, '--identity', identity, '--receipt', receiptFile(), '--out', outDir]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('Released 5 file(s)');
    expect(res.stdout).toContain(args.includes('-aes-256-gcm') ? 'integrity the authentication tag (AES-GCM) checked out' : 'integrity no MAC (the deposit was not written by tsproof)');
    for (const e of receipt.entries) expect(sha256(readFileSync(path.join(ws.work, outDir, e.name)))).toBe(e.digests.sha256);
  });

  it('verifies one as the agent; with no deposit statement inside, that check is marked not applicable', async () => {
    const file = path.join(dep.dir, 'openssl-p256-2.p7m');
    const res = await agent.run(['escrow', 'verify', file, '--identity', 'agent-p256', '--receipt', receiptFile(), '--tsa', tsa.url, '--out', 'openssl-made.json', '--json']);
    expect(res.status, res.stderr).toBe(0);
    const checks = JSON.parse(res.stdout).checks;
    expect(checks.find((c: { id: string }) => c.id === 'deposit.statement').status).toBe('skip');
    expect(checks.find((c: { id: string }) => c.id === 'deposit.integrity').detail).toBe('the authentication tag matches (aes-256-gcm): the content is as sealed');
  });
});

describe('bad deposits: one line, the documented exit code, nothing written', () => {
  const copy = (name: string, f: (b: Buffer) => Buffer) => {
    const p = path.join(dep.dir, name);
    writeFileSync(p, f(readFileSync(deposit())));
    return p;
  };
  const leftovers = (ws: CliWorkspace) => readdirSync(ws.work).filter((f) => f.startsWith('out-') || f.includes('.tmp-'));

  it('a corrupted deposit fails its MAC (exit 1) in verify and release', async () => {
    const bad = copy('corrupted.p7m', (b) => {
      b[Math.floor(b.length / 2)]! ^= 0x01;
      return b;
    });
    const v = await agent.run(['escrow', 'verify', bad, '--identity', 'agent-rsa', '--tsa', tsa.url, '--out', 'out-corrupt.json']);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/^tsproof: error: the deposit's MAC \(AES-256-GMAC\) does not match: its content was altered or damaged$/m);
    const rel = await ben.run(['escrow', 'release', bad, '--identity', 'beneficiary', '--out', 'out-corrupt']);
    expect(rel.status).toBe(1);
    expect(rel.stderr).toContain('MAC');
    expect(leftovers(agent)).toEqual([]);
    expect(leftovers(ben)).toEqual([]);
  });

  it('a truncated deposit, or something else, is bad input (exit 2)', async () => {
    const cut = copy('truncated.p7m', (b) => b.subarray(0, b.length - 5000));
    const t1 = await ben.run(['escrow', 'release', cut, '--identity', 'beneficiary', '--out', 'out-cut']);
    expect(t1.status).toBe(2);
    expect(t1.stderr).toMatch(/truncated\.p7m is truncated/);
    const t2 = await ben.run(['escrow', 'inspect', path.join(dep.work, 'deposit.p7m.tsproof.json')]);
    expect(t2.status).toBe(2);
    expect(t2.stderr).toContain('not a CMS object');
    expect(leftovers(ben)).toEqual([]);
  });

  it('a receipt that does not match the archive fails (exit 1), naming the files', async () => {
    writeFileSync(path.join(dep.work, 'other.txt'), 'not in the deposit');
    const reg = await dep.run(['register', 'proj/empty.txt', 'other.txt', '--tsa', tsa.url, '--out', 'other-receipt', '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const other = path.join(dep.work, JSON.parse(reg.stdout).receipt);
    const v = await agent.run(['escrow', 'verify', deposit(), '--identity', 'agent-rsa', '--receipt', other, '--tsa', tsa.url, '--out', 'out-mismatch.json', '--json']);
    expect(v.status).toBe(1);
    const j = JSON.parse(v.stdout);
    expect(j.files.filter((f: { status: string }) => f.status === 'missing').map((f: { name: string }) => f.name)).toEqual(['other.txt']);
    expect(j.files.filter((f: { status: string }) => f.status === 'extra').length).toBe(4);
    expect(j.checks.find((c: { id: string }) => c.id === 'deposit.statement.receipt').ok).toBe(false);
    const human = await agent.run(['escrow', 'verify', deposit(), '--identity', 'agent-rsa', '--receipt', other, '--tsa', tsa.url, '--out', 'out-mismatch.json']);
    expect(human.status).toBe(1);
    expect(human.stdout).toContain('"other.txt" is registered but not in the deposit');
    expect(human.stdout).toContain('"proj/data/big.bin" is in the deposit but not registered');
    const rel = await ben.run(['escrow', 'release', deposit(), '--identity', 'beneficiary', '--receipt', other, '--out', 'out-mismatch']);
    expect(rel.status).toBe(1);
    expect(leftovers(agent)).toEqual([]);
    expect(leftovers(ben)).toEqual([]);
  });

  it('release refuses names that escape the folder and links, writing nothing anywhere', async () => {
    // A hand-made archive: a registered file, then "../evil.txt" (pax path), then a symbolic link.
    const good = receipt.entries.find((e) => e.name === 'proj/empty.txt')!;
    const evil = Buffer.from('escaped!\n');
    const link = path.join(dep.dir, 'linkdir');
    mkdirSync(link);
    execFileSync('ln', ['-s', '/etc/passwd', path.join(link, 'pw')]);
    const linkTar = execFileSync('tar', ['-cf', '-', 'pw'], { cwd: link });
    const hostile = Buffer.concat([fileHeader({ name: good.name, size: 0, mode: 0o644, mtime: 0 }), fileHeader({ name: '../evil.txt', size: evil.length, mode: 0o644, mtime: 0 }), evil, Buffer.alloc(512 - evil.length)]);
    for (const [name, body] of [
      ['dotdot', Buffer.concat([hostile, Buffer.alloc(1024)])],
      ['link', Buffer.concat([fileHeader({ name: good.name, size: 0, mode: 0o644, mtime: 0 }), linkTar])],
    ] as const) {
      const tar = path.join(dep.dir, `${name}.tar`);
      const p7m = path.join(dep.dir, `${name}.p7m`);
      writeFileSync(tar, body);
      execFileSync('openssl', ['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', tar, '-out', p7m, r.p384.certPem]);
      const res = await ben.run(['escrow', 'release', p7m, '--identity', 'beneficiary', '--receipt', path.join(dep.work, 'deposit.p7m.tsproof.json'), '--out', `out-${name}`]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr).toMatch(name === 'dotdot' ? /"\.\.\/evil\.txt" is refused: the name would escape the folder/ : /"pw" is refused: a link/);
      expect(res.stderr).toContain('nothing was released');
    }
    expect(existsSync(path.join(ben.dir, 'evil.txt'))).toBe(false);
    expect(existsSync(path.join(ben.work, '..', 'evil.txt'))).toBe(false);
    expect(leftovers(ben)).toEqual([]);
  });

  it('refuses an existing --out, and a recipient certificate that cannot receive (exit 2)', async () => {
    mkdirSync(path.join(ben.work, 'out-exists'));
    const e = await ben.run(['escrow', 'release', deposit(), '--identity', 'beneficiary', '--out', 'out-exists']);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('out-exists already exists');
    rmSync(path.join(ben.work, 'out-exists'), { recursive: true });
    const signOnly = makeRecipient(dep.dir, 'sign-only', 'Sign Only', 'p256', { keyUsage: ['digitalSignature'] });
    const d = await dep.run(['escrow', 'deposit', 'proj', '--to', signOnly.certPem, '--out', 'never.p7m', '--tsa', tsa.url]);
    expect(d.status).toBe(2);
    expect(d.stderr).toContain('does not allow keyAgreement');
    expect(existsSync(path.join(dep.work, 'never.p7m'))).toBe(false);
    // A wrong passphrase ends the deposit before anything is written (the sealing worker is stopped).
    const w = await dep.run(['escrow', 'deposit', 'proj', '--to', r.rsa.certPem, '--out', 'never.p7m', '--tsa', tsa.url], { TSPROOF_PASSPHRASE: 'wrong' });
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('wrong passphrase');
    expect(readdirSync(dep.work).filter((f) => f.startsWith('never'))).toEqual([]);
    // The agent's wrong passphrase: verify decrypts nothing and writes no statement.
    const wv = await agent.run(['escrow', 'verify', deposit(), '--identity', 'agent-rsa', '--tsa', tsa.url, '--out', 'out-wrong.json'], { TSPROOF_PASSPHRASE: 'wrong' });
    expect(wv.status).toBe(2);
    expect(wv.stderr).toMatch(/^tsproof: error: .*wrong passphrase/m);
    expect(wv.stderr.trim().split('\n')).toHaveLength(1);
    expect(leftovers(agent)).toEqual([]);
  });
});

describe('updating a deposit (갱신): the versions form a chain', () => {
  it('a new deposit names the previous one; inspect and verify check the link', async () => {
    writeFileSync(path.join(dep.work, 'proj', 'v2.txt'), 'second version\n');
    const res = await dep.run(['escrow', 'deposit', 'proj', '--to', r.rsa.certPem, '--to', r.p384.certPem, '--previous', 'deposit.p7m', '--out', 'deposit-v2.p7m', '--tsa', tsa.url, '--json']);
    expect(res.status, res.stderr).toBe(0);
    const first = JSON.parse((await dep.run(['escrow', 'inspect', 'deposit.p7m', '--json'])).stdout);
    const j = JSON.parse(res.stdout);
    expect(j.deposit.previous).toEqual({ id: first.statement.id, sha256: first.deposit.sha256 });
    const ok = JSON.parse((await dep.run(['escrow', 'inspect', 'deposit-v2.p7m', '--previous', 'deposit.p7m', '--json'])).stdout);
    expect(ok.ok).toBe(true);
    expect(ok.checks.find((c: { id: string }) => c.id === 'deposit.previous').ok).toBe(true);
    const wrong = JSON.parse((await dep.run(['escrow', 'inspect', 'deposit-v2.p7m', '--previous', 'gcm.p7m', '--json'])).stdout);
    expect(wrong.ok).toBe(false);
    expect(wrong.checks.find((c: { id: string }) => c.id === 'deposit.previous').ok).toBe(false);
    const v = await agent.run(['escrow', 'verify', path.join(dep.work, 'deposit-v2.p7m'), '--identity', 'agent-rsa', '--previous', deposit(), '--tsa', tsa.url, '--out', 'v2.json', '--json']);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(agent.work, 'v2.json'), 'utf8')).deposit.previous).toEqual(j.deposit.previous);
  });
});

describe('messages', () => {
  it('speak Korean under --lang ko', async () => {
    const res = await ben.run(['escrow', 'release', deposit(), '--identity', 'outsider', '--out', 'nope', '--lang', 'ko']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^tsproof: 오류: 이 임치물은 "CN=Outsider, O=임치 시험, C=KR"/m);
  });
});
