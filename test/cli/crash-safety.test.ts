/**
 * Crash safety: commands that write state are killed with SIGKILL at random points (a bounded
 * loop, fixed delays from a seeded generator), and then nothing partial may be left — no receipt,
 * identity, serial state, trust anchor or evidence pack that is half written — and the next run
 * must work. `tsa serve` killed while it answers must never issue a serial number again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignedData } from '../../src/core/cms/signed-data.js';
import { TrustStore } from '../../src/core/trust.js';
import { parseCertificates } from '../../src/core/pki/certificate.js';
import { unzip } from '../../src/core/io/unzip.js';
import { parseReceiptBytes } from '../../src/core/receipt/load.js';
import { encodeTimeStampReq, parseTimeStampResp, parseTstInfo } from '../../src/core/tsp/messages.js';
import { BIN, cLocale, runCli } from '../helpers/cli.js';
import { PKI } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { startTsaServe } from '../helpers/tsa-serve.js';

const ROUNDS = Number(process.env.TSPROOF_CRASH_ROUNDS ?? 5);
let seed = 20261204;
/** Delays in ms, from a fixed generator (mulberry32): a failure reproduces. */
function delay(maxMs: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return Math.floor((((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * maxMs);
}

let ws: CliWorkspace;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

/** Runs the CLI and SIGKILLs it after `ms` (if still running). */
function killedAfter(args: string[], ms: number, cwd = ws.work): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cLocale({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: 'crash test' }), stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((r) => child.on('exit', (code) => (clearTimeout(timer), r(code))));
}

/** Files in `dir` (recursively) whose names say they are a temporary or partial write. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (/\.tmp\b|\.tmp-|\.partial/.test(e.name)) out.push(path.join(d, e.name));
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

beforeAll(async () => {
  ws = cliWorkspace('tsproof-crash-', { passphrase: 'crash test' });
  tsa = await bundledTsa('tsa-ec');
  mkdirSync(path.join(ws.work, 'proj'));
  for (let i = 0; i < 40; i++) writeFileSync(path.join(ws.work, 'proj', `f${i}.bin`), createHash('sha256').update(String(i)).digest().toString('hex').repeat(2000));
});
afterAll(async () => {
  await tsa?.close();
});

describe('SIGKILL at random points leaves nothing partial, and the next run works', () => {
  it(`identity import (${ROUNDS} kills)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await killedAfter(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key'), '--name', `alice${i}`], 150 + delay(900));
      const ids = path.join(ws.home, 'identities');
      // Each identity is whole (its record, key and chain) or absent.
      for (const n of existsSync(ids) ? readdirSync(ids).filter((n) => !n.includes('.tmp')) : []) {
        for (const f of ['identity.json', 'key.pem', 'chain.pem']) expect(existsSync(path.join(ids, n, f)), `${n}/${f}`).toBe(true);
      }
      const list = await ws.run(['identity', 'list', '--json']);
      expect(list.status, list.stderr).toBe(0);
      if (!existsSync(path.join(ids, `alice${i}`))) {
        const again = await ws.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key'), '--name', `alice${i}`]);
        expect(again.status, again.stderr).toBe(0);
      }
      expect(leftovers(ids)).toEqual([]);
    }
    await importAlice(ws);
  });

  it('a temporary copy an identity import left when killed after writing its record is not an identity: not listed, and the import again works', async () => {
    const ids = path.join(ws.home, 'identities');
    const first = await ws.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key'), '--name', 'kept']);
    expect(first.status, first.stderr).toBe(0);
    // What save() leaves when killed between writing identity.json and the rename: a whole folder under a temporary name.
    cpSync(path.join(ids, 'kept'), path.join(ids, 'halfway.tmp-99999999-1'), { recursive: true });
    const rec = path.join(ids, 'halfway.tmp-99999999-1', 'identity.json');
    writeFileSync(rec, JSON.stringify({ ...JSON.parse(readFileSync(rec, 'utf8')), name: 'halfway' }));
    const list = await ws.run(['identity', 'list', '--json']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(/halfway/);
    const again = await ws.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key'), '--name', 'halfway']);
    expect(again.status, again.stderr).toBe(0);
    expect(existsSync(path.join(ids, 'halfway', 'identity.json'))).toBe(true);
    expect(leftovers(ids)).toEqual([]);
  });

  it(`register (${ROUNDS} kills)`, async () => {
    const before = new Set(readdirSync(ws.work));
    for (let i = 0; i < ROUNDS; i++) {
      await killedAfter(['register', 'proj', '--tsa', tsa.url, '--out', `r${i}.tsproof.json`], 300 + delay(2500));
      const out = path.join(ws.work, `r${i}.tsproof.json`);
      // A receipt is whole (it parses and its signature parses) or absent; the next run writes it and leaves no temporary copy.
      if (!existsSync(out)) expect((await ws.run(['register', 'proj', '--tsa', tsa.url, '--out', `r${i}.tsproof.json`])).status).toBe(0);
      const r = parseReceiptBytes(readFileSync(out), out);
      parseSignedData(Buffer.from(r.signature, 'base64'), 'signature');
      expect(leftovers(ws.work).filter((f) => !before.has(path.basename(f)))).toEqual([]);
    }
    const ok = await ws.run(['register', 'proj', '--tsa', tsa.url, '--out', 'final.tsproof.json', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect((await ws.run(['verify', '--receipt', 'final.tsproof.json', 'proj/f1.bin'])).status).toBe(0);
  });

  it(`export (${ROUNDS} kills)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const zip = path.join(ws.work, `pack${i}.zip`);
      const folder = path.join(ws.work, `pack${i}`);
      const out = i % 2 ? `pack${i}.zip` : `pack${i}`;
      await killedAfter(['export', 'final.tsproof.json', '--format', 'evidence', '--out', out], 200 + delay(1500));
      // A pack is whole or absent; the next run writes it and leaves no temporary copy.
      if (!existsSync(path.join(ws.work, out))) expect((await ws.run(['export', 'final.tsproof.json', '--format', 'evidence', '--out', out])).status).toBe(0);
      if (i % 2) expect(unzip(readFileSync(zip), zip).names.length).toBeGreaterThan(10);
      else expect(existsSync(path.join(folder, 'verify.sh')), `${folder} is whole`).toBe(true);
      // A folder pack is built in `.<name>.tmp-XXXXXX` (a name no one can guess, without the
      // writer's pid: test/unit/write-folder.test.ts), which a kill may leave; the pack itself is whole or absent.
      expect(leftovers(ws.work).filter((f) => !/\/\.pack\d+\.tmp-[A-Za-z0-9]{6}$/.test(f))).toEqual([]);
    }
    const ok = await ws.run(['export', 'final.tsproof.json', '--format', 'evidence', '--out', 'pack-final.zip']);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it(`trust add (${ROUNDS} kills)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await killedAfter(['trust', 'add', path.join(PKI, i % 2 ? 'intermediate-ca.pem' : 'untrusted-root-ca.pem'), '--for', 'tsa'], 100 + delay(700));
      const list = await ws.run(['trust', 'list', '--json']);
      expect(list.status, list.stderr).toBe(0);
    }
    // The next change of the trust store works and sweeps what the killed ones left.
    const ok = await ws.run(['trust', 'add', path.join(PKI, 'holder-ca.pem'), '--for', 'holder']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(leftovers(path.join(ws.home, 'trust'))).toEqual([]);
  });

  it(`tsa serve: killed while answering, it never issues a serial number twice (${ROUNDS} kills)`, async () => {
    const dir = path.join(ws.dir, 'tsa');
    expect((await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } })).status).toBe(0);
    const req = encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: createHash('sha256').update('x').digest(), certReq: false });
    const seen = new Set<bigint>();
    for (let i = 0; i <= ROUNDS; i++) {
      const s = await startTsaServe(dir);
      const ask = async () => {
        const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: req });
        const token = parseTimeStampResp(new Uint8Array(await r.arrayBuffer())).token!;
        return parseTstInfo(parseSignedData(token, 't').eContent!).serial;
      };
      const killAt = delay(400);
      const pending: Promise<bigint | undefined>[] = [];
      const t0 = Date.now();
      while (Date.now() - t0 < killAt + 50) pending.push(ask().catch(() => undefined));
      if (i < ROUNDS) s.child.kill('SIGKILL');
      for (const serial of await Promise.all(pending)) {
        if (serial === undefined) continue;
        expect(seen.has(serial), `serial ${serial} issued twice`).toBe(false);
        seen.add(serial);
      }
      if (i === ROUNDS) await s.stop();
      else await new Promise((r) => (s.child.exitCode !== null || s.child.signalCode !== null ? r(0) : s.child.once('exit', r)));
      expect(leftovers(dir).filter((f) => !f.includes(`${path.sep}home`))).toEqual([]);
    }
    expect(seen.size).toBeGreaterThan(ROUNDS);
  }, 120_000);
});

describe('a trust add killed between the certificate and the index', () => {
  it('leaves a file that is never trusted (it was a loose anchor for every purpose), nor breaks the store when it is cut short', async () => {
    const home = path.join(ws.dir, 'home-trust-crash');
    mkdirSync(path.join(home, 'trust'), { recursive: true, mode: 0o700 });
    const cert = parseCertificates(readFileSync(path.join(PKI, 'untrusted-root-ca.pem')), 'root')[0]!;
    // What `trust add untrusted-root-ca.pem --for tsa` had written when it was killed: the certificate, not the index.
    writeFileSync(path.join(home, 'trust', `tsa-${cert.sha256.slice(0, 12)}.pem`), cert.toPEM(), { mode: 0o644 });
    writeFileSync(path.join(home, 'trust', 'holder-0123456789ab.pem'), cert.toPEM().slice(0, 40), { mode: 0o644 });
    expect(await new TrustStore(home).load()).toEqual([]);
    // A loose certificate someone put there on purpose is still an anchor for any purpose.
    writeFileSync(path.join(home, 'trust', 'my-root.pem'), cert.toPEM(), { mode: 0o644 });
    expect((await new TrustStore(home).load()).map((a) => a.purpose)).toEqual(['any']);
  });
});
