/**
 * Load generator for bench/tsa-load.ts, run in its own process: `concurrency` keep-alive
 * clients send RFC 3161 requests (SHA-256 of random data, with a nonce) for `seconds`, then
 * write every (digest, nonce, latency, response) to `out` as JSON lines. Bounded in time and
 * aimed only at the loopback URL it is given.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import http from 'node:http';

const [url, concurrency, seconds, out] = process.argv.slice(2);
const target = new URL(url!);
if (!['127.0.0.1', 'localhost', '::1'].includes(target.hostname)) throw new Error('load tests only target loopback');
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const stream = createWriteStream(out!);
const deadline = Date.now() + Number(seconds) * 1000;

function der(tag: number, content: Buffer): Buffer {
  const len = content.length < 0x80 ? Buffer.of(content.length) : Buffer.of(0x81, content.length);
  return Buffer.concat([Buffer.of(tag), len, content]);
}
function request(digest: Buffer, nonce: Buffer): Buffer {
  const algo = der(0x30, der(0x06, Buffer.from('608648016503040201', 'hex')));
  const imprint = der(0x30, Buffer.concat([algo, der(0x04, digest)]));
  return der(0x30, Buffer.concat([Buffer.from('020101', 'hex'), imprint, der(0x02, nonce), Buffer.from('0101ff', 'hex')]));
}

let sent = 0;
async function worker(): Promise<void> {
  while (Date.now() < deadline) {
    const digest = createHash('sha256').update(randomBytes(16)).digest();
    const nonce = Buffer.concat([Buffer.of(0x40), randomBytes(7)]);
    const body = request(digest, nonce);
    const t0 = process.hrtime.bigint();
    const res = await new Promise<{ status: number; body: Buffer }>((resolve) => {
      const req = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/timestamp-query', 'content-length': body.length } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      // A refused or reset connection is a failed request, counted, not a crash.
      req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
      req.end(body);
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    sent++;
    stream.write(`${JSON.stringify({ digest: digest.toString('hex'), nonce: nonce.toString('hex'), ms, status: res.status, response: res.body.toString('base64') })}\n`);
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, worker));
stream.end(() => {
  agent.destroy();
  process.stdout.write(`${sent}\n`);
});
