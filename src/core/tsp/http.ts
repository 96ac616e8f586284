/**
 * A small HTTP client for TSA requests on node:http/https, with what fetch lacks here:
 * HTTP proxies from the environment (absolute-form requests for http://, CONNECT tunnels for
 * https://, Basic proxy credentials from the proxy URL), no redirect following, a body cap
 * and one timeout for the whole exchange.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
// Loaded with require: importing node:http as an ES module makes Node evaluate every export,
// and its lazy WebSocket/fetch getters load undici (~15-20 ms of start-up per command).
const require = createRequire(import.meta.url);
const http: typeof import('node:http') = require('node:http');
const https: typeof import('node:https') = require('node:https');
const tls: typeof import('node:tls') = require('node:tls');
import { t, type Text } from '../text.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ProxySettings {
  http?: string;
  https?: string;
  /** Comma-separated hosts or domain suffixes that bypass the proxy; `*` for all. */
  noProxy?: string;
}

export type HttpFailure = 'timeout' | 'connect' | 'too-large' | 'cut-off' | 'proxy';

export class HttpError extends Error {
  constructor(
    readonly kind: HttpFailure,
    readonly text: Text,
  ) {
    super(text.render());
  }
}

export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const p: ProxySettings = {};
  const h = env.HTTP_PROXY ?? env.http_proxy;
  const s = env.HTTPS_PROXY ?? env.https_proxy;
  const n = env.NO_PROXY ?? env.no_proxy;
  if (h) p.http = h;
  if (s) p.https = s;
  if (n) p.noProxy = n;
  return p;
}

/** The proxy to use for `url`, if any (NO_PROXY honoured: exact hosts, suffixes, `*`). */
export function proxyFor(url: URL, s: ProxySettings): URL | undefined {
  const raw = url.protocol === 'https:' ? s.https : s.http;
  if (!raw) return undefined;
  const host = url.hostname.toLowerCase();
  const bypass = (s.noProxy ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter(Boolean);
  if (bypass.some((b) => b === '*' || host === b.replace(/^\./, '') || host.endsWith(b.startsWith('.') ? b : `.${b}`))) return undefined;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new HttpError('proxy', t`the proxy setting "${raw.replace(/\/\/[^@]*@/, '//***@')}" is not a URL`);
  }
}

function proxyAuth(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

export interface PostOptions {
  /** Default POST; GET sends no body (revocation/capture.ts fetches CRLs so). */
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  proxy?: ProxySettings;
  /** Extra CA certificates (PEM) for https (tests, private TSAs). */
  ca?: string[];
}

export function httpPost(url: URL, body: Uint8Array, o: PostOptions): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const sockets: { destroy(): void }[] = [];
    const timer = setTimeout(() => {
      done(new HttpError('timeout', t`no complete answer within ${o.timeoutMs / 1000} s`));
      for (const s of sockets) s.destroy();
    }, o.timeoutMs);

    const method = o.method ?? 'POST';
    const headers = method === 'POST' ? { ...o.headers, 'content-length': String(body.byteLength) } : o.headers;
    const onResponse = (res: IncomingMessage) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > o.maxBytes) {
        res.destroy();
        return done(new HttpError('too-large', t`answer of ${declared} bytes exceeds the ${o.maxBytes}-byte limit`));
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > o.maxBytes) {
          res.destroy();
          done(new HttpError('too-large', t`answer exceeds the ${o.maxBytes}-byte limit`));
        } else chunks.push(c);
      });
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
        done(undefined, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: h, body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('aborted', () => done(new HttpError('cut-off', t`the answer was cut off`)));
      res.on('error', (e) => done(new HttpError('cut-off', t`the answer was cut off (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    };
    const onError = (e: Error) => done(new HttpError('connect', t`cannot connect (${(e as NodeJS.ErrnoException).code ?? e.message})`));

    const proxy = o.proxy ? proxyFor(url, o.proxy) : undefined;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (!proxy) {
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method, headers, ...(o.ca ? { ca: o.ca } : {}) }, onResponse);
      sockets.push(req);
      req.on('error', onError);
      req.end(method === 'POST' ? body : undefined);
    } else if (url.protocol === 'http:') {
      // Plain HTTP through a proxy: the absolute URL as the request target.
      const req = http.request({ host: proxy.hostname, port: proxy.port || 80, method, path: url.href, headers: { ...headers, host: url.host, ...proxyAuth(proxy) } }, onResponse);
      sockets.push(req);
      req.on('error', onError);
      req.end(method === 'POST' ? body : undefined);
    } else {
      // HTTPS through a proxy: a CONNECT tunnel, then TLS end to end with the TSA.
      const connect = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${url.hostname}:${port}`, headers: { host: `${url.hostname}:${port}`, ...proxyAuth(proxy) } });
      sockets.push(connect);
      connect.on('error', onError);
      connect.on('connect', (res: IncomingMessage, socket: Duplex) => {
        sockets.push(socket);
        if (res.statusCode !== 200) {
          socket.destroy();
          return done(new HttpError('proxy', t`the proxy refused the tunnel (HTTP ${res.statusCode ?? 0})`));
        }
        const req = https.request(
          { host: url.hostname, port, method, path: `${url.pathname}${url.search}`, headers: { ...headers, host: url.host }, createConnection: () => tls.connect({ socket, servername: url.hostname, ...(o.ca ? { ca: o.ca } : {}) }) },
          onResponse,
        );
        sockets.push(req);
        req.on('error', onError);
        req.end(method === 'POST' ? body : undefined);
      });
      connect.end();
    }
  });
}
