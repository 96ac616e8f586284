/**
 * Running an evidence pack's verify.sh the way a reader without tsproof would: from a fresh
 * copy of the pack, with a PATH holding only bash, OpenSSL and the POSIX tools the script
 * says it needs — taken from BusyBox (as on Alpine and in small containers) or from GNU
 * coreutils/diffutils. No tsproof, no node, no grep, sed, awk, stat or date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What verify.sh's header says it needs, besides bash and openssl. */
export const POSIX_TOOLS = ['cat', 'od', 'wc', 'cmp', 'rm', 'mktemp'] as const;

export type Flavour = 'busybox' | 'gnu';

const dirs = new Map<string, string>();

function which(t: string): string {
  return execFileSync('bash', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim();
}

/**
 * A folder to use as the whole PATH: bash, openssl, and the POSIX tools from `flavour`.
 * `sh` adds a POSIX sh (BusyBox ash) to run verify.sh with; `bash: false` leaves bash out.
 */
export function toolDir(flavour: Flavour, o: { sh?: boolean; bash?: boolean } = {}): string {
  const key = `${flavour}:${!!o.sh}:${o.bash ?? true}`;
  let dir = dirs.get(key);
  if (dir) return dir;
  dir = mkdtempSync(path.join(os.tmpdir(), `tsproof-tools-${flavour}-`));
  if (o.bash ?? true) symlinkSync(which('bash'), path.join(dir, 'bash'));
  symlinkSync(which('openssl'), path.join(dir, 'openssl'));
  for (const t of POSIX_TOOLS) symlinkSync(flavour === 'busybox' ? which('busybox') : which(t), path.join(dir, t));
  if (o.sh) symlinkSync(which('busybox'), path.join(dir, 'sh'));
  dirs.set(key, dir);
  return dir;
}

export function removeToolDirs(): void {
  for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` (default: the pack's own verify.sh) on `file` from a fresh copy of `pack` made
 * under `scratch`, with only the tools of `toolDir` on the PATH.
 */
export function runVerifySh(scratch: string, pack: string, file: string, o: { env?: Record<string, string>; flavour?: Flavour; shell?: 'bash' | 'sh'; script?: string; bash?: boolean; path?: string } = {}): ScriptRun {
  const fresh = mkdtempSync(path.join(scratch, 'pack-copy-'));
  const copy = path.join(fresh, 'pack');
  cpSync(pack, copy, { recursive: true });
  if (o.script) cpSync(o.script, path.join(copy, 'verify.sh'));
  const bin = toolDir(o.flavour ?? 'busybox', { sh: o.shell === 'sh', bash: o.bash ?? true });
  const shell = o.shell === 'sh' ? path.join(bin, 'sh') : which('bash');
  const r = spawnSync(shell, [path.join(copy, 'verify.sh'), file], { cwd: fresh, encoding: 'utf8', env: { PATH: o.path ?? bin, ...o.env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
