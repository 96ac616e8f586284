/**
 * Issue 11: a world-writable $TSPROOF_HOME or trust/ (or one owned by another user) was used
 * without a word, so another user's dropped root became an anchor. Refused now, as ssh does.
 * (Tests run as root: "another user" is a folder chown'ed to an unused uid.)
 */
import { chmodSync, chownSync, copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PKI } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { aliceWorkspace, expectOneLineError } from '../helpers/hostile.js';

const PREFIX = 'tsproof-perm-';
const PASS = 'permissions passphrase 5';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

describe('home folders other users can write', () => {
  /** A root certificate another user dropped in: the fixtures' own root, so it would verify. */
  async function planted(): Promise<CliWorkspace> {
    const ws = cliWorkspace('tsproof-perm-', { passphrase: PASS, trustRoot: false });
    await importAlice(ws);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(ws.work, 'root.pem'));
    const reg = await ws.run(['register', 'a.txt', '--tsa', tsa.url, '--trust', 'root.pem']);
    expect(reg.status, reg.stderr).toBe(0);
    copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(ws.home, 'trust', 'dropped.pem'));
    return ws;
  }

  it('a world-writable TSPROOF_HOME or trust/ is refused with how to fix it (exit 2); fixed, it is used', async () => {
    for (const folder of ['', 'trust']) {
      const ws = await planted();
      const p = path.join(ws.home, folder);
      chmodSync(p, 0o777);
      for (const args of [
        ['verify', 'a.txt'],
        ['trust', 'list'],
      ]) {
        expectOneLineError(await ws.run(args), 2, new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is writable by other users \\(mode 0777\\).*chmod go-w`));
      }
      chmodSync(p, 0o700);
      expect((await ws.run(['verify', 'a.txt'])).status).toBe(0);
    }
  });

  it('a home, trust folder or anchor owned by another user is refused (exit 2)', async () => {
    const ws = await planted();
    for (const p of [ws.home, path.join(ws.home, 'trust'), path.join(ws.home, 'trust', 'dropped.pem')]) {
      chownSync(p, 4242, 4242);
      expectOneLineError(await ws.run(['verify', 'a.txt']), 2, /belongs to another user \(uid 4242, you are \d+\).*chown/);
      chownSync(p, process.getuid!(), process.getgid!());
    }
    expect((await ws.run(['verify', 'a.txt'])).status).toBe(0);
  });

  it('a group- or world-writable identity folder or key is not used to sign (exit 2, nothing written)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const dir = path.join(ws.home, 'identities', readdirSync(path.join(ws.home, 'identities'))[0]!);
    for (const [p, mode] of [
      [dir, 0o770],
      [path.join(dir, 'key.pem'), 0o666],
    ] as const) {
      const was = mode === 0o770 ? 0o700 : 0o600;
      chmodSync(p, mode);
      expectOneLineError(await ws.run(['register', 'a.txt', '--tsa', tsa.url]), 2, /is writable by other users/);
      expect(existsSync(path.join(ws.work, 'a.txt.tsproof.json'))).toBe(false);
      chmodSync(p, was);
    }
    expect((await ws.run(['register', 'a.txt', '--tsa', tsa.url])).status).toBe(0);
  });
});
