/** `tsproof registry serve` as a child process (the built CLI), for end-to-end tests and the bench. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Computed here (not imported from ./cli.js) so that bench/ can load this file under Node directly.
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tsproof.js');

export interface OrgServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function startOrgServe(args: string[], env: NodeJS.ProcessEnv): Promise<OrgServeProcess> {
  let err = '';
  const child = spawn(process.execPath, [BIN, 'registry', 'serve', '--listen', '127.0.0.1:0', ...args], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`registry serve exited (${code}): ${err}`)));
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill(signal);
      }),
  };
}
