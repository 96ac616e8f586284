/**
 * Benchmark: `tsproof hash` against `openssl dgst -sha256` (and `sha256sum`) on the same
 * data, in the same run. Prints throughput ratios and peak RSS (GNU time).
 *
 *   npm run bench            # 1 GiB file + 10,000 files of 100 KiB
 *   BENCH_GIB=4 npm run bench
 *
 * Runs bin/tsproof.js the way users do (its shebang sets Node's flags); npm run puts
 * node_modules/.bin/node first on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const GIB = Number(process.env.BENCH_GIB ?? 1);
const SMALL = Number(process.env.BENCH_SMALL_FILES ?? 10000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-'));

function timed(cmd: string, args: string[], cwd: string): { seconds: number; maxRssMb: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, maxRssMb: kb / 1024 };
}

function best(n: number, f: () => { seconds: number; maxRssMb: number }) {
  const runs = Array.from({ length: n }, f);
  return { seconds: Math.min(...runs.map((r) => r.seconds)), maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)) };
}

function report(title: string, bytes: number, rows: [string, { seconds: number; maxRssMb: number }][]) {
  const base = rows[1]![1].seconds;
  console.log(`\n${title} (${(bytes / 1024 ** 3).toFixed(2)} GiB)`);
  for (const [name, r] of rows) {
    console.log(`  ${name.padEnd(34)} ${(bytes / r.seconds / 1024 ** 2).toFixed(0).padStart(6)} MiB/s  ${r.seconds.toFixed(2)} s  ratio vs openssl ${(base / r.seconds).toFixed(2)}  peak RSS ${r.maxRssMb.toFixed(0)} MB`);
  }
}

try {
  // One large file, written in 64 MiB chunks of random data (not sparse: real reads).
  const big = path.join(dir, 'big.bin');
  const fd = openSync(big, 'w');
  const chunk = randomBytes(64 << 20);
  for (let i = 0; i < GIB * 16; i++) writeSync(fd, chunk);
  closeSync(fd);
  execFileSync('cat', [big], { stdio: ['ignore', 'ignore', 'ignore'] }); // warm the page cache for everyone
  report('one large file', GIB * 1024 ** 3, [
    ['tsproof hash', best(3, () => timed(BIN, ['hash', 'big.bin'], dir))],
    ['openssl dgst -sha256', best(3, () => timed('openssl', ['dgst', '-sha256', 'big.bin'], dir))],
    ['sha256sum', best(3, () => timed('sha256sum', ['big.bin'], dir))],
  ]);
  rmSync(big);

  // Many small files.
  const many = path.join(dir, 'many');
  mkdirSync(many);
  const data = randomBytes(100 * 1024);
  for (let i = 0; i < SMALL; i++) {
    data.writeUInt32LE(i, 0);
    const f = openSync(path.join(many, `f${String(i).padStart(6, '0')}.bin`), 'w');
    writeSync(f, data);
    closeSync(f);
  }
  const names = Array.from({ length: SMALL }, (_, i) => `many/f${String(i).padStart(6, '0')}.bin`);
  report(`${SMALL} files of 100 KiB`, SMALL * 100 * 1024, [
    ['tsproof hash many', best(3, () => timed(BIN, ['hash', 'many'], dir))],
    ['openssl dgst -sha256 (one process)', best(3, () => timed('openssl', ['dgst', '-sha256', ...names], dir))],
    ['sha256sum', best(3, () => timed('sha256sum', names, dir))],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
