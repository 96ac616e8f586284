/**
 * The TSA client against local servers that reproduce real quirks: credentials, proxies
 * (plain and CONNECT), Retry-After, minimum intervals, several TSAs with --min-timestamps;
 * trust anchors with purposes and windows; policies; tsa list and probe.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { party, PKI } from '../helpers/fixtures.js';
import { forgeToken } from '../helpers/forge.js';
import { hostileTsa, serve, type Running } from '../helpers/servers.js';
import { bundledTsa, cliWorkspace, importAlice } from '../helpers/setup.js';
import { obtainTimestamp, type RateState } from '../../src/core/tsp/client.js';
import { buildCertificate } from '../../src/core/pki/build.js';
import { hash } from '../../src/core/crypto/algorithms.js';
import { resolveTsas } from '../../src/cli/commands/register.js';
import { processContext } from '../../src/cli/context.js';

const printed: string[] = [];
function sandbox(trustRoot = true) {
  const ws = cliWorkspace('tsproof-client-', { trustRoot, passphrase: 'client tests', onResult: (r) => printed.push(r.stdout, r.stderr) });
  writeFileSync(path.join(ws.work, 'a.txt'), 'evidence');
  // The tests' files live where the CLI runs.
  return { dir: ws.work, home: ws.home, run: ws.run, ws };
}
async function withAlice(trustRoot = true) {
  const s = sandbox(trustRoot);
  await importAlice(s.ws);
  return s;
}

describe('credentials', () => {
  it('a TSA that wants Basic auth: refused without, accepted with username + passwordEnv, password never printed', async () => {
    const tsa = await hostileTsa('needs-auth');
    try {
      const s = await withAlice();
      const r1 = await s.run(['register', 'a.txt', '--tsa', tsa.url]);
      expect(r1.status).toBe(3);
      expect(r1.stderr).toMatch(/HTTP 401 — the TSA wants credentials/);
      writeFileSync(path.join(s.home, 'config.json'), JSON.stringify({ tsa: [{ url: tsa.url, username: 'tsa-user', passwordEnv: 'MY_TSA_PASSWORD' }] }));
      const r2 = await s.run(['register', 'a.txt'], { MY_TSA_PASSWORD: 's3cret-tsa-pw' });
      expect(r2.status, r2.stderr).toBe(0);
      const r3 = await s.run(['register', 'a.txt']);
      expect(r3.status).toBe(2);
      expect(r3.stderr).toMatch(/has a username but MY_TSA_PASSWORD is not set/);
    } finally {
      await tsa.close();
    }
  });
});

describe('proxies', () => {
  it('HTTP_PROXY carries the request (absolute-form); NO_PROXY bypasses it', async () => {
    const tsa = await hostileTsa('ok');
    let proxied = 0;
    const proxy = http.createServer((req, res) => {
      proxied++;
      const target = new URL(req.url!);
      const up = http.request(target, { method: req.method, headers: req.headers }, (u) => {
        res.writeHead(u.statusCode!, u.headers);
        u.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    try {
      const s = await withAlice();
      expect((await s.run(['register', 'a.txt', '--tsa', tsa.url], { HTTP_PROXY: proxyUrl })).status).toBe(0);
      expect(proxied).toBe(1);
      writeFileSync(path.join(s.dir, 'b.txt'), 'more');
      expect((await s.run(['register', 'b.txt', '--tsa', tsa.url], { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' })).status).toBe(0);
      expect(proxied).toBe(1);
    } finally {
      proxy.close();
      await tsa.close();
    }
  });

  it('HTTPS through a CONNECT tunnel, TLS end to end with the TSA', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const root = party('root-ca');
    const serverCert = buildCertificate({ subject: [['CN', 'localhost']], publicKey: keys.publicKey, issuer: root.cert, issuerKey: root.key, serial: 77n, notBefore: new Date('2025-01-01'), notAfter: new Date('2030-01-01'), ca: false });
    const tls = https.createServer({ key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: serverCert.toPEM() }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const inner = await hostileTsaOnce(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(inner);
      });
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    let tunnels = 0;
    const proxy = http.createServer();
    proxy.on('connect', (req, socket, head) => {
      tunnels++;
      const [host, port] = req.url!.split(':');
      const up = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const data = randomBytes(32);
      const url = `https://localhost:${(tls.address() as net.AddressInfo).port}/tsa`;
      const opts = { random: (n: number) => randomBytes(n), now: () => new Date(), anchors: [root.cert], proxy: { https: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}` }, retries: 0 };
      const got = await obtainTimestamp({ url }, data, { ...opts, ca: [root.cert.toPEM()] });
      expect(got.verification.ok).toBe(true);
      expect(tunnels).toBe(1);
      // TLS is end to end: without the CA that issued the TSA's TLS certificate, the handshake fails.
      await expect(obtainTimestamp({ url }, data, opts)).rejects.toThrow(/cannot connect/);
      expect(tunnels).toBe(2);
    } finally {
      proxy.close();
      tls.close();
    }
  });
});

async function hostileTsaOnce(body: Buffer): Promise<Uint8Array> {
  const { parseTimeStampReq } = await import('../../src/core/tsp/messages.js');
  const { grantedResponse } = await import('../helpers/forge.js');
  const req = parseTimeStampReq(body);
  const tsa = party('tsa-ec');
  return grantedResponse(forgeToken({ cert: tsa.cert, key: tsa.key, imprintAlgorithm: 'sha256', imprint: req.imprint, ...(req.nonce !== undefined ? { nonce: req.nonce } : {}) }));
}

describe('pacing', () => {
  it('429 with Retry-After waits as asked, then succeeds', async () => {
    const tsa = await hostileTsa('rate-limited-once');
    try {
      const slept: number[] = [];
      const r = await obtainTimestamp({ url: tsa.url }, randomBytes(16), { random: (n) => randomBytes(n), now: () => new Date(), anchors: [party('root-ca').cert], sleep: async (ms) => void slept.push(ms) });
      expect(r.verification.ok).toBe(true);
      expect(slept).toEqual([1000]);
      expect(tsa.requests).toBe(2);
    } finally {
      await tsa.close();
    }
  });

  it('a per-TSA minimum interval holds across runs (persisted last request)', async () => {
    const tsa = await hostileTsa('ok');
    try {
      let clock = Date.now();
      const last = new Map<string, number>();
      const rateState: RateState = { lastRequest: async (u) => last.get(u), record: async (u, t) => void last.set(u, t) };
      const slept: number[] = [];
      const o = { random: (n: number) => randomBytes(n), now: () => new Date(clock), anchors: [party('root-ca').cert], rateState, sleep: async (ms: number) => void slept.push(ms) };
      await obtainTimestamp({ url: tsa.url, minIntervalMs: 15_000 }, randomBytes(16), o);
      clock += 4_000;
      await obtainTimestamp({ url: tsa.url, minIntervalMs: 15_000 }, randomBytes(16), o);
      expect(slept).toEqual([11_000]);
    } finally {
      await tsa.close();
    }
  });

  it('names from the public list resolve to URLs and bring their minimum interval', async () => {
    const ctx = { ...processContext(), home: mkdtempSync(path.join(os.tmpdir(), 'tsproof-names-')) };
    const [sectigo, digicert] = await resolveTsas(ctx, ['sectigo', 'digicert']);
    expect(sectigo).toEqual({ url: 'http://timestamp.sectigo.com', minIntervalMs: 15_000 });
    expect(digicert).toEqual({ url: 'http://timestamp.digicert.com' });
  });
});

describe('several TSAs', () => {
  it('--min-timestamps 1 accepts one good answer of two and reports the other; the default needs all', async () => {
    const good = await bundledTsa();
    const bad = await hostileTsa('wrong-nonce');
    try {
      const s = await withAlice();
      const strict = await s.run(['register', 'a.txt', '--tsa', good.url, '--tsa', bad.url]);
      expect(strict.status).toBe(3);
      expect(strict.stderr).toMatch(/1 of 2 TSAs answered validly, 2 needed: .*timestamp\.nonce/);
      const r = await s.run(['register', 'a.txt', '--tsa', good.url, '--tsa', bad.url, '--min-timestamps', '1', '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: a TSA failed \(enough others answered\): .*timestamp\.nonce/);
      const receipt = JSON.parse(readFileSync(path.join(s.dir, JSON.parse(r.stdout).receipt), 'utf8'));
      expect(receipt.timestamps.map((t: { tsa: string }) => t.tsa)).toEqual([good.url]);
      expect(JSON.parse(Buffer.from(receipt.manifest, 'base64').toString()).tsas).toEqual([good.url, bad.url]);
      expect((await s.run(['verify', 'a.txt'])).status).toBe(0);
      expect((await s.run(['register', 'a.txt', '--tsa', good.url, '--tsa', good.url])).stderr).toMatch(/the same TSA is listed twice/);
    } finally {
      await good.close();
      await bad.close();
    }
  });

  it('accepts application/timestamp-response, and a token without certificates when the TSA certificate is trusted', async () => {
    const ct = await hostileTsa('response-content-type');
    const nocert = await hostileTsa('no-certs');
    try {
      const s = await withAlice();
      expect((await s.run(['register', 'a.txt', '--tsa', ct.url])).status).toBe(0);
      const refused = await s.run(['register', 'a.txt', '--tsa', nocert.url]);
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(/timestamp\.signer-certificate/);
      expect((await s.run(['trust', 'add', path.join(PKI, 'tsa-ec.pem'), '--for', 'tsa'])).status).toBe(0);
      const pinned = await s.run(['register', 'a.txt', '--tsa', nocert.url]);
      expect(pinned.status, pinned.stderr).toBe(0);
      expect((await s.run(['verify', 'a.txt'])).status).toBe(0);
    } finally {
      await ct.close();
      await nocert.close();
    }
  });
});

describe('trust anchors', () => {
  it('purposes: a root trusted for TSAs only does not certify holders; windows exclude other times', async () => {
    const tsa = await bundledTsa();
    try {
      const s = await withAlice(false);
      expect((await s.run(['register', 'a.txt', '--tsa', tsa.url])).stderr).toMatch(/timestamp\.chain/);
      const add = await s.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'tsa', '--json']);
      expect(add.status, add.stderr).toBe(0);
      const id = JSON.parse(add.stdout).added[0].id;
      expect((await s.run(['register', 'a.txt', '--tsa', tsa.url])).status).toBe(0);
      const v = JSON.parse((await s.run(['verify', 'a.txt', '--json'])).stdout).results[0];
      expect(v.holder.identity).toBe('unverified');
      expect((await s.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'holder'])).status).toBe(0);
      expect(JSON.parse((await s.run(['verify', 'a.txt', '--json'])).stdout).results[0].holder.identity).toBe('ca-verified');
      const list = await s.run(['trust', 'list', '--json']);
      expect(
        JSON.parse(list.stdout)
          .anchors.map((a: { purpose: string }) => a.purpose)
          .sort(),
      ).toEqual(['holder', 'tsa']);
      // A TSA anchor trusted only for times before 2026: today's tokens no longer chain.
      expect((await s.run(['trust', 'remove', id])).status).toBe(0);
      expect((await s.run(['trust', 'add', path.join(PKI, 'root-ca.pem'), '--for', 'tsa', '--valid-to', '2025-12-31'])).status).toBe(0);
      const late = await s.run(['verify', 'a.txt', '--json']);
      expect(late.status).toBe(1);
      expect(JSON.parse(late.stdout).results[0].checks.find((c: { id: string }) => c.id === 'timestamp.chain').ok).toBe(false);
      expect((await s.run(['trust', 'remove', 'nonexistent'])).status).toBe(2);
    } finally {
      await tsa.close();
    }
  });
});

/** A sandbox holding d.bin and t.tst, a token over it signed by the fixture party `signer`. */
function tokenSandbox(signer: string) {
  const s = sandbox();
  const data = Buffer.from('data');
  const p = party(signer);
  writeFileSync(path.join(s.dir, 't.tst'), forgeToken({ cert: p.cert, key: p.key, imprintAlgorithm: 'sha256', imprint: hash('sha256', data) }));
  writeFileSync(path.join(s.dir, 'd.bin'), data);
  return s;
}

describe('policies and --at', () => {
  it('a non-critical EKU: strict refuses (exit 1), compatible accepts with a warning carrying the finding', async () => {
    const s = tokenSandbox('tsa-noncritical-eku');
    const strict = await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--json']);
    expect(strict.status).toBe(1);
    const eku = JSON.parse(strict.stdout).results[0].checks.find((c: { id: string }) => c.id === 'timestamp.eku');
    expect(eku).toMatchObject({ status: 'fail', finding: { code: 'eku-not-critical', severity: 'medium' } });
    const compat = await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--policy', 'compatible', '--json']);
    expect(compat.status).toBe(0);
    expect(JSON.parse(compat.stdout).results[0].checks.find((c: { id: string }) => c.id === 'timestamp.eku').status).toBe('warn');
    expect((await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--policy', 'lenient'])).status).toBe(2);
  });

  it('--at judges the chain at another time', async () => {
    const s = tokenSandbox('tsa-ec');
    expect((await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin'])).status).toBe(0);
    const r = await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--at', '2050-01-01', '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).results[0].checks.find((c: { id: string }) => c.id === 'timestamp.chain-validity').detail).toMatch(/--at 2050-01-01/);
    expect((await s.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--at', 'yesterday'])).status).toBe(2);
  });
});

describe('tsa list and probe', () => {
  it('lists the curated public TSAs', async () => {
    const r = await sandbox().run(['tsa', 'list', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(doc.tsas.find((t: { name: string }) => t.name === 'sectigo')).toMatchObject({ minIntervalMs: 15_000 });
    expect(doc.tsas.length).toBeGreaterThanOrEqual(10);
  });

  it('probes a TSA: algorithms accepted, chain, policy, latency, quirks', async () => {
    const good = await bundledTsa();
    const quirky: Running = await hostileTsa('response-content-type');
    try {
      const s = sandbox();
      const r = await s.run(['tsa', 'probe', good.url, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const p = JSON.parse(r.stdout).probe;
      expect(p.algorithms).toEqual({ sha256: 'granted', sha384: 'granted', sha512: 'granted', sha1: 'rejection (badAlg)' });
      expect(p.info).toMatchObject({ trusted: true, policy: '1.2.3.4.77' });
      expect(p.latencyMs).toBeGreaterThanOrEqual(0);
      expect(p.quirks).toContain('the root is not included (trust it locally)');
      const q = JSON.parse((await s.run(['tsa', 'probe', quirky.url, '--json'])).stdout).probe;
      expect(q.quirks).toContain('answers with the non-standard content type application/timestamp-response (accepted)');
      expect(q.algorithms.sha1).toBe('granted');
      expect(q.quirks).toContain('still grants SHA-1 imprints (CA/B Forum requires refusing them)');
      const down = await s.run(['tsa', 'probe', 'http://127.0.0.1:9/', '--timeout', '2']);
      expect(down.status).toBe(3);
    } finally {
      await good.close();
      await quirky.close();
    }
  });
});

describe('secrets', () => {
  it('the TSA password never appears in any output', () => {
    expect(printed.join('\n')).not.toContain('s3cret-tsa-pw');
  });
});

void execFileSync;
void serve;
