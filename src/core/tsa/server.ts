/**
 * HTTP adapter for the bundled TSA (RFC 3161 §3.4): POST application/timestamp-query →
 * application/timestamp-reply. GET /health answers with the TSA's state. No signing logic here;
 * connection caps and timeouts (docs/tsa.md, "Limits") keep it answering under abuse.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
// Loaded with require: importing node:http as an ES module makes Node evaluate every export,
// and its lazy WebSocket/fetch getters load undici (~15-20 ms of start-up per command).
const { createServer }: typeof import('node:http') = createRequire(import.meta.url)('node:http');
import { MAX_REQUEST_BYTES, type LocalTimestampAuthority } from './authority.js';
import { ConnectionGuard } from './connections.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';

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

export interface TsaServerOptions {
  log?: ServeOptions['log'];
  health?: () => HealthReport;
  /** Connection caps and timeouts (default DEFAULT_SERVER_LIMITS). */
  limits?: ServerLimits;
  /** How often a summary of refused, evicted and timed-out connections is logged, when there are any (default 10 s). */
  abuseLogIntervalMs?: number;
}

/** How long a connection answered 413 stays open (unread) so that the client can read the answer. */
export const TOO_LARGE_LINGER_MS = 2000;

/** What a refused connection is told before it is closed. */
const REFUSED = 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

export function createTsaServer(authority: LocalTimestampAuthority, o: TsaServerOptions = {}): Server {
  const limits = o.limits ?? DEFAULT_SERVER_LIMITS;
  const guard = new ConnectionGuard(limits);
  const server = createServer(
    {
      // Node enforces these (408 and close) on a timer; check often enough for the shortest.
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(25, Math.floor(limits.headersTimeoutMs / 10))),
      // Checked in handle(), so that the 400 takes its turn among pipelined answers and the
      // requests after it are not answered (Node's own 400 would be followed by their answers).
      requireHostHeader: false,
    },
    (req, res) => handle(req, res),
  );

  // Before Node's HTTP layer sees the socket: admit it (maybe closing an idle one) or refuse it.
  server.prependListener('connection', (socket: Socket) => {
    if (!guard.admit(socket)) {
      // Destroyed now, before the HTTP layer reads from it; the short answer is already queued.
      socket.on('error', () => {});
      socket.write(REFUSED);
      socket.destroy();
      return;
    }
    socket.once('close', () => guard.closed(socket));
  });

  // A connection that is to close once the answers owed to its earlier (pipelined) requests are
  // sent, in order: then `last` (a status of its own, or nothing) is written and it is closed.
  // Reading stops at once; it is closed TOO_LARGE_LINGER_MS later whatever remains.
  const closing = new WeakMap<Socket, string>();
  const closeWhenAnswered = (socket: Socket, last: string) => {
    if (closing.has(socket)) return;
    closing.set(socket, last);
    socket.pause();
    setTimeout(() => socket.destroy(), TOO_LARGE_LINGER_MS).unref();
    closeIfAnswered(socket);
  };
  const closeIfAnswered = (socket: Socket) => {
    const last = closing.get(socket);
    if (last !== undefined && !owesAnswers(socket)) socket.end(last);
  };
  // Requests of a connection not yet answered; those wholly received are owed their answers.
  const unanswered = new WeakMap<Socket, Set<IncomingMessage>>();
  // The last request of each connection whose head arrived.
  const latest = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const owesAnswers = (socket: Socket) => [...(unanswered.get(socket) ?? [])].some((r) => r.complete);

  // Malformed requests and timeouts (Node's answers, counted).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (closing.has(socket)) return; // already closing once the answers it owes are sent
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timeout ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    // Bytes after a `Connection: close` request get nothing: its answer closes the connection.
    const answer = err.code === 'HPE_CLOSED_CONNECTION' ? '' : `HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
    if (timeout) guard.counters.timedOut++;
    // Requests before the bad one (pipelined) are answered first, in order, then the bad one.
    if (!timeout && owesAnswers(socket)) return closeWhenAnswered(socket, answer);
    // Not when the request in progress was answered on its head alone (405, /health): a second
    // answer to it would be read as the answer to a request the client did not send.
    const current = latest.get(socket);
    if (socket.writable && !(current && !current.req.complete && current.res.writableFinished)) socket.write(answer);
    socket.destroy();
  });

  // `Expect: 100-continue`: Node writes its `100 Continue` on the socket at once, which, while an
  // earlier pipelined request's answer is still queued, lands inside that answer. It is sent only
  // when nothing else is owed on the connection; otherwise the body is simply read (RFC 9110 §10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!closing.has(req.socket) && !unanswered.get(req.socket)?.size) res.writeContinue();
    handle(req, res);
  });

  // Abuse shows up in the log as one summary line per interval, not one line per socket.
  let logged = JSON.stringify(guard.counters);
  const summary = setInterval(() => {
    const now = JSON.stringify(guard.counters);
    if (now === logged) return;
    logged = now;
    o.log?.({ time: new Date().toISOString(), event: 'connections', ...guard.stats() });
  }, o.abuseLogIntervalMs ?? 10_000).unref();
  server.on('close', () => clearInterval(summary));

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const socket = req.socket;
    // A request after one that closes the connection is neither answered nor given a serial.
    if (closing.has(socket)) return;
    guard.requestStarted(socket);
    latest.set(socket, { req, res });
    let finished = false;
    const requestDone = () => {
      if (finished) return;
      finished = true;
      guard.requestDone(socket);
    };
    let pending = unanswered.get(socket);
    if (!pending) unanswered.set(socket, (pending = new Set()));
    pending.add(req);
    res.once('close', () => {
      requestDone();
      pending.delete(req);
      closeIfAnswered(socket);
    });
    const done = (status: number, bytes: number) => o.log?.({ time: new Date().toISOString(), method: req.method, path: req.url, status, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    const plain = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
      done(status, Buffer.byteLength(text));
    };
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      plain(400, 'an HTTP/1.1 request needs a Host header\n', { connection: 'close' });
      return closeWhenAnswered(socket, '');
    }
    if (req.method === 'GET' && req.url === '/health') {
      const h = { ...(o.health?.() ?? { status: 'ok', issued: authority.issued }), connections: guard.stats() };
      const code = h.status === 'ok' ? 200 : 503;
      const text = `${JSON.stringify(h)}\n`;
      // Content-Length always: without it an HTTP/1.0 client gets an answer framed only by the close.
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      return done(code, Buffer.byteLength(text));
    }
    if (guard.pool(socket) === 'reserve') return plain(503, 'the server is at its connection limit; only GET /health is answered on this connection\n', { 'retry-after': '1', connection: 'close' });
    if (req.method !== 'POST') return plain(405, 'POST an application/timestamp-query\n', { allow: 'POST' });
    // Too large: answer at once (after the answers owed to earlier pipelined requests) and stop
    // reading. The answer goes out on the socket itself, then reading stops and, after a grace
    // period for the client to read it, the connection is closed: closing at once, with the
    // client's bytes unread, would reset the connection and could destroy the answer before the
    // client reads it.
    let answered = false;
    const tooLarge = () => {
      answered = true;
      guard.counters.tooLarge++;
      requestDone(); // nothing more to do for it: it may give way to others
      req.pause();
      const text = `a TimeStampReq is at most ${MAX_REQUEST_BYTES} bytes\n`;
      closeWhenAnswered(socket, `HTTP/1.1 413 Content Too Large\r\ncontent-type: text/plain\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`);
      done(413, text.length);
    };
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_REQUEST_BYTES) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (answered) return;
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge();
      else chunks.push(c);
    });
    req.on('end', () => {
      // A connection already closed (a later pipelined request was malformed) gets no token: no serial is spent on it.
      if (answered || socket.destroyed || !socket.writable) return;
      const answer = authority.respond(new Uint8Array(Buffer.concat(chunks)));
      res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': answer.byteLength }).end(answer);
      done(200, answer.byteLength);
    });
    req.on('error', () => res.destroy());
  }

  return server;
}

/**
 * Connections the kernel may hold for the server before it accepts them (capped by Linux's
 * net.core.somaxconn). Node's default, 511, is one second of a modest connection flood; past it
 * the kernel drops new connections' SYNs, and a client (the operator's /health included) waits
 * 1 s, then 3 s, for its retry.
 */
export const LISTEN_BACKLOG = 4096;

export function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : { host, port });
    });
  });
}
