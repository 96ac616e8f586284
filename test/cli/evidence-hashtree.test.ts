/**
 * Evidence packs and hash-tree renewals (issue 16, docs/evidence.md, docs/long-term.md "Not done
 * yet"): a pack's verify.sh follows one chain of timestamp renewals (RFC 4998 §5.2). A renewal
 * over the files that is the receipt's first begins that chain (it covers signature.p7s), so its
 * pack verifies; a hash-tree renewal (§5.3, a renewal over the files after another) is refused
 * at export in one line (exit 2), pointing to the per-file evidence records — never a pack whose
 * verify.sh would give a wrong verdict.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { removeToolDirs, runVerifySh } from '../helpers/evidence.js';

let tsaA: Awaited<ReturnType<typeof bundledTsa>>;
let tsaB: Awaited<ReturnType<typeof bundledTsa>>;
let ws: CliWorkspace;
const files = { 'proj/a.txt': 'alpha', 'proj/sub/b.txt': 'bravo', 'lone.txt': 'registered alone' } as Record<string, string>;
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
  it('a hash-tree renewal (§5.3): export refuses the pack in one line (exit 2), naming the renewal and pointing to --format ers --file; nothing is written', async () => {
    expect(receipt('proj.tsproof.json').renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([false, true]);
    for (const out of ['proj.pack', 'proj.zip']) {
      const r = await ws.run(['export', 'proj.tsproof.json', '--format', 'evidence', '--out', out]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /proj\.tsproof\.json: renewal 2 is a hash-tree renewal \(RFC 4998 §5\.3\), which an evidence pack's verify\.sh cannot follow yet; export each file's evidence record instead \(checked by Bouncy Castle\): tsproof export proj\.tsproof\.json --format ers --file <name>/,
      );
      expect(existsSync(path.join(ws.work, out))).toBe(false);
    }
    const ko = await ws.run(['export', 'proj.tsproof.json', '--format', 'evidence', '--out', 'proj.pack'], { LANG: 'ko_KR.UTF-8' });
    expect(ko.status).toBe(2);
    expect(ko.stderr).toMatch(/갱신 2은\(는\) 해시 트리 갱신\(RFC 4998 §5\.3\)이며/);
    // The way the error points to works.
    const e = await ws.run(['export', 'proj.tsproof.json', '--format', 'ers', '--file', 'proj/sub/b.txt', '--out', 'b.ers']);
    expect(e.status, e.stderr).toBe(0);
  });

  it('a first renewal over the files begins the one chain: its pack exports and verify.sh VERIFIES the signature through both renewals', async () => {
    expect(receipt('lone.txt.tsproof.json').renewals.map((x: { files?: boolean }) => x.files ?? false)).toEqual([true, false]);
    const x = await ws.run(['export', 'lone.txt.tsproof.json', '--format', 'evidence', '--out', 'lone.pack']);
    expect(x.status, x.stderr).toBe(0);
    const r = runVerifySh(ws.dir, path.join(ws.work, 'lone.pack'), path.join(ws.work, 'lone.txt'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {4}renewal 1: signature\.p7s \(with its timestamps\) existed unchanged at .*: its sha512 hash is in the archive timestamp's hash tree, whose root [0-9a-f]{128} the token carries/);
    expect(r.stdout).toMatch(/ok {4}renewal 2: the token of renewal 1 existed unchanged at /);
    expect(r.stdout).toMatch(/VERIFIED: .* Renewal 1 at .* Renewal 2 at /);
  }, 240_000);
});
