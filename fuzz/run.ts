/**
 * The fuzzing campaign (docs/testing.md#fuzzing): each target in fuzz/targets/ runs in a worker
 * thread with bounded memory, for a time, on inputs fast-check makes from the seed corpus. A
 * worker that exceeds the per-input time limit is stopped and its input saved as a hang; one
 * that runs out of memory, as a memory finding; an input that breaks the contract
 * (fuzz/lib/target.ts), shrunk, as a crash or an accept. Findings go to fuzz/findings/<target>/;
 * once fixed, each becomes a regression input under test/fuzz/regressions/<target>/.
 *
 *   npm run fuzz                                 # every target, 60 s each, a random seed
 *   npm run fuzz -- --time 600 --target der,tsp-token
 *   npm run fuzz -- --total 60 --seed 1          # CI: a minute in all, reproducible
 *   npm run fuzz -- --runs 1000000 --target der  # a count instead of a time
 *
 * Exit 0: no finding; 1: findings (listed); 2: bad arguments.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerResult } from './lib/worker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TARGETS = readdirSync(path.join(here, 'targets'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

interface Args {
  time?: number;
  total?: number;
  runs?: number;
  targets: string[];
  seed?: number;
  memoryMb: number;
  out: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { targets: TARGETS, memoryMb: 512, out: path.join(here, 'findings'), quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const v = () => {
      const x = argv[++i];
      if (x === undefined) usage(`${argv[i - 1]} needs a value`);
      return x;
    };
    const num = () => {
      const x = Number(v());
      if (!Number.isFinite(x) || x <= 0) usage(`${argv[i - 1]} needs a positive number`);
      return x;
    };
    switch (argv[i]) {
      case '--time':
        a.time = num();
        break;
      case '--total':
        a.total = num();
        break;
      case '--runs':
        a.runs = num();
        break;
      case '--seed':
        a.seed = num();
        break;
      case '--memory':
        a.memoryMb = num();
        break;
      case '--out':
        a.out = path.resolve(v());
        break;
      case '--quiet':
        a.quiet = true;
        break;
      case '--target': {
        a.targets = v().split(',');
        const unknown = a.targets.filter((t) => !TARGETS.includes(t));
        if (unknown.length) usage(`unknown target(s): ${unknown.join(', ')} (known: ${TARGETS.join(', ')})`);
        break;
      }
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

function usage(problem: string): never {
  console.error(`fuzz: ${problem}\nusage: node fuzz/run.ts [--time S | --total S | --runs N] [--target a,b] [--seed N] [--memory MB] [--out DIR] [--quiet]`);
  process.exit(2);
}

export interface Finding {
  target: string;
  kind: 'crash' | 'accept' | 'hang' | 'memory';
  problem: string;
  input: Uint8Array;
  seed: number;
  file?: string;
}

export interface TargetReport {
  target: string;
  runs: number;
  seconds: number;
  codes: Record<string, number>;
  findings: Finding[];
}

const CURRENT_MAX = 4 << 20;

/** One worker's run: until its time or runs are spent, or a finding stops it. */
function runWorker(target: string, seed: number, timeMs: number, maxRuns: number, memoryMb: number, hangMs: number, progress?: (runs: number) => void): Promise<{ runs: number; codes: Record<string, number>; finding?: Finding }> {
  const control = new SharedArrayBuffer(12);
  const current = new SharedArrayBuffer(CURRENT_MAX);
  const c = new Int32Array(control);
  const data: WorkerInput = { target, seed, timeMs, maxRuns, control, current };
  const worker = new Worker(new URL('./lib/worker.ts', import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  // Output from the code under test (warnings) is not the campaign's: drop it.
  worker.stdout.resume();
  worker.stderr.resume();
  const snapshot = () => new Uint8Array(current.slice(0, Math.min(Atomics.load(c, 1), CURRENT_MAX)));
  return new Promise((resolve) => {
    let settled = false;
    let lastCount = -1;
    let since = Date.now();
    const finish = (r: { runs: number; codes: Record<string, number>; finding?: Finding }) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolve(r);
    };
    let ticks = 0;
    const watch = setInterval(() => {
      const n = Atomics.load(c, 0);
      if (progress && ++ticks % 600 === 0) progress(n);
      if (n !== lastCount || Atomics.load(c, 2) === 0) {
        lastCount = n;
        since = Date.now();
        return;
      }
      if (Date.now() - since > hangMs) finish({ runs: n, codes: {}, finding: { target, kind: 'hang', problem: `no answer within ${hangMs} ms`, input: snapshot(), seed } });
    }, 100);
    worker.on('message', (m: WorkerResult) => {
      const f = m.finding;
      finish({ runs: m.runs, codes: m.codes, finding: f ? { target, kind: f.problem.startsWith('Accepted') ? 'accept' : 'crash', problem: f.problem, input: f.input, seed: f.seed } : undefined });
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish({
        runs: Atomics.load(c, 0),
        codes: {},
        finding: { target, kind: oom ? 'memory' : 'crash', problem: oom ? `more than ${memoryMb} MB of heap` : `worker failed: ${err.stack ?? err.message}`, input: snapshot(), seed },
      });
    });
    worker.on('exit', (code) => {
      if (!settled) finish({ runs: Atomics.load(c, 0), codes: {}, finding: { target, kind: 'crash', problem: `worker exited with ${code}`, input: snapshot(), seed } });
    });
  });
}

/** Runs one target for `timeMs` (restarting after a finding with the next seed) and saves what it found. */
export async function fuzzTarget(target: string, o: { timeMs: number; maxRuns: number; seed: number; memoryMb: number; out?: string; progress?: boolean }): Promise<TargetReport> {
  const { target: t } = await import(`./targets/${target}.ts`);
  const hangMs = t.timeLimitMs ?? 2000;
  const started = Date.now();
  const report: TargetReport = { target, runs: 0, seconds: 0, codes: {}, findings: [] };
  let seed = o.seed;
  while (Date.now() - started < o.timeMs && report.runs < o.maxRuns && report.findings.length < 5) {
    const left = o.timeMs - (Date.now() - started);
    // Every minute, a line with the count so far: a campaign stopped from outside still says how far it got.
    const progress = o.progress ? (n: number) => console.log(`  ${target}: ${report.runs + n} inputs after ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${seed})`) : undefined;
    const r = await runWorker(target, seed, Math.max(1000, left), o.maxRuns - report.runs, o.memoryMb, hangMs, progress);
    report.runs += r.runs;
    for (const [k, v] of Object.entries(r.codes)) report.codes[k] = (report.codes[k] ?? 0) + v;
    if (r.finding) {
      if (o.out) {
        const dir = path.join(o.out, target);
        mkdirSync(dir, { recursive: true });
        const name = `${r.finding.kind}-${createHash('sha256').update(r.finding.input).digest('hex').slice(0, 16)}`;
        writeFileSync(path.join(dir, `${name}.bin`), r.finding.input);
        writeFileSync(path.join(dir, `${name}.txt`), `${r.finding.problem}\nseed ${r.finding.seed}\n`);
        r.finding.file = path.join(dir, `${name}.bin`);
      }
      report.findings.push(r.finding);
    } else break;
    seed = (seed + 1) >>> 0;
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const seed = a.seed ?? Date.now() % 2 ** 31;
  const per = a.total !== undefined ? a.total / a.targets.length : (a.time ?? (a.runs !== undefined ? 86_400 : 60));
  console.log(`fuzz: ${a.targets.length} target(s), ${a.runs !== undefined ? `${a.runs} inputs or ` : ''}${per.toFixed(1)} s each, seed ${seed}`);
  const reports: TargetReport[] = [];
  for (const target of a.targets) {
    const r = await fuzzTarget(target, { timeMs: per * 1000, maxRuns: a.runs ?? Number.MAX_SAFE_INTEGER, seed, memoryMb: a.memoryMb, out: a.out, progress: !a.quiet });
    reports.push(r);
    const codes = Object.entries(r.codes)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 4)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `${target.padEnd(16)} ${String(r.runs).padStart(10)} inputs ${r.seconds.toFixed(1).padStart(7)} s ${String(Math.round(r.runs / r.seconds)).padStart(7)}/s  ${r.findings.length ? `${r.findings.length} FINDING(S)` : 'ok'}${a.quiet ? '' : `  [${codes}]`}`,
    );
    for (const f of r.findings)
      console.log(
        `  ${f.kind}: ${f.problem
          .split('\n')
          .slice(0, a.quiet ? 1 : 6)
          .join('\n    ')}\n    input: ${f.file ?? `${f.input.length} bytes`} (seed ${f.seed})`,
      );
  }
  const total = reports.reduce((n, r) => n + r.runs, 0);
  const found = reports.reduce((n, r) => n + r.findings.length, 0);
  console.log(`fuzz: ${total} inputs, ${found} finding(s)`);
  process.exitCode = found ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
