/**
 * Global set-up: every temporary folder the tests make (os.tmpdir(), mkdtemp) goes into one folder
 * of this run, removed when the run ends — `npm test` used to leave about 70 behind each time.
 * TMPDIR is set before the test workers start, so they and the CLI processes they spawn with the
 * inherited environment use it. A test that wants to keep its files for a look sets
 * TSPROOF_KEEP_TEST_TMP=1.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-tests-'));
  // Other users must be able to pass through, as through /tmp: the PostgreSQL tests run initdb as postgres in a folder below.
  chmodSync(dir, 0o755);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (!process.env.TSPROOF_KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true });
  };
}
