/**
 * Files of several GiB: registered and verified. A sparse 3 GiB file
 * keeps the test fast on disk; the bytes read are real (zeros), and the digest is checked
 * against OpenSSL's.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, openSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PKI } from '../helpers/fixtures.js';
import { bundledTsa } from '../helpers/setup.js';

const SIZE = 3 * 1024 ** 3 + 12345;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let dir: string;
beforeAll(async () => {
  tsa = await bundledTsa();
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-big-'));
  const fd = openSync(path.join(dir, 'big.bin'), 'w');
  ftruncateSync(fd, SIZE);
  writeSync(fd, Buffer.from('end of a big file'), 0, 17, SIZE - 17);
  closeSync(fd);
  mkdirSync(path.join(dir, 'home', 'trust'), { recursive: true });
  copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(dir, 'home', 'trust', 'root.pem'));
});
afterAll(() => tsa.close());

describe('a 3 GiB file', () => {
  it('hashes like OpenSSL, registers and verifies (memory is measured in bench/)', async () => {
    const env = { TSPROOF_HOME: path.join(dir, 'home'), TSPROOF_PASSPHRASE: 'big file test' };
    const expected = execFileSync('openssl', ['dgst', '-sha256', '-r', 'big.bin'], { cwd: dir, encoding: 'utf8' }).split(' ')[0];
    const h = await runCli(['hash', 'big.bin', '--json'], { cwd: dir, env });
    expect(JSON.parse(h.stdout).files[0]).toEqual({ file: 'big.bin', size: SIZE, digest: expected });
    expect((await runCli(['identity', 'new', '--name', 'Big'], { cwd: dir, env })).status).toBe(0);
    const reg = await runCli(['register', 'big.bin', '--tsa', tsa.url, '--json'], { cwd: dir, env });
    expect(reg.status, reg.stderr).toBe(0);
    expect(JSON.parse(reg.stdout).files[0]).toMatchObject({ size: SIZE, digests: { sha256: expected } });
    const v = await runCli(['verify', 'big.bin', '--json'], { cwd: dir, env });
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).results[0].entry).toMatchObject({ size: SIZE, digests: { sha256: expected } });
  }, 180_000);

  it('shows a progress bar on a TTY (and none when stderr is not one)', async () => {
    const { spawnSync } = await import('node:child_process');
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(PKI, '..', '..', 'bin', 'tsproof.js'))} hash big.bin`;
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', NO_COLOR: '1' };
    const tty = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env, encoding: 'utf8' });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/hashing [█░]+ \d+ % · [\d.]+ [KMG]iB of 3 GiB · 0\/1 files · [\d.]+ [KMG]iB\/s · ETA \d+ (s|min)/);
    const piped = await runCli(['hash', 'big.bin'], { cwd: dir });
    expect(piped.stderr).toBe('');
  }, 120_000);

  it('shows the progress bar for verify --dir of a folder too', async () => {
    const { spawnSync } = await import('node:child_process');
    const env = { TSPROOF_HOME: path.join(dir, 'home'), TSPROOF_PASSPHRASE: 'big file test' };
    mkdirSync(path.join(dir, 'batch'));
    linkSync(path.join(dir, 'big.bin'), path.join(dir, 'batch', 'big.bin'));
    writeFileSync(path.join(dir, 'batch', 'small.txt'), 'small\n');
    const reg = await runCli(['register', 'batch', '--tsa', tsa.url, '--out', '.', '--json'], { cwd: dir, env });
    expect(reg.status, reg.stderr).toBe(0);
    const receipt = JSON.parse(reg.stdout).receipt as string;
    const bin = JSON.stringify(path.join(PKI, '..', '..', 'bin', 'tsproof.js'));
    const cmd = `${JSON.stringify(process.execPath)} ${bin} verify --receipt ${JSON.stringify(receipt)} --dir batch --brief`;
    const tty = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', NO_COLOR: '1', ...env }, encoding: 'utf8' });
    expect(tty.status, tty.stdout).toBe(0);
    expect(tty.stdout).toMatch(/hashing [█░]+ \d+ % · [\d.]+ [KMG]iB of [\d.]+ GiB · [01]\/2 files · [\d.]+ [KMG]iB\/s · ETA \d+ (s|min)/);
    expect(tty.stdout).toContain('2 matched, 0 modified, 0 missing');
  }, 180_000);
});
