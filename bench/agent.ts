/**
 * Benchmark (issue 14): what the key agent saves. In one run, on the same data, with the bundled
 * TSA on loopback:
 *   tsproof hash data                       the reference: hashing alone
 *   tsproof register data (passphrase)      + key derivation (scrypt) + sign + timestamp + receipt
 *   tsproof register data (agent)           the same, signed by `tsproof agent`: no derivation
 * for 100,000 files of 1 KiB and 10,000 files of 100 KiB (BENCH_SMALL / BENCH_LARGE to change the
 * counts). Targets: register with the agent ≤ 1.3 × hash (small files), ≤ 1.1 × hash (100 KiB).
 *
 *   npm run bench:agent
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const SMALL = Number(process.env.BENCH_SMALL ?? 100_000);
const LARGE = Number(process.env.BENCH_LARGE ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-agent-'));
const base = { ...envForLang(process.env, 'en'), TSPROOF_HOME: path.join(dir, 'home'), CI: '1' };
const withPass = { ...base, TSPROOF_PASSPHRASE: 'bench passphrase' };

function run(args: string[], env: NodeJS.ProcessEnv = withPass): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`tsproof ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
  return seconds;
}
/** Runs interleaved, so that a change of machine load touches each variant alike; the best of RUNS each. */
function compare(variants: Record<string, () => number>): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) for (const [k, f] of Object.entries(variants)) times[k]!.push(f());
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
}

function makeData(name: string, n: number, size: number): void {
  const data = randomBytes(size);
  for (let d = 0; d < 100; d++) mkdirSync(path.join(dir, name, `d${d}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    data.writeUInt32LE(i, 0);
    const fd = openSync(path.join(dir, name, `d${i % 100}`, `f${i}.bin`), 'w');
    writeSync(fd, data);
    closeSync(fd);
  }
}

let server: ReturnType<typeof spawn> | undefined;
try {
  mkdirSync(base.TSPROOF_HOME, { mode: 0o700 });
  run(['identity', 'new', '--name', 'Bench']);
  run(['tsa', 'init', '--dir', 'tsa']);
  const port = 30000 + Math.floor(Math.random() * 20000);
  server = spawn(process.execPath, [BIN, 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], { cwd: dir, env: base, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => server!.stderr!.on('data', (b: Buffer) => b.toString().includes('listening') && resolve()));
  const url = `http://127.0.0.1:${port}/`;
  run(['agent', 'start', '--timeout', '2h']);
  const reg = (data: string, env: NodeJS.ProcessEnv) => () => run(['register', data, '--tsa', url, '--out', 'receipts/'], env);

  for (const [name, n, size] of [
    ['small', SMALL, 1024],
    ['large', LARGE, 100 * 1024],
  ] as const) {
    makeData(name, n, size);
    run(['hash', name]); // warm the page cache and the compile cache
    const t = compare({ hash: () => run(['hash', name]), passphrase: reg(name, withPass), agent: reg(name, base) });
    const target = size === 1024 ? 1.3 : 1.1;
    console.log(`\n${n.toLocaleString('en-US')} files of ${size / 1024} KiB (best of ${RUNS}, interleaved)`);
    console.log(`  tsproof hash                   ${t.hash!.toFixed(2)} s   (reference)`);
    console.log(`  register, passphrase (scrypt)  ${t.passphrase!.toFixed(2)} s   ${(t.passphrase! / t.hash!).toFixed(2)} × hash`);
    console.log(`  register, key agent            ${t.agent!.toFixed(2)} s   ${(t.agent! / t.hash!).toFixed(2)} × hash (target ≤ ${target}); saves ${((t.passphrase! - t.agent!) * 1000).toFixed(0)} ms`);
    rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  // One small file: where the derivation is most of the cost.
  makeData('one', 1, 1024);
  const t = compare({ hash: () => run(['hash', 'one']), passphrase: reg('one', withPass), agent: reg('one', base) });
  console.log(`\n1 file of 1 KiB (best of ${RUNS})`);
  console.log(`  tsproof hash ${(t.hash! * 1000).toFixed(0)} ms · register with passphrase ${(t.passphrase! * 1000).toFixed(0)} ms · with the agent ${(t.agent! * 1000).toFixed(0)} ms (${(t.agent! / t.passphrase!).toFixed(2)} ×)`);
} finally {
  spawnSync(process.execPath, [BIN, 'agent', 'stop'], { cwd: dir, env: base });
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
