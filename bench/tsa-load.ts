/**
 * Benchmark: the bundled TSA under load, beside an OpenSSL TSA in the same run.
 *
 *   npm run bench:tsa                        # 50 concurrent clients, 10 s per server
 *   BENCH_CONCURRENCY=20 BENCH_SECONDS=5 npm run bench:tsa
 *
 * Each server runs in its own process (tsproof tsa serve; openssl ts -reply per request behind
 * bench/openssl-tsa.ts); the load comes from a third (bench/load-client.ts) on loopback. Prints
 * tokens/s and p50/p99 latency, and verifies every token issued under load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCertificate } from '../dist/core/pki/build.js';
import { OID } from '../dist/core/asn1/oids.js';
import { parseTimeStampResp } from '../dist/core/tsp/messages.js';
import { verifyTimestampToken } from '../dist/core/tsp/verify.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(HERE, '..', 'bin', 'tsproof.js');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-tsa-'));

function material(kind: 'ec' | 'rsa') {
  const dir = path.join(work, kind);
  mkdirSync(dir);
  const rootKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tsaKeys = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const from = new Date(Date.now() - 86400_000);
  const until = new Date(Date.now() + 365 * 86400_000);
  const root = buildCertificate({ subject: [['CN', 'Bench Root']], publicKey: rootKeys.publicKey, issuerKey: rootKeys.privateKey, serial: 1n, notBefore: from, notAfter: until, ca: true, keyUsage: ['keyCertSign'] });
  const tsa = buildCertificate({ subject: [['CN', `Bench TSA ${kind === 'ec' ? 'P-256' : 'RSA-2048'}`]], publicKey: tsaKeys.publicKey, issuer: root, issuerKey: rootKeys.privateKey, serial: 2n, notBefore: from, notAfter: until, ca: false, keyUsage: ['digitalSignature'], extKeyUsage: [OID.timeStamping] });
  writeFileSync(path.join(dir, 'tsa.pem'), tsa.toPEM());
  writeFileSync(path.join(dir, 'root.pem'), root.toPEM());
  writeFileSync(path.join(dir, 'tsa-key.pem'), tsaKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  return { dir, root };
}

function start(cmd: string, args: string[], stream: 'stdout' | 'stderr'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSPROOF_HOME: path.join(work, 'home') } });
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

async function load(url: string, label: string, root: ReturnType<typeof material>['root']) {
  const out = path.join(work, `${label.replace(/\W+/g, '-')}.jsonl`);
  const client = spawn(process.execPath, [path.join(HERE, 'load-client.ts'), url, String(CONCURRENCY), String(SECONDS), out], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => client.on('exit', r));
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { digest: string; nonce: string; ms: number; status: number; response: string });
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
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
    else bad.push(v.checks.filter((c) => !c.ok).map((c) => c.id).join(','));
  }
  const rate = rows.length / SECONDS;
  console.log(`  ${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} tokens/s   p50 ${q(0.5).toFixed(1).padStart(6)} ms   p99 ${q(0.99).toFixed(1).padStart(6)} ms   ${valid}/${rows.length} verify${bad.length ? `  (first failure: ${bad[0]})` : ''}`);
  return rate;
}

const servers: ChildProcess[] = [];
try {
  const ec = material('ec');
  const rsa = material('rsa');
  console.log(`TSA under load: ${CONCURRENCY} concurrent keep-alive clients for ${SECONDS} s each, ${os.availableParallelism()} cores, loopback`);
  const results: Record<string, number> = {};
  for (const [label, m] of [
    ['tsproof tsa serve, ECDSA P-256', ec],
    ['tsproof tsa serve, RSA-2048', rsa],
  ] as const) {
    const s = await start(BIN, ['tsa', 'serve', '--dir', m.dir, '--port', '0'], 'stderr');
    servers.push(s.child);
    results[label] = await load(s.url, label, m.root);
    s.child.kill('SIGTERM');
  }
  for (const [label, m] of [
    ['openssl ts -reply per request, P-256', ec],
    ['openssl ts -reply per request, RSA', rsa],
  ] as const) {
    const s = await start(process.execPath, [path.join(HERE, 'openssl-tsa.ts'), m.dir], 'stdout');
    servers.push(s.child);
    results[label] = await load(s.url, label, m.root);
    s.child.kill('SIGTERM');
  }
  console.log(`  ratio tsproof/openssl: P-256 ${(results['tsproof tsa serve, ECDSA P-256']! / results['openssl ts -reply per request, P-256']!).toFixed(1)}×, RSA-2048 ${(results['tsproof tsa serve, RSA-2048']! / results['openssl ts -reply per request, RSA']!).toFixed(1)}×`);
} finally {
  for (const s of servers) s.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
void randomBytes;
