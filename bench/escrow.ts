/**
 * Benchmark: an escrow deposit of ~3 GB against `openssl cms -encrypt` of the same archive.
 *
 *   npm run bench:escrow                      # 3 GB in three files
 *   BENCH_BYTES=500000000 npm run bench:escrow
 *
 * In one run, on the same files: `tsproof escrow deposit` (registration — hashing, signature, one
 * timestamp — and sealing: tar, encryption, writing, side by side, then an fsync before the
 * deposit is renamed into place) against `openssl cms -encrypt -stream` of a tar of the same files
 * (made beforehand, not timed), alone and followed by `sync` of its output, for each content encryption:
 * AES-256-CBC (tsproof's default, with its GMAC) and AES-256-GCM. The two alternate, BENCH_RUNS
 * times each (default 2), each run from a synced disk and a warm page cache; the best counts. Then `tsproof escrow verify` of the
 * deposit as the agent (decryption, every file hashed against the receipt, the statement
 * registered). Prints wall-clock times, the speed ratio (target ≥ 0.8 × OpenSSL), CPU time
 * (user + system: the work done, which a loaded machine does not distort) and peak RSS (GNU time;
 * target ≤ 200 MB).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const TOTAL = Number(process.env.BENCH_BYTES ?? 3_000_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'tsproof-bench-escrow-'));
// The C locale: the bench reads the TSA's "listening" line (tsproof speaks Korean under a Korean locale).
const env = { ...envForLang(process.env, 'en'), TSPROOF_HOME: path.join(dir, 'home'), TSPROOF_PASSPHRASE: 'bench passphrase', CI: '1' };

interface Run {
  seconds: number;
  /** User + system CPU time: what the machine spent, whatever else it was running. */
  cpuSeconds: number;
  maxRssMb: number;
  stdout: string;
}

function timed(cmd: string, args: string[]): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [rss, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, cpuSeconds: user! + sys!, maxRssMb: rss! / 1024, stdout: r.stdout };
}
const tsproof = (args: string[]) => timed(process.execPath, [BIN, ...args]);

/**
 * Runs the commands in turn, `RUNS` times each, and keeps each one's best time. Every run starts
 * from the same state: no output left over, dirty pages written out (`sync`: the run that comes
 * first must not pay for writing back the previous run's gigabytes), the files in the page cache.
 */
function bestOf(fs: (() => Run)[], cleanup: () => void): Run[] {
  const runs: Run[][] = fs.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, f] of fs.entries()) {
      cleanup();
      execFileSync('sync');
      execFileSync('cat', ['data/a.bin', 'data/b.bin', 'data/c.bin', 'data.tar'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      runs[k]!.push(f());
    }
  }
  return runs.map((rs) => ({ ...rs.reduce((x, y) => (y.seconds < x.seconds ? y : x)), maxRssMb: Math.max(...rs.map((r) => r.maxRssMb)) }));
}

let server: ReturnType<typeof spawn> | undefined;
try {
  // Data: three files (half, a third, a sixth of the total), 1 MiB blocks of random bytes, each block made unique.
  mkdirSync(path.join(dir, 'data'));
  const block = randomBytes(1 << 20);
  const sizes = [Math.floor(TOTAL / 2), Math.floor(TOTAL / 3), TOTAL - Math.floor(TOTAL / 2) - Math.floor(TOTAL / 3)];
  sizes.forEach((size, i) => {
    const fd = openSync(path.join(dir, 'data', `${'abc'[i]}.bin`), 'w');
    for (let off = 0, n = 0; off < size; off += block.length, n++) {
      block.writeUInt32LE(n, 0);
      writeSync(fd, block, 0, Math.min(block.length, size - off));
    }
    closeSync(fd);
  });
  // The reference archive: the same files as a pax tar, as the deposit holds them.
  execFileSync('tar', ['--format=pax', '-cf', 'data.tar', 'data'], { cwd: dir });

  tsproof(['identity', 'new', '--name', 'Bench Depositor']);
  tsproof(['tsa', 'init', '--dir', 'tsa']);
  // The escrow agent: an EC P-256 key agreement certificate, and the same as an identity for verify.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'agent.key', '-out', 'agent.pem', '-subj', '/CN=Bench Agent', '-days', '30', '-addext', 'keyUsage=critical,digitalSignature,keyAgreement'], { cwd: dir, stdio: 'ignore' });
  tsproof(['identity', 'import', 'agent.pem', '--key', 'agent.key', '--name', 'agent']);
  const port = 30000 + Math.floor(Math.random() * 20000);
  server = spawn(process.execPath, [BIN, 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => server!.stderr!.on('data', (b: Buffer) => b.toString().includes('listening') && resolve()));
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(path.join(dir, 'home', 'config.json'), JSON.stringify({ tsa: [url], defaultIdentity: 'bench-depositor' }));

  const gb = (TOTAL / 1e9).toFixed(2);
  const outs = (...fs: string[]) => () => fs.forEach((f) => rmSync(path.join(dir, f), { force: true }));
  console.log(`\nescrow deposit of ${gb} GB in 3 files (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
  const results: [string, Run, Run][] = [];
  for (const [cipher, flag] of [
    ['aes-256-cbc', '-aes-256-cbc'],
    ['aes-256-gcm', '-aes-256-gcm'],
  ] as const) {
    const encrypt = ['cms', '-encrypt', '-binary', '-stream', flag, '-outform', 'DER', '-in', 'data.tar', '-out', 'ref.p7m', 'agent.pem'];
    const [ours, ref, refSynced] = bestOf(
      [
        () => tsproof(['escrow', 'deposit', 'data', '--to', 'agent.pem', '--cipher', cipher, '--out', 'deposit.p7m', '--identity', 'bench-depositor']),
        () => timed('openssl', encrypt),
        // tsproof syncs the deposit to disk before renaming it into place (evidence must survive a
        // crash once reported written); the same for OpenSSL's output, for a like-for-like time.
        () => timed('sh', ['-c', `openssl ${encrypt.join(' ')} && sync ref.p7m`]),
      ],
      outs('deposit.p7m', 'deposit.p7m.tsproof.json', 'ref.p7m'),
    );
    results.push([cipher, ours, ref!]);
    console.log(`  ${cipher}  tsproof escrow deposit   ${ours!.seconds.toFixed(2)} s  ${(TOTAL / 1e6 / ours!.seconds).toFixed(0)} MB/s  CPU ${ours!.cpuSeconds.toFixed(2)} s  peak RSS ${ours!.maxRssMb.toFixed(0)} MB`);
    const line = (label: string, r: Run) => console.log(`  ${cipher}  ${label.padEnd(24)} ${r.seconds.toFixed(2)} s  ${(TOTAL / 1e6 / r.seconds).toFixed(0)} MB/s  CPU ${r.cpuSeconds.toFixed(2)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    line('openssl cms -encrypt', ref!);
    line('openssl … && sync', refSynced!);
    console.log(`  ${cipher}  speed: ${(refSynced!.seconds / ours!.seconds).toFixed(2)} × OpenSSL with its output synced, ${(ref!.seconds / ours!.seconds).toFixed(2)} × without (target ≥ 0.8); CPU ${(ours!.cpuSeconds / ref!.cpuSeconds).toFixed(2)} × OpenSSL's, the registration's hashing included`);
  }

  // The agent verifies the (CBC) deposit: decryption and every file hashed, in constant memory.
  outs('deposit.p7m', 'deposit.p7m.tsproof.json', 'ref.p7m')();
  tsproof(['escrow', 'deposit', 'data', '--to', 'agent.pem', '--out', 'deposit.p7m', '--identity', 'bench-depositor']);
  execFileSync('sync');
  const verify = tsproof(['escrow', 'verify', 'deposit.p7m', '--identity', 'agent', '--out', 'statement.json']);
  console.log(`\nescrow verify (the agent): ${verify.seconds.toFixed(2)} s  ${(TOTAL / 1e6 / verify.seconds).toFixed(0)} MB/s  CPU ${verify.cpuSeconds.toFixed(2)} s  peak RSS ${verify.maxRssMb.toFixed(0)} MB`);
  const worst = Math.max(...results.map(([, o]) => o.maxRssMb), verify.maxRssMb);
  console.log(`peak RSS of tsproof: ${worst.toFixed(0)} MB (target ≤ 200 MB)`);
} finally {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
