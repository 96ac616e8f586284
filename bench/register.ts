/**
 * Benchmark: registration of many small files and verification against a per-file receipt.
 *
 *   npm run bench:register                    # 100,000 files of 1 KiB
 *   BENCH_FILES=20000 npm run bench:register
 *
 * In one run, on the same data: `tsproof hash` (hashing alone) vs `tsproof register`
 * (hashing + manifest + Merkle tree + signature + one timestamp + receipt), with the bundled
 * TSA in a separate process on loopback whose access log counts the requests; then
 * `tsproof receipt extract` and `tsproof verify` of one file against its per-file receipt,
 * compared with `tsproof hash` of that file. Prints times, ratios and peak RSS (GNU time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const N = Number(process.env.BENCH_FILES ?? 100_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-reg-'));
// The C locale: the bench reads the TSA's "listening" line (tsproof speaks Korean under a Korean locale).
const env = { ...envForLang(process.env, 'en'), TSPROOF_HOME: path.join(dir, 'home'), TSPROOF_PASSPHRASE: 'bench passphrase', CI: '1' };

function run(args: string[], quiet = true): { seconds: number; maxRssMb: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', BIN, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`tsproof ${args.join(' ')} failed: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  if (!quiet) process.stderr.write(lines.slice(0, -1).join('\n'));
  return { seconds, maxRssMb: Number(lines.pop()) / 1024, stdout: r.stdout };
}
const best = (n: number, f: () => ReturnType<typeof run>) => {
  const runs = Array.from({ length: n }, f);
  return { seconds: Math.min(...runs.map((r) => r.seconds)), maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)), stdout: runs[0]!.stdout };
};

let server: ReturnType<typeof spawn> | undefined;
try {
  // Data: N files of 1 KiB in 100 folders.
  const data = randomBytes(1024);
  for (let d = 0; d < 100; d++) mkdirSync(path.join(dir, 'data', `d${d}`), { recursive: true });
  for (let i = 0; i < N; i++) {
    data.writeUInt32LE(i, 0);
    const fd = openSync(path.join(dir, 'data', `d${i % 100}`, `f${i}.bin`), 'w');
    writeSync(fd, data);
    closeSync(fd);
  }
  run(['identity', 'new', '--name', 'Bench']);
  run(['tsa', 'init', '--dir', 'tsa']);
  const port = 30000 + Math.floor(Math.random() * 20000);
  let requests = 0;
  server = spawn(process.execPath, [BIN, 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) =>
    server!.stderr!.on('data', (b: Buffer) => {
      const s = b.toString();
      if (s.includes('listening')) resolve();
      requests += (s.match(/"method":"POST"/g) ?? []).length;
    }),
  );
  const url = `http://127.0.0.1:${port}/`;

  const hash = best(3, () => run(['hash', 'data']));
  const reg = run(['register', 'data', '--tsa', url, '--out', 'receipts', '--json']);
  const doc = JSON.parse(reg.stdout);
  await new Promise((r) => setTimeout(r, 200));
  const overhead = (reg.seconds - hash.seconds) / hash.seconds;
  console.log(`\nregister of ${N.toLocaleString('en-US')} files of 1 KiB`);
  console.log(`  tsproof hash data            ${hash.seconds.toFixed(2)} s   peak RSS ${hash.maxRssMb.toFixed(0)} MB`);
  console.log(`  tsproof register data        ${reg.seconds.toFixed(2)} s   peak RSS ${reg.maxRssMb.toFixed(0)} MB   TSA requests: ${requests}`);
  console.log(`  beyond hashing: +${(overhead * 100).toFixed(1)} % (target ≤ 20 %)`);
  const receiptPath = path.join(dir, doc.receipt);
  console.log(`  receipt: ${(statSync(receiptPath).size / 1024 ** 2).toFixed(1)} MB for ${N.toLocaleString('en-US')} entries`);

  const one = doc.files[Math.floor(N / 2)].file as string;
  run(['receipt', 'extract', doc.receipt, '--file', one, '--out', 'one.tsproof.json']);
  const hashOne = best(5, () => run(['hash', one]));
  const verOne = best(5, () => run(['verify', one, '--receipt', 'one.tsproof.json', '--json']));
  const single = JSON.parse(readFileSync(path.join(dir, 'one.tsproof.json'), 'utf8'));
  console.log(`\nverify one file against its per-file receipt (from the ${N.toLocaleString('en-US')}-file batch)`);
  console.log(`  tsproof hash <file>          ${(hashOne.seconds * 1000).toFixed(0)} ms`);
  console.log(`  tsproof verify <file>        ${(verOne.seconds * 1000).toFixed(0)} ms   (+${((verOne.seconds - hashOne.seconds) * 1000).toFixed(0)} ms beyond hashing; target ≤ 300 ms)`);
  console.log(`  per-file receipt: ${statSync(path.join(dir, 'one.tsproof.json')).size} bytes, inclusion proof of ${single.entries[0].proof.length} hashes (log2 N = ${Math.log2(N).toFixed(1)})`);
} finally {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
