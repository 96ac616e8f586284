/**
 * Whether a command line will hash several files (a folder, more than one path, or a folder
 * against its receipt with verify --dir) on the worker pool, so that run.ts can start the
 * hashing threads before the CLI loads. A guess from argv alone — a wrong guess costs only
 * time (an unneeded thread is closed unused, a missing one is started later), never a
 * different result.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** Options of hash and register (and the global ones) that take a value. */
export const TAKES_VALUE: ReadonlySet<string> = new Set([
  '--lang',
  '-a',
  '--algorithm',
  '--identity',
  '--tsa',
  '--min-timestamps',
  '--require-operators',
  '--trust',
  '--out',
  '--timeout',
  '--exclude',
  '--passphrase-file',
  '--receipt',
  '--dir',
  '--policy',
  '--at',
  '--report',
  '--holder-cert',
  '--holder-subject',
  '--holder-issuer',
  '--tsa-cert',
  '--title',
  '--project',
  '--tag',
  '--classification',
  '-C',
  '--base',
  '--attestation',
]);

export function hashesManyFiles(argv: readonly string[], cwd: string): boolean {
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-')) {
      if (TAKES_VALUE.has(a)) i++;
      continue;
    }
    operands.push(a);
  }
  const [command, ...paths] = operands;
  if (command === 'verify') return argv.some((a) => a === '--dir' || a.startsWith('--dir=')); // a whole folder against its receipt
  if (command === 'status' && paths.length === 0) return true; // the current folder
  if (command !== 'hash' && command !== 'register' && command !== 'status') return false;
  if (paths.length !== 1) return paths.length > 1;
  try {
    return !statSync(path.resolve(cwd, paths[0]!)).isFile();
  } catch {
    return false;
  }
}
