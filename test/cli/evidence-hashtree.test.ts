/**
 * Evidence packs and hash-tree renewals (issue 16, docs/evidence.md): a renewal over the files is
 * marked in the pack (renewals/N.files). A hash-tree renewal (RFC 4998 §5.3, a renewal over the
 * files after another) begins a new chain: verify.sh requires H(H(signature.p7s) ‖ ha) — ha the
 * hash of the chains before, computed here independently — in its tree and has OpenSSL verify the
 * token over the root; it says what that proves and that the files' renewed digests are not judged.
 * A first renewal over the files begins the one chain. Tampered packs fail by name.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';
import { encodeArchiveTimeStamp, parseArchiveTimeStamp } from '../../src/core/longterm/ers.js';

let tsaA: Awaited<ReturnType<typeof bundledTsa>>;
let tsaB: Awaited<ReturnType<typeof bundledTsa>>;
let ws: CliWorkspace;
const files = { 'proj/a.txt': 'alpha', 'proj/sub/b.txt': 'bravo', 'lone.txt': 'registered alone' } as Record<string, string>;
const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest();
const derLength = (n: number) => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x82, n >> 8, n & 255]) : Buffer.from([0x83, n >> 16, (n >> 8) & 255, n & 255]));
const seqOf = (b: Buffer) => Buffer.concat([Buffer.from([0x30]), derLength(b.length), b]);
function copyOf(p: string, tag: string): string {
  const to = path.join(ws.dir, `pack-${tag}`);
  cpSync(p, to, { recursive: true });
  return to;
}
const receipt = (n: string) => JSON.parse(readFileSync(path.join(ws.work, n), 'utf8'));

beforeAll(async () => {
  tsaA = await bundledTsa('tsa-ec');
  tsaB = await bundledTsa('tsa-rsa', ['intermediate-ca']);
  ws = cliWorkspace('tsproof-pack-hashtree-', { passphrase: 'pack hash-tree tests' });
  await importAlice(ws);
  for (const [n, v] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws.work, n)), { recursive: true });
    writeFileSync(path.join(ws.work, n), v);
  }
  for (const args of [
    ['register', 'proj', '--out', 'proj.tsproof.json', '--tsa', tsaA.url],
    ['register', 'lone.txt', '--tsa', tsaA.url],
    // proj: a timestamp renewal, then a hash-tree renewal to SHA-512 (a new chain, §5.3).
    ['renew', 'proj.tsproof.json', '--tsa', tsaB.url],
    ['renew', 'proj.tsproof.json', '-a', 'sha512', '--files', 'proj', '--tsa', tsaA.url],
    // multi: two hash-tree renewals — three chains (1, 2–3, 4), three algorithms.
    ['register', 'proj', '--out', 'multi.tsproof.json', '--tsa', tsaA.url],
    ['renew', 'multi.tsproof.json', '--tsa', tsaB.url],
    ['renew', 'multi.tsproof.json', '-a', 'sha512', '--files', 'proj', '--tsa', tsaA.url],
    ['renew', 'multi.tsproof.json', '--tsa', tsaB.url],
    ['renew', 'multi.tsproof.json', '-a', 'sha384', '--files', 'proj', '--tsa', tsaA.url],
    // lone.txt: its first renewal is over its files (it begins the one chain), then a timestamp renewal.
    ['renew', 'lone.txt.tsproof.json', '-a', 'sha512', '--files', '.', '--tsa', tsaA.url],
    ['renew', 'lone.txt.tsproof.json', '--tsa', tsaB.url],
  ]) {
    const r = await ws.run(args);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
}, 120_000);
afterAll(async () => {
  await tsaA?.close();
  await tsaB?.close();
  removeToolDirs();
});

describe('an evidence pack of a receipt renewed over its files', () => {
  it('a hash-tree renewal (§5.3): verify.sh follows the new chain — H(H(signature.p7s) ‖ ha) in its tree, the token by openssl ts -verify -digest — and says what it proves, in English and Korean', async () => {
    expect(receipt('proj.tsproof.json').renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([false, true]);
    const x = await ws.run(['export', 'proj.tsproof.json', '--format', 'evidence', '--out', 'proj.pack']);
    expect(x.status, x.stderr).toBe(0);
    expect(existsSync(path.join(ws.work, 'proj.pack', 'renewals', '2.files'))).toBe(true);
    expect(existsSync(path.join(ws.work, 'proj.pack', 'renewals', '1.files'))).toBe(false);
    // An independent oracle for what the new chain covers: ha = SHA-512 of SEQUENCE { SEQUENCE { renewals/1.ats } }.
    const ats1 = readFileSync(path.join(ws.work, 'proj.pack', 'renewals', '1.ats'));
    const ha = sha512(seqOf(seqOf(ats1)));
    const leaf = sha512(Buffer.concat([sha512(readFileSync(path.join(ws.work, 'proj.pack', 'signature.p7s'))), ha])).toString('hex');
    const tree = parseArchiveTimeStamp(readFileSync(path.join(ws.work, 'proj.pack', 'renewals', '2.ats'))).reducedHashtree!;
    expect(Buffer.from(tree[0]![0]!).toString('hex')).toBe(leaf);

    for (const f of ['proj/a.txt', 'proj/sub/b.txt']) {
      const r = runVerifySh(ws.dir, path.join(ws.work, 'proj.pack'), path.join(ws.work, f));
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ok {4}renewal 1: signature\.p7s \(with its timestamps\) existed unchanged at .*: its sha256 hash/);
      expect(r.stdout).toMatch(
        /ok {4}renewal 2: signature\.p7s and renewals 1–1 \(hash-tree renewal, RFC 4998 §5\.3\) existed unchanged at .*: the sha512 hash H\(H\(signature\.p7s\) ‖ ha\), ha the hash of the chains of renewals before it, is in the archive timestamp's hash tree, whose root [0-9a-f]{128} the token carries \(openssl ts -verify -digest\); a new sha512 chain begins here/,
      );
      expect(r.stdout).toMatch(/ok {4}renewal 2 is over the files too: it proves the signature, hence each file by its registered digests; the files' renewed sha512 digests are not judged by verify\.sh/);
      expect(r.stdout).toMatch(/ok {4}the proof rests on renewal 2, whose TSA certificate is valid until /);
      expect(r.stdout).toMatch(/VERIFIED: .* Renewal 1 at .* Renewal 2 at /);
    }
    const ko = runVerifySh(ws.dir, path.join(ws.work, 'proj.pack'), path.join(ws.work, 'proj/a.txt'), { env: { LANG: 'ko_KR.UTF-8' } });
    expect(ko.status, ko.stderr).toBe(0);
    expect(ko.stdout).toMatch(/ok {4}갱신 2: signature\.p7s와 갱신 1–1\(해시 트리 갱신, RFC 4998 §5\.3\)이\(가\) .*에 바뀌지 않은 채 존재했습니다: sha512 해시 H\(H\(signature\.p7s\) ‖ ha\)/);
    expect(ko.stdout).toMatch(/갱신 2은\(는\) 파일들도 덮습니다/);
    expect(ko.stdout).toMatch(/검증됨: /);
    // tsproof reads the mark back: verify --receipt <pack> follows the same chain.
    const v = await ws.run(['verify', 'proj/a.txt', '--receipt', 'proj.pack', '--json']);
    expect(v.status, v.stdout).toBe(0);
    const c = JSON.parse(v.stdout).results[0].checks as { id: string; ok: boolean; subject?: string; detail: string }[];
    expect(c.find((y) => y.id === 'renewal.covers' && y.subject === 'renewal[1]')).toMatchObject({ ok: true, detail: expect.stringMatching(/hash-tree renewal/) });
  }, 240_000);

  it('a tampered hash-tree renewal fails by name: its token swapped, ha broken (an earlier renewal changed), or the mark removed', async () => {
    const p = path.join(ws.work, 'proj.pack');
    const ats2 = parseArchiveTimeStamp(readFileSync(path.join(p, 'renewals', '2.ats')));
    const ats1 = parseArchiveTimeStamp(readFileSync(path.join(p, 'renewals', '1.ats')));
    // Renewal 2 carrying renewal 1's token: the tree's root is not what that token covers.
    const swapped = copyOf(p, 'swapped');
    writeFileSync(path.join(swapped, 'renewals', '2.ats'), encodeArchiveTimeStamp('sha512', ats2.reducedHashtree!, ats1.timeStamp));
    const s = runVerifySh(ws.dir, swapped, path.join(ws.work, 'proj/a.txt'));
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/FAIL: renewal 2: openssl ts -verify -digest [0-9a-f]{128}: .*message imprint mismatch/);
    // ha broken: renewal 1 re-encoded with an empty attributes field [1] (which verify.sh skips) still
    // verifies alone, but its bytes — hence ha, hence H(H(signature) ‖ ha) — are no longer those renewal 2 covers.
    const broken = copyOf(p, 'ha');
    const der = readFileSync(path.join(p, 'renewals', '1.ats'));
    const body = der.subarray(der[1]! < 128 ? 2 : 2 + (der[1]! & 127));
    expect(body[0]).toBe(0xa0);
    const algEnd = 2 + body[1]!;
    writeFileSync(path.join(broken, 'renewals', '1.ats'), seqOf(Buffer.concat([body.subarray(0, algEnd), Buffer.from([0xa1, 0x00]), body.subarray(algEnd)])));
    const b = runVerifySh(ws.dir, broken, path.join(ws.work, 'proj/a.txt'));
    expect(b.status, b.stdout).toBe(1);
    expect(b.stdout).toMatch(/ok {4}renewal 1: signature\.p7s/);
    expect(b.stderr).toMatch(/FAIL: renewal 2 does not cover signature\.p7s and renewals 1–1 \(hash-tree renewal, RFC 4998 §5\.3\): its hash tree does not hold sha512 [0-9a-f]{128}/);
    // The mark removed: renewal 2 is judged as a timestamp renewal, which it is not.
    const unmarked = copyOf(p, 'unmarked');
    rmSync(path.join(unmarked, 'renewals', '2.files'));
    const u = runVerifySh(ws.dir, unmarked, path.join(ws.work, 'proj/a.txt'));
    expect(u.status).toBe(1);
    expect(u.stderr).toMatch(/FAIL: renewal 2: digest algorithm sha512 differs from the chain's sha256/);
  }, 240_000);

  it('two hash-tree renewals: verify.sh hashes every chain before each (ha over chains 1 and 2–3) and follows three algorithms', async () => {
    expect(receipt('multi.tsproof.json').renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([false, true, false, true]);
    const x = await ws.run(['export', 'multi.tsproof.json', '--format', 'evidence', '--out', 'multi.pack']);
    expect(x.status, x.stderr).toBe(0);
    const r = runVerifySh(ws.dir, path.join(ws.work, 'multi.pack'), path.join(ws.work, 'proj/sub/b.txt'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {4}renewal 1: signature\.p7s \(with its timestamps\) existed unchanged at .*: its sha256 hash/);
    expect(r.stdout).toMatch(/ok {4}renewal 2: signature\.p7s and renewals 1–1 \(hash-tree renewal, RFC 4998 §5\.3\) existed unchanged at .*: the sha512 hash H\(H\(signature\.p7s\) ‖ ha\)/);
    expect(r.stdout).toMatch(/ok {4}renewal 3: the token of renewal 2 existed unchanged at .*: its sha512 hash/);
    expect(r.stdout).toMatch(/ok {4}renewal 4: signature\.p7s and renewals 1–3 \(hash-tree renewal, RFC 4998 §5\.3\) existed unchanged at .*: the sha384 hash H\(H\(signature\.p7s\) ‖ ha\).*; a new sha384 chain begins here/);
    expect(r.stdout).toMatch(/ok {4}the proof rests on renewal 4, /);
    expect(r.stdout).toMatch(/VERIFIED: .* Renewal 4 at /);
    // tsproof reads the marks back from the folder and from the zip.
    expect((await ws.run(['export', 'multi.tsproof.json', '--format', 'evidence', '--out', 'multi.zip'])).status).toBe(0);
    for (const from of ['multi.pack', 'multi.zip']) {
      const v = await ws.run(['verify', 'proj/sub/b.txt', '--receipt', from, '--json']);
      expect(v.status, v.stdout).toBe(0);
      const res = JSON.parse(v.stdout).results[0];
      expect(res.renewals).toHaveLength(4);
      const covers = (res.checks as { id: string; ok: boolean; subject?: string; detail: string }[]).filter((c) => c.id === 'renewal.covers');
      expect(covers.map((c) => c.ok)).toEqual([true, true, true, true]);
      expect(covers.map((c) => /hash-tree renewal/.test(c.detail))).toEqual([false, true, false, true]);
    }
  }, 240_000);

  it('a first renewal over the files begins the one chain: its pack exports and verify.sh VERIFIES the signature through both renewals', async () => {
    expect(receipt('lone.txt.tsproof.json').renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([true, false]);
    const x = await ws.run(['export', 'lone.txt.tsproof.json', '--format', 'evidence', '--out', 'lone.pack']);
    expect(x.status, x.stderr).toBe(0);
    const r = runVerifySh(ws.dir, path.join(ws.work, 'lone.pack'), path.join(ws.work, 'lone.txt'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {4}renewal 1: signature\.p7s \(with its timestamps\) existed unchanged at .*: its sha512 hash is in the archive timestamp's hash tree, whose root [0-9a-f]{128} the token carries/);
    expect(r.stdout).toMatch(/ok {4}renewal 2: the token of renewal 1 existed unchanged at /);
    expect(r.stdout).toMatch(/ok {4}renewal 1 is over the files too: it proves the signature, hence each file by its registered digests; the files' renewed sha512 digests are not judged by verify\.sh/);
    expect(r.stdout).not.toMatch(/hash-tree renewal/);
    expect(r.stdout).toMatch(/VERIFIED: .* Renewal 1 at .* Renewal 2 at /);
    expect(readFileSync(path.join(ws.work, 'lone.pack', 'renewals', '1.files'), 'utf8')).toBe('renewal over the files\n');
    const v = await ws.run(['verify', 'lone.txt', '--receipt', 'lone.pack', '--json']);
    expect(v.status, v.stdout).toBe(0);
  }, 240_000);
});
