/** Runs the built CLI (bin/tsproof.js → dist) as a child process. Async, so in-process servers keep answering. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './fixtures.js';
import { envForLang } from '../../src/cli/i18n.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const BIN = path.join(ROOT, 'bin', 'tsproof.js');

/**
 * `env` in the C locale, for child processes whose English output a test reads: tests must not
 * depend on the developer's locale (tsproof speaks Korean under a Korean one).
 */
export function cLocale(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return envForLang(env, 'en');
}

export function runCli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(o.input ?? '');
  });
}
