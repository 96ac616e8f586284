/**
 * Issue 11: stopping tsproof stops it, whichever Node runs the launcher. Under a system Node older
 * than 22.13 (here /usr/bin/node, Node 20) bin/tsproof.js re-runs tsproof under the bundled Node
 * as a child; it used to pass no signal on, so a killed `register` went on to write a signed
 * receipt and a killed `tsa serve` kept serving. Each case runs on both paths: the re-run (system
 * Node) and the direct one (the bundled Node 24).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice } from '../helpers/setup.js';
import { serve, type Running } from '../helpers/servers.js';

const SYSTEM_NODE = '/usr/bin/node';
const BUNDLED_NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const nodeVersion = (bin: string) => spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
const older = (v: string) => {
  const [major, minor] = v.split('.').map(Number);
  return major! < 22 || (major === 22 && minor! < 12);
};

const PATHS = [
  { name: 're-run under the bundled Node (system Node 20)', node: SYSTEM_NODE, rerun: true },
  { name: 'direct (bundled Node 24)', node: BUNDLED_NODE, rerun: false },
] as const;

const PASS = 'signal passphrase 9';

function start(node: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess & { err: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(node, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return Object.assign(child, { err: () => stderr, exited });
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('the re-run path is what /usr/bin/node takes here (a system Node older than 22.13)', () => {
  expect(older(nodeVersion(SYSTEM_NODE))).toBe(true);
  expect(older(nodeVersion(BUNDLED_NODE))).toBe(false);
});

for (const p of PATHS) {
  describe(`signals, ${p.name}`, () => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      it(`${signal} stops tsa serve: it finishes, stops listening and exits 0`, async () => {
        const ws = cliWorkspace('tsproof-sig-', { passphrase: PASS });
        const init = await runCli(['tsa', 'init', '--dir', 'tsa'], { cwd: ws.work, env: { TSPROOF_HOME: ws.home } });
        expect(init.status, init.stderr).toBe(0);
        const server = start(p.node, ['tsa', 'serve', '--dir', 'tsa', '--port', '0'], ws.work, { TSPROOF_HOME: ws.home });
        const lock = path.join(ws.work, 'tsa', 'serve.lock');
        let servingPid = 0;
        try {
          await until('the server to listen', () => /listening on (http:\S+)/.test(server.err()));
          const url = /listening on (http:\S+)/.exec(server.err())![1]!;
          servingPid = Number(readFileSync(lock, 'utf8'));
          // The process serving is the launcher itself on the direct path, its child on the re-run path.
          expect(servingPid !== server.pid).toBe(p.rerun);
          expect((await fetch(`${url}health`)).status).toBe(200);
          server.kill(signal);
          const { code, signal: died } = await server.exited;
          expect({ code, died }, server.err()).toEqual({ code: 0, died: null });
          await until('the serving process to end', () => !alive(servingPid), 5000);
          await expect(fetch(`${url}health`)).rejects.toThrow();
          expect(existsSync(lock)).toBe(false);
        } finally {
          if (servingPid && alive(servingPid)) process.kill(servingPid, 'SIGKILL');
          if (server.exitCode === null) server.kill('SIGKILL');
        }
      });
    }

    it('SIGTERM during register (waiting for the TSA) ends it by that signal; no receipt is ever written', async () => {
      const ws = cliWorkspace('tsproof-sig-', { passphrase: PASS });
      await importAlice(ws);
      writeFileSync(path.join(ws.work, 'a.txt'), 'registered only if not killed');
      // A TSA that answers after 3 s, correctly: a tsproof left running would write a receipt.
      const real = await bundledTsa('tsa-ec');
      let asked = false;
      let clientLeft = false;
      let answered = false;
      const slow: Running = await serve((req, body, res) => {
        asked = true;
        req.socket.on('close', () => (clientLeft ||= !answered));
        setTimeout(async () => {
          const r = await fetch(real.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
          answered = true;
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(await r.arrayBuffer()));
        }, 3000);
      });
      const reg = start(p.node, ['register', 'a.txt', '--tsa', slow.url], ws.work, { TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: PASS });
      try {
        await until('the TSA request', () => asked);
        reg.kill('SIGTERM');
        const { code, signal } = await reg.exited;
        expect({ code, signal }, reg.err()).toEqual({ code: null, signal: 'SIGTERM' });
        // Past the TSA's answer: nobody was left to receive it, and nothing was written.
        await until('the TSA to answer', () => answered, 10_000);
        await new Promise((r) => setTimeout(r, 1000));
        expect(clientLeft).toBe(true);
        expect(readdirSync(ws.work).filter((n) => n.endsWith('.tsproof.json'))).toEqual([]);
        expect(existsSync(path.join(ws.home, 'registry.db'))).toBe(false);
      } finally {
        if (reg.exitCode === null && reg.signalCode === null) reg.kill('SIGKILL');
        await slow.close();
        await real.close();
      }
    });

    it("the exit status of the command is the launcher's", async () => {
      const ws = cliWorkspace('tsproof-sig-', { passphrase: PASS });
      const r = start(p.node, ['verify', 'nothing-here.txt'], ws.work, { TSPROOF_HOME: ws.home });
      expect(await r.exited).toEqual({ code: 2, signal: null });
    });
  });
}
