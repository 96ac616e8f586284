/**
 * Hostile sizes against the built CLI (issue 11, docs/limits.md): each input that used to cost
 * hundreds of megabytes, a minute, or a V8 out-of-memory abort (exit 134) is refused at once
 * with exit 2 (exit 3 for a TSA's answer during registration) and one line naming the limit,
 * or — within the limits — handled in bounded memory. Every run here has V8's old space capped
 * at 64 MB (the old code aborted under it on each of these inputs) and its peak RSS measured
 * with GNU time (< 200 MB).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { der, tlv } from '../../src/core/asn1/der.js';
import { digestFromOid } from '../../src/core/crypto/algorithms.js';
import { LIMITS } from '../../src/core/limits.js';
import { parseTimeStampReq } from '../../src/core/tsp/messages.js';
import { party } from '../helpers/fixtures.js';
import { forgeToken, grantedResponse, type ForgeOptions } from '../helpers/forge.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { hostileTsa, serve, type Running } from '../helpers/servers.js';
import { cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';

const PASSPHRASE = 'limits test';
/** V8's old space for every run (a normal run needs ~16 MB). */
const BOUND = { heapMb: 64 };
const MAX_RSS_MB = 200;

let ws: CliWorkspace;
let tsa: Running;
let receipt: Record<string, unknown>;
const data = 'registered evidence\n';

/** The CLI in the workspace, bounded. */
const run = (args: string[]): Promise<CliResult> => runCli(args, { cwd: ws.work, env: { TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: PASSPHRASE }, bounded: BOUND, timeoutMs: 30_000 });

function expectRefused(r: CliResult, status: number, message: RegExp): void {
  expect(r.status, r.stderr).toBe(status);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr.slice(0, 2000)).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsproof: error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[0]!.length).toBeLessThan(1000);
  expect(r.peakRssMb).toBeLessThan(MAX_RSS_MB);
}

/** A token for `imprint` from the fixture TSA (tsa-ec, under the trusted fixture root), with hostile parts. */
function token(o: Partial<ForgeOptions> & { imprint: Uint8Array; nonce?: bigint }): Uint8Array {
  const tsaParty = party('tsa-ec');
  return forgeToken({ cert: tsaParty.cert, key: tsaParty.key, imprintAlgorithm: 'sha256', ...o });
}

/** An unsigned attribute holding `n` NULL values: n + 3 ASN.1 values in 2n + a few bytes. */
function nullsAttribute(n: number): Uint8Array {
  const values = new Uint8Array(2 * n);
  for (let i = 0; i < values.length; i += 2) values[i] = 0x05;
  return der.sequence(der.oid('1.2.3.4.5'), tlv(0x31, values));
}

const hugeSerial = () => {
  const b = randomBytes(256 * 1024);
  b[0] = 0x11;
  return b;
};
/** A policy OBJECT IDENTIFIER of 256 KiB: one arc of continuation octets. */
const hugePolicy = () => tlv(0x06, Buffer.concat([Buffer.of(0x2a), Buffer.alloc(256 * 1024, 0xff), Buffer.of(0x01)]));

beforeAll(async () => {
  tsa = await hostileTsa('ok');
  ws = cliWorkspace('tsproof-limits-', { passphrase: PASSPHRASE });
  writeFileSync(path.join(ws.work, 'a.txt'), data);
  writeFileSync(path.join(ws.work, 'b.txt'), 'b');
  await importAlice(ws);
  const reg = await ws.run(['register', 'a.txt', 'b.txt', '--tsa', tsa.url, '--json']);
  expect(reg.status, reg.stderr).toBe(0);
  receipt = JSON.parse(readFileSync(path.join(ws.work, JSON.parse(reg.stdout).receipt), 'utf8'));
});
afterAll(async () => {
  await tsa.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

describe('ts verify: hostile tokens', () => {
  const imprint = createHash('sha256').update(data).digest();
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a 256 KiB serial number (took ~60 s)', () => token({ imprint, serialRaw: hugeSerial() }), /TSTInfo\.serialNumber: an INTEGER of 262144 bytes is beyond the limit of 128 bytes/],
    ['a 256 KiB policy OID (took ~60 s)', () => token({ imprint, policyRaw: hugePolicy() }), /TSTInfo\.policy: an OBJECT IDENTIFIER of 262146 bytes is beyond the limit of 128 bytes/],
    ['300,000 ASN.1 values (~700 MB)', () => token({ imprint, unsignedAttributes: [nullsAttribute(300_000)] }), /holds more than 200000 ASN\.1 values \(the limit\)/],
    ['a token over 1 MiB', () => token({ imprint, unsignedAttributes: [der.sequence(der.oid('1.2.3.4.5'), der.setOf(der.octetString(new Uint8Array(LIMITS.tokenBytes))))] }), /the token of 1,0\d\d,\d{3} bytes is beyond the limit of 1 MiB/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what} at once: exit 2`, async () => {
      writeFileSync(path.join(ws.work, 'hostile.tsr'), make());
      expectRefused(await run(['ts', 'verify', '--token', 'hostile.tsr', '--data', 'a.txt']), 2, message);
    });
  }

  it('verifies a token of 190,000 values within the limits in bounded memory (the old reader needed ~250 MB)', async () => {
    writeFileSync(path.join(ws.work, 'many.tsr'), token({ imprint, unsignedAttributes: [nullsAttribute(190_000)] }));
    const r = await run(['ts', 'verify', '--token', 'many.tsr', '--data', 'a.txt']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.peakRssMb).toBeLessThan(MAX_RSS_MB);
  });
});

describe('verify, show, export and certificate: hostile receipts', () => {
  const commands: [string, (f: string) => string[]][] = [
    ['verify', (f) => ['verify', 'a.txt', '--receipt', f]],
    ['show', (f) => ['show', f]],
    ['export', (f) => ['export', f, '--format', 'in-toto', '--out', `${f}.intoto.json`]],
    ['certificate', (f) => ['certificate', f, '--out', `${f}.pdf`]],
  ];
  const withToken = (tok: Uint8Array) => ({ ...receipt, timestamps: [{ ...(receipt.timestamps as object[])[0], token: Buffer.from(tok).toString('base64') }] });
  const signatureValueDigest = () => {
    // The token of a receipt covers the holder's signature value; its imprint is not what these cases test.
    return createHash('sha256').update('x').digest();
  };
  const receipts: [string, () => string | Uint8Array, RegExp][] = [
    [
      '64 MB of zeros as entries (a V8 abort after 50–90 s)',
      () => {
        const text = JSON.stringify({ ...receipt, entries: [] });
        const at = text.indexOf('"entries":[') + 11;
        return `${text.slice(0, at)}${'0,'.repeat(32 << 20)}0${text.slice(at)}`;
      },
      /zeros\.json: not a valid receipt: entries\[0\]: expected an object; .*\(\+\d+ more; reading stopped\)/,
    ],
    [
      'a token with a 256 KiB serial number',
      () => JSON.stringify(withToken(token({ imprint: signatureValueDigest(), serialRaw: hugeSerial() }))),
      /serial\.json: TSTInfo\.serialNumber: an INTEGER of 262144 bytes is beyond the limit of 128 bytes/,
    ],
    ['17 timestamps', () => JSON.stringify({ ...receipt, timestamps: new Array(17).fill((receipt.timestamps as object[])[0]) }), /timestamps\.json: more than 16 timestamps \(the limit\)/],
    ['an entry of 70 KiB', () => JSON.stringify({ ...receipt, entries: [{ ...(receipt.entries as object[])[0], name: 'n'.repeat(70_000) }] }), /entry\.json: entries\[0\] is larger than the limit of 64 KiB/],
  ];
  receipts.push([
    'a well-formed receipt needing more heap than the process may use (an abort before)',
    () => {
      // 400,000 entries (~90 MB): within the limits, beyond what a 64 MB heap holds.
      const entry = JSON.stringify((receipt.entries as object[])[0])
        .slice(1, -1)
        .replace(/"index":\d+,?/, '');
      const text = JSON.stringify({ ...receipt, entries: [] });
      const at = text.indexOf('"entries":[') + 11;
      return `${text.slice(0, at)}${Array.from({ length: 400_000 }, (_, i) => `{"index":${i},${entry}}`).join(',')}${text.slice(at)}`;
    },
    /memory\.json: this receipt needs more memory than this process may use \(over \d+ MB of \d+ MB\); give Node more/,
  ]);
  const files = ['zeros.json', 'serial.json', 'timestamps.json', 'entry.json', 'memory.json'];
  beforeAll(() => {
    receipts.forEach(([, make], i) => writeFileSync(path.join(ws.work, files[i]!), make()));
    // Over 512 MiB, sparse: refused from its size alone.
    const fd = openSync(path.join(ws.work, 'huge.json'), 'w');
    ftruncateSync(fd, LIMITS.receiptBytes + 1);
    closeSync(fd);
  });
  for (const [command, args] of commands) {
    receipts.forEach(([what, , message], i) => {
      it(`${command} refuses ${what}: exit 2`, async () => {
        expectRefused(await run(args(files[i]!)), 2, message);
      });
    });
    it(`${command} refuses a receipt over 512 MiB from its size: exit 2`, async () => {
      expectRefused(await run(args('huge.json')), 2, /huge\.json: a receipt of 536,870,913 bytes is beyond the limit of 512 MiB/);
    });
  }
});

describe('register: hostile TSA answers', () => {
  /** A TSA answering each request with `answer(base)`, base being a correct token's options. */
  const tsaAnswering = (answer: (base: ForgeOptions) => Uint8Array) =>
    serve((_req, body, res) => {
      const req = parseTimeStampReq(body);
      const p = party('tsa-ec');
      const bytes = answer({ cert: p.cert, key: p.key, imprintAlgorithm: digestFromOid(req.imprintAlgorithm.oid)!, imprint: req.imprint, ...(req.nonce !== undefined ? { nonce: req.nonce } : {}) });
      res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': bytes.byteLength }).end(bytes);
    });
  const rejection = (statusInfo: Uint8Array) => der.sequence(statusInfo);
  const cases: [string, (base: ForgeOptions) => Uint8Array, RegExp][] = [
    [
      'a rejection whose failure info is a megabyte of set bits (~1 GB)',
      () => rejection(der.sequence(der.integer(2), der.bitString(new Uint8Array(1_000_000).fill(0xff)))),
      /the TSA refused the request: rejection \(badAlg, bit1, badRequest, .*, systemFailure, … 7999988 more\)/,
    ],
    ['a rejection with a megabyte of status text', () => rejection(der.sequence(der.integer(2), der.sequence(der.utf8('z'.repeat(1_000_000))))), /the TSA refused the request: rejection \(z+…\)/],
    ['a token with a 256 KiB serial number', (base) => grantedResponse(forgeToken({ ...base, serialRaw: hugeSerial() })), /TSTInfo\.serialNumber: an INTEGER of 262144 bytes is beyond the limit of 128 bytes/],
    ['a token with a 256 KiB policy OID', (base) => grantedResponse(forgeToken({ ...base, policyRaw: hugePolicy() })), /TSTInfo\.policy: an OBJECT IDENTIFIER of 262146 bytes is beyond the limit of 128 bytes/],
    ['an answer of 300,000 ASN.1 values (~530 MB)', (base) => grantedResponse(forgeToken({ ...base, unsignedAttributes: [nullsAttribute(300_000)] })), /holds more than 200000 ASN\.1 values \(the limit\)/],
  ];
  for (const [what, answer, message] of cases) {
    it(`refuses ${what} at once: exit 3, nothing written`, async () => {
      const bad = await tsaAnswering(answer);
      try {
        expectRefused(await run(['register', 'b.txt', '--tsa', bad.url, '--out', 'hostile-out']), 3, message);
      } finally {
        await bad.close();
      }
    });
  }

  it('accepts an answer of 190,000 values within the limits in bounded memory, and its receipt verifies so', async () => {
    const big = await tsaAnswering((base) => grantedResponse(forgeToken({ ...base, unsignedAttributes: [nullsAttribute(190_000)] })));
    try {
      const r = await run(['register', 'a.txt', '--tsa', big.url, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.peakRssMb).toBeLessThan(MAX_RSS_MB);
      const v = await run(['verify', 'a.txt', '--receipt', JSON.parse(r.stdout).receipt]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.peakRssMb).toBeLessThan(MAX_RSS_MB);
    } finally {
      await big.close();
    }
  });
});
