/** Process entry: run the CLI and set the exit code (never process.exit, so output flushes). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
