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
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, HERE, load, material, quantile, start, type Root } from './tsa-common.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-tsa-'));
const env = { ...process.env, TSPROOF_HOME: path.join(work, 'home') };

async function measure(url: string, label: string, root: Root) {
  const r = await load(url, CONCURRENCY, SECONDS, path.join(work, `${label.replace(/\W+/g, '-')}.jsonl`), root);
  const rate = r.requests / SECONDS;
  console.log(
    `  ${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} tokens/s   p50 ${quantile(r.ms, 0.5).toFixed(1).padStart(6)} ms   p99 ${quantile(r.ms, 0.99).toFixed(1).padStart(6)} ms   ${r.valid}/${r.requests} verify${r.firstFailure ? `  (first failure: ${r.firstFailure})` : ''}`,
  );
  return rate;
}

const servers: ChildProcess[] = [];
try {
  const ec = material(work, 'ec');
  const rsa = material(work, 'rsa');
  console.log(`TSA under load: ${CONCURRENCY} concurrent keep-alive clients for ${SECONDS} s each, ${os.availableParallelism()} cores, loopback`);
  const results: Record<string, number> = {};
  for (const [label, m] of [
    ['tsproof tsa serve, ECDSA P-256', ec],
    ['tsproof tsa serve, RSA-2048', rsa],
  ] as const) {
    const s = await start(BIN, ['tsa', 'serve', '--dir', m.dir, '--port', '0'], 'stderr', env);
    servers.push(s.child);
    results[label] = await measure(s.url, label, m.root);
    s.child.kill('SIGTERM');
  }
  for (const [label, m] of [
    ['openssl ts -reply per request, P-256', ec],
    ['openssl ts -reply per request, RSA', rsa],
  ] as const) {
    const s = await start(process.execPath, [path.join(HERE, 'openssl-tsa.ts'), m.dir], 'stdout', env);
    servers.push(s.child);
    results[label] = await measure(s.url, label, m.root);
    s.child.kill('SIGTERM');
  }
  console.log(
    `  ratio tsproof/openssl: P-256 ${(results['tsproof tsa serve, ECDSA P-256']! / results['openssl ts -reply per request, P-256']!).toFixed(1)}×, RSA-2048 ${(results['tsproof tsa serve, RSA-2048']! / results['openssl ts -reply per request, RSA']!).toFixed(1)}×`,
  );
} finally {
  for (const s of servers) s.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
