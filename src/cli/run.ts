/** Process entry: run the CLI and set the exit code (never process.exit, so output flushes). */
import module from 'node:module';

// Cache compiled bytecode between runs (Node >= 22.1): start-up is part of every command's cost.
module.enableCompileCache?.();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
