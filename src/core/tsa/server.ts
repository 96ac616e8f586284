/**
 * HTTP adapter for the bundled TSA (RFC 3161 §3.4): POST application/timestamp-query →
 * application/timestamp-reply. GET /health answers "ok". No signing logic here.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
// Loaded with require: importing node:http as an ES module makes Node evaluate every export,
// and its lazy WebSocket/fetch getters load undici (~15-20 ms of start-up per command).
const { createServer }: typeof import('node:http') = createRequire(import.meta.url)('node:http');
import { MAX_REQUEST_BYTES, type LocalTimestampAuthority } from './authority.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Structured access log (one JSON object per request); never receives request bodies. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface HealthReport {
  /** 'ok', or 'unavailable' while the clock is not trusted (HTTP 503). */
  status: 'ok' | 'unavailable';
  [k: string]: unknown;
}

export function createTsaServer(authority: LocalTimestampAuthority, o: Pick<ServeOptions, 'log'> & { health?: () => HealthReport } = {}): Server {
  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    const done = (status: number, bytes: number) =>
      o.log?.({ time: new Date().toISOString(), method: req.method, path: req.url, status, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    if (req.method === 'GET' && req.url === '/health') {
      const h = o.health?.() ?? { status: 'ok', issued: authority.issued };
      const code = h.status === 'ok' ? 200 : 503;
      const text = `${JSON.stringify(h)}\n`;
      res.writeHead(code, { 'content-type': 'application/json' }).end(text);
      return done(code, text.length);
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('POST an application/timestamp-query\n');
      return done(405, 0);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      // Oversized requests still get a proper TimeStampResp (rejection/badRequest), not an HTTP error.
      const body = tooLarge ? new Uint8Array(MAX_REQUEST_BYTES + 1) : new Uint8Array(Buffer.concat(chunks));
      const answer = authority.respond(body);
      res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': answer.byteLength }).end(answer);
      done(200, answer.byteLength);
    });
    req.on('error', () => res.destroy());
  });
}

export function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : { host, port });
    });
  });
}
