/** Runs the openssl command line (the independent oracle). */
import { spawnSync } from 'node:child_process';

export function openssl(args: string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}
