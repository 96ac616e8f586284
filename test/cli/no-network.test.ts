/**
 * No network where none is promised (docs/testing.md#no-network): `verify`, `show`, `export`,
 * `certificate`, `ts verify` and `receipt extract` run in a network namespace without interfaces
 * (`unshare -n`) and under strace, which must record no connect() to an IP address. And `register`
 * sends nothing but the TimeStampReq: every byte it sends goes through a recording proxy on
 * loopback, and is one HTTP POST whose body is the TimeStampReq.
 * Each part says when it skips (no unshare privilege, no strace).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTimestampAuthority } from '../../src/core/tsa/authority.js';
import { encodeTimeStampReq, parseTimeStampReq } from '../../src/core/tsp/messages.js';
import { BIN, cLocale } from '../helpers/cli.js';
import { party } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';

const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0;
const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!canUnshare) console.warn('SKIPPED: no-network runs under unshare -n — this machine does not allow a network namespace');
if (!hasStrace) console.warn('SKIPPED: no-network runs under strace — strace is not installed (.ci/run installs it)');

let ws: CliWorkspace;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let receipt: string;

beforeAll(async () => {
  ws = cliWorkspace('tsproof-no-network-', { passphrase: 'no network' });
  mkdirSync(path.join(ws.work, 'proj'));
  writeFileSync(path.join(ws.work, 'proj', 'a.txt'), 'registered\n');
  writeFileSync(path.join(ws.work, 'proj', 'b.txt'), 'also registered\n');
  await importAlice(ws);
  tsa = await bundledTsa('tsa-ec');
  const reg = await ws.run(['register', 'proj', '--tsa', tsa.url, '--json']);
  expect(reg.status, reg.stderr).toBe(0);
  receipt = JSON.parse(reg.stdout).receipt;
  // A standalone token over a file, for ts verify.
  const data = Buffer.from('standalone data\n');
  writeFileSync(path.join(ws.work, 'data.txt'), data);
  const ec = party('tsa-ec');
  const a = new LocalTimestampAuthority({ key: ec.key, certificate: ec.cert, chain: [], policy: '1.2.3.4.77', clock: () => new Date(), serials: () => 7n });
  writeFileSync(path.join(ws.work, 'data.tsr'), a.respond(encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: createHash('sha256').update(data).digest(), certReq: true })));
});
afterAll(async () => {
  await tsa?.close();
});

/** The offline commands, each with what it writes (a fresh name per run). */
const offline = (n: string): [string, string[]][] => [
  ['verify', ['verify', 'proj/a.txt', '--receipt', receipt]],
  ['show', ['show', receipt]],
  ['export', ['export', receipt, '--format', 'evidence', '--out', `pack-${n}.zip`]],
  ['certificate', ['certificate', receipt, '--out', `cert-${n}.pdf`]],
  ['ts verify', ['ts', 'verify', '--token', 'data.tsr', '--data', 'data.txt']],
  ['receipt extract', ['receipt', 'extract', receipt, '--file', 'proj/a.txt', '--out', `a-${n}.tsproof.json`]],
];

function runWrapped(prefix: string[], args: string[]) {
  return spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, BIN, ...args], {
    cwd: ws.work,
    env: cLocale({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: 'no network' }),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('offline commands use no network', () => {
  it.skipIf(!canUnshare)('work in a network namespace without interfaces (unshare -n)', () => {
    for (const [name, args] of offline('ns')) {
      const r = runWrapped(['unshare', '-n'], args);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
    expect(existsSync(path.join(ws.work, 'pack-ns.zip'))).toBe(true);
    expect(existsSync(path.join(ws.work, 'cert-ns.pdf'))).toBe(true);
  });

  it.skipIf(!hasStrace)('make no connect() to any IP address (strace)', () => {
    for (const [name, args] of offline('trace')) {
      const log = path.join(ws.dir, `strace-${name.replace(' ', '-')}.log`);
      const r = runWrapped(['strace', '-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', log], args);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      const calls = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => /AF_INET6?\b/.test(l));
      expect(calls, name).toEqual([]);
    }
  });
});

describe('register sends nothing but the TimeStampReq', () => {
  it('every byte it sends is one HTTP POST of a TimeStampReq to the TSA (a recording proxy on loopback)', async () => {
    const sent: Buffer[] = [];
    const connections: string[] = [];
    const target = new URL(tsa.url);
    const proxy = net.createServer((client) => {
      connections.push(`${client.remoteAddress}`);
      const upstream = net.connect(Number(target.port), target.hostname);
      client.on('data', (b) => {
        sent.push(b);
        upstream.write(b);
      });
      upstream.pipe(client);
      client.on('end', () => upstream.end());
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const { port } = proxy.address() as net.AddressInfo;
    try {
      writeFileSync(path.join(ws.work, 'proj', 'c.txt'), 'third\n');
      const r = await ws.run(['register', 'proj/c.txt', '--tsa', `http://127.0.0.1:${port}/`, '--json']);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
    expect(connections).toHaveLength(1);
    const all = Buffer.concat(sent);
    const head = all.subarray(0, all.indexOf('\r\n\r\n')).toString('latin1');
    const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('POST / HTTP/1.1');
    const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    expect(headers['content-type']).toBe('application/timestamp-query');
    expect(Number(headers['content-length'])).toBe(body.length);
    // Nothing about the holder, the files or the machine: only what HTTP needs.
    expect(Object.keys(headers).sort()).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    for (const k of Object.keys(headers)) expect(['accept', 'connection', 'content-length', 'content-type', 'host', 'user-agent'], k).toContain(k);
    const req = parseTimeStampReq(new Uint8Array(body));
    expect(req.imprint).toHaveLength(32);
    expect(req.nonce).toBeDefined();
    expect(body.includes(Buffer.from('third'))).toBe(false);
    expect(all.includes(Buffer.from('c.txt'))).toBe(false);
  });
});
