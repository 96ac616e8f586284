/**
 * `tsa serve`'s HTTP layer (src/core/tsa/server.ts, the server the command runs) on loopback:
 * mutated requests — methods, paths, headers, Content-Type, Content-Length lies, chunked framing
 * edits, oversized, truncated and slowly sent bodies, pipelining, garbage — one connection per
 * input (fuzz/lib/http.ts says how an input is read). The contract, beyond the usual one:
 *
 * - every answer is well-formed HTTP/1.1 with a status the server documents (docs/tsa.md): 200,
 *   400, 405 (with `Allow: POST`), 408, 413, 431, or the connection is closed; a 200 to a POST is
 *   a TimeStampResp that parses, a 200 to `GET /health` its JSON; nothing follows an answer
 *   that closes (400, 408, 413, 431);
 * - a canonical request (written from a model, unedited) gets exactly the status documented for it;
 * - serials: the authority consumes exactly one per granted token the client received — none for
 *   a refused, cut or rejected request;
 * - every 50 inputs the server still answers a valid request and `/health` on a new connection,
 *   and its open connections do not pile up (bounded memory: the worker's heap limit).
 */
import net from 'node:net';
import fc from 'fast-check';
import { LocalTimestampAuthority } from '../../dist/core/tsa/authority.js';
import { DEFAULT_SERVER_LIMITS } from '../../dist/core/tsa/limits.js';
import { createTsaServer, listen } from '../../dist/core/tsa/server.js';
import { parseTimeStampResp } from '../../dist/core/tsp/messages.js';
import { FUZZ_NOW, seedFiles, seeds } from '../lib/corpus.ts';
import { concat, expectedAnswer, type Expected, type HttpAnswer, lieEdit, readAnswers, readCanonical, requestModelArb, writeRequest } from '../lib/http.ts';
import { opArb } from '../lib/mutate.ts';
import type { Target } from '../lib/target.ts';

/** Statuses the server documents; anything else is a finding. */
const DOCUMENTED = new Set([100, 200, 400, 405, 408, 413, 417, 431]);
/** Statuses after which the server closes the connection. */
const CLOSING = new Set([400, 408, 413, 431]);

let port: number;
let slowPort: number;
let consumed = 0n;
let inputs = 0;
let valid: Uint8Array;

/** An input: the control byte (see fuzz/lib/http.ts) and the wire; canonical inputs carry their expectations in the wire itself. */
function input(control: number, wire: Uint8Array): Uint8Array {
  const out = new Uint8Array(wire.length + 1);
  out[0] = control;
  out.set(wire, 1);
  return out;
}

/** Sends `wire` on a new connection as `control` says and returns all the server sent, and whether it closed. */
function exchange(p: number, control: number, wire: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const s = net.connect({ port: p, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`the server neither answered nor closed within 15 s (delivery ${control & 3})`));
    }, 15_000);
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => {}); // a reset after the server's answer: what it sent is judged
    s.on('close', () => {
      clearTimeout(timer);
      resolve(new Uint8Array(Buffer.concat(got)));
    });
    const mode = control & 3;
    const k = (control >> 2) & 31;
    s.on('connect', () => {
      if (mode === 0) s.end(wire);
      else if (mode === 1) {
        // At most 256 pieces: a slow sender, not a test of the client's patience.
        const piece = Math.max(1 + k * 4, Math.ceil(wire.length / 256));
        let at = 0;
        const next = () => {
          if (s.destroyed) return;
          if (at >= wire.length) return void s.end();
          s.write(wire.subarray(at, at + piece));
          at += piece;
          setImmediate(next);
        };
        next();
      } else if (mode === 2) s.end(wire.subarray(0, Math.floor((wire.length * k) / 32)));
      else s.write(wire.subarray(0, Math.max(0, wire.length - 1 - k)));
    });
  });
}

/** Where each canonical request ends in the wire, and what it must be answered. */
interface Plan {
  ends: number[];
  expected: Expected[];
}

function judge(answers: HttpAnswer[], control: number, wireLength: number, plan: Plan | undefined): number {
  let granted = 0;
  answers.forEach((a, i) => {
    if (!DOCUMENTED.has(a.status)) throw new Error(`answer ${i + 1}: status ${a.status} is not one the server documents`);
    if (i < answers.length - 1 && CLOSING.has(a.status)) throw new Error(`answer ${i + 1}: ${a.status} closes the connection, yet ${answers.length - 1 - i} answer(s) followed`);
    if (a.status === 405 && a.headers.get('allow') !== 'POST') throw new Error(`answer ${i + 1}: 405 without Allow: POST`);
    if (a.status === 200) {
      const type = a.headers.get('content-type');
      if (type === 'application/json') {
        const h = JSON.parse(Buffer.from(a.body).toString('utf8')) as { status?: string };
        if (h.status !== 'ok') throw new Error(`answer ${i + 1}: /health said ${JSON.stringify(h)}`);
      } else if (type === 'application/timestamp-reply') {
        const r = parseTimeStampResp(a.body);
        if (r.status !== 0 && r.status !== 2) throw new Error(`answer ${i + 1}: TimeStampResp status ${r.status}`);
        if (r.status === 0) granted++;
      } else throw new Error(`answer ${i + 1}: 200 with Content-Type ${type}`);
    }
  });
  if (plan) {
    const mode = control & 3;
    const k = (control >> 2) & 31;
    const sent = mode === 2 ? Math.floor((wireLength * k) / 32) : mode === 3 ? Math.max(0, wireLength - 1 - k) : wireLength;
    // Requests wholly sent get exactly their documented answers, in order, until one that closes;
    // the one cut short gets its own answer (its head may suffice), 400, 408, or nothing.
    const complete = plan.ends.filter((e) => e <= sent).length;
    const seq: number[] = [];
    for (const e of plan.expected.slice(0, complete)) {
      seq.push(e.status);
      if (e.closes) break;
    }
    const cut = seq.length === complete && complete < plan.expected.length ? plan.expected[complete]! : undefined;
    const show = () => `answers ${answers.map((a) => a.status).join(', ') || 'none'}; documented ${seq.join(', ') || 'none'}${cut ? ` and ${cut.status} or 400 or nothing for the request cut short` : ''}`;
    for (const [i, a] of answers.entries()) {
      if (a.status === 408 && mode === 3) break; // the short-timeout server's 408 may come first on a starved machine
      if (i < seq.length && a.status === seq[i]) continue;
      if (i === answers.length - 1 && i === seq.length && cut && [cut.status, 400, 408].includes(a.status)) continue;
      throw new Error(`request ${i + 1}: ${show()}`);
    }
    if (answers.length < seq.length && !(mode === 3 && answers.at(-1)?.status === 408)) throw new Error(`a request sent whole got no answer: ${show()}`);
  }
  return granted;
}

async function roundTrip(p: number, control: number, wire: Uint8Array, plan: Plan | undefined): Promise<void> {
  const before = consumed;
  const answers = readAnswers(await exchange(p, control, wire));
  const granted = judge(answers, control, wire.length, plan);
  if (consumed - before !== BigInt(granted)) throw new Error(`the authority consumed ${consumed - before} serial(s) for ${granted} granted token(s) received`);
}

/** The server still answers a valid request and /health, and its connections do not pile up. */
async function stillServes(): Promise<void> {
  const wire = Buffer.concat([
    writeRequest({ method: 'POST', path: '/', headers: [['Content-Type', 'application/timestamp-query']], body: valid, framing: 'length', chunks: [] }),
    writeRequest({ method: 'GET', path: '/health', headers: [], body: new Uint8Array(0), framing: 'none', chunks: [] }),
  ]);
  const before = consumed;
  const answers = readAnswers(await exchange(port, 0, wire));
  if (answers.length !== 2 || answers[0]!.status !== 200 || answers[1]!.status !== 200) throw new Error(`after ${inputs} inputs the server no longer serves: ${answers.map((a) => a.status).join(', ') || 'no answer'}`);
  if (parseTimeStampResp(answers[0]!.body).status !== 0 || consumed - before !== 1n) throw new Error(`after ${inputs} inputs a valid request was not granted`);
  const h = JSON.parse(Buffer.from(answers[1]!.body).toString('utf8')) as { connections: { open: number } };
  // Connections answered 413 linger 2 s (docs/tsa.md): a few hundred at most at this rate.
  if (h.connections.open > 500) throw new Error(`after ${inputs} inputs ${h.connections.open} connections are still open`);
}

export const target: Target = {
  name: 'tsa-http',
  about: "`tsa serve`'s HTTP layer on loopback: mutated, lying, cut, slow and pipelined requests; documented statuses, no serial for a refused request, still serving",
  seeds: () => seeds('tsa-http'),
  inputs(s) {
    const tsqs = seeds('tsa-request');
    const models = fc.array(requestModelArb(tsqs), { minLength: 1, maxLength: 3 });
    // Delivery 3 waits for the server's timeouts (a few hundred ms): one input in 200.
    const control = fc.oneof({ weight: 199, arbitrary: fc.tuple(fc.nat(31), fc.nat(2)).map(([k, mode]) => (k << 2) | mode) }, { weight: 1, arbitrary: fc.nat(31).map((k) => (k << 2) | 3) });
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(control, models).map(([c, m]) => input(c | 0x80, concat(m.map(writeRequest)))),
      },
      {
        weight: 5,
        arbitrary: fc.tuple(control, models, fc.array(opArb, { minLength: 1, maxLength: 3 })).map(([c, m, ops]) =>
          input(
            c & 0x7f,
            ops.reduce((w, op) => lieEdit(w, op), concat(m.map(writeRequest))),
          ),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(control, fc.constantFrom(...s), fc.array(opArb, { maxLength: 2 })).map(([c, seed, ops]) =>
          input(
            c & 0x7f,
            ops.reduce((w, op) => lieEdit(w, op), seed.subarray(1)),
          ),
        ),
      },
      { weight: 1, arbitrary: fc.tuple(control, fc.uint8Array({ maxLength: 200 })).map(([c, garbage]) => input(c & 0x7f, garbage)) },
    );
  },
  // Generous: on a starved machine (a campaign under nice) a loopback round trip can take seconds.
  timeLimitMs: 20_000,
  async setup() {
    valid = seedFiles('tsa-request').find((f) => f.name === 'sha256-plain.tsq')!.bytes;
    const { cert, key } = await import('../lib/oracle.ts');
    let serial = 1n;
    const authority = new LocalTimestampAuthority({
      key: key('tsa-ec'),
      certificate: cert('tsa-ec'),
      chain: [],
      policy: '1.2.3.4.77',
      clock: () => FUZZ_NOW,
      serials: () => {
        consumed++;
        return serial++;
      },
    });
    const server = createTsaServer(authority);
    port = (await listen(server, '127.0.0.1', 0)).port;
    // Delivery 3 (requests left unfinished) goes to a server with short timeouts.
    const slow = createTsaServer(authority, { limits: { ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: 100, requestTimeoutMs: 300, keepAliveTimeoutMs: 100 } });
    slowPort = (await listen(slow, '127.0.0.1', 0)).port;
    server.unref();
    slow.unref();
  },
  async run(bytes) {
    if (bytes.length === 0) return;
    const control = bytes[0]!;
    const wire = bytes.subarray(1);
    // A canonical input's requests are read back from its wire: each status is then known.
    const canonical = control & 0x80 ? readCanonical(wire) : undefined;
    if (control & 0x80 && !canonical) throw new Error('an input marked canonical is not a wire of whole requests');
    const plan = canonical && { ends: canonical.ends, expected: canonical.models.map(expectedAnswer) };
    await roundTrip((control & 3) === 3 ? slowPort : port, control, wire, plan);
    if (++inputs % 50 === 0) await stillServes();
  },
};
