/**
 * `npm run test:coverage` (TSPROOF_CHILD_COVERAGE set): the CLI processes the tests spawn write
 * V8 coverage too (NODE_V8_COVERAGE), so that the end-to-end tests count. Most helpers give
 * their children an environment of their own (PATH, HOME, LANG …) rather than the test's: every
 * child_process function is wrapped here to add NODE_V8_COVERAGE to such an environment, and the
 * test process's own environment carries it for the others. The test process itself is measured
 * by vitest as before (setting the variable now does not make this process write a file).
 * test/support/child-coverage.ts gathers the files; scripts/coverage.js maps them to src/.
 */
import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const dir = process.env.TSPROOF_CHILD_COVERAGE;
if (dir) {
  process.env.NODE_V8_COVERAGE = dir;
  const withCoverage = (args: unknown[]): unknown[] => {
    const i = args.findIndex((a) => a !== null && typeof a === 'object' && !Array.isArray(a));
    if (i < 0) return args;
    const o = args[i] as { env?: NodeJS.ProcessEnv };
    if (!o.env || o.env.NODE_V8_COVERAGE !== undefined) return args;
    const copy = [...args];
    copy[i] = { ...o, env: { ...o.env, NODE_V8_COVERAGE: dir } };
    return copy;
  };
  const mutable = cp as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork'] as const) {
    const original = mutable[name]!;
    mutable[name] = function (this: unknown, ...args: unknown[]) {
      return original.apply(this, withCoverage(args));
    };
  }
  syncBuiltinESMExports();
}
