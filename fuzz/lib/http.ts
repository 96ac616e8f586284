/**
 * HTTP/1.1 for the `tsa-http` target: requests described as models and written as bytes (so that
 * the target knows what each canonical request must be answered), edits that make them lie
 * (Content-Length, chunked framing, garbage), and a strict reader of the server's answers.
 *
 * An input is one control byte and the bytes sent on one connection:
 *   bit 7     the bytes are canonical (written from models, unedited): each request's status is known;
 *   bits 0–1  delivery: 0 all at once, 1 in pieces of 1 + 4 × bits 2–6 bytes (at most 256 pieces, an event-loop turn apart),
 *             2 cut at (bits 2–6)/32 of the bytes, 3 all but the last bytes and no end (the server's
 *             timeouts must answer 408 or close);
 * the client ends its side after sending (except delivery 3) and reads until the server closes.
 */
import fc from 'fast-check';
import { byteEdit, opArb } from './mutate.ts';

export const MAX_BODY = 16 * 1024;

export interface HttpRequestModel {
  method: string;
  path: string;
  headers: [string, string][];
  body: Uint8Array;
  framing: 'length' | 'chunked' | 'none';
  /** Chunk sizes for chunked framing (the body is cut into these, the rest in one chunk). */
  chunks: number[];
}

const enc = new TextEncoder();
export const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A request as bytes, framed as its model says (Host always sent: Node refuses HTTP/1.1 without it). */
export function writeRequest(r: HttpRequestModel): Uint8Array {
  const head = [`${r.method} ${r.path} HTTP/1.1`, 'Host: 127.0.0.1', ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  if (r.framing === 'length') head.push(`Content-Length: ${r.body.length}`);
  if (r.framing === 'chunked') head.push('Transfer-Encoding: chunked');
  const parts: Uint8Array[] = [enc.encode(`${head.join('\r\n')}\r\n\r\n`)];
  if (r.framing === 'length') parts.push(r.body);
  if (r.framing === 'chunked') {
    let at = 0;
    for (const size of [...r.chunks, r.body.length]) {
      const n = Math.min(size, r.body.length - at);
      if (n <= 0) continue;
      parts.push(enc.encode(`${n.toString(16)}\r\n`), r.body.subarray(at, at + n), enc.encode('\r\n'));
      at += n;
    }
    parts.push(enc.encode('0\r\n\r\n'));
  }
  return concat(parts);
}

/**
 * The models a canonical wire (written by writeRequest) was written from, read back; undefined
 * if the bytes are not such a wire. Lets a saved canonical input be judged as strictly as a fresh one.
 */
export function readCanonical(wire: Uint8Array): { models: HttpRequestModel[]; ends: number[] } | undefined {
  const b = Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength);
  const models: HttpRequestModel[] = [];
  const ends: number[] = [];
  let at = 0;
  while (at < b.length) {
    const end = b.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) return undefined;
    const [first, ...lines] = b.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(first!);
    if (!m || lines[0] !== 'Host: 127.0.0.1') return undefined;
    const headers: [string, string][] = [];
    let length: number | undefined;
    let chunked = false;
    for (const l of lines.slice(1)) {
      const i = l.indexOf(': ');
      const [k, v] = i < 0 ? [l.slice(0, -1), ''] : [l.slice(0, i), l.slice(i + 2)];
      if (k === 'Content-Length') length = Number(v);
      else if (k === 'Transfer-Encoding' && v === 'chunked') chunked = true;
      else headers.push([k, v]);
    }
    at = end + 4;
    let body: Uint8Array = new Uint8Array(0);
    if (length !== undefined) {
      body = b.subarray(at, at + length);
      at += length;
    } else if (chunked) {
      const parts: Uint8Array[] = [];
      for (;;) {
        const eol = b.indexOf('\r\n', at, 'latin1');
        if (eol < 0) return undefined;
        const n = Number.parseInt(b.subarray(at, eol).toString('latin1'), 16);
        at = eol + 2;
        if (n === 0) {
          at += 2;
          break;
        }
        parts.push(b.subarray(at, at + n));
        at += n + 2;
      }
      body = concat(parts);
    }
    models.push({ method: m[1]!, path: m[2]!, headers, body, framing: length !== undefined ? 'length' : chunked ? 'chunked' : 'none', chunks: [] });
    ends.push(Math.min(at, b.length));
  }
  return { models, ends };
}

export interface Expected {
  status: number;
  /** The server closes the connection after this answer. */
  closes: boolean;
}

/** What the server documents (docs/tsa.md) for a canonical request. */
export function expectedAnswer(r: HttpRequestModel): Expected {
  const headerBytes = r.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  if (headerBytes > 16 * 1024) return { status: 431, closes: true };
  const closes = r.headers.some(([k, v]) => k.toLowerCase() === 'connection' && v.toLowerCase() === 'close');
  if (r.method === 'GET' && r.path === '/health') return { status: 200, closes };
  if (r.method !== 'POST') return { status: 405, closes };
  if (r.framing !== 'none' && r.body.length > MAX_BODY) return { status: 413, closes: true };
  return { status: 200, closes };
}

// No HEAD: its answer has a Content-Length and no body, which a reader of bytes cannot tell apart.
const METHODS = ['POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS', 'DELETE', 'PATCH'];
const PATHS = ['/', '/', '/tsa', '/health', '/health', '/health?x=1', '/a/b/../c', 'http://127.0.0.1/tsa', '/%00%ff', `/${'a'.repeat(2000)}`];
const EXTRA_HEADERS: [string, string][] = [
  ['Content-Type', 'application/timestamp-query'],
  ['Content-Type', 'application/json'],
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Accept', 'application/timestamp-reply'],
  ['Connection', 'close'],
  ['Connection', 'keep-alive'],
  ['User-Agent', 'tsproof-fuzz'],
  ['X-Long', 'x'.repeat(20_000)],
  ['X-Empty', ''],
  ['Authorization', 'Basic dXNlcjpwYXNz'],
  ['Cookie', 'a=b'],
];

export const requestModelArb = (tsqs: readonly Uint8Array[]): fc.Arbitrary<HttpRequestModel> =>
  fc.record({
    method: fc.constantFrom(...METHODS),
    path: fc.constantFrom(...PATHS),
    headers: fc.array(fc.constantFrom(...EXTRA_HEADERS), { maxLength: 3 }),
    body: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...tsqs) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...tsqs), opArb).map(([t, op]) => byteEdit(t, op, tsqs[0]!)) },
      { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
      { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 2, max: MAX_BODY + 2 }).map((n) => new Uint8Array(n).fill(0x30)) },
      { weight: 1, arbitrary: fc.integer({ min: MAX_BODY + 3, max: 200_000 }).map((n) => new Uint8Array(n).fill(0x41)) },
    ),
    framing: fc.constantFrom('length', 'length', 'chunked', 'none'),
    chunks: fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 6 }),
  }) as fc.Arbitrary<HttpRequestModel>;

/** Lines that make a request lie or break HTTP: inserted into a request's head. */
const LIES = [
  'Content-Length: 0',
  'Content-Length: 1',
  'Content-Length: 99999999999999999999',
  'Content-Length: -1',
  'Content-Length: 1e3',
  'Content-Length: +5',
  'Content-Length: 0x10',
  'Content-Length:  5 ',
  'Content-Length: 5, 5',
  'Content-Length: 16385',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Transfer-Encoding: chunked, identity',
  'Transfer-Encoding: identity',
  'Transfer-Encoding : chunked',
  'Expect: 100-continue',
  'Expect: 200-ok',
  'Host: a',
  'X\u0000: y',
  ' folded: continuation',
  'bad header',
  ':',
  'Upgrade: h2c',
  'Connection: Upgrade, HTTP2-Settings',
];
const CHUNK_EDITS = ['ffffffffffffffffff\r\n', '-1\r\n', 'g\r\n', '5;ext=1\r\nhello\r\n', '0\r\nTrailer: x\r\n\r\n', '\r\n', '1\r\nab\r\n', '4000\r\n', '0\r\n'];
const PREFIXES = [
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'POST /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /health HTTP/1.1\r\n\r\n',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  '\u0016\u0003\u0001\u0002\u0000\u0001\u0000',
  'GET / HTTP/0.9\r\n\r\n',
  'POST / HTTP/1.0\r\n\r\n',
  'POST / HTTP/9.9\r\nHost: a\r\n\r\n',
  '\r\n\r\n',
  'POST  /  HTTP/1.1\r\n',
  'post / http/1.1\r\nHost: a\r\n\r\n',
];

/** A wire made to lie: a line inserted into a head, a chunk edit, a prefix of garbage, or byte edits. */
export function lieEdit(wire: Uint8Array, op: { kind: number; a: number; b: number; c: number }): Uint8Array {
  const text = Buffer.from(wire).toString('latin1');
  const heads = [...text.matchAll(/\r\n\r\n/g)].map((m) => m.index!);
  switch (op.kind % 5) {
    case 0: {
      // a lying header line after a request line
      const starts = [...text.matchAll(/HTTP\/1\.1\r\n/g)].map((m) => m.index! + 10);
      if (!starts.length) return wire;
      const at = starts[op.a % starts.length]!;
      return concat([wire.subarray(0, at), enc.encode(`${LIES[op.b % LIES.length]}\r\n`), wire.subarray(at)]);
    }
    case 1: {
      // a chunk header replaced or inserted after a head
      if (!heads.length) return wire;
      const at = heads[op.a % heads.length]! + 4;
      return concat([wire.subarray(0, at), enc.encode(CHUNK_EDITS[op.b % CHUNK_EDITS.length]!), wire.subarray(at + (op.c % 8))]);
    }
    case 2:
      return concat([enc.encode(PREFIXES[op.b % PREFIXES.length]!), wire]);
    case 3:
      // the Content-Length value changed by a little
      return enc.encode(text.replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Math.max(0, Number(n) + (op.b % 9) - 4)}`));
    default:
      return byteEdit(wire, op, enc.encode(LIES[op.c % LIES.length]!));
  }
}

export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: Uint8Array;
}

/**
 * The server's answers, read strictly: a status line, headers, a body framed by Content-Length
 * or chunked. Throws (a finding) on anything malformed; an incomplete last answer is a finding too.
 */
export function readAnswers(bytes: Uint8Array): HttpAnswer[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: HttpAnswer[] = [];
  let at = 0;
  while (at < b.length) {
    const end = b.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) throw new Error(`an answer's head is cut off: ${JSON.stringify(b.subarray(at, at + 200).toString('latin1'))}`);
    const lines = b.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(lines[0]!);
    if (!m) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0]!.slice(0, 200))}`);
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const h = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?(.*)$/.exec(l);
      if (!h) throw new Error(`a malformed answer header: ${JSON.stringify(l.slice(0, 200))}`);
      headers.set(h[1]!.toLowerCase(), h[2]!);
    }
    at = end + 4;
    const status = Number(m[1]);
    let body: Uint8Array = new Uint8Array(0);
    if (status >= 200 && status !== 204 && status !== 304) {
      const cl = headers.get('content-length');
      if (cl !== undefined) {
        if (!/^\d+$/.test(cl)) throw new Error(`an answer's Content-Length is ${JSON.stringify(cl)}`);
        if (at + Number(cl) > b.length) throw new Error(`an answer's body is cut off (${b.length - at} of ${cl} bytes)`);
        body = b.subarray(at, at + Number(cl));
        at += Number(cl);
      } else if (headers.get('transfer-encoding') === 'chunked') {
        const parts: Buffer[] = [];
        for (;;) {
          const eol = b.indexOf('\r\n', at, 'latin1');
          if (eol < 0) throw new Error("an answer's chunked body is cut off");
          const n = Number.parseInt(b.subarray(at, eol).toString('latin1'), 16);
          if (!Number.isFinite(n)) throw new Error('an answer has a malformed chunk size');
          at = eol + 2;
          if (n === 0) {
            if (b.subarray(at, at + 2).toString('latin1') !== '\r\n') throw new Error("an answer's chunked body does not end with CRLF");
            at += 2;
            break;
          }
          parts.push(b.subarray(at, at + n));
          at += n + 2;
        }
        body = Buffer.concat(parts);
      } else throw new Error(`an answer (${status}) without Content-Length or chunked framing`);
    }
    out.push({ status, headers, body });
  }
  return out;
}

/** The seed corpus (fuzz/corpus/tsa-http/, by fuzz/make-corpus.ts): valid, pipelined, chunked, refused and oversized requests. */
export function httpSeeds(tsqs: readonly Uint8Array[]): Record<string, Uint8Array> {
  const post = (body: Uint8Array, framing: HttpRequestModel['framing'] = 'length', headers: [string, string][] = [['Content-Type', 'application/timestamp-query']]): HttpRequestModel => ({
    method: 'POST',
    path: '/',
    headers,
    body,
    framing,
    chunks: [7, 100],
  });
  const health: HttpRequestModel = { method: 'GET', path: '/health', headers: [], body: new Uint8Array(0), framing: 'none', chunks: [] };
  const wire = (...models: HttpRequestModel[]) => {
    const w = concat(models.map(writeRequest));
    const out = new Uint8Array(w.length + 1);
    out[0] = 0x80; // canonical, sent at once
    out.set(w, 1);
    return out;
  };
  return {
    'post.http': wire(post(tsqs[0]!)),
    'post-chunked.http': wire(post(tsqs[1 % tsqs.length]!, 'chunked')),
    'pipelined.http': wire(...tsqs.map((t) => post(t)), health),
    'health.http': wire(health),
    'get-root.http': wire({ ...health, path: '/' }),
    'close.http': wire(post(tsqs[0]!, 'length', [['Connection', 'close']]), health),
    'too-large.http': wire(post(new Uint8Array(MAX_BODY + 1).fill(0x30))),
    'too-large-chunked.http': wire(post(new Uint8Array(MAX_BODY + 1).fill(0x30), 'chunked')),
  };
}
