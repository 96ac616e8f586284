/**
 * The bundled TSA under abuse (issue 11, "The bundled TSA under abuse"): each case is played
 * against a real `tsproof tsa serve` process on loopback. Abusive clients connect from other
 * loopback addresses (127.0.0.2, …; Linux routes all of 127/8 to lo), the operator from
 * 127.0.0.1, as a remote attacker and a local monitor would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTsaServe, type TsaServeProcess } from '../helpers/tsa-serve.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { hash } from '../../src/core/crypto/algorithms.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../../src/core/tsa/limits.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { party } from '../helpers/fixtures.js';

const running: TsaServeProcess[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function tsa(limits?: Partial<ServerLimits>, wrap?: string[]): Promise<TsaServeProcess & { port: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-abuse-'));
  expect((await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } })).status).toBe(0);
  if (limits) writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ limits }));
  const s = await startTsaServe(dir, wrap ? { wrap } : {});
  running.push(s);
  return { ...s, port: Number(new URL(s.url).port) };
}

/** One request on its own connection (no keep-alive pool holding sockets), from `from`. */
function request(port: number, o: { path?: string; method?: string; body?: Uint8Array; from?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: o.path ?? '/', method: o.method ?? 'GET', agent: false, localAddress: o.from ?? '127.0.0.1', headers: { connection: 'close', ...(o.body ? { 'content-type': 'application/timestamp-query' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      },
    );
    req.setTimeout(o.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer within ${o.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

const health = (port: number, from?: string) => request(port, { path: '/health', ...(from ? { from } : {}) });
const timestampRequest = () => encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: hash('sha256', randomBytes(16)), nonce: 7n, certReq: true });

/** A raw connection from `from`, with what it received, when it closed, and how much it wrote. */
interface Raw {
  socket: net.Socket;
  received: () => string;
  /** Milliseconds from connecting to the first byte received, and to the close. */
  firstByte: Promise<number>;
  closed: Promise<number>;
}
function raw(port: number, from = '127.0.0.2'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    sockets.push(socket);
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', () => {});
    const firstByte = new Promise<number>((r) => socket.once('data', () => r(Date.now() - t0)));
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - t0)));
    socket.once('connect', () => resolve({ socket, received: () => got, firstByte, closed }));
    socket.once('error', reject);
  });
}

/**
 * Makes `r` busy: a request whose body is still to come. "Expect: 100-continue" makes the server
 * say when it has the headers, so the test knows the request counts as started.
 */
async function startBody(r: Raw): Promise<void> {
  r.socket.write('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n');
  await until(
    async () => r.received(),
    (x) => /100 Continue/.test(x),
  );
  r.socket.write('ab');
}

/** Writes `line` every `everyMs` until the socket closes. */
function drip(s: net.Socket, line: string, everyMs: number): void {
  const timer = setInterval(() => s.writable && s.write(line), everyMs);
  s.on('close', () => clearInterval(timer));
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stats = async (port: number) => JSON.parse((await health(port)).body.toString()).connections as { open: number; reserve: number; refused: number; evicted: number; timedOut: number; tooLarge: number };

describe('connection caps', () => {
  it('400 idle connections under an open-file limit of 256: /health and timestamps still answered, descriptors stay under the limit', async () => {
    const s = await tsa(undefined, ['prlimit', '--nofile=256:256']);
    // A client with a kept-alive connection, idle while the flood comes.
    const client = await raw(s.port, '127.0.0.1');
    client.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(
      async () => client.received(),
      (x) => x.includes('"status":"ok"'),
    );
    // 400 silent sockets from eight addresses (50 each, under the per-client cap of 64).
    const idle = await Promise.all(Array.from({ length: 400 }, (_, i) => raw(s.port, `127.0.0.${2 + (i % 8)}`)));
    await until(
      () => stats(s.port).catch(() => ({ evicted: 0 })),
      (c) => c.evicted >= 400 - 184,
    );
    const h = await health(s.port);
    expect(h.status).toBe(200);
    // The cap was lowered to fit the limit, and the operator told.
    expect(s.stderr()).toMatch(/at most 184 connections at once \(lowered to fit the open-file limit of 256/);
    const c = JSON.parse(h.body.toString()).connections;
    expect(c.open).toBeLessThanOrEqual(184 + 8);
    expect(c.evicted).toBeGreaterThanOrEqual(400 - 184);
    const ts = await request(s.port, { method: 'POST', body: timestampRequest() });
    expect(parseTimeStampResp(new Uint8Array(ts.body)).token).toBeDefined();
    // The server itself stayed well under its 256 descriptors.
    expect(readdirSync(`/proc/${s.child.pid}/fd`).length).toBeLessThan(256);
    // The kept-alive client's connection was not the one to give way: its client holds one only.
    client.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(
      async () => client.received(),
      (x) => x.split('"status":"ok"').length === 3,
    );
    expect(client.socket.destroyed).toBe(false);
    // The oldest idle sockets were the ones closed.
    const closedEarly = idle.slice(0, 100).filter((r) => r.socket.destroyed || r.socket.readableEnded).length;
    expect(closedEarly).toBeGreaterThan(90);
  });

  it('one client address gets at most maxConnectionsPerClient; its idle sockets make room for its new ones, others are not affected', async () => {
    const s = await tsa({ maxConnectionsPerClient: 4 });
    const first = await Promise.all(Array.from({ length: 4 }, () => raw(s.port)));
    const later = await Promise.all(Array.from({ length: 4 }, () => raw(s.port)));
    // The four oldest gave way to the four newest.
    expect(await Promise.all(first.map((r) => r.closed))).toHaveLength(4);
    expect(later.every((r) => !r.socket.destroyed)).toBe(true);
    expect((await stats(s.port)).evicted).toBe(4);
    // Four busy connections (a body being sent) from one address: the fifth cannot take a
    // slot from them; it lands in the reserve, which answers only /health.
    await Promise.all(later.map(startBody));
    const fifth = await request(s.port, { method: 'POST', body: timestampRequest(), from: '127.0.0.2' });
    expect(fifth.status).toBe(503);
    expect(fifth.body.toString()).toMatch(/only GET \/health/);
    expect((await health(s.port, '127.0.0.2')).status).toBe(200);
    // Another client is served normally.
    const other = await request(s.port, { method: 'POST', body: timestampRequest() });
    expect(other.status).toBe(200);
    expect(parseTimeStampResp(new Uint8Array(other.body)).token).toBeDefined();
  });

  it('when every connection is busy, /health is still answered from the reserve, other requests get 503, and idle sockets cannot hold the reserve', async () => {
    const s = await tsa({ maxConnections: 8, maxConnectionsPerClient: 4, healthReserve: 2 });
    // Eight connections, each in the middle of sending a body, from two addresses.
    const busy = await Promise.all(Array.from({ length: 8 }, (_, i) => raw(s.port, `127.0.0.${2 + (i % 2)}`)));
    await Promise.all(busy.map(startBody));
    // Idle sockets from a third address push into the reserve and give way to each other.
    const idle = await Promise.all(Array.from({ length: 6 }, () => raw(s.port, '127.0.0.4')));
    let gone = 0;
    for (const r of idle) void r.closed.then(() => gone++);
    await until(
      async () => gone,
      (n) => n === 4,
    );
    const h = await until(
      () => health(s.port),
      (x) => JSON.parse(x.body.toString()).connections.evicted >= 4,
    );
    expect(h.status).toBe(200);
    const c = JSON.parse(h.body.toString()).connections;
    expect(c).toMatchObject({ open: 10, reserve: 2 });
    expect(c.busy).toBe(9); // the eight bodies, and this /health
    expect(c.evicted).toBeGreaterThanOrEqual(4);
    const refused = await request(s.port, { method: 'POST', body: timestampRequest() });
    expect(refused.status).toBe(503);
    expect(refused.body.toString()).toMatch(/connection limit/);
    // Once the busy connections go, requests are served again.
    for (const r of busy) r.socket.destroy();
    const ok = await until(
      () => request(s.port, { method: 'POST', body: timestampRequest() }).catch(() => ({ status: 0, body: Buffer.alloc(0) })),
      (x) => x.status === 200,
    );
    expect(parseTimeStampResp(new Uint8Array(ok.body)).token).toBeDefined();
  });
  it('with no reserve, a connection beyond a cap whose connections are all busy is answered 503 and closed at once', async () => {
    const s = await tsa({ maxConnections: 2, healthReserve: 0 });
    const busy = await Promise.all([raw(s.port), raw(s.port, '127.0.0.3')]);
    await Promise.all(busy.map(startBody));
    const refused = await raw(s.port, '127.0.0.4');
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 [\s\S]*Retry-After: 1/);
    // Once the bodies end (here: their senders go), the server answers again.
    for (const r of busy) r.socket.destroy();
    const h = await until(
      () => health(s.port).catch(() => undefined),
      (x) => x?.status === 200,
    );
    expect(JSON.parse(h!.body.toString()).connections.refused).toBeGreaterThanOrEqual(1);
  });
});

describe('timeouts', () => {
  const limits = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };

  it('slowloris headers and silent sockets are answered 408 and closed after headersTimeoutMs', async () => {
    const s = await tsa(limits);
    const silent = await raw(s.port);
    const slow = await raw(s.port);
    slow.socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    drip(slow.socket, 'X-Drip: a\r\n', 100);
    for (const r of [silent, slow]) {
      const ms = await r.closed;
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(6000); // the default headersTimeoutMs is 10 s
      expect(r.received()).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect((await stats(s.port)).timedOut).toBe(2);
  });

  it('a dripping body is answered 408 and closed after requestTimeoutMs', async () => {
    const s = await tsa(limits);
    const r = await raw(s.port);
    r.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n');
    drip(r.socket, 'a', 100);
    const ms = await r.closed;
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(7000); // the default requestTimeoutMs is 30 s
    expect(r.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle kept-alive connection is closed after keepAliveTimeoutMs (plus the 1 s Node allows)', async () => {
    const s = await tsa(limits);
    const r = await raw(s.port);
    r.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const ms = await r.closed;
    expect(r.received()).toMatch(/^HTTP\/1\.1 200 [\s\S]*Keep-Alive: timeout=1/);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(6000); // the default keepAliveTimeoutMs is 5 s
  });
});

describe('oversized requests', () => {
  it('a 4 GiB Content-Length is answered 413 at once, without reading the body, and the connection closed', async () => {
    const s = await tsa();
    const r = await raw(s.port);
    let written = 0;
    r.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/timestamp-query\r\nContent-Length: 4294967296\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024);
    const pump = () => {
      while (r.socket.writable && written < 2 ** 32) {
        written += chunk.length;
        if (!r.socket.write(chunk)) return;
      }
    };
    r.socket.on('drain', pump);
    pump();
    const answered = await r.firstByte;
    await r.closed;
    expect(r.received()).toMatch(/^HTTP\/1\.1 413 [\s\S]*a TimeStampReq is at most 16384 bytes/);
    expect(answered).toBeLessThan(3000); // reading 4 GiB takes seconds even on loopback
    // The server stopped reading: only what fits in the socket buffers went out (not 4 GiB).
    expect(written).toBeLessThan(64 * 2 ** 20);
  });

  it('headers over 16 KiB are answered 431', async () => {
    const s = await tsa();
    const r = await raw(s.port);
    r.socket.write(`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await r.closed;
    expect(r.received()).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('a chunked body is answered 413 as soon as it passes 16 KiB', async () => {
    const s = await tsa();
    const r = await raw(s.port);
    r.socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = `1000\r\n${'a'.repeat(4096)}\r\n`;
    for (let i = 0; i < 5; i++) r.socket.write(piece); // 20 KiB, and the body never ends
    await r.closed;
    expect(r.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect((await stats(s.port)).tooLarge).toBe(1);
  });
});

describe('logging', () => {
  it('refused, evicted and timed-out connections are summed up in one log line per interval, not logged one by one', async () => {
    const tsa = party('tsa-ec');
    const clock = () => new Date();
    const log: Record<string, unknown>[] = [];
    const server = createTsaServer(new LocalTimestampAuthority({ key: tsa.key, certificate: tsa.cert, chain: [], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }), {
      limits: { ...DEFAULT_SERVER_LIMITS, maxConnections: 2, healthReserve: 0 },
      abuseLogIntervalMs: 200,
      log: (e) => log.push(e),
    });
    const { port } = await listen(server, '127.0.0.1', 0);
    try {
      const idle = await Promise.all(Array.from({ length: 12 }, () => raw(port)));
      await Promise.all(idle.slice(0, 10).map((r) => r.closed));
      await until(
        async () => log.at(-1)?.evicted,
        (n) => n === 10,
      );
      expect(log.at(-1)).toMatchObject({ event: 'connections', open: 2, evicted: 10, refused: 0 });
      expect(log.length).toBeLessThanOrEqual(2); // ten evictions, within one or two intervals
      const lines = log.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(log).toHaveLength(lines); // nothing new, no new line
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('configuration', () => {
  it('bad limits in tsa.json are refused (exit 2), each named', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-abuse-'));
    await runCli(['tsa', 'init', '--dir', dir, '--no-trust'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ limits: { maxConnections: 0, headersTimeoutMs: 'soon', perClient: 3 } }));
    const bad = await runCli(['tsa', 'serve', '--dir', dir, '--port', '0'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/limits\.maxConnections: expected an integer from 1 to 1000000/);
    expect(bad.stderr).toMatch(/limits\.headersTimeoutMs: expected an integer/);
    expect(bad.stderr).toMatch(/limits\.perClient: unknown field/);
    writeFileSync(path.join(dir, 'tsa.json'), JSON.stringify({ limits: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } }));
    const order = await runCli(['tsa', 'serve', '--dir', dir, '--port', '0'], { env: { TSPROOF_HOME: path.join(dir, 'home') } });
    expect(order.status).toBe(2);
    expect(order.stderr).toMatch(/limits\.headersTimeoutMs: must not exceed limits\.requestTimeoutMs/);
  });
});
