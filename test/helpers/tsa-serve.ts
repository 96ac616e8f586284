/** `tsproof tsa serve` as a child process, for tests of the bundled TSA as a service. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BIN } from './cli.js';

export interface TsaServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Starts `tsproof tsa serve --dir dir --port 0` and resolves with its URL once it listens.
 * `wrap` runs it under another command (e.g. `prlimit --nofile=256:256`), which must exec it.
 */
export async function startTsaServe(dir: string, o: { env?: NodeJS.ProcessEnv; wrap?: string[] } = {}): Promise<TsaServeProcess> {
  let err = '';
  const argv = [process.execPath, BIN, 'tsa', 'serve', '--dir', dir, '--port', '0'];
  const [cmd, ...args] = [...(o.wrap ?? []), ...argv] as [string, ...string[]];
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH, TSPROOF_HOME: path.join(dir, 'home'), ...o.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited: ${err}`)));
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
        child.once('exit', (code) => r(code));
        child.kill('SIGTERM');
      }),
  };
}
