/**
 * Benchmark: the bundled TSA under abuse. Healthy clients' latency with abusive clients
 * (bench/abuse-client.ts: idle sockets, slowloris headers, dripping bodies, 4 GiB bodies)
 * running alongside, against the same healthy load without them, in the same run.
 *
 *   npm run bench:tsa-abuse                  # 10 healthy clients, 2 rounds of 5 s + 5 s
 *   BENCH_CONCURRENCY=20 BENCH_SECONDS=10 BENCH_ROUNDS=3 npm run bench:tsa-abuse
 *   BENCH_ABUSE_NICE=0 npm run bench:tsa-abuse   # abusive clients at normal priority
 *
 * The server (tsproof tsa serve, default limits), the healthy clients (bench/load-client.ts,
 * from 127.0.0.1) and the abusive ones (from 127.0.0.2–9) each run in their own process, on
 * loopback only. Rounds alternate plain and abused phases so that other load on the machine
 * falls on both alike. While abused, an operator's GET /health is sent every 250 ms on a new
 * connection. Every token issued is verified. The abusive clients run at nice 19 (by default): on a network
 * their CPU would not be the server's, but here all share the machine's cores. Bounded: about
 * ROUNDS × (2 × SECONDS + 8) s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BIN, HERE, load, material, quantile, start, type LoadResult } from './tsa-common.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const NICE = Number(process.env.BENCH_ABUSE_NICE ?? 19);
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-abuse-'));
const env = { ...process.env, TSPROOF_HOME: path.join(work, 'home') };

/** CPU seconds a process has used (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return 0;
  }
}

/** GET /health on a new connection from 127.0.0.1: status and ms (status 0: no answer within 5 s). */
interface Probe {
  /** HTTP status; 0: no answer (then `error` says why). */
  status: number;
  error?: string;
  /** Until the answer, and until the connection was established. */
  ms: number;
  connectMs: number;
  body: string;
}
function health(url: string): Promise<Probe> {
  const t0 = performance.now();
  let connectMs = NaN;
  return new Promise((resolve) => {
    const req = http.get(`${url}health`, { agent: false, localAddress: '127.0.0.1', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, connectMs, body }));
    });
    req.on('socket', (s) => s.once('connect', () => (connectMs = performance.now() - t0)));
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, error: e.code ?? e.message, ms: performance.now() - t0, connectMs, body: '' }));
  });
}

async function abused<T>(url: string, round: number, during: () => Promise<T>): Promise<{ result: T; probes: Probe[]; abuse: Record<string, number> }> {
  const statsFile = path.join(work, `abuse-${round}.json`);
  // At the lowest priority: on a network the attackers' CPU is not the server's; here they
  // share the machine's cores with it (their CPU use is printed).
  const abuser: ChildProcess = spawn('nice', ['-n', String(NICE), process.execPath, path.join(HERE, 'abuse-client.ts'), url, String(SECONDS + 60), statsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Start measuring once every abusive client has connected at least once.
  await new Promise<void>((resolve, reject) => {
    abuser.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    abuser.on('exit', () => reject(new Error('the abusive clients exited early')));
  });
  const probes: Probe[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      probes.push(await health(url));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const abuserCpu0 = cpuSeconds(abuser.pid);
  const result = await during();
  const abuserCpu = cpuSeconds(abuser.pid) - abuserCpu0;
  probing = false;
  await prober;
  await new Promise((r) => {
    abuser.removeAllListeners('exit');
    abuser.on('exit', r);
    abuser.kill('SIGTERM');
  });
  return { result, probes, abuse: { ...JSON.parse(readFileSync(statsFile, 'utf8')), cpu: abuserCpu } };
}

const pool = (rs: LoadResult[]): LoadResult => ({
  requests: rs.reduce((a, r) => a + r.requests, 0),
  ms: rs.flatMap((r) => r.ms).sort((a, b) => a - b),
  valid: rs.reduce((a, r) => a + r.valid, 0),
  ...(rs.find((r) => r.firstFailure) ? { firstFailure: rs.find((r) => r.firstFailure)!.firstFailure! } : {}),
});

function line(label: string, r: LoadResult, seconds: number): void {
  console.log(
    `  ${label.padEnd(24)} ${(r.requests / seconds).toFixed(0).padStart(6)} tokens/s   p50 ${quantile(r.ms, 0.5).toFixed(1).padStart(6)} ms   p99 ${quantile(r.ms, 0.99).toFixed(1).padStart(6)} ms   ${r.valid}/${r.requests} verify${r.firstFailure ? `  (first failure: ${r.firstFailure})` : ''}`,
  );
}

let server: ChildProcess | undefined;
try {
  const ec = material(work, 'ec');
  const s = await start(BIN, ['tsa', 'serve', '--dir', ec.dir, '--port', '0'], 'stderr', env);
  server = s.child;
  console.log(
    `TSA under abuse: ${CONCURRENCY} healthy keep-alive clients, ${ROUNDS} rounds of ${SECONDS} s plain + ${SECONDS} s abused (abusive clients at nice ${NICE}), ${os.availableParallelism()} cores, loadavg ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, loopback`,
  );
  const plain: LoadResult[] = [];
  const loaded: LoadResult[] = [];
  const probes: Probe[] = [];
  const abuse: Record<string, number>[] = [];
  const serverCpu = { plain: 0, abused: 0 };
  const timed = async <T>(phase: keyof typeof serverCpu, f: () => Promise<T>): Promise<T> => {
    const c0 = cpuSeconds(server!.pid);
    const r = await f();
    serverCpu[phase] += cpuSeconds(server!.pid) - c0;
    return r;
  };
  for (let round = 1; round <= ROUNDS; round++) {
    plain.push(await timed('plain', () => load(s.url, CONCURRENCY, SECONDS, path.join(work, `plain-${round}.jsonl`), ec.root)));
    const a = await abused(s.url, round, () => timed('abused', () => load(s.url, CONCURRENCY, SECONDS, path.join(work, `abused-${round}.jsonl`), ec.root)));
    loaded.push(a.result);
    probes.push(...a.probes);
    abuse.push(a.abuse);
    // Let the server close what the abusers left before the next plain phase.
    await new Promise((r) => setTimeout(r, 1000));
  }
  const p = pool(plain);
  const l = pool(loaded);
  line('healthy, alone', p, SECONDS * ROUNDS);
  line('healthy, beside abusers', l, SECONDS * ROUNDS);
  const ratio = quantile(l.ms, 0.99) / quantile(p.ms, 0.99);
  const okProbes = probes
    .filter((x) => x.status === 200)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  const connects = probes
    .map((x) => x.connectMs)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  const failed = probes.filter((x) => x.status !== 200).map((x) => `${x.status || x.error} after ${x.ms.toFixed(0)} ms`);
  console.log(
    `  operator GET /health while abused: ${okProbes.length}/${probes.length} answered 200, p50 ${quantile(okProbes, 0.5)?.toFixed(1)} ms, max ${okProbes.at(-1)?.toFixed(1)} ms (connecting: p50 ${quantile(connects, 0.5)?.toFixed(1)} ms, max ${connects.at(-1)?.toFixed(1)} ms)${failed.length ? `; not answered: ${failed.join(', ')}` : ''}`,
  );
  const sum = (k: string) => abuse.reduce((a, x) => a + (x[k] ?? 0), 0);
  console.log(
    `  abusive sockets: ${sum('connects')} opened; closed with 503 ${sum('refused503')}, 408 ${sum('timedOut408')}, 413 ${sum('tooLarge413')}, silently ${sum('closedSilently')} (idle ones given way); 4 GiB senders got ${(sum('bigBytesSent') / 2 ** 20).toFixed(0)} MiB out`,
  );
  const busiest = probes
    .filter((x) => x.body)
    .map((x) => JSON.parse(x.body).connections)
    .sort((a, b) => b.open - a.open)[0];
  console.log(`  server connections while abused (fullest /health seen): ${JSON.stringify(busiest)}`);
  const t = SECONDS * ROUNDS;
  console.log(
    `  CPU: server ${((100 * serverCpu.plain) / t).toFixed(0)}% alone, ${((100 * serverCpu.abused) / t).toFixed(0)}% beside abusers (per healthy token: ${((1e6 * serverCpu.plain) / p.requests).toFixed(0)} vs ${((1e6 * serverCpu.abused) / l.requests).toFixed(0)} µs); abusive clients ${((100 * sum('cpu')) / t).toFixed(0)}% (of ${os.availableParallelism()} cores, shared)`,
  );
  console.log(
    `  healthy p99 beside abusers / alone: ${ratio.toFixed(2)}× (${ratio <= 2 ? 'within' : 'NOT within'} 2×); loadavg now ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
