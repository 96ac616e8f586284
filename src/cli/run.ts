/** Process entry: run the CLI and set the exit code (never process.exit, so output flushes). */
import module from 'node:module';

// Cache compiled bytecode between runs (Node >= 22.1): start-up is part of every command's cost.
module.enableCompileCache?.();
// node:sqlite (the registry) says it is experimental on Node 22; a user can do nothing about it, so the
// one-line note is not printed. Every other warning is.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(typeof warning === 'string' ? warning : warning.message).startsWith('SQLite is an experimental feature')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
// A reader that stops early (`tsproof hash … | head`) closes the pipe: end quietly the way
// Unix tools cut off by SIGPIPE do (status 128 + 13), not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});
const argv = process.argv.slice(2);
// Folders and batches are hashed on worker threads, which take ~40 ms to boot: start them
// now, while the rest of the CLI loads and the folder is walked.
const { hashesManyFiles } = await import('./prestart.js');
const engine = hashesManyFiles(argv, process.cwd()) ? await import('../core/hash/engine.js') : undefined;
engine?.prestartHashPool();
const { main } = await import('./main.js');
try {
  process.exitCode = await main(argv);
} finally {
  await engine?.releaseHashPool();
}
