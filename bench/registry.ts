/**
 * Benchmark of the registry's four speed targets (issue 13), in one run:
 *
 *   npm run bench:registry
 *   BENCH_REG_FILES=20000 BENCH_FIND_ENTRIES=200000 BENCH_STATUS_FILES=2000 npm run bench:registry
 *
 * 1. Recording a registration of BENCH_REG_FILES (100,000) files: `register` against
 *    `register --no-record` of the same files, BENCH_REG_PAIRS (5) pairs interleaved (what
 *    recording adds, target ≤ 10 %), and the recording's own work measured in process for
 *    comparison (the ordinary path, and the worker's: entries put ahead, then completed).
 * 2. `tsproof registry find <digest>` over a registry of BENCH_FIND_ENTRIES (1,000,000) entries,
 *    against `tsproof --version` (start-up) in the same run (target: ≤ 50 ms beyond start-up).
 * 3. `tsproof status` of a BENCH_STATUS_FILES (10,000) files folder, all registered, against
 *    `tsproof hash` of it, and sha256sum as the reference tool (target ≤ 1.2 × hash).
 * 4. The database's growth per entry for 2., less the names' bytes (target ≤ 200 bytes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';
import { entryColumns, packEntries, packedEntriesSha256 } from '../dist/core/registry/background.js';
import { openRegistry, registryPath } from '../dist/core/registry/open.js';
import { entryRecords, registrationEvent, registrationEventOf } from '../dist/core/registry/record.js';
import { parseReceiptJson } from '../dist/core/receipt/receipt.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const REG_FILES = Number(process.env.BENCH_REG_FILES ?? 100_000);
const REG_PAIRS = Number(process.env.BENCH_REG_PAIRS ?? 5);
const FIND_ENTRIES = Number(process.env.BENCH_FIND_ENTRIES ?? 1_000_000);
const STATUS_FILES = Number(process.env.BENCH_STATUS_FILES ?? 10_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-registry-'));
const env = { ...envForLang(process.env, 'en'), TSPROOF_HOME: path.join(dir, 'home'), TSPROOF_PASSPHRASE: 'bench passphrase', CI: '1' };

// CPU time (user + system, all threads) of a command through GNU time where there is one: on a
// shared, loaded machine wall times stretch with the load, CPU times much less.
const TIME = ['/usr/bin/time', '-f', '\nBENCH-CPU %U %S'];
const haveTime = spawnSync(TIME[0]!, ['-f', '%U', 'true']).status === 0;

type Run = { seconds: number; cpu?: number; stdout: string };
function run(args: string[], o: { home?: string; cmd?: string[] } = {}): Run {
  const t0 = process.hrtime.bigint();
  const [command, ...argv] = [...(haveTime ? TIME : []), ...(o.cmd ?? [process.execPath, BIN, ...args])];
  const r = spawnSync(command!, argv, { cwd: dir, env: o.home ? { ...env, TSPROOF_HOME: o.home } : env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && !(args[0] === 'status' && r.status === 1)) throw new Error(`${command} ${argv.join(' ')} failed: ${r.stderr}`);
  const m = /BENCH-CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { seconds, ...(m ? { cpu: Number(m[1]) + Number(m[2]) } : {}), stdout: r.stdout };
}
const best = (n: number, f: () => Run): Run => {
  const runs = Array.from({ length: n }, f);
  const cpus = runs.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]));
  return { seconds: Math.min(...runs.map((r) => r.seconds)), ...(cpus.length ? { cpu: Math.min(...cpus) } : {}), stdout: runs[0]!.stdout };
};
const cpuOf = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

function makeFiles(root: string, n: number, tag: string): void {
  const data = randomBytes(1024);
  for (let d = 0; d < 100; d++) mkdirSync(path.join(root, `d${d}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    data.writeUInt32LE(i, 0);
    data.write(tag, 4);
    const fd = openSync(path.join(root, `d${i % 100}`, `f${i}.bin`), 'w');
    writeSync(fd, data);
    closeSync(fd);
  }
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
console.log(`load average at start: ${load()} (${os.cpus().length} cores)`);
let server: ReturnType<typeof spawn> | undefined;
try {
  run(['identity', 'new', '--name', 'Bench']);
  run(['tsa', 'init', '--dir', 'tsa']);
  const port = 30000 + Math.floor(Math.random() * 20000);
  server = spawn(process.execPath, [BIN, 'tsa', 'serve', '--dir', 'tsa', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => server!.stderr!.on('data', (b: Buffer) => b.toString().includes('listening') && resolve()));
  const url = `http://127.0.0.1:${port}/`;

  // 1. Recording a large registration: register against register --no-record, interleaved.
  makeFiles(path.join(dir, 'big'), REG_FILES, 'big');
  // The home's first registration creates its registry (the ordinary way: docs/registry.md); the runs below record into it.
  makeFiles(path.join(dir, 'seed'), 1, 'seed');
  run(['register', 'seed', '--tsa', url, '--out', 'receipts']);
  const homeDb = registryPath(env.TSPROOF_HOME);
  const seeded = path.join(dir, 'seeded.db');
  copyFileSync(homeDb, seeded);
  /** The home's registry as it was with the seed alone (or `from`): each recorded run records into the same state. */
  const resetRegistry = (from = seeded) => {
    for (const side of ['-wal', '-shm']) rmSync(homeDb + side, { force: true });
    copyFileSync(from, homeDb);
  };
  const recorded: Run[] = [];
  const unrecorded: Run[] = [];
  for (let i = 0; i < REG_PAIRS; i++) {
    unrecorded.push(run(['register', 'big', '--tsa', url, '--out', 'receipts', '--json', '--no-record']));
    resetRegistry();
    recorded.push(run(['register', 'big', '--tsa', url, '--out', 'receipts', '--json']));
  }
  const doc = JSON.parse(recorded[0]!.stdout) as { receipt: string };
  const receipt = parseReceiptJson(readFileSync(path.join(dir, doc.receipt), 'utf8'), doc.receipt);
  const shadowHome = path.join(dir, 'shadow');
  const recs = JSON.parse(run(['--json', 'log']).stdout).registrations as Record<string, unknown>[];
  const rec = { ...(recs[0] as object), id: '00000000-0000-4000-8000-000000000001' } as Parameters<typeof registrationEvent>[1];
  // What recording costs by itself, in process: best of 3, each into a fresh registry.
  const records: number[] = [];
  const recordCpus: number[] = [];
  for (let i = 0; i < 3; i++) {
    rmSync(shadowHome, { recursive: true, force: true });
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const store = await openRegistry(shadowHome, { now: () => new Date() });
    const rows = entryRecords(receipt.entries);
    await store.addRegistration(rec, rows, registrationEvent('registration', rec, rows));
    store.close();
    records.push(Number(process.hrtime.bigint() - t0) / 1e9);
    recordCpus.push(cpuOf(process.cpuUsage(c0)));
  }
  // The worker's way, in process: packed (main thread), put ahead, digest, completed; into the registry as the recorded runs find it.
  const aheads: number[] = [];
  for (let i = 0; i < 3; i++) {
    resetRegistry();
    const t0 = process.hrtime.bigint();
    const packed = packEntries(entryRecords(receipt.entries))!;
    const store = await openRegistry(env.TSPROOF_HOME, { now: () => new Date() });
    store.checkpointOnClose();
    const rid = store.putEntriesAhead(entryColumns(packed));
    const digest = packedEntriesSha256(packed);
    store.completeRegistration(rid, rec, () => registrationEventOf('registration', rec, digest));
    store.close();
    aheads.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  resetRegistry();
  const secs = (rs: Run[]) => rs.map((r) => r.seconds.toFixed(2)).join(', ');
  const least = (rs: Run[]) => Math.min(...rs.map((r) => r.seconds));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n1. recording a registration of ${REG_FILES.toLocaleString('en-US')} files (${REG_PAIRS} pairs, interleaved; each recorded into the registry as it was with one earlier registration)`);
  console.log(`   register --no-record (wall)    ${secs(unrecorded)} s`);
  console.log(`   register (wall)                ${secs(recorded)} s`);
  console.log(
    `   recording adds                 ${((median(recorded.map((r) => r.seconds)) / median(unrecorded.map((r) => r.seconds)) - 1) * 100).toFixed(1)} % (medians), ${((least(recorded) / least(unrecorded) - 1) * 100).toFixed(1)} % (best of ${REG_PAIRS} each); pairs: ${recorded.map((r, i) => `${((r.seconds / unrecorded[i]!.seconds - 1) * 100).toFixed(0)} %`).join(', ')}, median pair ${(median(recorded.map((r, i) => r.seconds / unrecorded[i]!.seconds - 1)) * 100).toFixed(1)} % (target ≤ 10 %)`,
  );
  const cpus = (rs: Run[]) => rs.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]));
  if (cpus(recorded).length) {
    const rc = Math.min(...cpus(recorded));
    const uc = Math.min(...cpus(unrecorded));
    console.log(`   CPU time (all threads, least of ${REG_PAIRS}): register ${rc.toFixed(2)} s, --no-record ${uc.toFixed(2)} s: adds ${((rc / uc - 1) * 100).toFixed(1)} %`);
  }
  console.log(`   the recording's own work       ${ms(Math.min(...records))} wall, ${ms(Math.min(...recordCpus))} CPU (in process, the ordinary way, into a fresh registry, best of 3: ${records.map(ms).join(', ')})`);
  console.log(
    `   the worker's way, in process   ${ms(Math.min(...aheads))} (pack, put ahead, digest, complete, close; best of 3: ${aheads.map(ms).join(', ')}); register does it in a worker thread while it signs, timestamps and writes the receipt`,
  );

  // 2 and 4. A registry of FIND_ENTRIES entries; find one digest.
  const findHome = path.join(dir, 'find-home');
  const big = await openRegistry(findHome, { now: () => new Date() });
  const empty = statSync(registryPath(findHome)).size;
  const per = 100_000;
  let nameBytes = 0;
  let needle = '';
  for (let r = 0; r * per < FIND_ENTRIES; r++) {
    const n = Math.min(per, FIND_ENTRIES - r * per);
    const entries = Array.from({ length: n }, (_, i) => {
      const name = `project-${r}/src/module${i % 500}/file-${i}.cad`;
      nameBytes += Buffer.byteLength(name);
      return { index: i, name, size: 1024 + i, digests: { sha256: randomBytes(32).toString('hex') } };
    });
    if (r === Math.floor(FIND_ENTRIES / per / 2)) needle = entries[Math.floor(n / 2)]!.digests.sha256;
    const id = `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`;
    const rr = { ...rec, id, time: new Date(Date.UTC(2026, 0, 1 + r)).toISOString(), count: n };
    await big.addRegistration(rr, entries, registrationEvent('registration', rr, entries));
  }
  big.close();
  const grown = statSync(registryPath(findHome)).size - empty;
  const startup = best(5, () => run(['--version']));
  // The same command on the small registry of this bench's home (the registrations above): what the size costs.
  const small = best(5, () => run(['registry', 'find', `sha256:${needle}`, '--json']));
  const find = best(5, () => run(['registry', 'find', `sha256:${needle}`, '--json'], { home: findHome }));
  const found = JSON.parse(find.stdout) as { registrations: unknown[] };
  // In process, without the CLI's start-up: open the registry, look the digest up, close.
  const inProcess = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const s = await openRegistry(findHome, { now: () => new Date() });
    await s.findByDigest('sha256', needle);
    s.close();
    inProcess.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  console.log(`\n2. registry find <digest> over ${FIND_ENTRIES.toLocaleString('en-US')} entries (best of 5; found ${found.registrations.length})`);
  console.log(`   tsproof --version (start-up)   ${ms(startup.seconds)}`);
  console.log(`   registry find, small registry  ${ms(small.seconds)}  (the registrations above; the command's own start-up: modules, opening the database)`);
  console.log(`   in process: open + find + close ${ms(Math.min(...inProcess))} (best of 5)`);
  console.log(
    `   tsproof registry find          ${ms(find.seconds)}  = --version + ${ms(find.seconds - startup.seconds)}, = find on a small registry + ${ms(find.seconds - small.seconds)} (target ≤ 50 ms beyond start-up), ratio ${(find.seconds / startup.seconds).toFixed(2)}`,
  );
  if (find.cpu !== undefined && startup.cpu !== undefined && small.cpu !== undefined)
    console.log(
      `   CPU time: --version ${ms(startup.cpu)}, find on the small registry ${ms(small.cpu)}, find over ${FIND_ENTRIES.toLocaleString('en-US')} entries ${ms(find.cpu)} = --version + ${ms(find.cpu - startup.cpu)} (least of 5 each)`,
    );
  console.log(
    `\n4. database growth: ${(grown / 1024 ** 2).toFixed(1)} MB for ${FIND_ENTRIES.toLocaleString('en-US')} entries = ${(grown / FIND_ENTRIES).toFixed(0)} bytes per entry, of which names ${(nameBytes / FIND_ENTRIES).toFixed(0)}: ${((grown - nameBytes) / FIND_ENTRIES).toFixed(0)} bytes plus the name (target ≤ 200)`,
  );
  // The same registration recorded into a registry that holds FIND_ENTRIES entries already: random
  // digests dirty most of the SHA-256 index's pages, which the commit writes (and checkpoints) back.
  const bigDb = path.join(dir, 'big.db');
  copyFileSync(registryPath(findHome), bigDb);
  rmSync(findHome, { recursive: true, force: true });
  const intoBig: Run[] = [];
  const besideBig: Run[] = [];
  for (let i = 0; i < 2; i++) {
    besideBig.push(run(['register', 'big', '--tsa', url, '--out', 'receipts', '--json', '--no-record']));
    resetRegistry(bigDb);
    intoBig.push(run(['register', 'big', '--tsa', url, '--out', 'receipts', '--json']));
  }
  rmSync(bigDb, { force: true });
  resetRegistry();
  console.log(
    `\n1b. the same registration recorded into a registry of ${FIND_ENTRIES.toLocaleString('en-US')} entries: register ${secs(intoBig)} s, --no-record ${secs(besideBig)} s: adds ${((least(intoBig) / least(besideBig) - 1) * 100).toFixed(1)} % (best of 2 each)${cpus(intoBig).length ? `; CPU adds ${((Math.min(...cpus(intoBig)) / Math.min(...cpus(besideBig)) - 1) * 100).toFixed(1)} %` : ''}`,
  );

  // 3. status of a registered folder against hash (and sha256sum).
  makeFiles(path.join(dir, 'st'), STATUS_FILES, 'st');
  run(['register', 'st', '--tsa', url, '--out', 'receipts']);
  // Interleaved (hash, status, hash, status …) so that a change of the machine's load hits both alike.
  const hashes: Run[] = [];
  const statuses: Run[] = [];
  for (let i = 0; i < 5; i++) {
    hashes.push(run(['hash', 'st']));
    statuses.push(run(['status', 'st']));
  }
  const fastest = (rs: Run[]) => rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const leastCpu = (rs: Run[]) => Math.min(...rs.map((r) => r.cpu ?? Number.NaN));
  const hash = fastest(hashes);
  const status = fastest(statuses);
  const sha = best(3, () => run([], { cmd: ['sh', '-c', 'find st -type f -print0 | xargs -0 sha256sum > /dev/null'] }));
  console.log(`\n3. status of ${STATUS_FILES.toLocaleString('en-US')} registered files (best of 5, interleaved; pairs: ${hashes.map((h, i) => `${(statuses[i]!.seconds / h.seconds).toFixed(2)}`).join(' ')})`);
  console.log(`   tsproof hash st                ${ms(hash.seconds)}`);
  console.log(`   tsproof status st              ${ms(status.seconds)}  = ${(status.seconds / hash.seconds).toFixed(2)} × hash (target ≤ 1.2)`);
  console.log(`   (reference) sha256sum          ${ms(sha.seconds)}`);
  if (haveTime) console.log(`   CPU time: hash ${ms(leastCpu(hashes))}, status ${ms(leastCpu(statuses))} = ${(leastCpu(statuses) / leastCpu(hashes)).toFixed(2)} × (least of 5 each)`);
  console.log(`\nload average at the end: ${load()}`);
} finally {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
}
