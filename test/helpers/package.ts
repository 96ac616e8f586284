/**
 * The npm package as users get it: `npm pack` of the project in a staging copy (its own
 * `prepare` builds dist/ there, `prepack` strips `prepare` from the packed manifest — exactly
 * what `npm pack` / `npm publish` do in a checkout, without touching the checkout's dist/ that
 * other tests run), and installs of the tarball with a chosen Node and its npm.
 *
 * Installs use `--prefer-offline`: every package comes from the local npm cache that `npm ci`
 * filled; only the registry's package metadata (which `npm ci` does not fetch) is asked for
 * once per machine, then cached as well.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './fixtures.js';

export const SYSTEM_NODE = '/usr/bin/node';
export const BUNDLED_NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
/** npm itself, run by whichever Node is being tried. */
export const NPM_CLI = ['/usr/lib/node_modules/npm/bin/npm-cli.js', '/usr/share/nodejs/npm/bin/npm-cli.js', '/usr/local/lib/node_modules/npm/bin/npm-cli.js'].find(existsSync);

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function nodeVersion(node: string): string {
  return spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
}

/** A PATH whose `node` is `node` (a folder with a link to it first), for npm and for tsproof's #! line. */
export function pathWithNode(node: string, rest = '/usr/local/bin:/usr/bin:/bin'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-nodebin-'));
  symlinkSync(node, path.join(dir, 'node'));
  return `${dir}:${rest}`;
}

/** A clean environment: no npm_* variables of the npm that runs the tests, a C locale, no colour. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

export function run(command: string, args: readonly string[], o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.cwd, env: o.env, stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin!.end(o.input);
  });
}

/** npm (NPM_CLI) under `node`, with `node` first on PATH. */
export function npm(node: string, args: readonly string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  if (!NPM_CLI) throw new Error('npm-cli.js not found');
  return run(node, [NPM_CLI, ...args], { cwd: o.cwd, env: cleanEnv({ PATH: pathWithNode(node), ...o.env }), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
}

/** The files a staging copy needs to build and pack as the checkout does. */
const STAGE = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bin', 'assets', 'docs', 'scripts', 'LICENSE', 'README.md', 'action.yml', 'ci', '.gitignore'];

/** A copy of the project; with `linkModules`, one that builds on its own (node_modules linked to the checkout's). */
export function stageProject(o: { linkModules?: boolean } = {}): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tsproof-stage-')), 'tsproof');
  mkdirSync(dir);
  for (const f of STAGE) if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  if (o.linkModules) symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** `npm pack` of a staging copy, with the system Node's npm; the tarball's path. */
export async function packProject(): Promise<string> {
  const stage = stageProject({ linkModules: true });
  const dest = mkdtempSync(path.join(os.tmpdir(), 'tsproof-pack-'));
  const r = await npm(SYSTEM_NODE, ['pack', '--pack-destination', dest], { cwd: stage });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball: ${r.stdout}`);
  return path.join(dest, tgz);
}

/** An empty npm project to install into. */
export function tempProject(prefix = 'tsproof-proj-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tsproof-try', version: '1.0.0', private: true }, null, 2));
  return dir;
}
