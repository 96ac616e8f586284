/**
 * What the TSA benchmarks share (bench/tsa-load.ts, bench/tsa-abuse.ts): TSA key material, a
 * server process, and healthy load from bench/load-client.ts whose every token is verified.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCertificate } from '../dist/core/pki/build.js';
import { OID } from '../dist/core/asn1/oids.js';
import { parseTimeStampResp } from '../dist/core/tsp/messages.js';
import { verifyTimestampToken } from '../dist/core/tsp/verify.js';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BIN = path.join(HERE, '..', 'bin', 'tsproof.js');

export type Root = ReturnType<typeof buildCertificate>;

/** A root and a TSA certificate and key (P-256 or RSA-2048) in `work/kind`. */
export function material(work: string, kind: 'ec' | 'rsa'): { dir: string; root: Root } {
  const dir = path.join(work, kind);
  mkdirSync(dir);
  const rootKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tsaKeys = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const from = new Date(Date.now() - 86400_000);
  const until = new Date(Date.now() + 365 * 86400_000);
  const root = buildCertificate({ subject: [['CN', 'Bench Root']], publicKey: rootKeys.publicKey, issuerKey: rootKeys.privateKey, serial: 1n, notBefore: from, notAfter: until, ca: true, keyUsage: ['keyCertSign'] });
  const tsa = buildCertificate({
    subject: [['CN', `Bench TSA ${kind === 'ec' ? 'P-256' : 'RSA-2048'}`]],
    publicKey: tsaKeys.publicKey,
    issuer: root,
    issuerKey: rootKeys.privateKey,
    serial: 2n,
    notBefore: from,
    notAfter: until,
    ca: false,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.timeStamping],
  });
  writeFileSync(path.join(dir, 'tsa.pem'), tsa.toPEM());
  writeFileSync(path.join(dir, 'root.pem'), root.toPEM());
  writeFileSync(path.join(dir, 'tsa-key.pem'), tsaKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  return { dir, root };
}

/** Starts a server process and resolves with the loopback URL it prints on `stream`. */
export function start(cmd: string, args: string[], stream: 'stdout' | 'stderr', env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    let text = '';
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) resolve({ url: m[1]!, child });
    });
    // Keep draining both pipes (the access log) so the server never blocks on them.
    child.stdout!.resume();
    child.stderr!.resume();
    child.on('exit', () => reject(new Error(`${cmd} exited: ${text}`)));
  });
}

export interface LoadResult {
  requests: number;
  /** Latencies of every request, ms, sorted. */
  ms: number[];
  valid: number;
  /** Why the first failed request failed. */
  firstFailure?: string;
}

/** `concurrency` keep-alive clients (bench/load-client.ts, its own process) for `seconds`; every token verified. */
export async function load(url: string, concurrency: number, seconds: number, out: string, root: Root): Promise<LoadResult> {
  const client = spawn(process.execPath, [path.join(HERE, 'load-client.ts'), url, String(concurrency), String(seconds), out], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => client.on('exit', r));
  const rows = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { digest: string; nonce: string; ms: number; status: number; response: string });
  let valid = 0;
  const bad: string[] = [];
  for (const r of rows) {
    if (r.status !== 200) {
      bad.push(`HTTP ${r.status || 'connection error'}`);
      continue;
    }
    const resp = parseTimeStampResp(new Uint8Array(Buffer.from(r.response, 'base64')));
    if (!resp.token) {
      bad.push(`status ${resp.status}`);
      continue;
    }
    const v = verifyTimestampToken(resp.token, { imprint: { algorithm: 'sha256', digest: new Uint8Array(Buffer.from(r.digest, 'hex')) }, anchors: [root], nonce: BigInt(`0x${r.nonce}`), now: new Date() });
    if (v.ok) valid++;
    else
      bad.push(
        v.checks
          .filter((c) => !c.ok)
          .map((c) => c.id)
          .join(','),
      );
  }
  return { requests: rows.length, ms: rows.map((r) => r.ms).sort((a, b) => a - b), valid, ...(bad.length ? { firstFailure: bad[0] } : {}) };
}

/** The p-quantile of sorted values. */
export const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
