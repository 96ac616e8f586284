/** Local HTTP servers for tests: a well-behaved TSA and one hostile TSA per defect. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { hash } from '../../src/core/crypto/algorithms.js';
import { digestFromOid } from '../../src/core/crypto/algorithms.js';
import { der } from '../../src/core/asn1/der.js';
import { parseTimeStampReq, encodePkiStatusInfo, type ParsedTimeStampReq } from '../../src/core/tsp/messages.js';
import { forgeToken, grantedResponse, type ForgeOptions } from './forge.js';
import { party } from './fixtures.js';

export interface Running {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function serve(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<Running> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      running.requests++;
      handler(req, Buffer.concat(chunks), res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const running: Running = {
    url: `http://127.0.0.1:${port}/`,
    requests: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  return running;
}

export type HostileMode =
  | 'ok'
  | 'wrong-imprint'
  | 'wrong-nonce'
  | 'missing-nonce'
  | 'rejection'
  | 'garbage'
  | 'html'
  | 'http-500'
  | 'timeout'
  | 'truncated'
  | 'wrong-content-type'
  | 'no-eku'
  | 'other-key'
  | 'wrong-ess'
  | 'expired-cert'
  | 'untrusted-root'
  | 'future-gentime'
  | 'redirect'
  | 'oversized'
  | 'trailing-bytes'
  | 'wrong-policy'
  | 'response-content-type'
  | 'no-certs'
  | 'non-critical-eku'
  | 'needs-auth'
  | 'rate-limited-once';

const reply = (res: ServerResponse, body: Uint8Array, type = 'application/timestamp-reply') => res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength }).end(body);

/** A TSA that answers every request with the given defect (signed by fixtures/pki/tsa-ec unless the defect needs otherwise). */
export function hostileTsa(mode: HostileMode): Promise<Running> {
  let first = true;
  return serve((incoming, body, res) => {
    if (mode === 'needs-auth' && incoming.headers.authorization !== `Basic ${Buffer.from('tsa-user:s3cret-tsa-pw').toString('base64')}`) {
      return res.writeHead(401, { 'www-authenticate': 'Basic realm="tsa"' }).end();
    }
    if (mode === 'rate-limited-once' && first) {
      first = false;
      return res.writeHead(429, { 'retry-after': '1' }).end();
    }
    let req: ParsedTimeStampReq;
    try {
      req = parseTimeStampReq(body);
    } catch {
      return reply(res, der.sequence(encodePkiStatusInfo(2, 'bad request', 5)));
    }
    const tsa = party('tsa-ec');
    const base: ForgeOptions = {
      cert: tsa.cert,
      key: tsa.key,
      imprintAlgorithm: digestFromOid(req.imprintAlgorithm.oid)!,
      imprint: req.imprint,
      ...(req.nonce !== undefined ? { nonce: req.nonce } : {}),
      ...(req.policy ? { policy: req.policy } : {}),
    };
    const token = (o: Partial<ForgeOptions> = {}) => grantedResponse(forgeToken({ ...base, ...o }));
    switch (mode) {
      case 'ok':
      case 'needs-auth':
      case 'rate-limited-once':
        return reply(res, token());
      case 'response-content-type':
        return reply(res, token(), 'application/timestamp-response');
      case 'no-certs':
        return reply(res, token({ certificates: [] }));
      case 'non-critical-eku': {
        const p = party('tsa-noncritical-eku');
        return reply(res, token({ cert: p.cert, key: p.key }));
      }
      case 'wrong-imprint':
        return reply(res, token({ imprint: hash('sha256', new Uint8Array([1, 2, 3])) }));
      case 'wrong-nonce':
        return reply(res, token({ nonce: (req.nonce ?? 0n) + 1n }));
      case 'missing-nonce': {
        const { nonce: _n, ...rest } = base;
        return reply(res, grantedResponse(forgeToken(rest)));
      }
      case 'wrong-policy':
        return reply(res, token({ policy: '1.2.3.4.5.6.7' }));
      case 'rejection':
        return reply(res, der.sequence(encodePkiStatusInfo(2, 'quota exceeded', 25)));
      case 'garbage':
        return reply(res, randomBytes(300));
      case 'trailing-bytes': {
        const t = token();
        return reply(res, new Uint8Array([...t, 0, 0, 0]));
      }
      case 'html':
        return reply(res, new Uint8Array(Buffer.from('<html><body>Service unavailable</body></html>')), 'text/html');
      case 'http-500':
        return res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      case 'timeout':
        return; // never answer
      case 'truncated': {
        const t = token();
        res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': t.byteLength });
        res.write(t.subarray(0, t.byteLength >> 1));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case 'wrong-content-type':
        return reply(res, token(), 'application/octet-stream');
      case 'no-eku': {
        const p = party('tsa-no-eku');
        return reply(res, token({ cert: p.cert, key: p.key }));
      }
      case 'other-key':
        return reply(res, token({ signingKey: party('tsa-untrusted').key }));
      case 'wrong-ess':
        return reply(res, token({ essFor: party('tsa-rsa').cert }));
      case 'expired-cert': {
        const p = party('tsa-expired');
        return reply(res, token({ cert: p.cert, key: p.key }));
      }
      case 'untrusted-root': {
        const p = party('tsa-untrusted');
        return reply(res, token({ cert: p.cert, key: p.key, certificates: [p.cert, party('untrusted-root-ca').cert] }));
      }
      case 'future-gentime':
        return reply(res, token({ genTime: new Date(Date.now() + 5 * 365 * 86400_000) }));
      case 'redirect':
        return res.writeHead(302, { location: 'http://example.invalid/tsa' }).end();
      case 'oversized': {
        const big = new Uint8Array(2 << 20);
        return reply(res, big);
      }
    }
  });
}
