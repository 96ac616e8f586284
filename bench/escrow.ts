/**
 * Benchmark: an escrow deposit of ~3 GB against `openssl cms -encrypt` of the same archive.
 *
 *   npm run bench:escrow                      # 3 GB in three files, 3 repetitions
 *   BENCH_BYTES=500000000 BENCH_RUNS=5 npm run bench:escrow
 *   BENCH_WRAP='taskset -c 1' npm run bench:escrow     # every timed command under a prefix
 *
 * What is compared, for each content encryption (AES-256-CBC, tsproof's default, and
 * AES-256-GCM), on the same three files, in the same run:
 *
 *   deposit   `tsproof escrow deposit` as users run it (bin/tsproof.js): the registration
 *             (SHA-256 of every file, signature, one timestamp from a local TSA, the receipt
 *             verified) and the sealing (tar, encryption, CBC's GMAC over the ciphertext,
 *             writing), side by side, then the receipt and statement appended and an fsync
 *             before the deposit is renamed into place;
 *   sealing   the encryption part alone (bench/escrow-seal.ts): the same sealing pipeline the
 *             deposit runs (tar, encryption, GMAC, writing), nothing else;
 *   openssl   `openssl cms -encrypt -stream` of a tar of the same files (made beforehand, not
 *             timed), same cipher and mode, for the same recipient (an EC P-256 certificate);
 *   +sync     the same followed by `sync` of its output, as the deposit syncs its own.
 *
 * The commands alternate, BENCH_RUNS times each (default 3), in an order that rotates every
 * repetition; every run starts from a synced disk (no run pays for writing back the previous
 * one's gigabytes) and a warm page cache. Printed: the median and range of wall-clock times,
 * CPU times (user + system: the work done, which other load distorts less) and peak RSS (GNU
 * time), and the speed ratios per repetition (OpenSSL's time / ours, taken within the same
 * repetition), median and range — target ≥ 0.8 × OpenSSL, peak RSS ≤ 200 MB. Then `tsproof
 * escrow verify` of a CBC deposit as the agent.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(HERE, '..', 'bin', 'tsproof.js');
const SEAL = path.join(HERE, 'escrow-seal.ts');
const TOTAL = Number(process.env.BENCH_BYTES ?? 3_000_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WRAP = (process.env.BENCH_WRAP ?? '').split(' ').filter(Boolean);
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

function timed(cmd: string, args: string[], wrap = WRAP): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...wrap, cmd, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [rss, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, cpuSeconds: user! + sys!, maxRssMb: rss! / 1024, stdout: r.stdout };
}
const tsproof = (args: string[], wrap = WRAP) => timed(BIN, args, wrap);

/** CPU pressure (PSI, "some" over the last 10 s) and the load average: how busy the machine was. */
function load(): string {
  let psi = '';
  try {
    psi = `, CPU pressure ${/some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1]} %`;
  } catch {
    // no PSI on this kernel
  }
  return `load ${os.loadavg()[0]!.toFixed(1)}${psi}`;
}

/**
 * Runs each command RUNS times, alternating, the order rotating every repetition. Every run starts
 * from the same state: no output left over, dirty pages written out (`sync`: the run that comes
 * next must not pay for writing back the previous run's gigabytes), the files in the page cache.
 */
function series(fs: (() => Run)[], cleanup: () => void): Run[][] {
  const runs: Run[][] = fs.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (let j = 0; j < fs.length; j++) {
      const k = (i + j) % fs.length;
      cleanup();
      execFileSync('sync');
      execFileSync('cat', ['data/a.bin', 'data/b.bin', 'data/c.bin', 'data.tar'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      runs[k]![i] = fs[k]!();
    }
  }
  return runs;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** "median (min–max)" */
const spread = (xs: number[], digits = 2) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

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
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'agent.key', '-out', 'agent.pem', '-subj', '/CN=Bench Agent', '-days', '30', '-addext', 'keyUsage=critical,digitalSignature,keyAgreement'],
    { cwd: dir, stdio: 'ignore' },
  );
  tsproof(['identity', 'import', 'agent.pem', '--key', 'agent.key', '--name', 'agent']);
  const port = 30000 + Math.floor(Math.random() * 20000);
  server = spawn(process.execPath, [BIN, 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => server!.stderr!.on('data', (b: Buffer) => b.toString().includes('listening') && resolve()));
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(path.join(dir, 'home', 'config.json'), JSON.stringify({ tsa: [url], defaultIdentity: 'bench-depositor' }));

  const gb = (TOTAL / 1e9).toFixed(2);
  const outs =
    (...fs: string[]) =>
    () =>
      fs.forEach((f) => rmSync(path.join(dir, f), { force: true }));
  console.log(`\nescrow deposit of ${gb} GB in 3 files (${os.cpus().length} cores, ${load()}; ${RUNS} repetitions${WRAP.length ? `, each command under \`${WRAP.join(' ')}\`` : ''}; median (min–max))`);
  const results: Run[][] = [];
  for (const [cipher, flag] of [
    ['aes-256-cbc', '-aes-256-cbc'],
    ['aes-256-gcm', '-aes-256-gcm'],
  ] as const) {
    const encrypt = ['cms', '-encrypt', '-binary', '-stream', flag, '-outform', 'DER', '-in', 'data.tar', '-out', 'ref.p7m', 'agent.pem'];
    const [deposit, sealing, ref, refSynced] = series(
      [
        () => tsproof(['escrow', 'deposit', 'data', '--to', 'agent.pem', '--cipher', cipher, '--out', 'deposit.p7m', '--identity', 'bench-depositor']),
        () => timed(process.execPath, [SEAL, 'sealed.bin', cipher, 'data/a.bin', 'data/b.bin', 'data/c.bin']),
        () => timed('openssl', encrypt),
        // tsproof syncs the deposit to disk before renaming it into place (evidence must survive a
        // crash once reported written); the same for OpenSSL's output, for a like-for-like time.
        () => timed('sh', ['-c', `openssl ${encrypt.join(' ')} && sync ref.p7m`]),
      ],
      outs('deposit.p7m', 'deposit.p7m.tsproof.json', 'ref.p7m', 'sealed.bin'),
    );
    results.push(deposit!, sealing!);
    const line = (label: string, rs: Run[]) =>
      console.log(
        `  ${cipher}  ${label.padEnd(28)} ${spread(rs.map((r) => r.seconds))} s  ${spread(
          rs.map((r) => TOTAL / 1e6 / r.seconds),
          0,
        )} MB/s  CPU ${spread(rs.map((r) => r.cpuSeconds))} s  peak RSS ${Math.max(...rs.map((r) => r.maxRssMb)).toFixed(0)} MB`,
      );
    line('tsproof escrow deposit', deposit!);
    line('tsproof sealing alone', sealing!);
    line('openssl cms -encrypt', ref!);
    line('openssl cms -encrypt && sync', refSynced!);
    // Ratios within each repetition (the load drifts between repetitions, less within one).
    const ratio = (a: Run[], b: Run[], f: (r: Run) => number = (r) => r.seconds) => spread(a.map((r, i) => f(r) / f(b[i]!)));
    const cpu = (r: Run) => r.cpuSeconds;
    console.log(`  ${cipher}  speed, whole deposit: ${ratio(refSynced!, deposit!)} × OpenSSL with its output synced, ${ratio(ref!, deposit!)} × without (target ≥ 0.8)`);
    console.log(`  ${cipher}  speed, encryption part: ${ratio(ref!, sealing!)} × OpenSSL`);
    console.log(`  ${cipher}  CPU time / OpenSSL's: deposit ${ratio(deposit!, ref!, cpu)} (the registration's SHA-256 included), sealing alone ${ratio(sealing!, ref!, cpu)}`);
  }
  console.log(`  (at the end: ${load()})`);

  // The agent verifies the (CBC) deposit: decryption and every file hashed, in constant memory.
  outs('deposit.p7m', 'deposit.p7m.tsproof.json', 'ref.p7m')();
  tsproof(['escrow', 'deposit', 'data', '--to', 'agent.pem', '--out', 'deposit.p7m', '--identity', 'bench-depositor']);
  execFileSync('sync');
  const verify = tsproof(['escrow', 'verify', 'deposit.p7m', '--identity', 'agent', '--out', 'statement.json']);
  console.log(`\nescrow verify (the agent): ${verify.seconds.toFixed(2)} s  ${(TOTAL / 1e6 / verify.seconds).toFixed(0)} MB/s  CPU ${verify.cpuSeconds.toFixed(2)} s  peak RSS ${verify.maxRssMb.toFixed(0)} MB`);
  const worst = Math.max(...results.flat().map((r) => r.maxRssMb), verify.maxRssMb);
  console.log(`peak RSS of tsproof: ${worst.toFixed(0)} MB (target ≤ 200 MB)`);
} finally {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
