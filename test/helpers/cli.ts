/** Runs the built CLI (bin/tsproof.js → dist) as a child process. Async, so in-process servers keep answering. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './fixtures.js';
import { envForLang } from '../../src/cli/i18n.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child in MiB (GNU time), when `bounded` was given. */
  peakRssMb?: number;
}

/** A run under a memory bound: V8's old space capped (a runaway run aborts instead of swapping) and the peak RSS measured. */
export interface Bounded {
  heapMb: number;
}

export const BIN = path.join(ROOT, 'bin', 'tsproof.js');

/**
 * `env` in the C locale, for child processes whose English output a test reads: tests must not
 * depend on the developer's locale (tsproof speaks Korean under a Korean one).
 */
export function cLocale(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return envForLang(env, 'en');
}

export function runCli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; bounded?: Bounded } = {}): Promise<CliResult> {
  const rssFile = o.bounded ? path.join(mkdtempSync(path.join(os.tmpdir(), 'tsproof-rss-')), 'rss') : undefined;
  // Bounded runs take the launcher's own V8 flag too (bin/tsproof.js's #! line), so their heap is the one users get.
  const node = [process.execPath, ...(o.bounded ? ['--max-semi-space-size=2', `--max-old-space-size=${o.bounded.heapMb}`] : []), BIN, ...args];
  const [command, ...argv] = rssFile ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, argv, {
      cwd: o.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: !!rssFile,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // Under GNU time the CLI is a grandchild: it gets its own process group, killed as a whole.
    const timer = setTimeout(() => (rssFile ? process.kill(-child.pid!, 'SIGKILL') : child.kill('SIGKILL')), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const r: CliResult = { status, stdout, stderr };
      // GNU time writes "Command terminated by signal N" before the figure when the child was killed.
      if (rssFile) {
        r.peakRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
        rmSync(path.dirname(rssFile), { recursive: true, force: true });
      }
      resolve(r);
    });
    child.stdin.end(o.input ?? '');
  });
}
