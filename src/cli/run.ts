/** Process entry: run the CLI and set the exit code (never process.exit, so output flushes). */
import module from 'node:module';

// Cache compiled bytecode between runs (Node >= 22.1): start-up is part of every command's cost.
module.enableCompileCache?.();
// A reader that stops early (`tsproof hash … | head`) closes the pipe: end quietly the way
// Unix tools cut off by SIGPIPE do (status 128 + 13), not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
