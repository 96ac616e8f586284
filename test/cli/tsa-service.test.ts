/**
 * The bundled TSA as a service: serials, configuration, keys, clock checks, health — and the
 * real clients that must accept it: OpenSSL, Java's jarsigner, osslsigncode.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTsaServe } from '../helpers/tsa-serve.js';
import { PASSPHRASE, PKI, party } from '../helpers/fixtures.js';
import { PersistentSerials } from '../../src/core/tsa/serials.js';
import { ClockGuard } from '../../src/core/tsa/clock.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { parseTstInfo } from '../../src/core/tsp/messages.js';
import { parseSignedData } from '../../src/core/cms/signed-data.js';
import { hash } from '../../src/core/crypto/algorithms.js';
import { verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { parseCertificates } from '../../src/core/pki/certificate.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'tsproof-svc-'));

async function ask(url: string, o: { alg?: 'sha256' | 'sha384' | 'sha512' | 'sha1'; policy?: string; data?: Buffer } = {}) {
  const data = o.data ?? randomBytes(20);
  const alg = o.alg ?? 'sha256';
  const req = encodeTimeStampReq({ digestAlgorithm: alg, digest: hash(alg, data), nonce: 42n, certReq: true, ...(o.policy ? { policy: o.policy } : {}) });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: req });
  const resp = parseTimeStampResp(new Uint8Array(await res.arrayBuffer()));
  return { resp, data, tst: resp.token ? parseTstInfo(parseSignedData(resp.token, 't').eContent!) : undefined };
}

describe('serial numbers', () => {
  it('increase across restarts and never repeat, even when the clock steps back', () => {
    const dir = tmp();
    const file = path.join(dir, 'serial-state.json');
    let now = Date.parse('2026-06-01T00:00:00Z');
    const a = new PersistentSerials(file, () => new Date(now));
    const first = Array.from({ length: 5000 }, () => a.next()); // crosses a reservation block
    for (let i = 1; i < first.length; i++) expect(first[i]! > first[i - 1]!).toBe(true);
    // "Restart" with the clock an hour earlier: still above everything issued (or reserved) before.
    now -= 3600_000;
    const b = new PersistentSerials(file, () => new Date(now));
    const next = b.next();
    expect(next > first.at(-1)!).toBe(true);
    writeFileSync(file, 'garbage');
    expect(() => new PersistentSerials(file, () => new Date(now))).toThrow(/corrupt serial state/);
  });

  it('are unique and increasing under 200 concurrent requests, and after a restart', async () => {
    const dir = tmp();
    expect((await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } })).status).toBe(0);
    const s1 = await startTsaServe(dir);
    const serials = (await Promise.all(Array.from({ length: 200 }, () => ask(s1.url)))).map((r) => r.tst!.serial);
    expect(new Set(serials).size).toBe(200);
    expect(await s1.stop()).toBe(0);
    expect(s1.stderr()).toMatch(/shutting down/);
    const s2 = await startTsaServe(dir);
    try {
      const after = (await ask(s2.url)).tst!.serial;
      expect(serials.every((s) => after > s)).toBe(true);
      // One server per folder.
      const again = await runCli(['tsa', 'serve', '--dir', dir, '--port', '0'], { env: { TSPROOF_HOME: path.join(dir, 'home') }, timeoutMs: 5000 });
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already serves/);
    } finally {
      await s2.stop();
    }
  });
});

describe('configuration (tsa.json)', () => {
  it('policies, accuracy, ordering, tsa name and ESS version; refusals as PKIStatusInfo', async () => {
    const dir = tmp();
    await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ policy: '1.2.3.4.100', acceptedPolicies: ['1.2.3.4.101'], accuracyMicros: 500_000, ordering: true, includeTsaName: true, ess: 'both' }));
    const s = await startTsaServe(dir);
    try {
      const def = await ask(s.url, { alg: 'sha384' });
      expect(def.tst).toMatchObject({ policy: '1.2.3.4.100', accuracyMicros: 500_000, ordering: true });
      expect(def.tst!.tsaName?.directoryName).toBeDefined();
      expect((await ask(s.url, { policy: '1.2.3.4.101' })).tst!.policy).toBe('1.2.3.4.101');
      expect((await ask(s.url, { policy: '1.2.3.4.999' })).resp).toMatchObject({ status: 2, failInfo: ['unacceptedPolicy'] });
      expect((await ask(s.url, { alg: 'sha1' })).resp).toMatchObject({ status: 2, failInfo: ['badAlg'] });
      // The token passes every check, with both ESS attributes and the tsa name matching.
      const root = parseCertificates(readFileSync(path.join(dir, 'root.pem')), 'root')[0]!;
      const v = verifyTimestampToken(def.resp.token!, { imprint: { algorithm: 'sha384', digest: hash('sha384', def.data) }, anchors: [root], nonce: 42n, now: new Date() });
      expect(v.checks.filter((c) => !c.ok)).toEqual([]);
      expect(v.checks.find((c) => c.id === 'timestamp.ess-certid')!.detail.render()).toMatch(/v1 .*v2|v2 .*v1/);
      // OpenSSL prints what it sees.
      writeFileSync(
        path.join(dir, 'r.tsr'),
        Buffer.from(
          await (
            await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: hash('sha256', Buffer.from('x')), certReq: true }) })
          ).arrayBuffer(),
        ),
      );
      const text = execFileSync('openssl', ['ts', '-reply', '-in', path.join(dir, 'r.tsr'), '-text'], { encoding: 'utf8' });
      expect(text).toMatch(/Accuracy: unspecified seconds, 0x01F4 millis/);
      expect(text).toMatch(/Ordering: yes/);
      // Oversized requests are refused at once with HTTP 413 (docs/tsa.md, "Limits").
      const big = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: new Uint8Array(100_000) });
      expect(big.status).toBe(413);
      expect(await big.text()).toMatch(/at most 16384 bytes/);
    } finally {
      await s.stop();
    }
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ polcy: '1.2.3' }));
    const bad = await runCli(['tsa', 'serve', '--dir', dir, '--port', '0'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/polcy: unknown field/);
  });

  it('serves from a PKCS#12 key (passphrase from the environment) and from a CSR-issued certificate', async () => {
    const dir = tmp();
    // A TSA key and certificate from elsewhere, in a PKCS#12 file.
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      path.join(PKI, 'tsa-rsa.pem'),
      '-inkey',
      path.join(PKI, 'tsa-rsa.key'),
      '-certfile',
      path.join(PKI, 'intermediate-ca.pem'),
      '-out',
      path.join(dir, 'tsa.p12'),
      '-passout',
      `pass:${PASSPHRASE}`,
    ]);
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ pkcs12: 'tsa.p12' }));
    const refused = await runCli(['tsa', 'serve', '--dir', dir, '--port', '0'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    expect(refused.stderr).toMatch(/set TSPROOF_TSA_PASSPHRASE/);
    const s = await startTsaServe(dir, { env: { TSPROOF_TSA_PASSPHRASE: PASSPHRASE } });
    try {
      const r = await ask(s.url);
      const v = verifyTimestampToken(r.resp.token!, { imprint: { algorithm: 'sha256', digest: hash('sha256', r.data) }, anchors: [party('root-ca').cert], now: new Date() });
      expect(v.checks.filter((c) => !c.ok)).toEqual([]);
      expect(v.info!.chain).toHaveLength(3);
    } finally {
      await s.stop();
    }
    // CSR mode: the key and a request; the CA-issued certificate (signed here by OpenSSL) goes in tsa.pem.
    const d2 = tmp();
    const init = await runCli(['tsa', 'init', '--dir', d2, '--csr', path.join(d2, 'tsa.csr')], { env: { TSPROOF_HOME: path.join(d2, 'home') } });
    expect(init.status, init.stderr).toBe(0);
    writeFileSync(path.join(d2, 'ext.cnf'), 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n');
    execFileSync(
      'openssl',
      ['x509', '-req', '-in', 'tsa.csr', '-CA', path.join(PKI, 'root-ca.pem'), '-CAkey', path.join(PKI, 'root-ca.key'), '-CAserial', path.join(d2, 'root-ca.srl'), '-CAcreateserial', '-days', '365', '-extfile', 'ext.cnf', '-out', 'tsa.pem'],
      { cwd: d2, stdio: 'ignore' },
    );
    const s2 = await startTsaServe(d2);
    try {
      const r = await ask(s2.url);
      expect(verifyTimestampToken(r.resp.token!, { imprint: { algorithm: 'sha256', digest: hash('sha256', r.data) }, anchors: [party('root-ca').cert], now: new Date() }).ok).toBe(true);
    } finally {
      await s2.stop();
    }
  });
});

describe('clock checks', () => {
  it('a last-known-good time in the future, or a peer far off, stops issuance (timeNotAvailable) and health says 503', async () => {
    const dir = tmp();
    await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    writeFileSync(path.join(dir, 'last-good-time'), '2099-01-01T00:00:00Z\n');
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ clock: { notBeforeFile: 'last-good-time' } }));
    const s = await startTsaServe(dir);
    try {
      expect(s.stderr()).toMatch(/refusing to issue until the clock is trusted/);
      const r = await ask(s.url);
      expect(r.resp).toMatchObject({ status: 2, failInfo: ['timeNotAvailable'] });
      expect(r.resp.statusText.join(' ')).toMatch(/earlier than the last known good time/);
      const h = await fetch(`${s.url}health`);
      expect(h.status).toBe(503);
      expect(await h.json()).toMatchObject({ status: 'unavailable', clock: { trusted: false } });
    } finally {
      await s.stop();
    }
  });

  it('checks drift against a peer and advances the last known good time', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'good'), '2020-01-01T00:00:00Z\n');
    const peer = http.createServer((_q, res) => res.writeHead(200, { date: new Date(Date.now() + 10 * 60_000).toUTCString() }).end());
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(peer.address() as { port: number }).port}/`;
      const off = await new ClockGuard({ peer: url, maxDriftMs: 2000 }, () => new Date()).check();
      expect(off).toMatchObject({ trusted: false });
      expect(String(off.reason)).toMatch(/differs from .* by -(59|60)\d{4} ms/);
      const on = await new ClockGuard({ peer: url, maxDriftMs: 2000, notBeforeFile: path.join(dir, 'good') }, () => new Date(Date.now() + 10 * 60_000)).check();
      expect(on.trusted).toBe(true);
      expect(new Date(readFileSync(path.join(dir, 'good'), 'utf8').trim()).getTime()).toBeGreaterThan(Date.now());
    } finally {
      peer.close();
    }
  });
});

describe('accepted by real clients', () => {
  it('Java jarsigner timestamps a jar with it, and jarsigner -verify shows the timestamp', async () => {
    const dir = tmp();
    await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    const s = await startTsaServe(dir);
    try {
      writeFileSync(path.join(dir, 'Hello.txt'), 'hello');
      execFileSync('jar', ['cf', 'app.jar', 'Hello.txt'], { cwd: dir });
      execFileSync('keytool', ['-genkeypair', '-alias', 'dev', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=Test Developer', '-validity', '30', '-storetype', 'PKCS12', '-keystore', 'dev.p12', '-storepass', 'changeit'], {
        cwd: dir,
        stdio: 'ignore',
      });
      const sign = spawnSync('jarsigner', ['-keystore', 'dev.p12', '-storepass', 'changeit', '-tsa', s.url, 'app.jar', 'dev'], { cwd: dir, encoding: 'utf8' });
      expect(sign.status, sign.stdout + sign.stderr).toBe(0);
      const verify = spawnSync('jarsigner', ['-verify', '-verbose', '-certs', 'app.jar'], { cwd: dir, encoding: 'utf8' });
      expect(verify.stdout).toMatch(/jar verified/);
      expect(verify.stdout).toMatch(/Timestamped by "CN=tsproof local TSA, O=tsproof local" on /);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it.skipIf(!spawnSync('osslsigncode', ['--version']).stdout)('osslsigncode timestamps an Authenticode signature with it', async () => {
    const dir = tmp();
    await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    const s = await startTsaServe(dir);
    try {
      writeFileSync(path.join(dir, 'script.ps1'), 'Write-Output "hello"\r\n');
      const sign = spawnSync('osslsigncode', ['sign', '-certs', path.join(PKI, 'holder-alice.pem'), '-key', path.join(PKI, 'holder-alice.key'), '-ts', s.url, '-in', 'script.ps1', '-out', 'signed.ps1'], { cwd: dir, encoding: 'utf8' });
      expect(sign.status, sign.stdout + sign.stderr).toBe(0);
      const verify = spawnSync('osslsigncode', ['verify', '-in', 'signed.ps1', '-TSA-CAfile', path.join(dir, 'root.pem'), '-CAfile', path.join(PKI, 'root-ca.pem')], { cwd: dir, encoding: 'utf8' });
      expect(verify.stdout).toMatch(/Timestamp Server Signature verification: ok/);
    } finally {
      await s.stop();
    }
  });
});

void existsSync;
void mkdirSync;
